package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"px360/app"
)

const feedbackCols = `id, hospital_id, coalesce(department_id, 0), type, status, classification, patient_name, patient_phone,
	patient_email, language, text, tracking_code, created_by, created_at, updated_at, closed_at`

func scanFeedback(r scanner) (app.Feedback, error) {
	var f app.Feedback
	var typ, status, class, created, updated, closed string
	err := r.Scan(&f.ID, &f.HospitalID, &f.DepartmentID, &typ, &status, &class, &f.PatientName, &f.PatientPhone,
		&f.PatientEmail, &f.Language, &f.Text, &f.TrackingCode, &f.CreatedBy, &created, &updated, &closed)
	f.Type, f.Status, f.Classification = app.FeedbackType(typ), app.FeedbackStatus(status), app.FeedbackClass(class)
	f.CreatedAt, f.UpdatedAt, f.ClosedAt = parseTS(created), parseTS(updated), parseTS(closed)
	return f, err
}

// InsertFeedback creates f (created by the transaction's actor, "" for the public form);
// f.ID is set. A taken tracking code is a conflict (the caller draws another).
func (tx *Tx) InsertFeedback(ctx context.Context, f *app.Feedback) error {
	f.CreatedAt, f.UpdatedAt = tx.now, tx.now
	err := tx.QueryRowContext(ctx, `insert into feedback(hospital_id, department_id, type, status, classification, patient_name,
		patient_phone, patient_email, language, text, tracking_code, created_by, created_at, updated_at)
		values (?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		f.HospitalID, nullID(f.DepartmentID), string(f.Type), string(f.Status), string(f.Classification), f.PatientName,
		f.PatientPhone, f.PatientEmail, f.Language, f.Text, f.TrackingCode, f.CreatedBy, ts(tx.now), ts(tx.now)).Scan(&f.ID)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.tracking_code_taken"}
	}
	return err
}

// UpdateFeedback saves f's workflow fields: status, classification, department, closing time.
func (tx *Tx) UpdateFeedback(ctx context.Context, f *app.Feedback) error {
	f.UpdatedAt = tx.now
	return affectOne(tx.ExecContext(ctx, `update feedback set status = ?, classification = ?, department_id = ?, updated_at = ?,
		closed_at = ? where id = ?`, string(f.Status), string(f.Classification), nullID(f.DepartmentID), ts(tx.now),
		ts(f.ClosedAt), f.ID))
}

// FeedbackByID returns the feedback if its hospital is in scope.
func (s *Store) FeedbackByID(ctx context.Context, scope app.Scope, id int64) (app.Feedback, error) {
	return feedbackByID(ctx, s.R, scope, id)
}

// FeedbackByID reads the feedback inside the transaction.
func (tx *Tx) FeedbackByID(ctx context.Context, scope app.Scope, id int64) (app.Feedback, error) {
	return feedbackByID(ctx, tx, scope, id)
}

func feedbackByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.Feedback, error) {
	f, err := scanFeedback(q.QueryRowContext(ctx, `select `+feedbackCols+` from feedback where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(f.HospitalID)) {
		return app.Feedback{}, app.ErrNotFound
	}
	return f, err
}

