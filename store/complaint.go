package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

const complaintCols = `id, hospital_id, coalesce(department_id, 0), coalesce(assignee_staff_id, 0), coalesce(staff_involved_id, 0),
	coalesce(patient_id, 0), type, status, severity, priority, source_code, coalesce(category_id, 0), title, description,
	contact_name, contact_phone, contact_email, preferred_language, encounter_id, tracking_code, resolution, hold_reason,
	coalesce(merged_into, 0), due_at, breached, created_at, updated_at, resolved_at, closed_at`

func scanComplaint(r scanner) (app.Complaint, error) {
	var c app.Complaint
	var typ, status, sev, pri, res, hold, due, created, updated, resolved, closed string
	var breached int
	err := r.Scan(&c.ID, &c.HospitalID, &c.DepartmentID, &c.AssigneeStaffID, &c.StaffInvolvedID, &c.PatientID, &typ, &status,
		&sev, &pri, &c.SourceCode, &c.CategoryID, &c.Title, &c.Description, &c.ContactName, &c.ContactPhone, &c.ContactEmail,
		&c.PreferredLanguage, &c.EncounterID, &c.TrackingCode, &res, &hold, &c.MergedInto, &due, &breached, &created, &updated,
		&resolved, &closed)
	c.Type, c.Status, c.Severity, c.Priority = app.ComplaintType(typ), app.ComplaintStatus(status), app.Severity(sev), app.Priority(pri)
	c.Resolution, c.HoldReason, c.Breached = app.ResolutionCategory(res), app.HoldReason(hold), breached == 1
	c.DueAt, c.CreatedAt, c.UpdatedAt = parseTS(due), parseTS(created), parseTS(updated)
	c.ResolvedAt, c.ClosedAt = parseTS(resolved), parseTS(closed)
	return c, err
}

// ComplaintSLA is the SLA state the store keeps beside a complaint: the rule snapshot, the
// cycle and its start, and the pauses of that cycle.
type ComplaintSLA struct {
	Rule   app.SLARule
	Cycle  int
	Start  time.Time
	Pauses []app.Pause
}

// InsertComplaint creates c with its SLA state; c.ID is set.
func (tx *Tx) InsertComplaint(ctx context.Context, c *app.Complaint, sla ComplaintSLA, next time.Time) error {
	rule, err := json.Marshal(sla.Rule)
	if err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	err = tx.QueryRowContext(ctx, `insert into complaints(hospital_id, department_id, assignee_staff_id, staff_involved_id,
		patient_id, type, status, severity, priority, source_code, category_id, title, description, contact_name, contact_phone,
		contact_email, preferred_language, encounter_id, tracking_code, sla_rule, sla_cycle, sla_start, due_at, next_milestone_at,
		created_by, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		c.HospitalID, nullID(c.DepartmentID), nullID(c.AssigneeStaffID), nullID(c.StaffInvolvedID), nullID(c.PatientID),
		string(c.Type), string(c.Status), string(c.Severity), string(c.Priority), c.SourceCode, nullID(c.CategoryID), c.Title,
		c.Description, c.ContactName, c.ContactPhone, c.ContactEmail, c.PreferredLanguage, c.EncounterID, c.TrackingCode,
		string(rule), sla.Cycle, ts(sla.Start), ts(c.DueAt), ts(next), tx.by.Email, ts(tx.now), ts(tx.now)).Scan(&c.ID)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.tracking_code_taken"}
	}
	return err
}

// UpdateComplaint saves c's workflow fields (status, assignment, classification,
// resolution, hold reason, due time, breach, merge) and its next SLA milestone.
func (tx *Tx) UpdateComplaint(ctx context.Context, c *app.Complaint, next time.Time) error {
	c.UpdatedAt = tx.now
	return affectOne(tx.ExecContext(ctx, `update complaints set department_id = ?, assignee_staff_id = ?, staff_involved_id = ?,
		status = ?, severity = ?, priority = ?, category_id = ?, resolution = ?, hold_reason = ?, merged_into = ?, due_at = ?,
		next_milestone_at = ?, breached = ?, updated_at = ?, resolved_at = ?, closed_at = ? where id = ?`,
		nullID(c.DepartmentID), nullID(c.AssigneeStaffID), nullID(c.StaffInvolvedID), string(c.Status), string(c.Severity),
		string(c.Priority), nullID(c.CategoryID), string(c.Resolution), string(c.HoldReason), nullID(c.MergedInto), ts(c.DueAt),
		ts(next), boolInt(c.Breached), ts(tx.now), ts(c.ResolvedAt), ts(c.ClosedAt), c.ID))
}

// ComplaintByID returns the complaint if its hospital is in scope.
func (s *Store) ComplaintByID(ctx context.Context, scope app.Scope, id int64) (app.Complaint, error) {
	return complaintByID(ctx, s.R, scope, id)
}

// ComplaintByID reads the complaint inside the transaction (for a use case that changes it).
func (tx *Tx) ComplaintByID(ctx context.Context, scope app.Scope, id int64) (app.Complaint, error) {
	return complaintByID(ctx, tx, scope, id)
}

func complaintByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.Complaint, error) {
	c, err := scanComplaint(q.QueryRowContext(ctx, `select `+complaintCols+` from complaints where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(c.HospitalID)) {
		return app.Complaint{}, app.ErrNotFound
	}
	return c, err
}

