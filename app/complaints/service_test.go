package complaints_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/store"
)

// fakeSLA answers one rule and the default Riyadh calendar.
type fakeSLA struct{ rule app.SLARule }

func (f *fakeSLA) RuleFor(context.Context, app.SLASubject) (app.SLARule, error) { return f.rule, nil }
func (f *fakeSLA) Calendar(context.Context, int64) (app.Calendar, error) {
	loc, _ := time.LoadLocation("Asia/Riyadh")
	return app.DefaultCalendar(loc), nil
}

// fakeTaxonomy knows the sources "patient" and "moh" and category 7.
type fakeTaxonomy struct{}

func (fakeTaxonomy) SourceUsable(_ context.Context, code string, _ app.ComplaintType) bool {
	return code == "patient" || code == "moh"
}
func (fakeTaxonomy) CategoryUsable(_ context.Context, _, id int64) bool { return id == 7 }

type env struct {
	st     *store.Store
	svc    *complaints.Service
	sla    *fakeSLA
	now    time.Time
	hospA  app.Hospital
	hospB  app.Hospital
	adminA app.Principal
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{now: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)} // Sunday 09:00 Riyadh
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DBFile), store.Options{Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	e.sla = &fakeSLA{rule: app.SLARule{Hours: 10, Reminder1Hours: 4, Reminder2Hours: 1,
		Escalations: []app.EscalationStep{{Level: app.EscalateDepartmentManager}, {Level: app.EscalateHospitalAdmin, HoursAfterBreach: 24}}}}
	e.svc = complaints.New(st, e.sla, fakeTaxonomy{})
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		e.hospA = app.Hospital{OrganizationID: org, Code: "HA", NameEN: "A", NameAR: "أ", TimeZone: "Asia/Riyadh", Active: true}
		e.hospB = app.Hospital{OrganizationID: org, Code: "HB", NameEN: "B", NameAR: "ب", TimeZone: "Asia/Riyadh", Active: true}
		if err := tx.SaveHospital(ctx, &e.hospA); err != nil {
			return err
		}
		return tx.SaveHospital(ctx, &e.hospB)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.adminA = app.Principal{UserID: "a", Email: "admin-a@h.sa", Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	return e
}

func (e *env) create(t *testing.T) app.Complaint {
	t.Helper()
	c, err := e.svc.Create(context.Background(), e.adminA, complaints.Input{HospitalID: e.hospA.ID, SourceCode: "patient",
		Description: "The nurses did not answer the call bell for an hour.", ContactPhone: "+966 50 123 4567"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func count(t *testing.T, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t.Run("validation", func(t *testing.T) {
		_, err := e.svc.Create(ctx, e.adminA, complaints.Input{HospitalID: e.hospB.ID, SourceCode: "tv", Severity: "awful",
			CategoryID: 9, ContactEmail: "not-an-email", ContactPhone: "12"})
		fe := app.Fields(err)
		for _, f := range []string{"hospital", "source", "severity", "description", "contact_email", "contact_phone"} {
			if fe[f] == "" {
				t.Errorf("no error for %s: %v", f, fe)
			}
		}
		if n := count(t, e.st, `select count(*) from complaints`); n != 0 {
			t.Fatalf("%d complaints written", n)
		}
	})
	t.Run("a valid complaint gets a due time, a tracking code, a timeline, an event and an audit row", func(t *testing.T) {
		c := e.create(t)
		if c.Status != app.StatusOpen || c.Severity != app.SeverityMedium || c.ContactPhone != "+966501234567" {
			t.Fatalf("complaint %+v", c)
		}
		if want := e.now.Add(10 * time.Hour); !c.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v (10 calendar hours)", c.DueAt, want)
		}
		if app.NormalizeTrackingCode(c.TrackingCode) != c.TrackingCode || len(c.TrackingCode) != 19 {
			t.Fatalf("tracking code %q", c.TrackingCode)
		}
		if !strings.HasPrefix(c.Title, "The nurses did not") {
			t.Fatalf("title %q", c.Title)
		}
		if n := count(t, e.st, `select count(*) from complaint_timeline where complaint_id = ? and public = 1`, c.ID); n != 1 {
			t.Fatalf("%d public timeline entries", n)
		}
		if n := count(t, e.st, `select count(*) from outbox where kind = 'complaint.created'`); n < 1 {
			t.Fatal("no complaint.created event")
		}
		if n := count(t, e.st, `select count(*) from audit_log where action = 'complaint.create'`); n < 1 {
			t.Fatal("no audit row")
		}
	})
	t.Run("an external reference is unique per hospital", func(t *testing.T) {
		in := complaints.Input{HospitalID: e.hospA.ID, SourceCode: "moh", Description: "x", MOHRef: "MOH-1"}
		if _, err := e.svc.Create(ctx, e.adminA, in); err != nil {
			t.Fatal(err)
		}
		before := count(t, e.st, `select count(*) from complaints`)
		_, err := e.svc.Create(ctx, e.adminA, in)
		if app.Fields(err)["moh_ref"] != "err.ref_taken" {
			t.Fatalf("duplicate MOH reference: %v", err)
		}
		if count(t, e.st, `select count(*) from complaints`) != before {
			t.Fatal("the refused complaint was written")
		}
	})
}

func TestMove(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(t)
	t.Run("an illegal move is a conflict and changes nothing", func(t *testing.T) {
		before := count(t, e.st, `select count(*) from complaint_timeline`)
		_, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusClosed})
		if !errors.Is(err, complaints.ErrTransition) {
			t.Fatalf("open → closed: %v", err)
		}
		got, _ := e.svc.Get(ctx, e.adminA, c.ID)
		if got.Status != app.StatusOpen || count(t, e.st, `select count(*) from complaint_timeline`) != before {
			t.Fatal("a refused move changed the complaint")
		}
	})
	t.Run("resolving needs a resolution category", func(t *testing.T) {
		_, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusResolved})
		if app.Fields(err)["resolution"] == "" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("on hold pauses the clock; resuming moves the due time by the pause", func(t *testing.T) {
		if _, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusOnHold, HoldReason: app.HoldPatient}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(3 * time.Hour)
		got, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusInProgress})
		if err != nil {
			t.Fatal(err)
		}
		if want := c.DueAt.Add(3 * time.Hour); !got.DueAt.Equal(want) {
			t.Fatalf("due after a 3 h pause = %v, want %v", got.DueAt, want)
		}
	})
	t.Run("resolve, close, reopen starts a new SLA cycle", func(t *testing.T) {
		if _, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusResolved, Resolution: app.ResolutionFullAction}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, e.st, `select count(*) from outbox where kind = 'complaint.resolved'`); n != 1 {
			t.Fatalf("%d complaint.resolved events", n)
		}
		if _, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusClosed}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(48 * time.Hour)
		got, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusReopened, Note: "patient unhappy"})
		if err != nil {
			t.Fatal(err)
		}
		if want := e.now.Add(10 * time.Hour); !got.DueAt.Equal(want) || got.Resolution != "" {
			t.Fatalf("reopened: due %v (want %v), resolution %q", got.DueAt, want, got.Resolution)
		}
	})
	t.Run("another hospital's admin cannot see or move it", func(t *testing.T) {
		adminB := app.Principal{Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
		if _, err := e.svc.Move(ctx, adminB, c.ID, complaints.Transition{To: app.StatusInProgress}); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("%v", err)
		}
	})
}

func TestSweepFiresEachMilestoneOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(t) // due at +10 h; reminders at +6 h and +9 h; escalations at +10 h and +34 h
	milestones := func() []string {
		rows, _ := e.st.R.Query(`select kind from complaint_sla_events where complaint_id = ? order by due_at, kind`, c.ID)
		defer rows.Close()
		var ks []string
		for rows.Next() {
			var k string
			rows.Scan(&k)
			ks = append(ks, k)
		}
		return ks
	}
	steps := []struct {
		after time.Duration
		want  string
	}{
		{5 * time.Hour, ""},
		{6 * time.Hour, "reminder1"},
		{9*time.Hour + time.Minute, "reminder1 reminder2"},
		{10 * time.Hour, "reminder1 reminder2 breach escalation:department_manager"},
		{33 * time.Hour, "reminder1 reminder2 breach escalation:department_manager"},
		{35 * time.Hour, "reminder1 reminder2 breach escalation:department_manager escalation:hospital_admin"},
	}
	for _, s := range steps {
		for i := 0; i < 2; i++ { // a second sweep at the same time fires nothing
			svc := complaints.New(e.st, e.sla, fakeTaxonomy{}) // a fresh service: as after a restart
			if _, err := svc.Sweep(ctx, c.CreatedAt.Add(s.after)); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(milestones(), " "); got != s.want {
			t.Fatalf("after %v: fired %q, want %q", s.after, got, s.want)
		}
	}
	got, _ := e.svc.Get(ctx, e.adminA, c.ID)
	if !got.Breached {
		t.Fatal("the breach was not recorded on the complaint")
	}
	var escalations int
	rows, _ := e.st.R.Query(`select payload from outbox where kind = ?`, app.EventSLAMilestones)
	for rows.Next() {
		var p string
		rows.Scan(&p)
		escalations += strings.Count(p, `"level":`)
	}
	rows.Close()
	if escalations != 2 {
		t.Fatalf("%d escalations in the milestone events, want 2", escalations)
	}
	if n := count(t, e.st, `select count(*) from complaints where next_milestone_at != ''`); n != 0 {
		t.Fatal("the complaint still waits for a milestone after the last one fired")
	}
}

