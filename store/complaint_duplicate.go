package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

// DuplicateQuery bounds a search for possible duplicates of one complaint: complaints of
// one hospital in scope, created in [From, To], not merged, other than ExcludeID.
type DuplicateQuery struct {
	Scope      app.Scope
	HospitalID int64
	ExcludeID  int64
	From, To   time.Time // created_at, both inclusive
	Limit      int       // <= 0 or > 100 means 20
}

func (q DuplicateQuery) limit() int {
	if q.Limit <= 0 || q.Limit > 100 {
		return 20
	}
	return q.Limit
}

// ComplaintsOfPatient returns possible duplicates with the same registered patient,
// newest first (the complaints_patient index on patient_id, created_at).
func (s *Store) ComplaintsOfPatient(ctx context.Context, q DuplicateQuery, patientID int64) ([]app.Complaint, error) {
	if patientID == 0 {
		return nil, nil
	}
	return s.duplicateCandidates(ctx, q, `patient_id = ? and patient_id is not null`, patientID)
}

// ComplaintsOfPhone returns possible duplicates with the same contact phone, newest first
// (the complaints_phone index on contact_phone, created_at).
func (s *Store) ComplaintsOfPhone(ctx context.Context, q DuplicateQuery, phone string) ([]app.Complaint, error) {
	if phone == "" {
		return nil, nil
	}
	// "contact_phone != ''" repeats the partial index's condition so SQLite may use it.
	return s.duplicateCandidates(ctx, q, `contact_phone = ? and contact_phone != ''`, phone)
}

func (s *Store) duplicateCandidates(ctx context.Context, q DuplicateQuery, match string, key any) ([]app.Complaint, error) {
	if !q.Scope.Allows(q.HospitalID) {
		return nil, nil
	}
	rows, err := s.R.QueryContext(ctx, `select `+complaintCols+` from complaints where `+match+`
		and created_at >= ? and created_at <= ? and hospital_id = ? and merged_into is null and id != ?
		order by created_at desc limit ?`, key, ts(q.From), ts(q.To), q.HospitalID, q.ExcludeID, q.limit())
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	defer rows.Close()
	var out []app.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ComplaintsAmong returns those of ids (search hits) that are possible duplicates under q,
// newest first.
func (s *Store) ComplaintsAmong(ctx context.Context, q DuplicateQuery, ids []int64) ([]app.Complaint, error) {
	if len(ids) == 0 || !q.Scope.Allows(q.HospitalID) {
		return nil, nil
	}
	if len(ids) > 100 {
		ids = ids[:100]
	}
	args := make([]any, 0, len(ids)+5)
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, ts(q.From), ts(q.To), q.HospitalID, q.ExcludeID, q.limit())
	rows, err := s.R.QueryContext(ctx, `select `+complaintCols+` from complaints
		where id in (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)
		and created_at >= ? and created_at <= ? and hospital_id = ? and merged_into is null and id != ?
		order by created_at desc limit ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates by id: %w", err)
	}
	defer rows.Close()
	var out []app.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CopyTimelineMerged copies every timeline entry of complaint from onto complaint to as
// internal entries of kind "merged_entry", keeping the actor and statuses; the note says
// where and when the entry was first written ("<prefix> · 2026-05-01 10:00 UTC · <kind> ·
// <note>"). It returns how many entries it copied.
func (tx *Tx) CopyTimelineMerged(ctx context.Context, from, to int64, prefix string) (int64, error) {
	res, err := tx.ExecContext(ctx, `insert into complaint_timeline(complaint_id, at, actor_id, actor_name, kind,
		from_status, to_status, note, public)
		select ?, ?, actor_id, actor_name, 'merged_entry', from_status, to_status,
			? || ' · ' || replace(substr(at, 1, 16), 'T', ' ') || ' UTC · ' || kind || case when note != '' then ' · ' || note else '' end, 0
		from complaint_timeline where complaint_id = ? order by id`, to, ts(tx.now), prefix, from)
	if err != nil {
		return 0, fmt.Errorf("copy timeline of complaint %d: %w", from, err)
	}
	return res.RowsAffected()
}

// MoveAttachments moves every attachment of complaint from to complaint to.
func (tx *Tx) MoveAttachments(ctx context.Context, from, to int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `update complaint_attachments set complaint_id = ? where complaint_id = ?`, to, from)
	if err != nil {
		return 0, fmt.Errorf("move attachments of complaint %d: %w", from, err)
	}
	return res.RowsAffected()
}
