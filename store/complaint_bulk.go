package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"px360/app"
)

// BulkComplaint is one generated complaint with its creation time already set.
type BulkComplaint struct {
	C    app.Complaint
	Next time.Time // when the sweep should first look at it (zero: never)
}

// BulkInsertComplaints writes generated complaints (scale and benchmark data) in
// transactions of batch rows each, with one prepared statement per table: a "created"
// timeline entry for each, and a status entry for those past open. It skips the outbox
// and audit: the search index is rebuilt afterwards.
func (s *Store) BulkInsertComplaints(ctx context.Context, rule app.SLARule, rows []BulkComplaint) error {
	ruleJSON, err := json.Marshal(rule)
	if err != nil {
		return err
	}
	return s.InTx(ctx, app.System, func(tx *Tx) error {
		ins, err := tx.PrepareContext(ctx, `insert into complaints(hospital_id, department_id, type, status, severity,
			priority, source_code, title, description, contact_name, contact_phone, preferred_language, tracking_code,
			resolution, sla_rule, sla_cycle, sla_start, due_at, next_milestone_at, breached, created_by, created_at, updated_at,
			resolved_at, closed_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,'demo',?,?,?,?) returning id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		tl, err := tx.PrepareContext(ctx, `insert into complaint_timeline(complaint_id, at, actor_name, kind, from_status,
			to_status, public) values (?, ?, 'demo', ?, ?, ?, 1)`)
		if err != nil {
			return err
		}
		defer tl.Close()
		for _, r := range rows {
			c := r.C
			var id int64
			err := ins.QueryRowContext(ctx, nullID(c.HospitalID), nullID(c.DepartmentID), string(c.Type), string(c.Status),
				string(c.Severity), string(c.Priority), c.SourceCode, c.Title, c.Description, c.ContactName, c.ContactPhone,
				c.PreferredLanguage, c.TrackingCode, string(c.Resolution), string(ruleJSON), ts(c.CreatedAt), ts(c.DueAt), ts(r.Next),
				boolInt(c.Breached), ts(c.CreatedAt), ts(c.UpdatedAt), ts(c.ResolvedAt), ts(c.ClosedAt)).Scan(&id)
			if err != nil {
				return fmt.Errorf("bulk complaint: %w", err)
			}
			if _, err := tl.ExecContext(ctx, id, ts(c.CreatedAt), "created", "", string(app.StatusOpen)); err != nil {
				return err
			}
			if c.Status != app.StatusOpen {
				if _, err := tl.ExecContext(ctx, id, ts(c.UpdatedAt), "status", string(app.StatusOpen), string(c.Status)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
