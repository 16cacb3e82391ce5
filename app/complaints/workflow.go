package complaints

import (
	"context"
	"fmt"
	"time"

	"px360/app"
	"px360/store"
)

// Transition is a request to move a complaint to another status.
type Transition struct {
	To         app.ComplaintStatus
	Note       string
	Public     bool // the note is shown to the patient on the tracking page
	Resolution app.ResolutionCategory
	HoldReason app.HoldReason
}

// ErrTransition is returned for a move the workflow does not allow (409).
var ErrTransition = &app.Error{Code: app.EConflict, Message: "err.transition_not_allowed"}

// Get returns a complaint in by's scope.
func (s *Service) Get(ctx context.Context, by app.Principal, id int64) (app.Complaint, error) {
	if !by.Can(app.PermComplaintView) {
		return app.Complaint{}, app.ErrForbidden
	}
	return s.st.ComplaintByID(ctx, by.Scope, id)
}

// Timeline returns a complaint's full timeline for staff.
func (s *Service) Timeline(ctx context.Context, by app.Principal, id int64) ([]app.TimelineEntry, error) {
	if _, err := s.Get(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.Timeline(ctx, id, false)
}

// List lists complaints in by's scope.
func (s *Service) List(ctx context.Context, by app.Principal, f store.ComplaintFilter) (app.Page[app.Complaint], error) {
	if !by.Can(app.PermComplaintView) {
		return app.Page[app.Complaint]{}, app.ErrForbidden
	}
	f.Scope = by.Scope
	return s.st.ListComplaints(ctx, f)
}

// SLAState returns where the complaint's SLA clock stands at now ("" for a finished one).
func (s *Service) SLAState(ctx context.Context, c app.Complaint, now time.Time) (app.SLAState, time.Duration, error) {
	m, err := s.SLAStates(ctx, []app.Complaint{c}, now)
	return m[c.ID].State, m[c.ID].Remaining, err
}

// SLAInfo is where one complaint's SLA clock stands.
type SLAInfo struct {
	State     app.SLAState
	Remaining time.Duration
}

// SLAStates returns the SLA state at now of each running complaint of cs (finished ones
// have none), reading their clocks in one batch.
func (s *Service) SLAStates(ctx context.Context, cs []app.Complaint, now time.Time) (map[int64]SLAInfo, error) {
	var ids []int64
	for _, c := range cs {
		if c.Status.Active() {
			ids = append(ids, c.ID)
		}
	}
	states, err := s.st.SLAStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]SLAInfo, len(states))
	for _, st := range states {
		clock, err := s.clock(ctx, st.HospitalID, st.SLA)
		if err != nil {
			return nil, err
		}
		out[st.ID] = SLAInfo{clock.State(now), clock.Remaining(now)}
	}
	return out, nil
}

// Move moves a complaint through the workflow. Entering on_hold pauses the SLA clock and
// leaving it resumes the clock; reopening starts a new SLA cycle under the current rule;
// resolving needs a resolution category and emits complaint.resolved. An illegal move is
// a conflict and changes nothing.
func (s *Service) Move(ctx context.Context, by app.Principal, id int64, t Transition) (app.Complaint, error) {
	if !by.Can(app.PermComplaintManage) {
		return app.Complaint{}, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	t.Note = text(fe, "note", t.Note, MaxNote, false)
	if !t.To.Valid() {
		fe.Add("to", "err.choose_option")
	}
	if t.To == app.StatusResolved && !t.Resolution.Valid() {
		fe.Add("resolution", "err.resolution_required")
	}
	if t.To == app.StatusOnHold && t.HoldReason != app.HoldPatient && t.HoldReason != app.HoldThirdParty {
		fe.Add("hold_reason", "err.choose_option")
	}
	if t.To == app.StatusCancelled && t.Note == "" {
		fe.Add("note", "err.reason_required")
	}
	if err := fe.Err(); err != nil {
		return app.Complaint{}, err
	}
	var c app.Complaint
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		c, err = s.moveTx(ctx, tx, by, id, t)
		return err
	})
	return c, err
}

