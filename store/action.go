package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"px360/app"
)

const actionCols = `id, hospital_id, coalesce(department_id, 0), owner_user_id, owner_role, source, source_id, group_key, signal_count,
	title_en, title_ar, description_en, description_ar, category, severity, priority, status, due_at, created_by, created_at,
	updated_at, closed_at`

func scanAction(r scanner) (app.Action, error) {
	var a app.Action
	var role, source, severity, priority, status, due, created, updated, closed string
	err := r.Scan(&a.ID, &a.HospitalID, &a.DepartmentID, &a.OwnerUserID, &role, &source, &a.SourceID, &a.GroupKey, &a.SignalCount,
		&a.TitleEN, &a.TitleAR, &a.DescriptionEN, &a.DescriptionAR, &a.Category, &severity, &priority, &status, &due, &a.CreatedBy,
		&created, &updated, &closed)
	a.OwnerRole, a.Source, a.Severity, a.Priority, a.Status = app.Role(role), app.ActionSource(source), app.Severity(severity),
		app.Priority(priority), app.ActionStatus(status)
	a.DueAt, a.CreatedAt, a.UpdatedAt, a.ClosedAt = parseTS(due), parseTS(created), parseTS(updated), parseTS(closed)
	return a, err
}

// InsertAction adds an action; dueSoon and overdue are when its reminders go.
func (tx *Tx) InsertAction(ctx context.Context, a *app.Action, dueSoon time.Time) error {
	a.CreatedBy, a.CreatedAt, a.UpdatedAt = tx.by.Email, tx.now, tx.now
	if a.SignalCount == 0 {
		a.SignalCount = 1
	}
	return tx.QueryRowContext(ctx, `insert into actions(hospital_id, department_id, owner_user_id, owner_role, source, source_id,
		group_key, signal_count, title_en, title_ar, description_en, description_ar, category, severity, priority, status, due_at,
		due_soon_at, overdue_at, created_by, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		a.HospitalID, nullID(a.DepartmentID), a.OwnerUserID, a.OwnerRole, a.Source, a.SourceID, a.GroupKey, a.SignalCount, a.TitleEN,
		a.TitleAR, a.DescriptionEN, a.DescriptionAR, a.Category, a.Severity, a.Priority, a.Status, ts(a.DueAt), ts(dueSoon),
		ts(a.DueAt), a.CreatedBy, ts(tx.now), ts(tx.now)).Scan(&a.ID)
}

// UpdateAction writes an action's editable fields and status.
func (tx *Tx) UpdateAction(ctx context.Context, a *app.Action) error {
	a.UpdatedAt = tx.now
	if a.Status == app.ActionClosed && a.ClosedAt.IsZero() {
		a.ClosedAt = tx.now
	}
	clearReminders := a.Status.Finished() || a.Status == app.ActionApproved || a.Status == app.ActionPendingApproval
	_, err := tx.ExecContext(ctx, `update actions set department_id = ?, owner_user_id = ?, owner_role = ?, title_en = ?, title_ar = ?,
		description_en = ?, description_ar = ?, category = ?, severity = ?, priority = ?, status = ?, due_at = ?, updated_at = ?,
		closed_at = ?, due_soon_at = case when ? then '' else due_soon_at end, overdue_at = case when ? then '' else overdue_at end
		where id = ?`, nullID(a.DepartmentID), a.OwnerUserID, a.OwnerRole, a.TitleEN, a.TitleAR, a.DescriptionEN, a.DescriptionAR,
		a.Category, a.Severity, a.Priority, a.Status, ts(a.DueAt), ts(tx.now), ts(a.ClosedAt), clearReminders, clearReminders, a.ID)
	return err
}

// ActionByID returns an action in scope with its current approval chain.
func (s *Store) ActionByID(ctx context.Context, scope app.Scope, id int64) (app.Action, error) {
	return actionByID(ctx, s.R, scope, id)
}

// ActionByID is the transactional form.
func (tx *Tx) ActionByID(ctx context.Context, scope app.Scope, id int64) (app.Action, error) {
	return actionByID(ctx, tx, scope, id)
}

func actionByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.Action, error) {
	a, err := scanAction(q.QueryRowContext(ctx, `select `+actionCols+` from actions where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(a.HospitalID)) {
		return a, app.ErrNotFound
	}
	if err != nil {
		return a, err
	}
	rows, err := q.QueryContext(ctx, `select level, role, decided_by, decided_at, approved, comment, round = (select max(round)
		from action_approvals where action_id = ?) from action_approvals where action_id = ? order by round, level`, id, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var p app.ActionApproval
		var role, at string
		var approved, current int
		if err := rows.Scan(&p.Level, &role, &p.DecidedBy, &at, &approved, &p.Comment, &current); err != nil {
			return a, err
		}
		p.Role, p.DecidedAt, p.Approved, p.Superseded = app.Role(role), parseTS(at), approved == 1, current == 0
		a.Approvals = append(a.Approvals, p)
	}
	return a, rows.Err()
}

