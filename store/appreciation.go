package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

// AppreciationCategories returns the categories in their display order; inactive ones
// only when all is set.
func (s *Store) AppreciationCategories(ctx context.Context, all bool) ([]app.AppreciationCategory, error) {
	rows, err := s.R.QueryContext(ctx, `select id, code, name_en, name_ar, active from appreciation_categories
		where active = 1 or ? order by sort, id`, boolInt(all))
	if err != nil {
		return nil, fmt.Errorf("appreciation categories: %w", err)
	}
	defer rows.Close()
	var out []app.AppreciationCategory
	for rows.Next() {
		var c app.AppreciationCategory
		var active int
		if err := rows.Scan(&c.ID, &c.Code, &c.NameEN, &c.NameAR, &active); err != nil {
			return nil, err
		}
		c.Active = active == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

const appreciationCols = `id, hospital_id, coalesce(department_id, 0), recipient_staff_id, recipient_user_id, sender_kind,
	sender_name, sender_user_id, anonymous, coalesce(category_id, 0), message, language, visibility, status, created_at,
	updated_at, sent_at, acknowledged_at`

func scanAppreciation(r scanner) (app.Appreciation, error) {
	var a app.Appreciation
	var kind, vis, status, created, updated, sent, acked string
	var anon int
	err := r.Scan(&a.ID, &a.HospitalID, &a.DepartmentID, &a.RecipientStaffID, &a.RecipientUserID, &kind, &a.SenderName,
		&a.SenderUserID, &anon, &a.CategoryID, &a.Message, &a.Language, &vis, &status, &created, &updated, &sent, &acked)
	a.SenderKind, a.Visibility, a.Status, a.Anonymous = app.SenderKind(kind), app.Visibility(vis), app.AppreciationStatus(status), anon == 1
	a.CreatedAt, a.UpdatedAt, a.SentAt, a.AcknowledgedAt = parseTS(created), parseTS(updated), parseTS(sent), parseTS(acked)
	return a, err
}

// InsertAppreciation stores a; a.ID is set.
func (tx *Tx) InsertAppreciation(ctx context.Context, a *app.Appreciation) error {
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	return tx.QueryRowContext(ctx, `insert into appreciations(hospital_id, department_id, recipient_staff_id, recipient_user_id,
		sender_kind, sender_name, sender_user_id, anonymous, category_id, message, language, visibility, status, created_at,
		updated_at, sent_at, acknowledged_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		a.HospitalID, nullID(a.DepartmentID), a.RecipientStaffID, a.RecipientUserID, string(a.SenderKind), a.SenderName,
		a.SenderUserID, boolInt(a.Anonymous), nullID(a.CategoryID), a.Message, a.Language, string(a.Visibility), string(a.Status),
		ts(tx.now), ts(tx.now), ts(a.SentAt), ts(a.AcknowledgedAt)).Scan(&a.ID)
}

// UpdateAppreciationStatus saves a's status, its times and its recipient's user account.
func (tx *Tx) UpdateAppreciationStatus(ctx context.Context, a *app.Appreciation) error {
	a.UpdatedAt = tx.now
	return affectOne(tx.ExecContext(ctx, `update appreciations set status = ?, recipient_user_id = ?, sent_at = ?,
		acknowledged_at = ?, updated_at = ? where id = ?`, string(a.Status), a.RecipientUserID, ts(a.SentAt), ts(a.AcknowledgedAt),
		ts(tx.now), a.ID))
}

// AppreciationByID returns the appreciation if its hospital is in scope (the caller
// checks its visibility).
func (s *Store) AppreciationByID(ctx context.Context, scope app.Scope, id int64) (app.Appreciation, error) {
	return appreciationByID(ctx, s.R, scope, id)
}

// AppreciationByID reads the appreciation inside the transaction that changes it.
func (tx *Tx) AppreciationByID(ctx context.Context, scope app.Scope, id int64) (app.Appreciation, error) {
	return appreciationByID(ctx, tx, scope, id)
}

func appreciationByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.Appreciation, error) {
	a, err := scanAppreciation(q.QueryRowContext(ctx, `select `+appreciationCols+` from appreciations where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(a.HospitalID)) {
		return app.Appreciation{}, app.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("appreciation %d: %w", id, err)
	}
	return a, nil
}

// ReceivedCount is how many appreciations staff member staffID has received (sent or
// acknowledged; drafts do not count).
func (tx *Tx) ReceivedCount(ctx context.Context, staffID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from appreciations where recipient_staff_id = ? and status != 'draft'`,
		staffID).Scan(&n)
	return n, err
}

// SentToSince is how many appreciations user senderID wrote to staff member staffID since t.
func (tx *Tx) SentToSince(ctx context.Context, senderID string, staffID int64, since time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from appreciations where sender_user_id = ? and recipient_staff_id = ?
		and created_at >= ?`, senderID, staffID, ts(since)).Scan(&n)
	return n, err
}

// AwardBadge gives b unless the staff member already holds that badge for its period;
// it reports whether b is new (b.ID is then set).
func (tx *Tx) AwardBadge(ctx context.Context, b *app.Badge) (bool, error) {
	b.AwardedAt = tx.now
	err := tx.QueryRowContext(ctx, `insert into badges(hospital_id, staff_id, code, period, appreciation_id, awarded_at)
		values (?,?,?,?,?,?) on conflict (staff_id, code, period) do nothing returning id`,
		b.HospitalID, b.StaffID, string(b.Code), b.Period, nullID(b.AppreciationID), ts(tx.now)).Scan(&b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("award badge %s: %w", b.Code, err)
	}
	return true, nil
}

// BadgesOf returns the badges of the staff members, oldest first, keyed by staff id.
func (s *Store) BadgesOf(ctx context.Context, staffIDs []int64) (map[int64][]app.Badge, error) {
	out := map[int64][]app.Badge{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(staffIDs))
	for i, id := range staffIDs {
		args[i] = id
	}
	rows, err := s.R.QueryContext(ctx, `select id, hospital_id, staff_id, code, period, coalesce(appreciation_id, 0), awarded_at
		from badges where staff_id in (?`+repeatMarks(len(args)-1)+`) order by awarded_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("badges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b app.Badge
		var code, at string
		if err := rows.Scan(&b.ID, &b.HospitalID, &b.StaffID, &code, &b.Period, &b.AppreciationID, &at); err != nil {
			return nil, err
		}
		b.Code, b.AwardedAt = app.BadgeCode(code), parseTS(at)
		out[b.StaffID] = append(out[b.StaffID], b)
	}
	return out, rows.Err()
}

// AppreciationFilter selects the appreciations a viewer may read.
type AppreciationFilter struct {
	app.ListQuery
	Viewer app.AppreciationViewer
	// Box narrows the feed: "received" (to the viewer), "sent" (by the viewer, drafts
	// too) or "" for everything the viewer may read.
	Box string
}

// ListAppreciations lists what f.Viewer may read (app.Appreciation.VisibleTo, as SQL),
// newest first.
func (s *Store) ListAppreciations(ctx context.Context, f AppreciationFilter) (app.Page[app.Appreciation], error) {
	v := f.Viewer
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if !v.Scope.All {
		c, a := scopeIn("hospital_id", v.Scope)
		add(c, a...)
	}
	if f.HospitalID != 0 {
		add("hospital_id = ?", f.HospitalID)
	}
	// The viewer as recipient: by user id, or by the e-mail of the staff record.
	recipient, recipientArgs := "recipient_staff_id in (select id from staff where email = ? and email != '')", []any{strings.ToLower(v.Email)}
	if v.UserID != "" {
		recipient, recipientArgs = "(recipient_user_id = ? or "+recipient+")", append([]any{v.UserID}, recipientArgs...)
	}
	switch f.Box {
	case "sent":
		add("sender_user_id = ? and sender_user_id != ''", v.UserID)
	case "received":
		add("status != 'draft' and "+recipient, recipientArgs...)
	default:
		readable := []string{"visibility in ('hospital','public')"}
		var rargs []any
		switch {
		case v.AllDepartments:
			readable = append(readable, "visibility = 'department'")
		case len(v.DepartmentIDs) > 0:
			readable = append(readable, "(visibility = 'department' and department_id in (?"+repeatMarks(len(v.DepartmentIDs)-1)+"))")
			for _, d := range v.DepartmentIDs {
				rargs = append(rargs, d)
			}
		}
		readable = append(readable, recipient)
		rargs = append(rargs, recipientArgs...)
		cond := "(status != 'draft' and (" + strings.Join(readable, " or ") + "))"
		if v.UserID != "" {
			cond = "(sender_user_id = ? or " + cond + ")"
			rargs = append([]any{v.UserID}, rargs...)
		}
		add(cond, rargs...)
	}
	return list(ctx, s, keyset{table: "appreciations", cols: appreciationCols, where: where, args: args, after: f.After,
		before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanAppreciation, func(a app.Appreciation) int64 { return a.ID })
}

// PublicAppreciations lists a hospital's sent appreciations whose sender chose the
// public wall, newest first.
func (s *Store) PublicAppreciations(ctx context.Context, hospitalID int64, after int64, limit int) (app.Page[app.Appreciation], error) {
	return list(ctx, s, keyset{table: "appreciations", cols: appreciationCols,
		where: []string{"hospital_id = ?", "visibility = 'public'", "status != 'draft'"}, args: []any{hospitalID},
		after: after, limit: limit, noCount: true}, scanAppreciation, func(a app.Appreciation) int64 { return a.ID })
}

// Leaderboard ranks the staff of a hospital (of one department when departmentID is
// set) by the appreciations they received in [from, to), most first; equal counts share
// a rank. Drafts do not count; visibility does not matter, since only counts are shown.
func (s *Store) Leaderboard(ctx context.Context, hospitalID, departmentID int64, from, to time.Time, limit int) ([]app.LeaderboardRow, error) {
	q := `select a.recipient_staff_id, count(*), s.name_en, s.name_ar, coalesce(s.department_id, 0)
		from appreciations a join staff s on s.id = a.recipient_staff_id
		where a.hospital_id = ? and a.status != 'draft' and a.sent_at >= ? and a.sent_at < ?`
	args := []any{hospitalID, ts(from), ts(to)}
	if departmentID != 0 {
		q += ` and a.department_id = ?`
		args = append(args, departmentID)
	}
	q += ` group by a.recipient_staff_id order by count(*) desc, min(a.sent_at), a.recipient_staff_id limit ?`
	rows, err := s.R.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	defer rows.Close()
	var out []app.LeaderboardRow
	for rows.Next() {
		var r app.LeaderboardRow
		if err := rows.Scan(&r.StaffID, &r.Count, &r.NameEN, &r.NameAR, &r.DepartmentID); err != nil {
			return nil, err
		}
		r.Rank = len(out) + 1
		if n := len(out); n > 0 && out[n-1].Count == r.Count {
			r.Rank = out[n-1].Rank
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StaffByEmail returns the active staff records with e-mail address email in scope.
func (s *Store) StaffByEmail(ctx context.Context, scope app.Scope, email string) ([]app.Staff, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, nil
	}
	where, args := "email = ? and active = 1", []any{email}
	if !scope.All {
		c, a := scopeIn("hospital_id", scope)
		where, args = where+" and "+c, append(args, a...)
	}
	rows, err := s.R.QueryContext(ctx, `select `+staffCols+` from staff where `+where+` order by id`, args...)
	if err != nil {
		return nil, fmt.Errorf("staff by email: %w", err)
	}
	defer rows.Close()
	var out []app.Staff
	for rows.Next() {
		x, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
