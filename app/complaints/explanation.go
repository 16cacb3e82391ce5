package complaints

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"px360/app"
	"px360/store"
)

// ExplanationInput asks a staff member of the complaint's hospital for an explanation.
type ExplanationInput struct {
	StaffID  int64
	Question string
	DueHours int // calendar hours to answer in; default 48, at most 30 days
}

// RequestExplanation records an explanation request with its own due time, on the
// timeline (internal) and as an event the notifications module delivers to the staff member.
func (s *Service) RequestExplanation(ctx context.Context, by app.Principal, complaintID int64, in ExplanationInput) (app.Explanation, error) {
	if !by.Can(app.PermComplaintManage) {
		return app.Explanation{}, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	in.Question = text(fe, "question", in.Question, MaxNote, true)
	if in.DueHours == 0 {
		in.DueHours = 48
	}
	if in.DueHours < 1 || in.DueHours > 720 {
		fe.Add("due_hours", "err.due_hours_invalid")
	}
	var e app.Explanation
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		c, err := tx.ComplaintByID(ctx, by.Scope, complaintID)
		if err != nil {
			return err
		}
		if in.StaffID == 0 {
			fe.Add("staff", "err.required")
		} else if x, err := s.st.StaffByID(ctx, by.Scope, in.StaffID); err != nil || x.HospitalID != c.HospitalID {
			fe.Add("staff", "err.staff_not_in_hospital")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if !c.Status.Active() {
			return &app.Error{Code: app.EConflict, Message: "err.complaint_finished"}
		}
		e = app.Explanation{ComplaintID: c.ID, StaffID: in.StaffID, Question: in.Question,
			DueAt: tx.Now().Add(time.Duration(in.DueHours) * time.Hour)}
		if err := tx.InsertExplanation(ctx, &e); err != nil {
			return err
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "explanation_requested", Note: in.Question}); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventExplanationRequested, c.HospitalID, map[string]any{"complaint_id": c.ID,
			"explanation_id": e.ID, "staff_id": e.StaffID, "due_at": e.DueAt}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint.explanation_request", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"staff_id": e.StaffID, "due_at": e.DueAt}})
	})
	return e, err
}

// AnswerExplanation records the staff member's explanation (typed in by them or for them).
func (s *Service) AnswerExplanation(ctx context.Context, by app.Principal, complaintID, explanationID int64, answer string) error {
	if !by.Can(app.PermComplaintCreate) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	answer = text(fe, "answer", answer, MaxDescription, true)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		c, err := tx.ComplaintByID(ctx, by.Scope, complaintID)
		if err != nil {
			return err
		}
		e, err := tx.ExplanationByID(ctx, explanationID)
		if err != nil || e.ComplaintID != c.ID {
			return app.ErrNotFound
		}
		ok, err := tx.AnswerExplanation(ctx, e.ID, answer)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Code: app.EConflict, Message: "err.explanation_answered"}
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "explanation_answered", Note: answer}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint.explanation_answer", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]int64{"explanation_id": e.ID}})
	})
}

// Explanations lists a complaint's explanation requests.
func (s *Service) Explanations(ctx context.Context, by app.Principal, complaintID int64) ([]app.Explanation, error) {
	if _, err := s.Get(ctx, by, complaintID); err != nil {
		return nil, err
	}
	return s.st.Explanations(ctx, complaintID)
}

// RemindExplanations sends the one reminder of every unanswered request past its due
// time; the reminded_at guard makes it exactly-once.
func (s *Service) RemindExplanations(ctx context.Context, now time.Time) (int, error) {
	overdue, err := s.st.OverdueExplanations(ctx, now, 1000)
	if err != nil || len(overdue) == 0 {
		return 0, err
	}
	sent := 0
	err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		sent = 0
		for _, e := range overdue {
			ok, err := tx.MarkExplanationReminded(ctx, e.ID)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			c, err := tx.ComplaintByID(ctx, app.Scope{All: true}, e.ComplaintID)
			if err != nil {
				return err
			}
			if !c.Status.Active() || c.MergedInto != 0 { // finished: nobody needs reminding (and it stays marked)
				continue
			}
			if err := tx.Emit(ctx, app.EventExplanationReminder, c.HospitalID, map[string]any{"complaint_id": c.ID,
				"explanation_id": e.ID, "staff_id": e.StaffID, "due_at": e.DueAt}); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// OnResolutionAnswered handles the patient's answer to the resolution-satisfaction
// survey: satisfied closes the complaint; not satisfied reopens it (a new SLA cycle) and
// escalates it to the hospital admin. It does nothing unless the complaint is still
// resolved, so a redelivered event is harmless.
func (s *Service) OnResolutionAnswered(ctx context.Context, e app.Event) error {
	var p struct {
		ComplaintID int64 `json:"complaint_id"`
		Satisfied   bool  `json:"satisfied"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("resolution survey payload: %w", err)
	}
	by := app.Principal{Email: "resolution-survey", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}
	c, err := s.st.ComplaintByID(ctx, by.Scope, p.ComplaintID)
	if err != nil || c.Status != app.StatusResolved {
		return nil
	}
	if p.Satisfied {
		_, err = s.Move(ctx, by, c.ID, Transition{To: app.StatusClosed, Note: "The patient is satisfied with the resolution."})
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error { // the reopening and its escalation commit together
		if _, err := s.moveTx(ctx, tx, by, c.ID, Transition{To: app.StatusReopened, Note: "The patient is not satisfied with the resolution."}); err != nil {
			return err
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "escalated", Note: "escalation:" + string(app.EscalateHospitalAdmin), ActorName: "system"}); err != nil {
			return err
		}
		return tx.Emit(ctx, app.EventComplaintEscalated, c.HospitalID, map[string]any{"id": c.ID, "level": app.EscalateHospitalAdmin,
			"reason": "resolution_unsatisfied"})
	})
}