// StartApprovalRound writes a new round of the approval chain (a submission), one row
// per level.
func (tx *Tx) StartApprovalRound(ctx context.Context, actionID int64, roles []app.Role) error {
	var round int
	if err := tx.QueryRowContext(ctx, `select coalesce(max(round), 0) + 1 from action_approvals where action_id = ?`, actionID).Scan(&round); err != nil {
		return err
	}
	for i, r := range roles {
		if _, err := tx.ExecContext(ctx, `insert into action_approvals(action_id, round, level, role) values (?,?,?,?)`,
			actionID, round, i+1, r); err != nil {
			return err
		}
	}
	return nil
}

// DecideApproval records a decision at a level of the current round.
func (tx *Tx) DecideApproval(ctx context.Context, actionID int64, level int, approved bool, comment string) error {
	_, err := tx.ExecContext(ctx, `update action_approvals set decided_by = ?, decided_at = ?, approved = ?, comment = ?
		where action_id = ? and level = ? and round = (select max(round) from action_approvals where action_id = ?)`,
		tx.by.UserID, ts(tx.now), boolInt(approved), comment, actionID, level, actionID)
	return err
}

// AddActionEntry adds a line to an action's timeline.
func (tx *Tx) AddActionEntry(ctx context.Context, e app.ActionEntry) error {
	actor := tx.by.Email
	if e.Actor != "" {
		actor = e.Actor
	}
	_, err := tx.ExecContext(ctx, `insert into action_timeline(action_id, at, actor, kind, from_status, to_status, note)
		values (?,?,?,?,?,?,?)`, e.ActionID, ts(tx.now), actor, e.Kind, e.From, e.To, e.Note)
	return err
}

