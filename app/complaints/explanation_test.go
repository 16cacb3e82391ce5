package complaints_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/store"
)

func TestExplanationRequests(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(t)
	var nurse app.Staff
	e.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		nurse = app.Staff{HospitalID: e.hospA.ID, EmployeeNo: "N1", NameEN: "Nurse", Kind: app.StaffNurse, Active: true}
		return tx.SaveStaff(ctx, &nurse)
	})
	if _, err := e.svc.RequestExplanation(ctx, e.adminA, c.ID, complaints.ExplanationInput{StaffID: nurse.ID}); app.Fields(err)["question"] == "" {
		t.Fatalf("missing question: %v", err)
	}
	x, err := e.svc.RequestExplanation(ctx, e.adminA, c.ID, complaints.ExplanationInput{StaffID: nurse.ID, Question: "What happened at 2 am?", DueHours: 24})
	if err != nil || !x.DueAt.Equal(e.now.Add(24*time.Hour)) {
		t.Fatalf("request: %+v %v", x, err)
	}
	// Not due yet: no reminder. Overdue: exactly one, however often the sweep runs.
	if n, _ := e.svc.RemindExplanations(ctx, e.now.Add(23*time.Hour)); n != 0 {
		t.Fatalf("%d reminders before the due time", n)
	}
	for i := 0; i < 3; i++ {
		e.svc.RemindExplanations(ctx, e.now.Add(25*time.Hour))
	}
	if n := count(t, e.st, `select count(*) from outbox where kind = ?`, app.EventExplanationReminder); n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
	if err := e.svc.AnswerExplanation(ctx, e.adminA, c.ID, x.ID, "The ward was short of staff."); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AnswerExplanation(ctx, e.adminA, c.ID, x.ID, "again"); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("second answer: %v", err)
	}
	list, _ := e.svc.Explanations(ctx, e.adminA, c.ID)
	if len(list) != 1 || list[0].Answer != "The ward was short of staff." || list[0].AnsweredAt.IsZero() {
		t.Fatalf("explanations %+v", list)
	}
}

func TestResolutionSurveyClosesOrReopens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	resolve := func() app.Complaint {
		c := e.create(t)
		if _, err := e.svc.Move(ctx, e.adminA, c.ID, complaints.Transition{To: app.StatusResolved, Resolution: app.ResolutionFullAction}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	event := func(id int64, satisfied bool) app.Event {
		return app.Event{Kind: app.EventResolutionAnswered, Payload: []byte(`{"complaint_id":` + strconv.FormatInt(id, 10) + `,"satisfied":` + map[bool]string{true: "true", false: "false"}[satisfied] + `}`)}
	}
	happy, unhappy := resolve(), resolve()
	for i := 0; i < 2; i++ { // a redelivered event changes nothing more
		if err := e.svc.OnResolutionAnswered(ctx, event(happy.ID, true)); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.OnResolutionAnswered(ctx, event(unhappy.ID, false)); err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := e.svc.Get(ctx, e.adminA, happy.ID); c.Status != app.StatusClosed {
		t.Fatalf("satisfied: %s, want closed", c.Status)
	}
	if c, _ := e.svc.Get(ctx, e.adminA, unhappy.ID); c.Status != app.StatusReopened {
		t.Fatalf("not satisfied: %s, want reopened", c.Status)
	}
	if n := count(t, e.st, `select count(*) from outbox where kind = 'complaint.escalated'`); n != 1 {
		t.Fatalf("%d escalations, want 1", n)
	}
}

// calendarSLA is an SLA fake whose calendar the test edits.
type calendarSLA struct {
	rule app.SLARule
	cal  app.Calendar
}

func (f *calendarSLA) RuleFor(context.Context, app.SLASubject) (app.SLARule, error) {
	return f.rule, nil
}
func (f *calendarSLA) Calendar(context.Context, int64) (app.Calendar, error) { return f.cal, nil }

func TestCalendarChangeReschedulesRunningComplaints(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Riyadh")
	sla := &calendarSLA{rule: app.SLARule{Hours: 8, BusinessHours: true}, cal: app.DefaultCalendar(loc)}
	svc := complaints.New(e.st, sla, fakeTaxonomy{})
	// Sunday 2026-11-22 09:00 Riyadh: 8 business hours → due Monday 09:00.
	c, err := svc.Create(ctx, e.adminA, complaints.Input{HospitalID: e.hospA.ID, SourceCode: "patient", Description: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 9, 0, 0, 0, loc); !c.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", c.DueAt.In(loc), want)
	}
	// Monday becomes a holiday: the due time moves to Tuesday 09:00.
	sla.cal.Holidays = []app.Holiday{{Date: app.LocalDay(2026, 11, 23, loc), NameEN: "Holiday", NameAR: "عطلة"}}
	event := app.Event{Kind: app.EventCalendarChanged, Payload: []byte(`{"hospital_id":` + strconv.FormatInt(e.hospA.ID, 10) + `}`)}
	if err := svc.OnCalendarChanged(ctx, event); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.Get(ctx, e.adminA, c.ID)
	if want := time.Date(2026, 11, 24, 9, 0, 0, 0, loc); !got.DueAt.Equal(want) {
		t.Fatalf("after the holiday: due %v, want %v", got.DueAt.In(loc), want)
	}
	var next string
	e.st.R.QueryRow(`select next_milestone_at from complaints where id = ?`, c.ID).Scan(&next)
	if !strings.HasPrefix(next, "2026-11-24T06:00") { // the breach at the new due time (no reminders in this rule)
		t.Fatalf("next milestone %q, want the new due time", next)
	}
}
