package feedback

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// FeedbackInput is feedback as the public form or the public API give it.
type FeedbackInput struct {
	HospitalID   int64
	DepartmentID int64
	Type         app.FeedbackType
	Text         string
	PatientName  string
	PatientPhone string
	PatientEmail string
	Language     string
}

func (s *Service) validateFeedback(ctx context.Context, in *FeedbackInput) error {
	fe := app.FieldErrors{}
	if s.checkHospital(ctx, fe, app.Scope{All: true}, in.HospitalID) {
		s.checkDepartment(ctx, fe, "department", in.HospitalID, in.DepartmentID)
	}
	in.Type = app.FeedbackType(strings.TrimSpace(string(in.Type)))
	if in.Type == "" {
		in.Type = app.FeedbackGeneral
	}
	if !in.Type.Valid() {
		fe.Add("type", "err.choose_option")
	}
	in.Text = text(fe, "text", in.Text, MaxText, true)
	in.PatientName = text(fe, "patient_name", in.PatientName, MaxName, false)
	in.PatientPhone = app.NormalizePhone(fe, "patient_phone", in.PatientPhone)
	in.PatientEmail = strings.ToLower(text(fe, "patient_email", in.PatientEmail, 254, false))
	if in.PatientEmail != "" {
		if a, err := mail.ParseAddress(in.PatientEmail); err != nil || a.Address != in.PatientEmail {
			fe.Add("patient_email", "err.email_invalid")
		}
	}
	in.Language = strings.TrimSpace(in.Language)
	if in.Language == "" {
		in.Language = "ar"
	}
	if !app.ValidLanguage(in.Language) {
		fe.Add("language", "err.choose_option")
	}
	return fe.Err()
}

// SubmitFeedback records feedback from the public form or API (no sign-in): a tracking
// code, a public "received" log entry, the analysis event for its text and an audit row
// without any address, in one transaction.
func (s *Service) SubmitFeedback(ctx context.Context, in FeedbackInput) (app.Feedback, error) {
	if err := s.validateFeedback(ctx, &in); err != nil {
		return app.Feedback{}, err
	}
	f := app.Feedback{HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, Type: in.Type, Status: app.FeedbackSubmitted,
		PatientName: in.PatientName, PatientPhone: in.PatientPhone, PatientEmail: in.PatientEmail, Language: in.Language,
		Text: in.Text}
	err := s.st.InTx(ctx, publicFeedback, func(tx *store.Tx) error {
		var err error
		for range 3 { // a tracking-code collision (80 random bits) is astronomically rare; retry anyway
			f.TrackingCode = app.NewTrackingCode()
			if err = tx.InsertFeedback(ctx, &f); app.ErrorCode(err) != app.EConflict {
				break
			}
		}
		if err != nil {
			return err
		}
		if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "created", ToStatus: string(f.Status),
			Public: true}); err != nil {
			return err
		}
		if err := analysisEvent(ctx, tx, app.RecordFeedback, f.ID, f.HospitalID); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "feedback.create", Entity: app.RecordFeedback, EntityID: fmt.Sprint(f.ID),
			HospitalID: f.HospitalID, Summary: map[string]any{"type": f.Type}})
	})
	return f, err
}

// Feedback returns one feedback the user may see.
func (s *Service) Feedback(ctx context.Context, by app.Principal, id int64) (app.Feedback, error) {
	if !by.Can(app.PermFeedbackView) {
		return app.Feedback{}, app.ErrForbidden
	}
	return s.st.FeedbackByID(ctx, by.Scope, id)
}

// ListFeedback pages through the feedback of the user's hospitals.
func (s *Service) ListFeedback(ctx context.Context, by app.Principal, f store.FeedbackFilter) (app.Page[app.Feedback], error) {
	if !by.Can(app.PermFeedbackView) {
		return app.Page[app.Feedback]{}, app.ErrForbidden
	}
	f.Scope = by.Scope
	return s.st.ListFeedback(ctx, f)
}