// moveTx is Move's work inside a transaction the caller owns (so another change can
// commit with it, or not at all).
func (s *Service) moveTx(ctx context.Context, tx *store.Tx, by app.Principal, id int64, t Transition) (app.Complaint, error) {
	c, err := tx.ComplaintByID(ctx, by.Scope, id)
	if err != nil {
		return c, err
	}
	from := c.Status
	if !from.CanMoveTo(t.To) {
		return c, ErrTransition
	}
	st, err := tx.ComplaintSLAState(ctx, c.ID)
	if err != nil {
		return c, err
	}
	switch {
	case from == app.StatusOnHold:
		if err := tx.EndPause(ctx, c.ID); err != nil {
			return c, err
		}
		c.HoldReason = ""
	case t.To == app.StatusReopened:
		rule, err := s.sla.RuleFor(ctx, app.SLASubject{HospitalID: c.HospitalID, SourceCode: c.SourceCode, Severity: c.Severity, Priority: c.Priority})
		if err != nil {
			return c, err
		}
		if _, err := tx.NewSLACycle(ctx, c.ID, rule); err != nil {
			return c, err
		}
		c.Breached, c.Resolution, c.ResolvedAt, c.ClosedAt = false, "", time.Time{}, time.Time{}
	}
	if t.To == app.StatusOnHold {
		if err := tx.StartPause(ctx, c.ID, st.Cycle, string(t.HoldReason)); err != nil {
			return c, err
		}
		c.HoldReason = t.HoldReason
	}
	switch t.To {
	case app.StatusResolved:
		c.Resolution, c.ResolvedAt = t.Resolution, tx.Now()
	case app.StatusClosed, app.StatusCancelled:
		c.ClosedAt = tx.Now()
	}
	c.Status = t.To
	next, err := s.reschedule(ctx, tx, &c)
	if err != nil {
		return c, err
	}
	if err := tx.UpdateComplaint(ctx, &c, next); err != nil {
		return c, err
	}
	if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "status", FromStatus: from, ToStatus: t.To,
		Note: t.Note, Public: t.Public}); err != nil {
		return c, err
	}
	if err := tx.Emit(ctx, app.EventComplaintUpdated, c.HospitalID, map[string]int64{"id": c.ID}); err != nil {
		return c, err
	}
	if err := tx.Emit(ctx, app.EventComplaintStatusChanged, c.HospitalID, map[string]any{"id": c.ID, "from": from, "to": t.To}); err != nil {
		return c, err
	}
	if t.To == app.StatusResolved {
		if err := tx.Emit(ctx, app.EventComplaintResolved, c.HospitalID, map[string]any{"id": c.ID,
			"resolution": c.Resolution, "language": c.PreferredLanguage}); err != nil {
			return c, err
		}
	}
	return c, tx.Audit(ctx, app.Audit{Action: "complaint.transition", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
		HospitalID: c.HospitalID, Summary: map[string]any{"from": from, "to": t.To, "resolution": t.Resolution}})
}

// reschedule recomputes the due time and the next SLA milestone after a change of the
// clock (pause, resume, new cycle) or of the status; a finished complaint has none.
func (s *Service) reschedule(ctx context.Context, tx *store.Tx, c *app.Complaint) (time.Time, error) {
	if !c.Status.Active() {
		return time.Time{}, nil
	}
	st, err := tx.ComplaintSLAState(ctx, c.ID)
	if err != nil {
		return time.Time{}, err
	}
	clock, err := s.clock(ctx, c.HospitalID, st)
	if err != nil {
		return time.Time{}, err
	}
	if due, ok := clock.Due(); ok {
		c.DueAt = due
	}
	fired, err := tx.FiredMilestones(ctx, c.ID, st.Cycle)
	if err != nil {
		return time.Time{}, err
	}
	return nextMilestone(clock, fired), nil
}

