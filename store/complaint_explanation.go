package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"px360/app"
)

const explanationCols = `id, complaint_id, staff_id, question, requested_by, requested_at, due_at, reminded_at, answered_at, answer`

func scanExplanation(r scanner) (app.Explanation, error) {
	var e app.Explanation
	var requested, due, reminded, answered string
	err := r.Scan(&e.ID, &e.ComplaintID, &e.StaffID, &e.Question, &e.RequestedBy, &requested, &due, &reminded, &answered, &e.Answer)
	e.RequestedAt, e.DueAt, e.RemindedAt, e.AnsweredAt = parseTS(requested), parseTS(due), parseTS(reminded), parseTS(answered)
	return e, err
}

// InsertExplanation records a request for an explanation from a staff member.
func (tx *Tx) InsertExplanation(ctx context.Context, e *app.Explanation) error {
	e.RequestedAt, e.RequestedBy = tx.now, tx.by.Email
	return tx.QueryRowContext(ctx, `insert into complaint_explanations(complaint_id, staff_id, question, requested_by,
		requested_at, due_at) values (?, ?, ?, ?, ?, ?) returning id`, e.ComplaintID, e.StaffID, e.Question, e.RequestedBy,
		ts(tx.now), ts(e.DueAt)).Scan(&e.ID)
}

// ExplanationByID reads one explanation request inside the transaction.
func (tx *Tx) ExplanationByID(ctx context.Context, id int64) (app.Explanation, error) {
	e, err := scanExplanation(tx.QueryRowContext(ctx, `select `+explanationCols+` from complaint_explanations where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, app.ErrNotFound
	}
	return e, err
}

// AnswerExplanation stores the answer; false when it was answered already.
func (tx *Tx) AnswerExplanation(ctx context.Context, id int64, answer string) (bool, error) {
	res, err := tx.ExecContext(ctx, `update complaint_explanations set answer = ?, answered_at = ? where id = ? and answered_at = ''`,
		answer, ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Explanations lists a complaint's explanation requests, oldest first.
func (s *Store) Explanations(ctx context.Context, complaintID int64) ([]app.Explanation, error) {
	rows, err := s.R.QueryContext(ctx, `select `+explanationCols+` from complaint_explanations where complaint_id = ? order by id`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Explanation
	for rows.Next() {
		e, err := scanExplanation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OverdueExplanations lists unanswered, not yet reminded requests due by now (index on due_at).
func (s *Store) OverdueExplanations(ctx context.Context, now time.Time, limit int) ([]app.Explanation, error) {
	rows, err := s.R.QueryContext(ctx, `select `+explanationCols+` from complaint_explanations
		where answered_at = '' and reminded_at = '' and due_at <= ? order by due_at limit ?`, ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Explanation
	for rows.Next() {
		e, err := scanExplanation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkExplanationReminded records the reminder; false when another sweep did it first.
func (tx *Tx) MarkExplanationReminded(ctx context.Context, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `update complaint_explanations set reminded_at = ? where id = ? and reminded_at = '' and answered_at = ''`,
		ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ComplaintRefs returns a complaint's external references by authority ("moh", "chi").
func (s *Store) ComplaintRefs(ctx context.Context, complaintID int64) (map[string]string, error) {
	rows, err := s.R.QueryContext(ctx, `select authority, ref from complaint_refs where complaint_id = ?`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := map[string]string{}
	for rows.Next() {
		var a, r string
		if err := rows.Scan(&a, &r); err != nil {
			return nil, err
		}
		refs[a] = r
	}
	return refs, rows.Err()
}
