package store

import (
	"context"
	"time"

	"px360/app"
)

// WorkRow is one item of a person's work list, from any module.
type WorkRow struct {
	Kind       string // complaint, action, approval, rca_task, explanation
	ID         int64  // the record (for rca_task: the RCA)
	HospitalID int64
	Title      string
	Due        time.Time
	Status     string
}

// MyWork returns what is assigned to a user: complaints whose responsible staff member
// has the user's e-mail, actions the user owns or that wait in the user's role queue in
// their hospitals, actions waiting for approval in their hospitals (the caller filters
// by approval level), open RCA corrective actions they own, and unanswered explanation
// requests to their staff record. At most limit rows of each kind.
func (s *Store) MyWork(ctx context.Context, u *app.User, scope app.Scope, limit int) ([]WorkRow, error) {
	var out []WorkRow
	add := func(kind, q string, args ...any) error {
		rows, err := s.R.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w := WorkRow{Kind: kind}
			var due string
			if err := rows.Scan(&w.ID, &w.HospitalID, &w.Title, &due, &w.Status); err != nil {
				return err
			}
			w.Due = parseTS(due)
			if scope.Allows(w.HospitalID) {
				out = append(out, w)
			}
		}
		return rows.Err()
	}
	err := add("complaint", `select c.id, c.hospital_id, c.title, c.due_at, c.status from complaints c join staff st on st.id = c.assignee_staff_id
		where st.email = ? collate nocase and st.email != '' and c.status not in ('resolved','closed','cancelled') order by c.due_at limit ?`,
		u.Email, limit)
	if err == nil {
		err = add("action", `select id, hospital_id, case when title_en != '' then title_en else title_ar end, due_at, status from actions
			where (owner_user_id = ? or (owner_user_id = '' and owner_role = ?)) and status not in ('closed','cancelled','pending_approval')
			order by due_at limit ?`, u.ID, u.Role, limit)
	}
	if err == nil {
		err = add("approval", `select a.id, a.hospital_id, case when a.title_en != '' then a.title_en else a.title_ar end, a.due_at, a.status
			from actions a where a.status = 'pending_approval' and exists (select 1 from action_approvals p where p.action_id = a.id
			and p.role = ? and p.decided_at = '') order by a.due_at limit ?`, u.Role, limit)
	}
	if err == nil {
		err = add("rca_task", `select r.id, r.hospital_id, c.text, c.due_at, c.status from rca_corrective_actions c join rcas r on r.id = c.rca_id
			where c.owner_user_id = ? and c.status = 'open' and r.status != 'closed' order by c.due_at limit ?`, u.ID, limit)
	}
	if err == nil {
		err = add("explanation", `select c.id, c.hospital_id, e.question, e.due_at, c.status from complaint_explanations e
			join staff st on st.id = e.staff_id join complaints c on c.id = e.complaint_id
			where st.email = ? collate nocase and st.email != '' and e.answered_at = '' order by e.due_at limit ?`, u.Email, limit)
	}
	return out, err
}