// Assign sets a complaint's department and responsible staff member (both of its hospital).
func (s *Service) Assign(ctx context.Context, by app.Principal, id, departmentID, staffID int64, note string) (app.Complaint, error) {
	if !by.Can(app.PermComplaintManage) {
		return app.Complaint{}, app.ErrForbidden
	}
	var c app.Complaint
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if c, err = tx.ComplaintByID(ctx, by.Scope, id); err != nil {
			return err
		}
		fe := app.FieldErrors{}
		note = text(fe, "note", note, MaxNote, false)
		if departmentID != 0 {
			if d, err := s.st.DepartmentByID(ctx, by.Scope, departmentID); err != nil || d.HospitalID != c.HospitalID {
				fe.Add("department", "err.department_not_in_hospital")
			}
		}
		if staffID != 0 {
			if x, err := s.st.StaffByID(ctx, by.Scope, staffID); err != nil || x.HospitalID != c.HospitalID {
				fe.Add("assignee", "err.staff_not_in_hospital")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		before := map[string]int64{"department": c.DepartmentID, "assignee": c.AssigneeStaffID}
		c.DepartmentID, c.AssigneeStaffID = departmentID, staffID
		next, err := s.reschedule(ctx, tx, &c)
		if err != nil {
			return err
		}
		if err := tx.UpdateComplaint(ctx, &c, next); err != nil {
			return err
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "assigned", Note: note}); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventComplaintUpdated, c.HospitalID, map[string]int64{"id": c.ID}); err != nil {
			return err
		}
		if staffID != 0 && staffID != before["assignee"] {
			if err := tx.Emit(ctx, app.EventComplaintAssigned, c.HospitalID, map[string]int64{"id": c.ID, "staff_id": staffID,
				"department_id": departmentID}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint.assign", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"before": before,
				"after": map[string]int64{"department": departmentID, "assignee": staffID}}})
	})
	return c, err
}

// AddNote adds a note to the timeline; a public note is shown on the tracking page.
func (s *Service) AddNote(ctx context.Context, by app.Principal, id int64, note string, public bool) error {
	if !by.Can(app.PermComplaintCreate) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	note = text(fe, "note", note, MaxNote, true)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		c, err := tx.ComplaintByID(ctx, by.Scope, id)
		if err != nil {
			return err
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "note", Note: note, Public: public}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, app.Audit{Action: "complaint.note", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"public": public, "chars": len([]rune(note))}}); err != nil {
			return err
		}
		if public { // the text goes into the search index
			return tx.Emit(ctx, app.EventComplaintUpdated, c.HospitalID, map[string]int64{"id": c.ID})
		}
		return nil
	})
}

// Tracked is what the public tracking page shows: never staff names or internal notes.
type Tracked struct {
	TrackingCode string
	Status       app.ComplaintStatus
	Type         app.ComplaintType
	HospitalID   int64
	Language     string
	CreatedAt    time.Time
	Updates      []app.TimelineEntry // public entries only
}

// ErrTrackingUnknown answers both an unknown and a malformed code, so the answer does not
// tell a guesser which codes have the right shape.
var ErrTrackingUnknown = &app.Error{Code: app.ENotFound, Message: "err.tracking_unknown"}

// Track looks up a complaint by its public tracking code.
func (s *Service) Track(ctx context.Context, code string) (Tracked, error) {
	norm := app.NormalizeTrackingCode(code)
	if norm == "" {
		return Tracked{}, ErrTrackingUnknown
	}
	c, err := s.st.ComplaintByTrackingCode(ctx, norm)
	if err != nil {
		return Tracked{}, ErrTrackingUnknown
	}
	updates, err := s.st.Timeline(ctx, c.ID, true)
	if err != nil {
		return Tracked{}, err
	}
	for i := range updates {
		updates[i].ActorID, updates[i].ActorName = "", ""
	}
	return Tracked{TrackingCode: c.TrackingCode, Status: c.Status, Type: c.Type, HospitalID: c.HospitalID,
		Language: c.PreferredLanguage, CreatedAt: c.CreatedAt, Updates: updates}, nil
}
