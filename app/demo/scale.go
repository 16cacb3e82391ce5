package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"px360/app"
	"px360/app/orgs"
	"px360/store"
)

// ScaleHospitals is how many hospitals scale data spreads over.
const ScaleHospitals = 20

// LoadScaleComplaints adds n generated complaints over 20 hospitals and four years (for
// benchmarks and capacity checks), in batches of 5,000 rows per transaction. Hospitals
// missing for the 20 are created. progress, if set, is called after each batch.
func LoadScaleComplaints(ctx context.Context, st *store.Store, org *orgs.Service, n int, now time.Time, progress func(done int)) error {
	hs, err := st.Hospitals(ctx, app.Scope{All: true})
	if err != nil {
		return err
	}
	for i := len(hs); i < ScaleHospitals; i++ {
		h, err := org.SaveHospital(ctx, app.System, app.Hospital{Code: fmt.Sprintf("SCL%02d", i+1),
			NameEN: fmt.Sprintf("Scale Hospital %d", i+1), NameAR: fmt.Sprintf("مستشفى الاختبار %d", i+1),
			TimeZone: "Asia/Riyadh", Active: true})
		if err != nil {
			return err
		}
		hs = append(hs, h)
	}
	rng := rand.New(rand.NewPCG(uint64(now.UnixNano()), 11))
	rule := app.DefaultSLARule()
	start := bulkStart(now)
	span := now.Sub(start)
	const batch = 5000
	statuses := []app.ComplaintStatus{app.StatusClosed, app.StatusClosed, app.StatusClosed, app.StatusClosed, app.StatusResolved,
		app.StatusCancelled, app.StatusInProgress, app.StatusOpen, app.StatusPartiallyResolved, app.StatusOnHold}
	for done := 0; done < n; {
		size := min(batch, n-done)
		rows := make([]store.BulkComplaint, 0, size)
		for i := 0; i < size; i++ {
			t := complaintTexts[rng.IntN(len(complaintTexts))]
			created := start.Add(time.Duration(float64(span) * float64(done+i) / float64(n))).Add(time.Duration(rng.IntN(3600)) * time.Second).UTC()
			status := statuses[rng.IntN(len(statuses))]
			if now.Sub(created) > 60*24*time.Hour && status.Active() { // old complaints are finished
				status = app.StatusClosed
			}
			c := app.Complaint{HospitalID: hs[rng.IntN(len(hs))].ID, Type: app.TypeComplaint, Status: status, Severity: t.sev,
				Priority: app.Priorities[rng.IntN(len(app.Priorities))], SourceCode: demoSources[rng.IntN(len(demoSources))],
				Title: t.title, Description: t.text + fmt.Sprintf(" (#%d)", done+i), ContactName: fmt.Sprintf("Patient %d", done+i),
				ContactPhone: fmt.Sprintf("+9665%08d", rng.IntN(1e8)), PreferredLanguage: t.lang, TrackingCode: app.NewTrackingCode(),
				CreatedAt: created, DueAt: created.Add(time.Duration(rule.Hours) * time.Hour)}
			c.UpdatedAt = created.Add(time.Duration(rng.IntN(96)+1) * time.Hour)
			var next time.Time
			switch {
			case status == app.StatusResolved:
				c.Resolution, c.ResolvedAt = app.ResolutionFullAction, c.UpdatedAt
			case status == app.StatusClosed || status == app.StatusCancelled:
				c.ClosedAt = c.UpdatedAt
				if status == app.StatusClosed {
					c.Resolution, c.ResolvedAt = app.ResolutionFullAction, c.UpdatedAt
				}
			case status != app.StatusOnHold:
				next = c.DueAt.Add(-time.Duration(rule.Reminder1Hours) * time.Hour)
			}
			c.Breached = status.Active() && now.After(c.DueAt)
			rows = append(rows, store.BulkComplaint{C: c, Next: next})
		}
		if err := st.BulkInsertComplaints(ctx, rule, rows); err != nil {
			return err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	return nil
}
