package actions_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/actions"
	"px360/app/files"
	"px360/app/notify"
	"px360/app/outbox"
	"px360/app/sla"
	"px360/app/vault"
	"px360/store"
)

type fixture struct {
	ctx                       context.Context
	st                        *store.Store
	svc                       *actions.Service
	now                       time.Time
	hosp, other               int64
	med, er                   int64
	owner, manager, admin     app.Principal
	otherAdmin, viewer, staff app.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{ctx: ctx, now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, _ := vault.Open(filepath.Join(dir, "keys"))
	f.st = st
	n := notify.New(st, v, nil)
	f.svc = actions.New(st, sla.New(st), n, files.New(filepath.Join(dir, "files")), nil)
	users := map[string]*app.Principal{}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		for i, code := range []string{"RCH", "JGH"} {
			h := app.Hospital{OrganizationID: org, Code: code, NameEN: code, NameAR: code, TimeZone: "Asia/Riyadh", Active: true}
			if err := tx.SaveHospital(ctx, &h); err != nil {
				return err
			}
			if i == 0 {
				f.hosp = h.ID
			} else {
				f.other = h.ID
			}
		}
		for _, d := range []*app.Department{{HospitalID: f.hosp, Code: "MED", NameEN: "Medicine", NameAR: "الباطنية", Category: app.DeptMedical, Active: true},
			{HospitalID: f.hosp, Code: "ER", NameEN: "Emergency", NameAR: "الطوارئ", Category: app.DeptMedical, Active: true}} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
			if d.Code == "MED" {
				f.med = d.ID
			} else {
				f.er = d.ID
			}
		}
		for _, u := range []struct {
			id   string
			role app.Role
			h    int64
			deps []int64
		}{{"owner", app.RoleStaff, f.hosp, nil}, {"manager", app.RoleDepartmentManager, f.hosp, []int64{f.med}},
			{"admin", app.RoleHospitalAdmin, f.hosp, nil}, {"otheradmin", app.RoleHospitalAdmin, f.other, nil},
			{"viewer", app.RoleViewer, f.hosp, nil}, {"staff", app.RoleStaff, f.hosp, nil}} {
			usr := &app.User{ID: u.id, Email: u.id + "@h.sa", Name: u.id, Language: "en", Role: u.role, Active: true,
				HospitalIDs: []int64{u.h}, DepartmentIDs: u.deps}
			if err := tx.InsertUser(ctx, usr, "x"); err != nil {
				return err
			}
			p := app.PrincipalOf(usr, "")
			users[u.id] = &p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.owner, f.manager, f.admin, f.otherAdmin, f.viewer, f.staff = *users["owner"], *users["manager"], *users["admin"],
		*users["otheradmin"], *users["viewer"], *users["staff"]
	return f
}

func (f *fixture) negative(t *testing.T, responseID, dept int64) (app.Action, bool) {
	t.Helper()
	a, created, err := f.svc.FromSignal(f.ctx, actions.Signal{Input: actions.Input{HospitalID: f.hosp, DepartmentID: dept,
		Source: app.ActionFromSurvey, SourceID: fmt.Sprint(responseID), Category: "survey:1", TitleEN: "Negative responses"}})
	if err != nil {
		t.Fatal(err)
	}
	return a, created
}

func TestSignalsCreateOneActionReplayNothingAndGroupByWeek(t *testing.T) {
	f := newFixture(t)
	a, created := f.negative(t, 101, f.med)
	if !created || a.Status != app.ActionOpen || a.OwnerRole != app.RoleHospitalAdmin || a.DueAt.IsZero() {
		t.Fatalf("first signal: %+v", a)
	}
	if b, created := f.negative(t, 101, f.med); created || b.ID != 0 {
		t.Fatalf("a replayed signal created %+v", b)
	}
	b, created := f.negative(t, 102, f.med)
	if created || b.ID != a.ID || b.SignalCount != 2 {
		t.Fatalf("a similar signal in the same week should join: %+v", b)
	}
	c, created := f.negative(t, 103, f.er)
	if !created || c.ID == a.ID {
		t.Fatal("another department gets its own action")
	}
	f.now = f.now.AddDate(0, 0, 7)
	d, created := f.negative(t, 104, f.med)
	if !created || d.ID == a.ID {
		t.Fatal("next week's signal starts a new action")
	}
	var n int
	f.st.R.QueryRow(`select count(*) from actions`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d actions", n)
	}
}

func TestResolutionSignal(t *testing.T) {
	f := newFixture(t)
	var c app.Complaint
	err := f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error {
		c = app.Complaint{HospitalID: f.hosp, DepartmentID: f.med, Type: app.TypeComplaint, Status: app.StatusResolved, Severity: app.SeverityHigh,
			Priority: app.PriorityMedium, SourceCode: "patient", Title: "Rude reception", Description: "d", PreferredLanguage: "ar", TrackingCode: app.NewTrackingCode()}
		return tx.InsertComplaint(f.ctx, &c, store.ComplaintSLA{Rule: app.SLARule{Hours: 24}, Start: tx.Now()}, time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.emit(t, app.EventResolutionAnswered, map[string]any{"complaint_id": c.ID, "satisfied": true})
	for range 2 { // the unhappy answer, delivered twice
		f.emit(t, app.EventResolutionAnswered, map[string]any{"complaint_id": c.ID, "satisfied": false})
	}
	page, _ := f.svc.List(f.ctx, f.admin, app.ListQuery{}, store.ActionFilter{Source: app.ActionFromResolution, SourceID: fmt.Sprint(c.ID)})
	if len(page.Items) != 1 || page.Items[0].Priority != app.PriorityHigh || page.Items[0].DepartmentID != f.med {
		t.Fatalf("unsatisfied complainant: %+v", page.Items)
	}
}

// emit writes an event to the outbox and delivers it to the actions module.
func (f *fixture) emit(t *testing.T, kind string, payload any) {
	t.Helper()
	if err := f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error { return tx.Emit(f.ctx, kind, 0, payload) }); err != nil {
		t.Fatal(err)
	}
	d := outbox.New(f.st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.svc.Subscribe(d)
	if _, err := d.Dispatch(f.ctx, f.now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
}

func TestRoutingPrecedence(t *testing.T) {
	f := newFixture(t)
	err := f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error {
		for _, r := range []app.RoutingRule{
			{Position: 2, Source: app.ActionFromSurvey, ToRole: app.RoleDepartmentManager, Active: true},
			{Position: 1, HospitalID: f.hosp, Severity: app.SeverityHigh, ToUserID: "owner", Active: true},
			{Position: 0, DepartmentID: f.er, ToUserID: "staff", Active: false},
		} {
			if err := tx.SaveRoutingRule(f.ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	high, _, _ := f.svc.FromSignal(f.ctx, actions.Signal{Input: actions.Input{HospitalID: f.hosp, DepartmentID: f.er, Source: app.ActionFromSurvey,
		SourceID: "1", Severity: app.SeverityHigh, TitleEN: "x"}})
	if high.OwnerUserID != "owner" {
		t.Fatalf("the first matching rule (position 1) wins over position 2; the inactive rule is skipped: %+v", high)
	}
	med, _, _ := f.svc.FromSignal(f.ctx, actions.Signal{Input: actions.Input{HospitalID: f.hosp, DepartmentID: f.med, Source: app.ActionFromSurvey,
		SourceID: "2", TitleEN: "x"}})
	if med.OwnerUserID != "" || med.OwnerRole != app.RoleDepartmentManager {
		t.Fatalf("rule 2: %+v", med)
	}
	obs, _, _ := f.svc.FromSignal(f.ctx, actions.Signal{Input: actions.Input{HospitalID: f.hosp, Source: app.ActionFromObservation,
		SourceID: "3", TitleEN: "x"}})
	if obs.OwnerRole != app.RoleHospitalAdmin {
		t.Fatalf("no rule matches: the fallback queue: %+v", obs)
	}
}

func TestApprovalChain(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.Create(f.ctx, f.admin, actions.Input{HospitalID: f.hosp, DepartmentID: f.med, OwnerUserID: "owner",
		TitleEN: "Reduce waiting time", Priority: app.PriorityHigh})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Move(f.ctx, f.staff, a.ID, app.ActionInProgress, ""); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("someone else's action: %v", err)
	}
	mustMove := func(p app.Principal, to app.ActionStatus) app.Action {
		t.Helper()
		a, err := f.svc.Move(f.ctx, p, a.ID, to, "")
		if err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
		return a
	}
	mustMove(f.owner, app.ActionInProgress)
	if _, err := f.svc.Move(f.ctx, f.owner, a.ID, app.ActionPendingApproval, ""); !errors.Is(err, actions.ErrNoEvidence) {
		t.Fatalf("submit without evidence: %v", err)
	}
	if _, err := f.svc.AddEvidence(f.ctx, f.owner, a.ID, "after.txt", strings.NewReader("new queue system installed")); err != nil {
		t.Fatal(err)
	}
	mustMove(f.owner, app.ActionPendingApproval)
	if _, err := f.svc.Move(f.ctx, f.owner, a.ID, app.ActionClosed, ""); !errors.Is(err, actions.ErrTransition) {
		t.Fatalf("closing without approvals: %v", err)
	}
	for _, p := range []app.Principal{f.admin, f.viewer, f.otherAdmin, f.owner} { // level 1 is the department manager
		if _, err := f.svc.Approve(f.ctx, p, a.ID, ""); err == nil {
			t.Fatalf("%s approved at level 1", p.UserID)
		}
	}
	if _, err := f.svc.Approve(f.ctx, f.otherAdmin, a.ID, ""); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("another hospital's admin: %v", err)
	}
	if _, err := f.svc.Approve(f.ctx, f.admin, a.ID, ""); !errors.Is(err, actions.ErrNotApprover) || app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("hospital admin before level 1: %v", err)
	}
	got, err := f.svc.Approve(f.ctx, f.manager, a.ID, "looks good")
	if err != nil || got.Status != app.ActionPendingApproval {
		t.Fatalf("level 1: %v %v", got.Status, err)
	}
	if _, err := f.svc.Reject(f.ctx, f.admin, a.ID, ""); app.Fields(err)["comment"] != "err.reason_required" {
		t.Fatalf("reject without a comment: %v", err)
	}
	got, err = f.svc.Reject(f.ctx, f.admin, a.ID, "Please attach the new rota as well")
	if err != nil || got.Status != app.ActionRejected {
		t.Fatalf("rejection: %v %v", got.Status, err)
	}
	tl, _ := f.svc.Timeline(f.ctx, f.admin, a.ID)
	if last := tl[len(tl)-1]; last.Kind != "rejected" || !strings.Contains(last.Note, "new rota") {
		t.Fatalf("the comment goes back with the action: %+v", last)
	}
	mustMove(f.owner, app.ActionInProgress)
	f.svc.AddEvidence(f.ctx, f.owner, a.ID, "rota.txt", strings.NewReader("rota"))
	mustMove(f.owner, app.ActionPendingApproval)
	if got, _ := f.svc.Action(f.ctx, f.admin, a.ID); got.PendingLevel() != 1 {
		t.Fatalf("a new round starts at level 1: %d", got.PendingLevel())
	}
	if _, err := f.svc.Approve(f.ctx, f.manager, a.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Approve(f.ctx, f.admin, a.ID, ""); err != nil || got.Status != app.ActionApproved {
		t.Fatalf("level 2: %v %v", got.Status, err)
	}
	if got := mustMove(f.owner, app.ActionClosed); got.Status != app.ActionClosed || got.ClosedAt.IsZero() {
		t.Fatalf("closed: %+v", got)
	}
}

func TestRiskBands(t *testing.T) {
	for score, want := range map[int]string{1: "low", 4: "low", 5: "moderate", 9: "moderate", 10: "high", 14: "high", 15: "extreme", 25: "extreme"} {
		if got := app.RiskBand(score); got != want {
			t.Errorf("RiskBand(%d) = %s, want %s", score, got, want)
		}
	}
}

func TestRCACannotCloseWithoutCauseAndCorrectiveAction(t *testing.T) {
	f := newFixture(t)
	r, err := f.svc.SaveRCA(f.ctx, f.admin, app.RCA{HospitalID: f.hosp, Title: "Medication delays", Likelihood: 4, Impact: 4,
		Links: []app.RCALink{{Type: "complaint", ID: 12}}})
	if err != nil || r.Risk() != 16 || app.RiskBand(r.Risk()) != "extreme" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, to := range []string{"in_progress", "review"} {
		if r, err = f.svc.MoveRCA(f.ctx, f.admin, r.ID, to, ""); err != nil {
			t.Fatal(to, err)
		}
	}
	if _, err := f.svc.MoveRCA(f.ctx, f.admin, r.ID, "closed", ""); !errors.Is(err, actions.ErrRCAIncomplete) {
		t.Fatalf("closing an empty RCA: %v", err)
	}
	r.RootCauses = []app.RootCause{{Category: "process", Text: "No double check at dispensing", Whys: []string{"busy", "understaffed", ""}}}
	if r, err = f.svc.SaveRCA(f.ctx, f.admin, r); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MoveRCA(f.ctx, f.admin, r.ID, "closed", ""); !errors.Is(err, actions.ErrRCAIncomplete) {
		t.Fatalf("closing without a corrective action: %v", err)
	}
	r.CorrectiveActions = []app.CorrectiveAction{{Text: "Add a second pharmacist at peak hours", OwnerUserID: "owner", Effectiveness: 4}}
	if r, err = f.svc.SaveRCA(f.ctx, f.admin, r); err != nil {
		t.Fatal(err)
	}
	if len(r.RootCauses[0].Whys) != 2 {
		t.Fatalf("empty whys dropped: %v", r.RootCauses[0].Whys)
	}
	if r, err = f.svc.MoveRCA(f.ctx, f.admin, r.ID, "closed", "done"); err != nil || r.Status != "closed" {
		t.Fatalf("close: %v", err)
	}
	if _, err := f.svc.SaveRCA(f.ctx, f.admin, r); !errors.Is(err, actions.ErrRCATransition) {
		t.Fatalf("editing a closed RCA: %v", err)
	}
	if _, err := f.svc.SaveRCA(f.ctx, f.viewer, app.RCA{HospitalID: f.hosp, Title: "x"}); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a viewer created an RCA: %v", err)
	}
	work, err := f.svc.MyWork(f.ctx, f.owner)
	if err != nil || len(work) != 0 {
		t.Fatalf("closed RCA tasks leave the work list: %+v %v", work, err)
	}
}

func TestMyWork(t *testing.T) {
	f := newFixture(t)
	a, _ := f.svc.Create(f.ctx, f.admin, actions.Input{HospitalID: f.hosp, DepartmentID: f.med, OwnerUserID: "owner", TitleEN: "Mine"})
	f.svc.Create(f.ctx, f.admin, actions.Input{HospitalID: f.hosp, OwnerUserID: "staff", TitleEN: "Not mine"})
	f.svc.Move(f.ctx, f.owner, a.ID, app.ActionInProgress, "")
	f.svc.AddEvidence(f.ctx, f.owner, a.ID, "e.txt", strings.NewReader("e"))
	work, _ := f.svc.MyWork(f.ctx, f.owner)
	if len(work) != 1 || work[0].Title != "Mine" || work[0].Kind != "action" {
		t.Fatalf("owner's work: %+v", work)
	}
	f.svc.Move(f.ctx, f.owner, a.ID, app.ActionPendingApproval, "")
	if work, _ := f.svc.MyWork(f.ctx, f.manager); len(work) != 1 || work[0].Kind != "approval" {
		t.Fatalf("manager's approvals: %+v", work)
	}
	if work, _ := f.svc.MyWork(f.ctx, f.admin); len(work) != 0 {
		t.Fatalf("level 2 waits for level 1: %+v", work)
	}
}

func TestObservationAndCallSignals(t *testing.T) {
	f := newFixture(t)
	f.emit(t, app.EventObservationCreated, map[string]any{"id": 7, "hospital_id": f.hosp, "department_id": f.er, "severity": "low", "category": "falls"})
	for range 2 {
		f.emit(t, app.EventObservationCreated, map[string]any{"id": 8, "hospital_id": f.hosp, "department_id": f.er, "severity": "critical", "category": "falls"})
		f.emit(t, app.EventCallLowRating, map[string]any{"interaction_id": 31, "hospital_id": f.hosp, "rating": 1, "agent_email": "a@h.sa"})
	}
	obs, _ := f.svc.List(f.ctx, f.admin, app.ListQuery{}, store.ActionFilter{Source: app.ActionFromObservation})
	if len(obs.Items) != 1 || obs.Items[0].SourceID != "8" || obs.Items[0].Priority != app.PriorityUrgent {
		t.Fatalf("observations: only the critical one, once: %+v", obs.Items)
	}
	calls, _ := f.svc.List(f.ctx, f.admin, app.ListQuery{}, store.ActionFilter{Source: app.ActionFromCallCenter})
	if len(calls.Items) != 1 || calls.Items[0].SourceID != "31" {
		t.Fatalf("calls: %+v", calls.Items)
	}
}

func TestOnlyAdminsChangeRoutingAndApprovalChains(t *testing.T) {
	f := newFixture(t)
	rule := app.RoutingRule{HospitalID: f.hosp, Source: app.ActionFromSurvey, ToRole: app.RoleDepartmentManager, Active: true}
	if _, err := f.svc.SaveRoutingRule(f.ctx, f.manager, rule); err == nil {
		t.Fatal("a department manager changed the routing rules")
	}
	if _, err := f.svc.SaveRoutingRule(f.ctx, f.admin, rule); err != nil {
		t.Fatalf("hospital admin: %v", err)
	}
	set := app.DefaultActionSettings(f.hosp)
	if _, err := f.svc.SaveSettings(f.ctx, f.manager, set); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a department manager changed the approval chain: %v", err)
	}
	if _, err := f.svc.SaveSettings(f.ctx, f.admin, set); err != nil {
		t.Fatalf("hospital admin: %v", err)
	}
}