// FeedbackByTrackingCode returns the feedback with a (normalised) tracking code.
func (s *Store) FeedbackByTrackingCode(ctx context.Context, code string) (app.Feedback, error) {
	f, err := scanFeedback(s.R.QueryRowContext(ctx, `select `+feedbackCols+` from feedback where tracking_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Feedback{}, app.ErrNotFound
	}
	return f, err
}

// FeedbackFilter narrows the feedback list.
type FeedbackFilter struct {
	app.ListQuery
	Status         app.FeedbackStatus
	Type           app.FeedbackType
	Classification app.FeedbackClass
	DepartmentID   int64
}

// ListFeedback lists feedback in scope, newest first, with keyset pagination. A search
// term matches a tracking code.
func (s *Store) ListFeedback(ctx context.Context, f FeedbackFilter) (app.Page[app.Feedback], error) {
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
	if f.Type != "" {
		add("type = ?", string(f.Type))
	}
	if f.Classification != "" {
		add("classification = ?", string(f.Classification))
	}
	if f.DepartmentID != 0 {
		add("department_id = ?", f.DepartmentID)
	}
	if strings.TrimSpace(f.Search) != "" {
		add("tracking_code = ?", app.NormalizeTrackingCode(f.Search)) // "" for a term that is no code: nothing matches
	}
	return list(ctx, s, keyset{table: "feedback", cols: feedbackCols, where: where, args: args, after: f.After,
		before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanFeedback, func(x app.Feedback) int64 { return x.ID })
}

// AddFeedbackLog appends an entry to a feedback's log, by the transaction's actor
// unless the entry names one.
func (tx *Tx) AddFeedbackLog(ctx context.Context, e app.RecordLogEntry) error {
	return tx.addRecordLog(ctx, "feedback_log", "feedback_id", e)
}

// FeedbackLog returns a feedback's log, oldest first; publicOnly keeps what the patient may see.
func (s *Store) FeedbackLog(ctx context.Context, id int64, publicOnly bool) ([]app.RecordLogEntry, error) {
	return s.recordLog(ctx, "feedback_log", "feedback_id", id, publicOnly)
}

func (tx *Tx) addRecordLog(ctx context.Context, table, col string, e app.RecordLogEntry) error {
	actor := e.Actor
	if actor == "" {
		actor = tx.by.Email
	}
	_, err := tx.ExecContext(ctx, `insert into `+table+`(`+col+`, at, actor, kind, from_status, to_status, note, public)
		values (?,?,?,?,?,?,?,?)`, e.RecordID, ts(tx.now), actor, e.Kind, e.FromStatus, e.ToStatus, e.Note, boolInt(e.Public))
	return err
}

func (s *Store) recordLog(ctx context.Context, table, col string, id int64, publicOnly bool) ([]app.RecordLogEntry, error) {
	q := `select id, ` + col + `, at, actor, kind, from_status, to_status, note, public from ` + table + ` where ` + col + ` = ?`
	if publicOnly {
		q += ` and public = 1`
	}
	rows, err := s.R.QueryContext(ctx, q+` order by id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.RecordLogEntry
	for rows.Next() {
		var e app.RecordLogEntry
		var at string
		var public int
		if err := rows.Scan(&e.ID, &e.RecordID, &at, &e.Actor, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Note, &public); err != nil {
			return nil, err
		}
		e.At, e.Public = parseTS(at), public == 1
		out = append(out, e)
	}
	return out, rows.Err()
}

// InsertFeedbackResponse records an answer sent (or not) to the patient; r.ID is set.
func (tx *Tx) InsertFeedbackResponse(ctx context.Context, r *app.FeedbackResponse) error {
	r.SentBy, r.At = tx.by.Email, tx.now
	return tx.QueryRowContext(ctx, `insert into feedback_responses(feedback_id, text, channel, message_id, sent_by, at)
		values (?,?,?,?,?,?) returning id`, r.FeedbackID, r.Text, string(r.Channel), r.MessageID, r.SentBy, ts(tx.now)).Scan(&r.ID)
}

// FeedbackResponses lists the answers to a feedback, oldest first.
func (s *Store) FeedbackResponses(ctx context.Context, feedbackID int64) ([]app.FeedbackResponse, error) {
	rows, err := s.R.QueryContext(ctx, `select id, feedback_id, text, channel, message_id, sent_by, at from feedback_responses
		where feedback_id = ? order by id`, feedbackID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.FeedbackResponse
	for rows.Next() {
		var r app.FeedbackResponse
		var ch, at string
		if err := rows.Scan(&r.ID, &r.FeedbackID, &r.Text, &ch, &r.MessageID, &r.SentBy, &at); err != nil {
			return nil, err
		}
		r.Channel, r.At = app.Channel(ch), parseTS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LinkFeedbackAction records that an improvement action came of a feedback; false when
// the link existed already.
func (tx *Tx) LinkFeedbackAction(ctx context.Context, feedbackID, actionID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `insert or ignore into feedback_actions(feedback_id, action_id, linked_by, linked_at)
		values (?,?,?,?)`, feedbackID, actionID, tx.by.Email, ts(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FeedbackActionIDs lists the actions linked to a feedback, in the order they were linked.
func (s *Store) FeedbackActionIDs(ctx context.Context, feedbackID int64) ([]int64, error) {
	rows, err := s.R.QueryContext(ctx, `select action_id from feedback_actions where feedback_id = ? order by linked_at, action_id`,
		feedbackID)
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
