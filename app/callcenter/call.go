package callcenter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// Limits on a call's free text.
const (
	MaxCallerName = 200
	MaxResolution = 2000
	MaxNotes      = 4000
)

// CallInput is a call as an agent types it, the API sends it or a file row holds it.
// An empty AgentEmail means the person recording it took the call. A zero StartedAt
// means now. Satisfaction 0 means the caller gave no rating.
type CallInput struct {
	HospitalID   int64
	DepartmentID int64
	Type         app.CallType
	CallerName   string
	CallerPhone  string
	PatientMRN   string
	AgentEmail   string
	StartedAt    time.Time
	WaitSeconds  int
	TalkSeconds  int
	Resolved     bool
	Resolution   string
	Satisfaction int
	Notes        string
}

// agentCache remembers agent look-ups during one import.
type agentCache map[string]*app.User

// checkCall validates in for hospital in by's scope and builds the call; field errors
// are keyed by the API's field names.
func (s *Service) checkCall(ctx context.Context, by app.Principal, in CallInput, agents agentCache) (app.CallInteraction, app.FieldErrors) {
	fe := app.FieldErrors{}
	c := app.CallInteraction{HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, Type: in.Type,
		WaitSeconds: in.WaitSeconds, TalkSeconds: in.TalkSeconds, Resolved: in.Resolved, Satisfaction: in.Satisfaction,
		StartedAt: in.StartedAt}
	hospitalOK := false
	switch {
	case in.HospitalID == 0:
		fe.Add("hospital", "err.required")
	case !by.Scope.Allows(in.HospitalID):
		fe.Add("hospital", "err.hospital_not_allowed")
	default:
		if _, err := s.st.HospitalByID(ctx, by.Scope, in.HospitalID); err != nil {
			fe.Add("hospital", "err.hospital_not_allowed")
		} else {
			hospitalOK = true
		}
	}
	if in.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, in.DepartmentID); err != nil || d.HospitalID != in.HospitalID {
			fe.Add("department", "err.department_not_in_hospital")
		}
	}
	if !in.Type.Valid() {
		fe.Add("call_type", "err.choose_option")
	}
	for field, n := range map[string]int{"wait_seconds": in.WaitSeconds, "talk_seconds": in.TalkSeconds} {
		if n < 0 || n > app.MaxCallSeconds {
			fe.Add(field, "err.call_seconds_range")
		}
	}
	if in.Satisfaction != 0 && (in.Satisfaction < 1 || in.Satisfaction > 5) {
		fe.Add("satisfaction", "err.call_rating_range")
	}
	now := s.Now()
	if c.StartedAt.IsZero() {
		c.StartedAt = now
	} else if c.StartedAt.After(now.Add(time.Hour)) {
		fe.Add("started_at", "err.call_started_future")
	}
	c.StartedAt = c.StartedAt.UTC().Truncate(time.Second)
	c.CallerName = text(fe, "caller_name", in.CallerName, MaxCallerName)
	c.Resolution = text(fe, "resolution", in.Resolution, MaxResolution)
	c.Notes = text(fe, "notes", in.Notes, MaxNotes)
	c.CallerPhone = callerPhone(fe, in.CallerPhone)
	if hospitalOK { // never probe another hospital's patients
		if mrn := strings.TrimSpace(in.PatientMRN); mrn != "" {
			p, err := s.st.PatientByMRN(ctx, in.HospitalID, mrn)
			if err != nil {
				fe.Add("patient_mrn", "err.patient_unknown")
			}
			c.PatientID = p.ID
		} else if c.CallerPhone != "" && fe["caller_phone"] == "" {
			c.PatientID, _ = s.st.PatientIDByPhone(ctx, in.HospitalID, phoneForms(c.CallerPhone)...)
		}
		if u := s.agent(ctx, by, in.HospitalID, in.AgentEmail, agents, fe); u != nil {
			c.AgentUserID, c.AgentEmail = u.ID, u.Email
		}
	}
	return c, fe
}

func text(fe app.FieldErrors, field, v string, maxLen int) string {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v):
		fe.Add(field, "err.text_invalid")
	case utf8.RuneCountInString(v) > maxLen:
		fe.Add(field, "err.too_long")
	}
	return v
}

// callerPhone keeps a caller's number in E.164 when it is a valid mobile number, else
// as digits (a landline, an extension): callers call from anywhere.
func callerPhone(fe app.FieldErrors, raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	if n, err := app.E164(raw); err == nil {
		return n
	}
	return app.NormalizePhone(fe, "caller_phone", raw)
}

