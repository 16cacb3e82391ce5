package complaints_test

import (
	"context"
	"strconv"
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