func TestTrack(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(t)
	e.svc.AddNote(ctx, e.adminA, c.ID, "internal: call the ward", false)
	e.svc.AddNote(ctx, e.adminA, c.ID, "We are looking into it.", true)
	got, err := e.svc.Track(ctx, strings.ToLower(strings.ReplaceAll(c.TrackingCode, "-", " ")))
	if err != nil || got.Status != app.StatusOpen {
		t.Fatalf("track: %+v %v", got, err)
	}
	for _, u := range got.Updates {
		if strings.Contains(u.Note, "internal") || u.ActorName != "" {
			t.Fatalf("tracking shows internal detail: %+v", u)
		}
	}
	if len(got.Updates) != 2 {
		t.Fatalf("%d public updates, want 2", len(got.Updates))
	}
	_, unknown := e.svc.Track(ctx, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
	_, malformed := e.svc.Track(ctx, "hello<script>")
	if unknown == nil || malformed == nil || unknown.Error() != malformed.Error() {
		t.Fatalf("unknown %v and malformed %v answer differently", unknown, malformed)
	}
}

func TestListOldestFirstPagesBothWays(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []int64
	for i := 0; i < 5; i++ {
		ids = append(ids, e.create(t).ID)
	}
	f := store.ComplaintFilter{ListQuery: app.ListQuery{Limit: 2}, Oldest: true}
	var got []int64
	var pages []app.Page[app.Complaint]
	for {
		p, err := e.svc.List(ctx, e.adminA, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		for _, c := range p.Items {
			got = append(got, c.ID)
		}
		if p.Next == 0 {
			break
		}
		f.After = p.Next
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("oldest first = %v, want %v", got, ids)
	}
	last := pages[len(pages)-1]
	prev, err := e.svc.List(ctx, e.adminA, store.ComplaintFilter{ListQuery: app.ListQuery{Limit: 2, Before: last.Prev}, Oldest: true})
	if err != nil || len(prev.Items) != 2 || prev.Items[0].ID != ids[2] || prev.Items[1].ID != ids[3] {
		t.Fatalf("previous page = %v, want %v", prev.Items, ids[2:4])
	}
}
