package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"px360/app"
)

const callCols = `id, hospital_id, coalesce(department_id, 0), call_type, caller_name, caller_phone, coalesce(patient_id, 0),
	agent_user_id, agent_email, started_at, wait_seconds, talk_seconds, resolved, resolution, coalesce(satisfaction, 0), notes,
	low_rating_emitted, coalesce(import_id, 0), created_by, created_at, updated_at`

func scanCall(r scanner) (app.CallInteraction, error) {
	var c app.CallInteraction
	var typ, started, created, updated string
	var resolved, emitted int
	err := r.Scan(&c.ID, &c.HospitalID, &c.DepartmentID, &typ, &c.CallerName, &c.CallerPhone, &c.PatientID, &c.AgentUserID,
		&c.AgentEmail, &started, &c.WaitSeconds, &c.TalkSeconds, &resolved, &c.Resolution, &c.Satisfaction, &c.Notes, &emitted,
		&c.ImportID, &c.CreatedBy, &created, &updated)
	c.Type, c.Resolved, c.LowRatingEmitted = app.CallType(typ), resolved == 1, emitted == 1
	c.StartedAt, c.CreatedAt, c.UpdatedAt = parseTS(started), parseTS(created), parseTS(updated)
	return c, err
}

func nullRating(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// InsertCall records c; c.ID is set. A call record imported twice (same hospital, agent,
// start and caller) is a conflict.
func (tx *Tx) InsertCall(ctx context.Context, c *app.CallInteraction) error {
	c.CreatedAt, c.UpdatedAt, c.CreatedBy = tx.now, tx.now, tx.by.Email
	err := tx.QueryRowContext(ctx, `insert into call_interactions(hospital_id, department_id, call_type, caller_name,
		caller_phone, patient_id, agent_user_id, agent_email, started_at, wait_seconds, talk_seconds, resolved, resolution,
		satisfaction, notes, low_rating_emitted, import_id, created_by, created_at, updated_at)
		values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		c.HospitalID, nullID(c.DepartmentID), string(c.Type), c.CallerName, c.CallerPhone, nullID(c.PatientID), c.AgentUserID,
		c.AgentEmail, ts(c.StartedAt), c.WaitSeconds, c.TalkSeconds, boolInt(c.Resolved), c.Resolution, nullRating(c.Satisfaction),
		c.Notes, boolInt(c.LowRatingEmitted), nullID(c.ImportID), c.CreatedBy, ts(tx.now), ts(tx.now)).Scan(&c.ID)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.call_duplicate"}
	}
	return err
}

// UpdateCall saves every field of c but its hospital, import and creation.
func (tx *Tx) UpdateCall(ctx context.Context, c *app.CallInteraction) error {
	c.UpdatedAt = tx.now
	err := affectOne(tx.ExecContext(ctx, `update call_interactions set department_id = ?, call_type = ?, caller_name = ?,
		caller_phone = ?, patient_id = ?, agent_user_id = ?, agent_email = ?, started_at = ?, wait_seconds = ?, talk_seconds = ?,
		resolved = ?, resolution = ?, satisfaction = ?, notes = ?, low_rating_emitted = ?, updated_at = ? where id = ?`,
		nullID(c.DepartmentID), string(c.Type), c.CallerName, c.CallerPhone, nullID(c.PatientID), c.AgentUserID, c.AgentEmail,
		ts(c.StartedAt), c.WaitSeconds, c.TalkSeconds, boolInt(c.Resolved), c.Resolution, nullRating(c.Satisfaction), c.Notes,
		boolInt(c.LowRatingEmitted), ts(tx.now), c.ID))
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.call_duplicate"}
	}
	return err
}

// CallByID returns the call if its hospital is in scope.
func (s *Store) CallByID(ctx context.Context, scope app.Scope, id int64) (app.CallInteraction, error) {
	return callByID(ctx, s.R, scope, id)
}

// CallByID reads the call inside the transaction that changes it.
func (tx *Tx) CallByID(ctx context.Context, scope app.Scope, id int64) (app.CallInteraction, error) {
	return callByID(ctx, tx, scope, id)
}

func callByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.CallInteraction, error) {
	c, err := scanCall(q.QueryRowContext(ctx, `select `+callCols+` from call_interactions where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(c.HospitalID)) {
		return app.CallInteraction{}, app.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("call %d: %w", id, err)
	}
	return c, nil
}

// CallFilter narrows the call list. Search is a caller's phone number (normalised by
// the caller of ListCalls).
type CallFilter struct {
	app.ListQuery
	Type         app.CallType
	DepartmentID int64
	AgentUserID  string
	Resolved     string // "yes", "no" or "" for both
	LowRating    bool
	From, To     time.Time // started_at in [From, To); zero for open
}

// ListCalls lists calls in scope, newest first.
func (s *Store) ListCalls(ctx context.Context, f CallFilter) (app.Page[app.CallInteraction], error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if !f.Scope.All {
		c, a := scopeIn("hospital_id", f.Scope)
		add(c, a...)
	}
	if f.HospitalID != 0 {
		add("hospital_id = ?", f.HospitalID)
	}
	if f.Search != "" {
		add("caller_phone = ?", f.Search)
	}
	if f.Type != "" {
		add("call_type = ?", string(f.Type))
	}
	if f.DepartmentID != 0 {
		add("department_id = ?", f.DepartmentID)
	}
	if f.AgentUserID != "" {
		add("agent_user_id = ?", f.AgentUserID)
	}
	switch f.Resolved {
	case "yes":
		add("resolved = 1")
	case "no":
		add("resolved = 0")
	}
	if f.LowRating {
		add("satisfaction <= ?", app.LowCallRating)
	}
	if !f.From.IsZero() {
		add("started_at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		add("started_at < ?", ts(f.To))
	}
	return list(ctx, s, keyset{table: "call_interactions", cols: callCols, where: where, args: args, after: f.After,
		before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanCall, func(c app.CallInteraction) int64 { return c.ID })
}

// PatientIDByPhone returns the patient of hospital whose phone is one of numbers (the
// forms a number may be stored in), or 0 when none or more than one patient has it: a
// shared family number links nobody.
func (s *Store) PatientIDByPhone(ctx context.Context, hospitalID int64, numbers ...string) (int64, error) {
	if len(numbers) == 0 {
		return 0, nil
	}
	q := `select id from patients where hospital_id = ? and phone in (?` + repeatMarks(len(numbers)-1) + `) limit 2`
	args := []any{hospitalID}
	for _, n := range numbers {
		args = append(args, n)
	}
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("patient by phone: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		return 0, rows.Err()
	}
	return ids[0], rows.Err()
}

// repeatMarks returns n times ",?".
func repeatMarks(n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, ",?"...)
	}
	return string(b)
}

// InsertCallImport records the start of an import; im.ID is set.
func (tx *Tx) InsertCallImport(ctx context.Context, im *app.CallImport) error {
	im.CreatedBy, im.CreatedAt = tx.by.Email, tx.now
	return tx.QueryRowContext(ctx, `insert into call_imports(hospital_id, file_name, row_count, good_rows, bad_rows, created_by,
		created_at) values (?,?,?,?,?,?,?) returning id`, im.HospitalID, im.FileName, im.Rows, im.Good, im.Bad, im.CreatedBy,
		ts(tx.now)).Scan(&im.ID)
}

// FinishCallImport stores an import's final counts.
func (tx *Tx) FinishCallImport(ctx context.Context, im app.CallImport) error {
	return affectOne(tx.ExecContext(ctx, `update call_imports set row_count = ?, good_rows = ?, bad_rows = ? where id = ?`,
		im.Rows, im.Good, im.Bad, im.ID))
}

// CallImports lists the latest imports of the hospitals in scope.
func (s *Store) CallImports(ctx context.Context, scope app.Scope, limit int) ([]app.CallImport, error) {
	where, args := "1=1", []any{}
	if !scope.All {
		where, args = scopeIn("hospital_id", scope)
	}
	rows, err := s.R.QueryContext(ctx, `select id, hospital_id, file_name, row_count, good_rows, bad_rows, created_by, created_at
		from call_imports where `+where+` order by id desc limit ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("call imports: %w", err)
	}
	defer rows.Close()
	var out []app.CallImport
	for rows.Next() {
		var im app.CallImport
		var at string
		if err := rows.Scan(&im.ID, &im.HospitalID, &im.FileName, &im.Rows, &im.Good, &im.Bad, &im.CreatedBy, &at); err != nil {
			return nil, err
		}
		im.CreatedAt = parseTS(at)
		out = append(out, im)
	}
	return out, rows.Err()
}

// AgentPerformance sums the calls of a hospital that started in [from, to) per agent, in
// one grouped query: calls, average handle time (wait + talk), resolved calls, rated
// calls, average rating and low ratings. Busiest agents first.
func (s *Store) AgentPerformance(ctx context.Context, hospitalID int64, from, to time.Time) ([]app.AgentPerformance, error) {
	rows, err := s.R.QueryContext(ctx, `select c.agent_user_id, max(c.agent_email), coalesce(max(u.name), ''), count(*),
		avg(c.wait_seconds + c.talk_seconds), sum(c.resolved), count(c.satisfaction), coalesce(avg(c.satisfaction), 0),
		sum(case when c.satisfaction <= ? then 1 else 0 end)
		from call_interactions c left join users u on u.id = c.agent_user_id
		where c.hospital_id = ? and c.started_at >= ? and c.started_at < ?
		group by c.agent_user_id order by count(*) desc, max(c.agent_email)`, app.LowCallRating, hospitalID, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("agent performance: %w", err)
	}
	defer rows.Close()
	var out []app.AgentPerformance
	for rows.Next() {
		var p app.AgentPerformance
		if err := rows.Scan(&p.AgentUserID, &p.AgentEmail, &p.AgentName, &p.Calls, &p.AvgHandleSeconds, &p.Resolved, &p.Rated,
			&p.AvgRating, &p.LowRatings); err != nil {
			return nil, fmt.Errorf("agent performance: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