// phoneForms are the ways a patient's number may be stored: E.164 and, for Saudi
// mobiles, the local 05… form.
func phoneForms(n string) []string {
	forms := []string{n}
	if rest, ok := strings.CutPrefix(n, "+966"); ok {
		forms = append(forms, "0"+rest, "966"+rest)
	}
	return forms
}

// agent resolves who took the call: email's user, who must be active, hold the
// call-center permission and belong to the hospital; or, with no email, the person
// recording it.
func (s *Service) agent(ctx context.Context, by app.Principal, hospitalID int64, email string, cache agentCache, fe app.FieldErrors) *app.User {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		if by.UserID == "" {
			fe.Add("agent_email", "err.required")
			return nil
		}
		return &app.User{ID: by.UserID, Email: by.Email}
	}
	u, seen := cache[email]
	if !seen {
		found, _, err := s.st.UserByEmail(ctx, email)
		if err == nil {
			u = found
		}
		if cache != nil {
			cache[email] = u
		}
	}
	if u == nil || !u.Active || !u.Role.Can(app.PermCallCenter) ||
		(u.Role != app.RolePXAdmin && !slices.Contains(u.HospitalIDs, hospitalID)) {
		fe.Add("agent_email", "err.call_agent_unknown")
		return nil
	}
	return u
}

// RecordCall records a call. A rating of 2 or less emits callcenter.low_rating (the
// actions module opens an action) and free text asks the AI engine for analysis, both
// in the call's transaction.
func (s *Service) RecordCall(ctx context.Context, by app.Principal, in CallInput) (app.CallInteraction, error) {
	if !by.Can(app.PermCallCenter) {
		return app.CallInteraction{}, app.ErrForbidden
	}
	c, fe := s.checkCall(ctx, by, in, nil)
	if err := fe.Err(); err != nil {
		return app.CallInteraction{}, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := s.insertCall(ctx, tx, &c); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "call.create", Entity: "call", EntityID: fmt.Sprint(c.ID), HospitalID: c.HospitalID,
			Summary: map[string]any{"type": c.Type, "agent": c.AgentEmail, "satisfaction": c.Satisfaction, "resolved": c.Resolved}})
	})
	return c, err
}

// insertCall writes c with its events: the low-rating event (marking the call so it is
// never sent again) and the analysis request when it has free text.
func (s *Service) insertCall(ctx context.Context, tx *store.Tx, c *app.CallInteraction) error {
	c.LowRatingEmitted = c.LowRating()
	if err := tx.InsertCall(ctx, c); err != nil {
		return err
	}
	if c.LowRatingEmitted {
		if err := emitLowRating(ctx, tx, *c); err != nil {
			return err
		}
	}
	if c.Notes != "" || c.Resolution != "" {
		return emitAnalysis(ctx, tx, "call", c.ID, c.HospitalID)
	}
	return nil
}

func emitLowRating(ctx context.Context, tx *store.Tx, c app.CallInteraction) error {
	return tx.Emit(ctx, app.EventCallLowRating, c.HospitalID, map[string]any{"interaction_id": c.ID, "hospital_id": c.HospitalID,
		"department_id": c.DepartmentID, "rating": c.Satisfaction, "agent_email": c.AgentEmail})
}

func emitAnalysis(ctx context.Context, tx *store.Tx, kind string, id, hospitalID int64) error {
	return tx.Emit(ctx, app.EventAnalysisRequested, hospitalID, map[string]any{"record_type": kind, "record_id": id,
		"hospital_id": hospitalID})
}

// canEdit reports whether by may change call c: its agent, who recorded it, or a
// call-center manager.
func canEdit(by app.Principal, c app.CallInteraction) bool {
	return by.Can(app.PermCallCenterManage) || (by.UserID != "" && by.UserID == c.AgentUserID) ||
		(by.Email != "" && strings.EqualFold(by.Email, c.CreatedBy))
}

// CanEdit reports whether by may change call c (for showing the edit form).
func (s *Service) CanEdit(by app.Principal, c app.CallInteraction) bool {
	return by.Can(app.PermCallCenter) && canEdit(by, c)
}

