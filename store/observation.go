package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"px360/app"
)

const observationCols = `id, hospital_id, coalesce(department_id, 0), coalesce(category_id, 0), coalesce(subcategory_id, 0),
	severity, status, description, location, tracking_code, identified, reporter_name, reporter_contact, assigned_to, due_at,
	reminder_hours, resolution, created_at, updated_at, resolved_at, closed_at`

func scanObservation(r scanner) (app.Observation, error) {
	var o app.Observation
	var sev, status, due, created, updated, resolved, closed string
	var identified int
	err := r.Scan(&o.ID, &o.HospitalID, &o.DepartmentID, &o.CategoryID, &o.SubcategoryID, &sev, &status, &o.Description,
		&o.Location, &o.TrackingCode, &identified, &o.ReporterName, &o.ReporterContact, &o.AssignedTo, &due, &o.ReminderHours, &o.Resolution,
		&created, &updated, &resolved, &closed)
	o.Severity, o.Status, o.Identified = app.Severity(sev), app.ObservationStatus(status), identified == 1
	o.DueAt, o.CreatedAt, o.UpdatedAt = parseTS(due), parseTS(created), parseTS(updated)
	o.ResolvedAt, o.ClosedAt = parseTS(resolved), parseTS(closed)
	return o, err
}

// InsertObservation creates o under rule with its first SLA milestone; o.ID is set. A
// taken tracking code is a conflict (the caller draws another). Nothing about the
// request that carried it is stored.
func (tx *Tx) InsertObservation(ctx context.Context, o *app.Observation, rule app.ObservationSLARule, next time.Time) error {
	o.CreatedAt, o.UpdatedAt, o.ReminderHours = tx.now, tx.now, rule.ReminderHours
	err := tx.QueryRowContext(ctx, `insert into observations(hospital_id, department_id, category_id, subcategory_id, severity,
		status, description, location, tracking_code, identified, reporter_name, reporter_contact, assigned_to, sla_hours,
		reminder_hours, due_at, next_milestone_at, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		o.HospitalID, nullID(o.DepartmentID), nullID(o.CategoryID), nullID(o.SubcategoryID), string(o.Severity), string(o.Status),
		o.Description, o.Location, o.TrackingCode, boolInt(o.Identified), o.ReporterName, o.ReporterContact, o.AssignedTo,
		rule.Hours, rule.ReminderHours, ts(o.DueAt), ts(next), ts(tx.now), ts(tx.now)).Scan(&o.ID)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.tracking_code_taken"}
	}
	return err
}

// UpdateObservation saves o's workflow fields: classification, severity, status,
// assignment, resolution, the times, and the SLA (rule, due time, next milestone).
func (tx *Tx) UpdateObservation(ctx context.Context, o *app.Observation, rule app.ObservationSLARule, next time.Time) error {
	o.UpdatedAt, o.ReminderHours = tx.now, rule.ReminderHours
	return affectOne(tx.ExecContext(ctx, `update observations set department_id = ?, category_id = ?, subcategory_id = ?,
		severity = ?, status = ?, assigned_to = ?, resolution = ?, sla_hours = ?, reminder_hours = ?, due_at = ?,
		next_milestone_at = ?, updated_at = ?, resolved_at = ?, closed_at = ? where id = ?`,
		nullID(o.DepartmentID), nullID(o.CategoryID), nullID(o.SubcategoryID), string(o.Severity), string(o.Status), o.AssignedTo,
		o.Resolution, rule.Hours, rule.ReminderHours, ts(o.DueAt), ts(next), ts(tx.now), ts(o.ResolvedAt), ts(o.ClosedAt), o.ID))
}

// ObservationByID returns the observation if its hospital is in scope.
func (s *Store) ObservationByID(ctx context.Context, scope app.Scope, id int64) (app.Observation, error) {
	return observationByID(ctx, s.R, scope, id)
}

// ObservationByID reads the observation inside the transaction.
func (tx *Tx) ObservationByID(ctx context.Context, scope app.Scope, id int64) (app.Observation, error) {
	return observationByID(ctx, tx, scope, id)
}

func observationByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.Observation, error) {
	o, err := scanObservation(q.QueryRowContext(ctx, `select `+observationCols+` from observations where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(o.HospitalID)) {
		return app.Observation{}, app.ErrNotFound
	}
	return o, err
}