// ComplaintByTrackingCode returns the complaint with a (normalised) tracking code.
func (s *Store) ComplaintByTrackingCode(ctx context.Context, code string) (app.Complaint, error) {
	c, err := scanComplaint(s.R.QueryRowContext(ctx, `select `+complaintCols+` from complaints where tracking_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Complaint{}, app.ErrNotFound
	}
	return c, err
}

// ComplaintSLAState reads the rule snapshot, cycle, start and the cycle's pauses inside a transaction.
func (tx *Tx) ComplaintSLAState(ctx context.Context, id int64) (ComplaintSLA, error) {
	return complaintSLAState(ctx, tx, id)
}

func complaintSLAState(ctx context.Context, q querier, id int64) (ComplaintSLA, error) {
	var st ComplaintSLA
	var rule, start string
	if err := q.QueryRowContext(ctx, `select sla_rule, sla_cycle, sla_start from complaints where id = ?`, id).
		Scan(&rule, &st.Cycle, &start); err != nil {
		return st, fmt.Errorf("complaint %d sla: %w", id, err)
	}
	if err := json.Unmarshal([]byte(rule), &st.Rule); err != nil {
		return st, fmt.Errorf("complaint %d sla rule: %w", id, err)
	}
	st.Start = parseTS(start)
	rows, err := q.QueryContext(ctx, `select started_at, ended_at, reason from complaint_pauses
		where complaint_id = ? and cycle = ? order by id`, id, st.Cycle)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var p app.Pause
		var a, b string
		if err := rows.Scan(&a, &b, &p.Reason); err != nil {
			return st, err
		}
		p.Start, p.End = parseTS(a), parseTS(b)
		st.Pauses = append(st.Pauses, p)
	}
	return st, rows.Err()
}

// StartPause opens a pause of the complaint's SLA clock.
func (tx *Tx) StartPause(ctx context.Context, id int64, cycle int, reason string) error {
	_, err := tx.ExecContext(ctx, `insert into complaint_pauses(complaint_id, cycle, started_at, reason) values (?, ?, ?, ?)`,
		id, cycle, ts(tx.now), reason)
	return err
}

// EndPause closes the open pause of the complaint's SLA clock, if any.
func (tx *Tx) EndPause(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `update complaint_pauses set ended_at = ? where complaint_id = ? and ended_at = ''`, ts(tx.now), id)
	return err
}

// NewSLACycle starts a new SLA cycle (a reopened complaint) under rule from now.
func (tx *Tx) NewSLACycle(ctx context.Context, id int64, rule app.SLARule) (int, error) {
	b, err := json.Marshal(rule)
	if err != nil {
		return 0, err
	}
	var cycle int
	err = tx.QueryRowContext(ctx, `update complaints set sla_cycle = sla_cycle + 1, sla_start = ?, sla_rule = ?, breached = 0
		where id = ? returning sla_cycle`, ts(tx.now), string(b), id).Scan(&cycle)
	return cycle, err
}

// AddTimeline appends an entry to a complaint's timeline, by the transaction's actor.
func (tx *Tx) AddTimeline(ctx context.Context, e app.TimelineEntry) error {
	name := tx.by.Email
	if e.ActorName != "" {
		name = e.ActorName
	}
	_, err := tx.ExecContext(ctx, `insert into complaint_timeline(complaint_id, at, actor_id, actor_name, kind, from_status,
		to_status, note, public) values (?,?,?,?,?,?,?,?,?)`, e.ComplaintID, ts(tx.now), tx.by.UserID, name, e.Kind,
		string(e.FromStatus), string(e.ToStatus), e.Note, boolInt(e.Public))
	return err
}

// Timeline returns a complaint's timeline, oldest first; publicOnly keeps the entries
// the patient may see.
func (s *Store) Timeline(ctx context.Context, complaintID int64, publicOnly bool) ([]app.TimelineEntry, error) {
	q := `select id, complaint_id, at, actor_id, actor_name, kind, from_status, to_status, note, public
		from complaint_timeline where complaint_id = ?`
	if publicOnly {
		q += ` and public = 1`
	}
	rows, err := s.R.QueryContext(ctx, q+` order by id`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.TimelineEntry
	for rows.Next() {
		var e app.TimelineEntry
		var at, from, to string
		var public int
		if err := rows.Scan(&e.ID, &e.ComplaintID, &at, &e.ActorID, &e.ActorName, &e.Kind, &from, &to, &e.Note, &public); err != nil {
			return nil, err
		}
		e.At, e.FromStatus, e.ToStatus, e.Public = parseTS(at), app.ComplaintStatus(from), app.ComplaintStatus(to), public == 1
		out = append(out, e)
	}
	return out, rows.Err()
}

// ComplaintFilter narrows the complaint list.
type ComplaintFilter struct {
	app.ListQuery
	Statuses     []app.ComplaintStatus
	Severity     app.Severity
	DepartmentID int64
	Breached     bool
	From, To     time.Time // created_at range (To exclusive)
	Oldest       bool      // oldest first instead of newest first
}

// ListComplaints lists complaints in scope, newest first, with keyset pagination.
func (s *Store) ListComplaints(ctx context.Context, f ComplaintFilter) (app.Page[app.Complaint], error) {
	var where []string
	var args []any
	if !f.Scope.All {
		c, a := scopeIn("hospital_id", f.Scope)
		where, args = append(where, c), append(args, a...)
	}
	if f.HospitalID != 0 {
		where, args = append(where, "hospital_id = ?"), append(args, f.HospitalID)
	}
	if len(f.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")
		where = append(where, "status in ("+ph+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.Severity != "" {
		where, args = append(where, "severity = ?"), append(args, string(f.Severity))
	}
	if f.DepartmentID != 0 {
		where, args = append(where, "department_id = ?"), append(args, f.DepartmentID)
	}
	if f.Breached {
		where = append(where, "breached = 1")
	}
	if !f.From.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, ts(f.To))
	}
	if code := app.NormalizeTrackingCode(f.Search); code != "" {
		where, args = append(where, "tracking_code = ?"), append(args, code)
	}
	return list(ctx, s, keyset{table: "complaints", cols: complaintCols, where: where, args: args,
		after: f.After, before: f.Before, limit: f.Limit, noCount: f.NoCount, oldest: f.Oldest}, scanComplaint,
		func(c app.Complaint) int64 { return c.ID })
}

// DueMilestones returns up to limit ids of active complaints whose next SLA milestone is
// due at now (the sweep's work list; an index on next_milestone_at keeps it cheap).
func (s *Store) DueMilestones(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.R.QueryContext(ctx, `select id from complaints where next_milestone_at != '' and next_milestone_at <= ?
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

// FireMilestone records that a milestone fired; false means it had fired already (the
// caller then does nothing), which makes reminders and escalations exactly-once.
func (tx *Tx) FireMilestone(ctx context.Context, id int64, cycle int, kind string, due time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `insert or ignore into complaint_sla_events(complaint_id, cycle, kind, due_at, fired_at)
		values (?, ?, ?, ?, ?)`, id, cycle, kind, ts(due), ts(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FiredMilestones lists the milestone kinds already fired in a complaint's cycle.
func (tx *Tx) FiredMilestones(ctx context.Context, id int64, cycle int) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `select kind from complaint_sla_events where complaint_id = ? and cycle = ?`, id, cycle)
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

// SetNextMilestone stores when the sweep should next look at the complaint ("" none).
func (tx *Tx) SetNextMilestone(ctx context.Context, id int64, next time.Time, breached bool) error {
	_, err := tx.ExecContext(ctx, `update complaints set next_milestone_at = ?, breached = max(breached, ?) where id = ?`,
		ts(next), boolInt(breached), id)
	return err
}

// EachComplaintDoc streams every complaint as a search document, in batches of 1,000.
func (s *Store) EachComplaintDoc(ctx context.Context, fn func([]app.ComplaintDoc) error) error {
	var after int64
	for {
		docs, err := s.complaintDocs(ctx, `where id > ? order by id limit 1000`, after)
		if err != nil || len(docs) == 0 {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
		after = docs[len(docs)-1].ID
	}
}

// ComplaintDoc returns the search document of one complaint, false when it is gone.
func (s *Store) ComplaintDoc(ctx context.Context, id int64) (app.ComplaintDoc, bool, error) {
	docs, err := s.complaintDocs(ctx, `where id = ?`, id)
	if err != nil || len(docs) == 0 {
		return app.ComplaintDoc{}, false, err
	}
	return docs[0], true, nil
}

func (s *Store) complaintDocs(ctx context.Context, where string, args ...any) ([]app.ComplaintDoc, error) {
	rows, err := s.R.QueryContext(ctx, `select id, hospital_id, status, severity, coalesce(category_id, 0), created_at,
		title || char(10) || description || coalesce(char(10) || (select group_concat(note, char(10)) from complaint_timeline t
		where t.complaint_id = complaints.id and t.public = 1 and t.note != ''), '') from complaints `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("complaint docs: %w", err)
	}
	defer rows.Close()
	var docs []app.ComplaintDoc
	for rows.Next() {
		var d app.ComplaintDoc
		var status, sev, created string
		if err := rows.Scan(&d.ID, &d.HospitalID, &status, &sev, &d.CategoryID, &created, &d.Text); err != nil {
			return nil, err
		}
		d.Status, d.Severity, d.CreatedAt = app.ComplaintStatus(status), app.Severity(sev), parseTS(created)
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// AddComplaintRef links a complaint to an external (MOH or CHI) reference, unique per hospital.
func (tx *Tx) AddComplaintRef(ctx context.Context, complaintID, hospitalID int64, authority, ref string) error {
	_, err := tx.ExecContext(ctx, `insert into complaint_refs(complaint_id, hospital_id, authority, ref) values (?, ?, ?, ?)`,
		complaintID, hospitalID, authority, ref)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.ref_taken", Fields: app.FieldErrors{authority + "_ref": "err.ref_taken"}}
	}
	return err
}

// SweepState is what the SLA sweep needs about one complaint, read for a whole batch at once.
type SweepState struct {
	ID         int64
	HospitalID int64
	Status     app.ComplaintStatus
	DueAt      time.Time
	SLA        ComplaintSLA
	Fired      map[string]bool
}

// SweepStates reads the SLA state of the complaints with ids in three queries (the
// complaints, the pauses and the fired milestones of their current cycles).
func (tx *Tx) SweepStates(ctx context.Context, ids []int64) ([]SweepState, error) {
	return sweepStates(ctx, tx, ids)
}

// SLAStates is the same read on the reader pool: the SLA chips of a list page in three
// queries instead of two per row.
func (s *Store) SLAStates(ctx context.Context, ids []int64) ([]SweepState, error) {
	return sweepStates(ctx, s.R, ids)
}

func sweepStates(ctx context.Context, tx querier, ids []int64) ([]SweepState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	rows, err := tx.QueryContext(ctx, `select id, hospital_id, status, due_at, sla_rule, sla_cycle, sla_start
		from complaints where id in `+in, args...)
	if err != nil {
		return nil, err
	}
	rules := map[string]app.SLARule{} // most complaints share a handful of rules
	var out []SweepState
	index := map[int64]int{}
	for rows.Next() {
		var st SweepState
		var status, due, rule, start string
		if err := rows.Scan(&st.ID, &st.HospitalID, &status, &due, &rule, &st.SLA.Cycle, &start); err != nil {
			rows.Close()
			return nil, err
		}
		r, ok := rules[rule]
		if !ok {
			if err := json.Unmarshal([]byte(rule), &r); err != nil {
				rows.Close()
				return nil, fmt.Errorf("complaint %d sla rule: %w", st.ID, err)
			}
			rules[rule] = r
		}
		st.Status, st.DueAt, st.SLA.Rule, st.SLA.Start = app.ComplaintStatus(status), parseTS(due), r, parseTS(start)
		st.Fired = map[string]bool{}
		index[st.ID] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `select p.complaint_id, p.cycle, p.started_at, p.ended_at, p.reason from complaint_pauses p
		where p.complaint_id in `+in+` order by p.id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var cycle int
		var p app.Pause
		var a, b string
		if err := rows.Scan(&id, &cycle, &a, &b, &p.Reason); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[id]; ok && out[i].SLA.Cycle == cycle {
			p.Start, p.End = parseTS(a), parseTS(b)
			out[i].SLA.Pauses = append(out[i].SLA.Pauses, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `select complaint_id, cycle, kind from complaint_sla_events where complaint_id in `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var cycle int
		var kind string
		if err := rows.Scan(&id, &cycle, &kind); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok && out[i].SLA.Cycle == cycle {
			out[i].Fired[kind] = true
		}
	}
	return out, rows.Err()
}

// ActiveComplaintIDs lists the ids of a hospital's running complaints (not finished, not
// merged), oldest first, after the given id, at most limit.
func (s *Store) ActiveComplaintIDs(ctx context.Context, hospitalID, after int64, limit int) ([]int64, error) {
	rows, err := s.R.QueryContext(ctx, `select id from complaints where hospital_id = ? and id > ?
		and status not in ('resolved','closed','cancelled') and merged_into is null order by id limit ?`, hospitalID, after, limit)
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

// SetSLASchedule stores a recomputed due time and next milestone.
func (tx *Tx) SetSLASchedule(ctx context.Context, id int64, due, next time.Time) error {
	_, err := tx.ExecContext(ctx, `update complaints set due_at = ?, next_milestone_at = ? where id = ?`, ts(due), ts(next), id)
	return err
}