// UpdateCall changes a call (its hospital stays). A rating lowered to 2 or less emits
// the low-rating event unless the call already sent it: once per call, never twice.
func (s *Service) UpdateCall(ctx context.Context, by app.Principal, id int64, in CallInput) (app.CallInteraction, error) {
	if !by.Can(app.PermCallCenter) {
		return app.CallInteraction{}, app.ErrForbidden
	}
	old, err := s.st.CallByID(ctx, by.Scope, id)
	if err != nil {
		return old, err
	}
	if !canEdit(by, old) {
		return old, app.ErrForbidden
	}
	in.HospitalID = old.HospitalID
	if in.StartedAt.IsZero() {
		in.StartedAt = old.StartedAt
	}
	if strings.TrimSpace(in.AgentEmail) == "" {
		in.AgentEmail = old.AgentEmail
	}
	c, fe := s.checkCall(ctx, by, in, nil)
	if strings.EqualFold(strings.TrimSpace(in.AgentEmail), old.AgentEmail) { // the same agent, even if since moved on
		delete(fe, "agent_email")
		c.AgentUserID, c.AgentEmail = old.AgentUserID, old.AgentEmail
	}
	if err := fe.Err(); err != nil {
		return old, err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		cur, err := tx.CallByID(ctx, by.Scope, id) // the state this change applies to
		if err != nil {
			return err
		}
		c.ID, c.ImportID, c.CreatedBy, c.CreatedAt = cur.ID, cur.ImportID, cur.CreatedBy, cur.CreatedAt
		c.LowRatingEmitted = cur.LowRatingEmitted
		emit := c.LowRating() && !cur.LowRatingEmitted
		if emit {
			c.LowRatingEmitted = true
		}
		if err := tx.UpdateCall(ctx, &c); err != nil {
			return err
		}
		if emit {
			if err := emitLowRating(ctx, tx, c); err != nil {
				return err
			}
		}
		if (c.Notes != cur.Notes || c.Resolution != cur.Resolution) && (c.Notes != "" || c.Resolution != "") {
			if err := emitAnalysis(ctx, tx, "call", c.ID, c.HospitalID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "call.update", Entity: "call", EntityID: fmt.Sprint(c.ID), HospitalID: c.HospitalID,
			Summary: callChanges(cur, c)})
	})
	return c, err
}

// callChanges names the fields an update changed, with their new values (free text
// by length only: the audit log is no second copy of what callers said).
func callChanges(a, b app.CallInteraction) map[string]any {
	ch := map[string]any{}
	if a.Type != b.Type {
		ch["type"] = b.Type
	}
	if a.Satisfaction != b.Satisfaction {
		ch["satisfaction"] = b.Satisfaction
	}
	if a.Resolved != b.Resolved {
		ch["resolved"] = b.Resolved
	}
	if a.AgentUserID != b.AgentUserID {
		ch["agent"] = b.AgentEmail
	}
	if a.DepartmentID != b.DepartmentID {
		ch["department"] = b.DepartmentID
	}
	if a.WaitSeconds != b.WaitSeconds || a.TalkSeconds != b.TalkSeconds {
		ch["seconds"] = []int{b.WaitSeconds, b.TalkSeconds}
	}
	if a.Notes != b.Notes {
		ch["notes_chars"] = utf8.RuneCountInString(b.Notes)
	}
	if a.Resolution != b.Resolution {
		ch["resolution_chars"] = utf8.RuneCountInString(b.Resolution)
	}
	if a.CallerPhone != b.CallerPhone || a.CallerName != b.CallerName || a.PatientID != b.PatientID {
		ch["caller"] = true
	}
	return ch
}

// Call returns a call in by's hospitals.
func (s *Service) Call(ctx context.Context, by app.Principal, id int64) (app.CallInteraction, error) {
	if !by.Can(app.PermCallCenter) {
		return app.CallInteraction{}, app.ErrForbidden
	}
	return s.st.CallByID(ctx, by.Scope, id)
}

// ListCalls lists calls in by's hospitals, newest first. A search term is a caller's
// phone number in any form people write it.
func (s *Service) ListCalls(ctx context.Context, by app.Principal, f store.CallFilter) (app.Page[app.CallInteraction], error) {
	if !by.Can(app.PermCallCenter) {
		return app.Page[app.CallInteraction]{}, app.ErrForbidden
	}
	f.Scope = by.Scope
	if f.Search != "" {
		f.Search = callerPhone(app.FieldErrors{}, f.Search)
	}
	return s.st.ListCalls(ctx, f)
}