// ActionTimeline returns an action's timeline, oldest first.
func (s *Store) ActionTimeline(ctx context.Context, actionID int64) ([]app.ActionEntry, error) {
	rows, err := s.R.QueryContext(ctx, `select id, at, actor, kind, from_status, to_status, note from action_timeline
		where action_id = ? order by id`, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ActionEntry
	for rows.Next() {
		e := app.ActionEntry{ActionID: actionID}
		var at, from, to string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &from, &to, &e.Note); err != nil {
			return nil, err
		}
		e.At, e.From, e.To = parseTS(at), app.ActionStatus(from), app.ActionStatus(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddSignal links a signal to an action once; false when the signal was seen before.
func (tx *Tx) AddSignal(ctx context.Context, source app.ActionSource, sourceID string, actionID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `insert into action_signals(source, source_id, action_id, created_at) values (?,?,?,?)
		on conflict do nothing`, source, sourceID, actionID, ts(tx.now))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SignalSeen reports whether a signal already created or joined an action.
func (tx *Tx) SignalSeen(ctx context.Context, source app.ActionSource, sourceID string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from action_signals where source = ? and source_id = ?`, source, sourceID).Scan(&n)
	return n > 0, err
}

// OpenActionInGroup returns the unfinished action of a group, if any.
func (tx *Tx) OpenActionInGroup(ctx context.Context, groupKey string) (app.Action, bool, error) {
	a, err := scanAction(tx.QueryRowContext(ctx, `select `+actionCols+` from actions where group_key = ? and status not in ('closed','cancelled')`, groupKey))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// BumpSignalCount counts one more signal on an action.
func (tx *Tx) BumpSignalCount(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `update actions set signal_count = signal_count + 1, updated_at = ? where id = ?`, ts(tx.now), id)
	return err
}

// ActionFilter narrows the action list.
type ActionFilter struct {
	Source   app.ActionSource
	SourceID string
	Status   app.ActionStatus
	Owner    string
}

// ListActions pages through actions in scope, newest first.
func (s *Store) ListActions(ctx context.Context, q app.ListQuery, f ActionFilter) (app.Page[app.Action], error) {
	k := keyset{table: "actions", cols: actionCols, after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}
	if !q.Scope.All {
		w, args := scopeIn("hospital_id", q.Scope)
		k.where, k.args = append(k.where, w), append(k.args, args...)
	}
	if q.HospitalID != 0 {
		k.where, k.args = append(k.where, "hospital_id = ?"), append(k.args, q.HospitalID)
	}
	if f.Source != "" {
		k.where, k.args = append(k.where, "source = ?"), append(k.args, f.Source)
	}
	if f.SourceID != "" {
		k.where, k.args = append(k.where, "source_id = ?"), append(k.args, f.SourceID)
	}
	if f.Status != "" {
		k.where, k.args = append(k.where, "status = ?"), append(k.args, f.Status)
	}
	if f.Owner != "" {
		k.where, k.args = append(k.where, "owner_user_id = ?"), append(k.args, f.Owner)
	}
	return list(ctx, s, k, scanAction, func(a app.Action) int64 { return a.ID })
}

// RoutingRules lists the routing rules in order.
func (s *Store) RoutingRules(ctx context.Context) ([]app.RoutingRule, error) {
	return routingRules(ctx, s.R)
}

// RoutingRules is the transactional form.
func (tx *Tx) RoutingRules(ctx context.Context) ([]app.RoutingRule, error) {
	return routingRules(ctx, tx)
}

func routingRules(ctx context.Context, q querier) ([]app.RoutingRule, error) {
	rows, err := q.QueryContext(ctx, `select id, position, hospital_id, source, department_id, category, severity, to_user_id, to_role,
		to_department_id, active from routing_rules order by position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.RoutingRule
	for rows.Next() {
		var r app.RoutingRule
		var source, severity, role string
		var active int
		if err := rows.Scan(&r.ID, &r.Position, &r.HospitalID, &source, &r.DepartmentID, &r.Category, &severity, &r.ToUserID, &role,
			&r.ToDepartmentID, &active); err != nil {
			return nil, err
		}
		r.Source, r.Severity, r.ToRole, r.Active = app.ActionSource(source), app.Severity(severity), app.Role(role), active == 1
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveRoutingRule inserts or updates a rule.
func (tx *Tx) SaveRoutingRule(ctx context.Context, r *app.RoutingRule) error {
	if r.ID == 0 {
		return tx.QueryRowContext(ctx, `insert into routing_rules(position, hospital_id, source, department_id, category, severity,
			to_user_id, to_role, to_department_id, active, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
			r.Position, r.HospitalID, r.Source, r.DepartmentID, r.Category, r.Severity, r.ToUserID, r.ToRole, r.ToDepartmentID,
			boolInt(r.Active), ts(tx.now), ts(tx.now)).Scan(&r.ID)
	}
	_, err := tx.ExecContext(ctx, `update routing_rules set position = ?, hospital_id = ?, source = ?, department_id = ?, category = ?,
		severity = ?, to_user_id = ?, to_role = ?, to_department_id = ?, active = ?, updated_at = ? where id = ?`, r.Position, r.HospitalID,
		r.Source, r.DepartmentID, r.Category, r.Severity, r.ToUserID, r.ToRole, r.ToDepartmentID, boolInt(r.Active), ts(tx.now), r.ID)
	return err
}

// DeleteRoutingRule removes a rule.
func (tx *Tx) DeleteRoutingRule(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `delete from routing_rules where id = ?`, id)
	return err
}

// ActionSettings returns a hospital's action settings (the defaults when none saved).
func (s *Store) ActionSettings(ctx context.Context, hospitalID int64) (app.ActionSettings, error) {
	var js string
	err := s.R.QueryRowContext(ctx, `select settings from action_settings where hospital_id = ?`, hospitalID).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return app.DefaultActionSettings(hospitalID), nil
	}
	if err != nil {
		return app.ActionSettings{}, err
	}
	out := app.DefaultActionSettings(hospitalID)
	err = json.Unmarshal([]byte(js), &out)
	return out, err
}

// SaveActionSettings stores a hospital's action settings.
func (tx *Tx) SaveActionSettings(ctx context.Context, set app.ActionSettings) error {
	js, _ := json.Marshal(set)
	_, err := tx.ExecContext(ctx, `insert into action_settings(hospital_id, settings, updated_at) values (?,?,?)
		on conflict(hospital_id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
		set.HospitalID, string(js), ts(tx.now))
	return err
}

// DueActionReminders returns up to limit actions whose due-soon (kind "due_soon") or
// overdue (kind "overdue") time has come.
func (s *Store) DueActionReminders(ctx context.Context, kind string, now time.Time, limit int) ([]app.Action, error) {
	col := "due_soon_at"
	if kind == "overdue" {
		col = "overdue_at"
	}
	rows, err := s.R.QueryContext(ctx, `select `+actionCols+` from actions where `+col+` != '' and `+col+` <= ? order by `+col+` limit ?`,
		ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ClearActionReminder marks an action's due-soon or overdue notice as sent.
func (tx *Tx) ClearActionReminder(ctx context.Context, id int64, kind string) error {
	col := "due_soon_at"
	if kind == "overdue" {
		col = "overdue_at"
	}
	_, err := tx.ExecContext(ctx, `update actions set `+col+` = '' where id = ?`, id)
	return err
}

// Attachment of any record.
type RecordAttachment struct {
	ID          int64
	RecordType  string
	RecordID    int64
	HospitalID  int64
	SHA256      string
	Name        string
	ContentType string
	Size        int64
	UploadedBy  string
	CreatedAt   time.Time
}

// InsertRecordAttachment records a stored file as an attachment of a record.
func (tx *Tx) InsertRecordAttachment(ctx context.Context, a *RecordAttachment) error {
	a.UploadedBy, a.CreatedAt = tx.by.Email, tx.now
	return tx.QueryRowContext(ctx, `insert into attachments(record_type, record_id, hospital_id, sha256, name, content_type, size,
		uploaded_by, created_at) values (?,?,?,?,?,?,?,?,?) returning id`, a.RecordType, a.RecordID, a.HospitalID, a.SHA256, a.Name,
		a.ContentType, a.Size, a.UploadedBy, ts(tx.now)).Scan(&a.ID)
}

// RecordAttachments lists a record's attachments, oldest first.
func (s *Store) RecordAttachments(ctx context.Context, recordType string, recordID int64) ([]RecordAttachment, error) {
	return recordAttachments(ctx, s.R, recordType, recordID)
}

// RecordAttachments is the transactional form.
func (tx *Tx) RecordAttachments(ctx context.Context, recordType string, recordID int64) ([]RecordAttachment, error) {
	return recordAttachments(ctx, tx, recordType, recordID)
}

func recordAttachments(ctx context.Context, q querier, recordType string, recordID int64) ([]RecordAttachment, error) {
	rows, err := q.QueryContext(ctx, `select id, record_type, record_id, hospital_id, sha256, name, content_type, size, uploaded_by,
		created_at from attachments where record_type = ? and record_id = ? order by id`, recordType, recordID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecordAttachment
	for rows.Next() {
		var a RecordAttachment
		var created string
		if err := rows.Scan(&a.ID, &a.RecordType, &a.RecordID, &a.HospitalID, &a.SHA256, &a.Name, &a.ContentType, &a.Size,
			&a.UploadedBy, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = parseTS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// RecordAttachmentByID returns one attachment in scope.
func (s *Store) RecordAttachmentByID(ctx context.Context, scope app.Scope, id int64) (RecordAttachment, error) {
	var a RecordAttachment
	var created string
	err := s.R.QueryRowContext(ctx, `select id, record_type, record_id, hospital_id, sha256, name, content_type, size, uploaded_by,
		created_at from attachments where id = ?`, id).Scan(&a.ID, &a.RecordType, &a.RecordID, &a.HospitalID, &a.SHA256, &a.Name,
		&a.ContentType, &a.Size, &a.UploadedBy, &created)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(a.HospitalID)) {
		return a, app.ErrNotFound
	}
	a.CreatedAt = parseTS(created)
	return a, err
}
