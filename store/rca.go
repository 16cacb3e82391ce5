package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"px360/app"
)

const rcaCols = `id, hospital_id, title, problem, status, likelihood, impact, created_by, created_at, updated_at, closed_at`

func scanRCA(r scanner) (app.RCA, error) {
	var x app.RCA
	var created, updated, closed string
	err := r.Scan(&x.ID, &x.HospitalID, &x.Title, &x.Problem, &x.Status, &x.Likelihood, &x.Impact, &x.CreatedBy, &created, &updated, &closed)
	x.CreatedAt, x.UpdatedAt, x.ClosedAt = parseTS(created), parseTS(updated), parseTS(closed)
	return x, err
}

// RCAByID returns an RCA in scope with its team, links, causes and corrective actions.
func (s *Store) RCAByID(ctx context.Context, scope app.Scope, id int64) (app.RCA, error) {
	return rcaByID(ctx, s.R, scope, id)
}

// RCAByID is the transactional form.
func (tx *Tx) RCAByID(ctx context.Context, scope app.Scope, id int64) (app.RCA, error) {
	return rcaByID(ctx, tx, scope, id)
}

func rcaByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.RCA, error) {
	r, err := scanRCA(q.QueryRowContext(ctx, `select `+rcaCols+` from rcas where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(r.HospitalID)) {
		return r, app.ErrNotFound
	}
	if err != nil {
		return r, err
	}
	rows, err := q.QueryContext(ctx, `select user_id from rca_team where rca_id = ? order by user_id`, id)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return r, err
		}
		r.Team = append(r.Team, u)
	}
	rows.Close()
	if rows, err = q.QueryContext(ctx, `select record_type, record_id from rca_links where rca_id = ? order by record_type, record_id`, id); err != nil {
		return r, err
	}
	for rows.Next() {
		var l app.RCALink
		if err := rows.Scan(&l.Type, &l.ID); err != nil {
			rows.Close()
			return r, err
		}
		r.Links = append(r.Links, l)
	}
	rows.Close()
	if rows, err = q.QueryContext(ctx, `select id, category, text, whys from rca_root_causes where rca_id = ? order by id`, id); err != nil {
		return r, err
	}
	for rows.Next() {
		var c app.RootCause
		var cat, whys string
		if err := rows.Scan(&c.ID, &cat, &c.Text, &whys); err != nil {
			rows.Close()
			return r, err
		}
		c.Category = app.RootCauseCategory(cat)
		_ = json.Unmarshal([]byte(whys), &c.Whys)
		r.RootCauses = append(r.RootCauses, c)
	}
	rows.Close()
	if rows, err = q.QueryContext(ctx, `select id, text, owner_user_id, due_at, status, effectiveness from rca_corrective_actions
		where rca_id = ? order by id`, id); err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var c app.CorrectiveAction
		var due string
		if err := rows.Scan(&c.ID, &c.Text, &c.OwnerUserID, &due, &c.Status, &c.Effectiveness); err != nil {
			return r, err
		}
		c.DueAt = parseTS(due)
		r.CorrectiveActions = append(r.CorrectiveActions, c)
	}
	return r, rows.Err()
}

// SaveRCA inserts or updates an RCA and replaces its team, links, causes and
// corrective actions.
func (tx *Tx) SaveRCA(ctx context.Context, r *app.RCA) error {
	r.UpdatedAt = tx.now
	if r.ID == 0 {
		r.CreatedBy, r.CreatedAt = tx.by.Email, tx.now
		if err := tx.QueryRowContext(ctx, `insert into rcas(hospital_id, title, problem, status, likelihood, impact, created_by,
			created_at, updated_at) values (?,?,?,?,?,?,?,?,?) returning id`, r.HospitalID, r.Title, r.Problem, r.Status, r.Likelihood,
			r.Impact, r.CreatedBy, ts(tx.now), ts(tx.now)).Scan(&r.ID); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `update rcas set title = ?, problem = ?, likelihood = ?, impact = ?, updated_at = ? where id = ?`,
		r.Title, r.Problem, r.Likelihood, r.Impact, ts(tx.now), r.ID); err != nil {
		return err
	}
	for _, q := range []string{`delete from rca_team where rca_id = ?`, `delete from rca_links where rca_id = ?`,
		`delete from rca_root_causes where rca_id = ?`, `delete from rca_corrective_actions where rca_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, r.ID); err != nil {
			return err
		}
	}
	for _, u := range r.Team {
		if _, err := tx.ExecContext(ctx, `insert into rca_team(rca_id, user_id) values (?,?) on conflict do nothing`, r.ID, u); err != nil {
			return err
		}
	}
	for _, l := range r.Links {
		if _, err := tx.ExecContext(ctx, `insert into rca_links(rca_id, record_type, record_id) values (?,?,?) on conflict do nothing`,
			r.ID, l.Type, l.ID); err != nil {
			return err
		}
	}
	for i := range r.RootCauses {
		c := &r.RootCauses[i]
		whys, _ := json.Marshal(c.Whys)
		if c.Whys == nil {
			whys = []byte("[]")
		}
		if err := tx.QueryRowContext(ctx, `insert into rca_root_causes(rca_id, category, text, whys) values (?,?,?,?) returning id`,
			r.ID, c.Category, c.Text, string(whys)).Scan(&c.ID); err != nil {
			return err
		}
	}
	for i := range r.CorrectiveActions {
		c := &r.CorrectiveActions[i]
		if err := tx.QueryRowContext(ctx, `insert into rca_corrective_actions(rca_id, text, owner_user_id, due_at, status, effectiveness)
			values (?,?,?,?,?,?) returning id`, r.ID, c.Text, c.OwnerUserID, ts(c.DueAt), c.Status, c.Effectiveness).Scan(&c.ID); err != nil {
			return err
		}
	}
	return nil
}

// SetRCAStatus changes an RCA's status.
func (tx *Tx) SetRCAStatus(ctx context.Context, id int64, status string) error {
	closed := ""
	if status == "closed" {
		closed = ts(tx.now)
	}
	_, err := tx.ExecContext(ctx, `update rcas set status = ?, closed_at = ?, updated_at = ? where id = ?`, status, closed, ts(tx.now), id)
	return err
}

// RCAHistoryEntry is one status change of an RCA.
type RCAHistoryEntry struct {
	At       time.Time
	Actor    string
	From, To string
	Note     string
}

// AddRCAHistory records a status change.
func (tx *Tx) AddRCAHistory(ctx context.Context, id int64, from, to, note string) error {
	_, err := tx.ExecContext(ctx, `insert into rca_history(rca_id, at, actor, from_status, to_status, note) values (?,?,?,?,?,?)`,
		id, ts(tx.now), tx.by.Email, from, to, note)
	return err
}

// RCAHistory returns an RCA's status history, oldest first.
func (s *Store) RCAHistory(ctx context.Context, id int64) ([]RCAHistoryEntry, error) {
	rows, err := s.R.QueryContext(ctx, `select at, actor, from_status, to_status, note from rca_history where rca_id = ? order by id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RCAHistoryEntry
	for rows.Next() {
		var e RCAHistoryEntry
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListRCAs pages through RCAs in scope, newest first (without their details).
func (s *Store) ListRCAs(ctx context.Context, q app.ListQuery) (app.Page[app.RCA], error) {
	k := keyset{table: "rcas", cols: rcaCols, after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}
	if !q.Scope.All {
		w, args := scopeIn("hospital_id", q.Scope)
		k.where, k.args = append(k.where, w), append(k.args, args...)
	}
	return list(ctx, s, k, scanRCA, func(r app.RCA) int64 { return r.ID })
}