// FeedbackLog returns a feedback's history, oldest first.
func (s *Service) FeedbackLog(ctx context.Context, by app.Principal, id int64) ([]app.RecordLogEntry, error) {
	if _, err := s.Feedback(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.FeedbackLog(ctx, id, false)
}

// FeedbackResponses lists the answers sent to the patient.
func (s *Service) FeedbackResponses(ctx context.Context, by app.Principal, id int64) ([]app.FeedbackResponse, error) {
	if _, err := s.Feedback(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.FeedbackResponses(ctx, id)
}

// ErrFeedbackTransition refuses a status change the workflow does not allow.
var ErrFeedbackTransition = &app.Error{Code: app.EConflict, Message: "err.transition_not_allowed"}

// changeFeedback loads the feedback in a transaction as by, checks the permission and
// lets change alter it; the result is saved.
func (s *Service) changeFeedback(ctx context.Context, by app.Principal, id int64, change func(tx *store.Tx, f *app.Feedback) error) (app.Feedback, error) {
	if !by.Can(app.PermFeedbackManage) {
		return app.Feedback{}, app.ErrForbidden
	}
	var f app.Feedback
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if f, err = tx.FeedbackByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if err := change(tx, &f); err != nil {
			return err
		}
		return tx.UpdateFeedback(ctx, &f)
	})
	return f, err
}

// moveFeedback changes f's status inside tx, with a public log entry (the patient sees
// the status on the tracking page; the note only when public).
func moveFeedback(ctx context.Context, tx *store.Tx, f *app.Feedback, to app.FeedbackStatus, note string, public bool) error {
	from := f.Status
	f.Status = to
	switch {
	case to == app.FeedbackClosed:
		f.ClosedAt = tx.Now()
	case from == app.FeedbackClosed:
		f.ClosedAt = time.Time{} // reopened: not closed any more
	}
	if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "status", FromStatus: string(from),
		ToStatus: string(to)}); err != nil {
		return err
	}
	if note != "" {
		if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "note", Note: note, Public: public}); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, app.Audit{Action: "feedback.transition", Entity: app.RecordFeedback, EntityID: fmt.Sprint(f.ID),
		HospitalID: f.HospitalID, Summary: map[string]any{"from": from, "to": to}})
}

// MoveFeedback moves feedback through its workflow (submitted → reviewed → acknowledged
// → closed; closed may reopen to reviewed), with an optional note.
func (s *Service) MoveFeedback(ctx context.Context, by app.Principal, id int64, to app.FeedbackStatus, note string, public bool) (app.Feedback, error) {
	fe := app.FieldErrors{}
	if !to.Valid() {
		fe.Add("to", "err.choose_option")
	}
	note = text(fe, "note", note, MaxNote, false)
	if err := fe.Err(); err != nil {
		return app.Feedback{}, err
	}
	return s.changeFeedback(ctx, by, id, func(tx *store.Tx, f *app.Feedback) error {
		if !f.Status.CanMoveTo(to) {
			return ErrFeedbackTransition
		}
		return moveFeedback(ctx, tx, f, to, note, public)
	})
}

// ClassifyFeedback sets the area ("" clears it) and the department of the feedback.
func (s *Service) ClassifyFeedback(ctx context.Context, by app.Principal, id int64, class app.FeedbackClass, departmentID int64) (app.Feedback, error) {
	return s.changeFeedback(ctx, by, id, func(tx *store.Tx, f *app.Feedback) error {
		fe := app.FieldErrors{}
		if class != "" && !class.Valid() {
			fe.Add("classification", "err.choose_option")
		}
		s.checkDepartment(ctx, fe, "department", f.HospitalID, departmentID)
		if err := fe.Err(); err != nil {
			return err
		}
		f.Classification, f.DepartmentID = class, departmentID
		if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "classified", Note: string(class)}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "feedback.classify", Entity: app.RecordFeedback, EntityID: fmt.Sprint(f.ID),
			HospitalID: f.HospitalID, Summary: map[string]any{"classification": class, "department": departmentID}})
	})
}