// ObservationByTrackingCode returns the observation with a (normalised) tracking code.
func (s *Store) ObservationByTrackingCode(ctx context.Context, code string) (app.Observation, error) {
	o, err := scanObservation(s.R.QueryRowContext(ctx, `select `+observationCols+` from observations where tracking_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Observation{}, app.ErrNotFound
	}
	return o, err
}

// ObservationSLA reads the rule an observation runs under (as it was when set).
func (tx *Tx) ObservationSLA(ctx context.Context, id int64) (app.ObservationSLARule, error) {
	var r app.ObservationSLARule
	var sev string
	err := tx.QueryRowContext(ctx, `select hospital_id, severity, sla_hours, reminder_hours from observations where id = ?`, id).
		Scan(&r.HospitalID, &sev, &r.Hours, &r.ReminderHours)
	r.Severity = app.Severity(sev)
	return r, err
}

// ObservationFilter narrows the observation list.
type ObservationFilter struct {
	app.ListQuery
	Status       app.ObservationStatus
	Severity     app.Severity
	CategoryID   int64
	DepartmentID int64
	AssignedTo   string    // a user id
	OverdueAt    time.Time // set: only running observations due before this instant
}

// ListObservations lists observations in scope, newest first, with keyset pagination. A
// search term matches a tracking code.
func (s *Store) ListObservations(ctx context.Context, f ObservationFilter) (app.Page[app.Observation], error) {
	var where []string
	var args []any
	if !f.Scope.All {
		c, a := scopeIn("hospital_id", f.Scope)
		where, args = append(where, c), append(args, a...)
	}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.HospitalID != 0 {
		add("hospital_id = ?", f.HospitalID)
	}
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.Severity != "" {
		add("severity = ?", string(f.Severity))
	}
	if f.CategoryID != 0 {
		add("category_id = ?", f.CategoryID)
	}
	if f.DepartmentID != 0 {
		add("department_id = ?", f.DepartmentID)
	}
	if f.AssignedTo != "" {
		add("assigned_to = ?", f.AssignedTo)
	}
	if !f.OverdueAt.IsZero() {
		add("status in ('new','triage','assigned','in_progress') and due_at < ?", ts(f.OverdueAt))
	}
	if strings.TrimSpace(f.Search) != "" {
		add("tracking_code = ?", app.NormalizeTrackingCode(f.Search))
	}
	return list(ctx, s, keyset{table: "observations", cols: observationCols, where: where, args: args, after: f.After,
		before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanObservation, func(x app.Observation) int64 { return x.ID })
}

// AddObservationLog appends an entry to an observation's status log, by the
// transaction's actor unless the entry names one ("anonymous" for the reporter).
func (tx *Tx) AddObservationLog(ctx context.Context, e app.RecordLogEntry) error {
	return tx.addRecordLog(ctx, "observation_log", "observation_id", e)
}

// ObservationLog returns an observation's log, oldest first; publicOnly keeps what the
// reporter may see on the tracking page.
func (s *Store) ObservationLog(ctx context.Context, id int64, publicOnly bool) ([]app.RecordLogEntry, error) {
	return s.recordLog(ctx, "observation_log", "observation_id", id, publicOnly)
}

const obsCategoryCols = `id, hospital_id, parent_id, code, name_en, name_ar, active, position`

func scanObsCategory(r scanner) (app.ObservationCategory, error) {
	var c app.ObservationCategory
	var active int
	err := r.Scan(&c.ID, &c.HospitalID, &c.ParentID, &c.Code, &c.NameEN, &c.NameAR, &active, &c.Position)
	c.Active = active == 1
	return c, err
}

// ObservationCategories lists the active categories and subcategories a hospital uses:
// the group's defaults and its own (hospitalID 0: the defaults only), in display order.
func (s *Store) ObservationCategories(ctx context.Context, hospitalID int64) ([]app.ObservationCategory, error) {
	rows, err := s.R.QueryContext(ctx, `select `+obsCategoryCols+` from observation_categories
		where active = 1 and hospital_id in (0, ?) order by parent_id, position, id`, hospitalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ObservationCategory
	for rows.Next() {
		c, err := scanObsCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ObservationCategoriesByID returns categories by id (any hospital: names for pages).
func (s *Store) ObservationCategoriesByID(ctx context.Context, ids []int64) (map[int64]app.ObservationCategory, error) {
	out := map[int64]app.ObservationCategory{}
	for _, id := range ids {
		if _, done := out[id]; done || id == 0 {
			continue
		}
		c, err := scanObsCategory(s.R.QueryRowContext(ctx, `select `+obsCategoryCols+` from observation_categories where id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, nil
}

// ObservationSLARules lists the saved rules of a hospital and of the group (hospital 0).
func (s *Store) ObservationSLARules(ctx context.Context, hospitalID int64) ([]app.ObservationSLARule, error) {
	rows, err := s.R.QueryContext(ctx, `select hospital_id, severity, hours, reminder_hours from observation_sla_rules
		where hospital_id in (0, ?) order by hospital_id, severity`, hospitalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ObservationSLARule
	for rows.Next() {
		var r app.ObservationSLARule
		var sev string
		if err := rows.Scan(&r.HospitalID, &sev, &r.Hours, &r.ReminderHours); err != nil {
			return nil, err
		}
		r.Severity = app.Severity(sev)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveObservationSLARule inserts or replaces the rule of (hospital, severity).
func (tx *Tx) SaveObservationSLARule(ctx context.Context, r app.ObservationSLARule) error {
	_, err := tx.ExecContext(ctx, `insert into observation_sla_rules(hospital_id, severity, hours, reminder_hours, updated_at)
		values (?,?,?,?,?) on conflict (hospital_id, severity) do update set hours = excluded.hours,
		reminder_hours = excluded.reminder_hours, updated_at = excluded.updated_at`,
		r.HospitalID, string(r.Severity), r.Hours, r.ReminderHours, ts(tx.now))
	return err
}

// DueObservationMilestones returns up to limit ids of observations whose next SLA
// milestone is due at now (the sweep's work list).
func (s *Store) DueObservationMilestones(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.R.QueryContext(ctx, `select id from observations where next_milestone_at != '' and next_milestone_at <= ?
		order by next_milestone_at limit ?`, ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FireObservationMilestone records that a reminder or overdue notice went; false means
// it had gone already, which makes each exactly-once.
func (tx *Tx) FireObservationMilestone(ctx context.Context, id int64, kind string, due time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `insert or ignore into observation_reminders(observation_id, kind, due_at, fired_at)
		values (?,?,?,?)`, id, kind, ts(due), ts(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FiredObservationMilestones lists the milestone kinds already fired for an observation.
func (tx *Tx) FiredObservationMilestones(ctx context.Context, id int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `select kind from observation_reminders where observation_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fired := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		fired[k] = true
	}
	return fired, rows.Err()
}

// SetObservationNextMilestone stores when the sweep should next look at the observation.
func (tx *Tx) SetObservationNextMilestone(ctx context.Context, id int64, next time.Time) error {
	_, err := tx.ExecContext(ctx, `update observations set next_milestone_at = ? where id = ?`, ts(next), id)
	return err
}

// ClearObservationMilestones forgets the fired reminders (a new due time after triage
// changed the severity, or work resumed): they may fire again for the new due time.
func (tx *Tx) ClearObservationMilestones(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `delete from observation_reminders where observation_id = ?`, id)
	return err
}