// Respond sends an answer to the patient through the notifications module (their
// preferred language, the first channel that reaches them) and records it; feedback not
// yet acknowledged becomes acknowledged. Feedback without a phone or e-mail cannot be
// answered. The answer also shows on the patient's tracking page.
func (s *Service) Respond(ctx context.Context, by app.Principal, id int64, reply string) (app.FeedbackResponse, error) {
	fe := app.FieldErrors{}
	reply = text(fe, "response", reply, MaxResponse, true)
	if err := fe.Err(); err != nil {
		return app.FeedbackResponse{}, err
	}
	var r app.FeedbackResponse
	_, err := s.changeFeedback(ctx, by, id, func(tx *store.Tx, f *app.Feedback) error {
		if f.PatientPhone == "" && f.PatientEmail == "" {
			return app.FieldErrors{"response": "err.feedback_no_contact"}.Err()
		}
		q, err := s.notify.EnqueueTx(ctx, tx, notify.Request{Key: app.NotifyFeedbackResponse, HospitalID: f.HospitalID,
			Patient: &notify.Patient{Name: f.PatientName, Phone: f.PatientPhone, Email: f.PatientEmail, Lang: f.Language},
			Ref:     fmt.Sprintf("feedback:%d:response:%d", f.ID, tx.Now().UnixNano()),
			Vars: func(lang string) map[string]string {
				return map[string]string{"patient_name": f.PatientName, "tracking_code": f.TrackingCode, "response": reply}
			}})
		if err != nil {
			return err
		}
		r = app.FeedbackResponse{FeedbackID: f.ID, Text: reply, Channel: q.Channel, MessageID: q.MessageID}
		if err := tx.InsertFeedbackResponse(ctx, &r); err != nil {
			return err
		}
		if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "response", Note: reply, Public: true}); err != nil {
			return err
		}
		if f.Status == app.FeedbackSubmitted || f.Status == app.FeedbackReviewed {
			if err := moveFeedback(ctx, tx, f, app.FeedbackAcknowledged, "", false); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "feedback.respond", Entity: app.RecordFeedback, EntityID: fmt.Sprint(f.ID),
			HospitalID: f.HospitalID, Summary: map[string]any{"response": r.ID, "channel": r.Channel, "message": r.MessageID}})
	})
	return r, err
}

// LinkAction links an improvement action of the same hospital to the feedback (its
// action plan). Linking the same action twice changes nothing.
func (s *Service) LinkAction(ctx context.Context, by app.Principal, id, actionID int64) error {
	if actionID <= 0 {
		return app.FieldErrors{"action": "err.required"}.Err()
	}
	_, err := s.changeFeedback(ctx, by, id, func(tx *store.Tx, f *app.Feedback) error {
		a, err := tx.ActionByID(ctx, by.Scope, actionID)
		if app.ErrorCode(err) == app.ENotFound || (err == nil && a.HospitalID != f.HospitalID) {
			return app.FieldErrors{"action": "err.feedback_action_unknown"}.Err()
		}
		if err != nil {
			return err
		}
		added, err := tx.LinkFeedbackAction(ctx, f.ID, a.ID)
		if err != nil || !added {
			return err
		}
		if err := tx.AddFeedbackLog(ctx, app.RecordLogEntry{RecordID: f.ID, Kind: "action_linked", Note: fmt.Sprintf("#%d", a.ID)}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "feedback.link_action", Entity: app.RecordFeedback, EntityID: fmt.Sprint(f.ID),
			HospitalID: f.HospitalID, Summary: map[string]any{"action": a.ID}})
	})
	return err
}

// LinkedActions returns the feedback's action plan: the actions linked to it and those
// started from it, as far as the user may see them.
func (s *Service) LinkedActions(ctx context.Context, by app.Principal, id int64) ([]app.Action, error) {
	f, err := s.Feedback(ctx, by, id)
	if err != nil {
		return nil, err
	}
	ids, err := s.st.FeedbackActionIDs(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	var out []app.Action
	seen := map[int64]bool{}
	for _, aid := range ids {
		a, err := s.st.ActionByID(ctx, by.Scope, aid)
		if app.ErrorCode(err) == app.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	started, err := s.st.ListActions(ctx, app.ListQuery{Scope: by.Scope, Limit: 50, NoCount: true},
		store.ActionFilter{Source: app.ActionFromFeedback, SourceID: fmt.Sprint(f.ID)})
	if err != nil {
		return nil, err
	}
	for _, a := range started.Items {
		if !seen[a.ID] {
			out = append(out, a)
		}
	}
	return out, nil
}
