// Package actions runs improvement actions — from a negative signal to a verified fix —
// and root cause analyses.
//
// Signals (a negative survey response, a complainant unhappy with a resolution, a low
// call rating, …) arrive as outbox events and become actions through FromSignal: each
// signal is recorded once (replaying its event changes nothing), and similar signals of
// one department in one week join the same open action as a count instead of flooding
// the queue. New actions are routed by ordered rules to a user or a role, get a due time
// on the hospital's calendar, and move open → in_progress → pending_approval (evidence
// required) → approved (every level of the hospital's 1–3 level chain) → closed; a
// rejection sends the action back to its owner with the approver's comment.
package actions

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"px360/app"
	"px360/app/files"
	"px360/app/notify"
	"px360/app/sla"
	"px360/store"
)

// Service is the actions and RCA module.
type Service struct {
	st     *store.Store
	sla    *sla.Service
	notify *notify.Service
	files  *files.Store
	log    *slog.Logger
	Now    func() time.Time
}

// New returns the service.
func New(st *store.Store, s *sla.Service, n *notify.Service, f *files.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, sla: s, notify: n, files: f, log: log, Now: time.Now}
}

// Input is an action as a person creates or edits it.
type Input struct {
	HospitalID    int64
	DepartmentID  int64
	OwnerUserID   string
	Source        app.ActionSource
	SourceID      string
	TitleEN       string
	TitleAR       string
	DescriptionEN string
	DescriptionAR string
	Category      string
	Severity      app.Severity
	Priority      app.Priority
}

// Text limits.
const (
	MaxTitle       = 200
	MaxDescription = 4000
	MaxComment     = 2000
)

func (s *Service) check(ctx context.Context, by app.Principal, in *Input) error {
	fe := app.FieldErrors{}
	in.TitleEN = app.OptionalText(fe, "title_en", in.TitleEN, MaxTitle)
	in.TitleAR = app.OptionalText(fe, "title_ar", in.TitleAR, MaxTitle)
	if in.TitleEN == "" && in.TitleAR == "" {
		fe.Add("title_en", "err.required")
	}
	in.DescriptionEN = app.OptionalText(fe, "description_en", in.DescriptionEN, MaxDescription)
	in.DescriptionAR = app.OptionalText(fe, "description_ar", in.DescriptionAR, MaxDescription)
	in.Category = app.OptionalText(fe, "category", in.Category, 100)
	if in.Severity == "" {
		in.Severity = app.SeverityMedium
	}
	if in.Priority == "" {
		in.Priority = app.PriorityMedium
	}
	if !in.Severity.Valid() {
		fe.Add("severity", "err.choose_option")
	}
	if !in.Priority.Valid() {
		fe.Add("priority", "err.choose_option")
	}
	if !in.Source.Valid() {
		fe.Add("source", "err.choose_option")
	}
	if !by.Scope.Allows(in.HospitalID) {
		fe.Add("hospital", "err.choose_option")
	}
	if in.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, in.DepartmentID); err != nil || d.HospitalID != in.HospitalID {
			fe.Add("department", "err.department_not_in_hospital")
		}
	}
	if in.OwnerUserID != "" {
		if u, err := s.st.UserByID(ctx, in.OwnerUserID); err != nil || !u.Active || !(u.Role == app.RolePXAdmin || hasHospital(u, in.HospitalID)) {
			fe.Add("owner", "err.owner_not_in_hospital")
		}
	}
	return fe.Err()
}

func hasHospital(u *app.User, id int64) bool {
	for _, h := range u.HospitalIDs {
		if h == id {
			return true
		}
	}
	return false
}

// Create adds an action by hand (source manual, or linked to a record a person chose).
func (s *Service) Create(ctx context.Context, by app.Principal, in Input) (app.Action, error) {
	if !by.Can(app.PermActionManage) {
		return app.Action{}, app.ErrForbidden
	}
	if in.Source == "" {
		in.Source = app.ActionFromManual
	}
	if err := s.check(ctx, by, &in); err != nil {
		return app.Action{}, err
	}
	var a app.Action
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if in.SourceID != "" {
			if seen, err := tx.SignalSeen(ctx, in.Source, in.SourceID); err != nil {
				return err
			} else if seen {
				return &app.Error{Code: app.EConflict, Message: "err.action_exists_for_source"}
			}
		}
		var err error
		a, err = s.insert(ctx, tx, in, "")
		return err
	})
	return a, err
}

// insert routes, schedules and writes a new action with its signal and timeline.
func (s *Service) insert(ctx context.Context, tx *store.Tx, in Input, groupKey string) (app.Action, error) {
	a := app.Action{HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, OwnerUserID: in.OwnerUserID, Source: in.Source,
		SourceID: in.SourceID, GroupKey: groupKey, TitleEN: in.TitleEN, TitleAR: in.TitleAR, DescriptionEN: in.DescriptionEN,
		DescriptionAR: in.DescriptionAR, Category: in.Category, Severity: in.Severity, Priority: in.Priority, Status: app.ActionOpen}
	settings, err := s.st.ActionSettings(ctx, a.HospitalID)
	if err != nil {
		return a, err
	}
	if a.OwnerUserID == "" {
		rules, err := tx.RoutingRules(ctx)
		if err != nil {
			return a, err
		}
		route(&a, rules, settings)
	}
	due, dueSoon, err := s.schedule(ctx, a, settings, tx.Now())
	if err != nil {
		return a, err
	}
	a.DueAt = due
	if err := tx.InsertAction(ctx, &a, dueSoon); err != nil {
		return a, err
	}
	if a.SourceID != "" {
		if _, err := tx.AddSignal(ctx, a.Source, a.SourceID, a.ID); err != nil {
			return a, err
		}
	}
	note := ""
	if a.OwnerUserID == "" {
		note = "queue:" + string(a.OwnerRole)
	}
	if err := tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: "created", To: a.Status, Note: note}); err != nil {
		return a, err
	}
	if err := tx.Emit(ctx, app.EventActionCreated, a.HospitalID, map[string]any{"id": a.ID, "source": a.Source, "source_id": a.SourceID}); err != nil {
		return a, err
	}
	return a, tx.Audit(ctx, app.Audit{Action: "action.create", Entity: "action", EntityID: fmt.Sprint(a.ID), HospitalID: a.HospitalID,
		Summary: map[string]any{"source": a.Source, "source_id": a.SourceID, "owner": a.OwnerUserID, "queue": a.OwnerRole, "priority": a.Priority}})
}

// route applies the first matching rule, else the hospital's fallback queue.
func route(a *app.Action, rules []app.RoutingRule, set app.ActionSettings) {
	for _, r := range rules {
		if !r.Matches(*a) {
			continue
		}
		if r.ToDepartmentID != 0 {
			a.DepartmentID = r.ToDepartmentID
		}
		if r.ToUserID != "" {
			a.OwnerUserID = r.ToUserID
		} else if r.ToRole != "" {
			a.OwnerRole = r.ToRole
		}
		if a.OwnerUserID != "" || a.OwnerRole != "" {
			return
		}
	}
	a.OwnerRole = set.FallbackRole
	if a.OwnerRole == "" {
		a.OwnerRole = app.RoleHospitalAdmin
	}
}

// schedule computes the due time with the SLA engine (the priority's hours, calendar
// hours from creation) and when the due-soon reminder goes.
func (s *Service) schedule(ctx context.Context, a app.Action, set app.ActionSettings, now time.Time) (time.Time, time.Time, error) {
	hours := set.DueHours[a.Priority]
	if hours <= 0 {
		hours = app.DefaultActionSettings(0).DueHours[a.Priority]
	}
	cal, err := s.sla.Calendar(ctx, a.HospitalID)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	clock := app.SLAClock{Rule: app.SLARule{Hours: float64(hours)}, Calendar: cal, Start: now}
	due, ok := clock.Due()
	if !ok {
		due = now.Add(time.Duration(hours) * time.Hour)
	}
	soon := due.Add(-time.Duration(set.DueSoonHours) * time.Hour)
	if set.DueSoonHours <= 0 || !soon.After(now) {
		soon = time.Time{}
	}
	return due, soon, nil
}

// Action returns one action in scope.
func (s *Service) Action(ctx context.Context, by app.Principal, id int64) (app.Action, error) {
	if !by.Can(app.PermActionView) {
		return app.Action{}, app.ErrForbidden
	}
	return s.st.ActionByID(ctx, by.Scope, id)
}

// List pages through actions in scope.
func (s *Service) List(ctx context.Context, by app.Principal, q app.ListQuery, f store.ActionFilter) (app.Page[app.Action], error) {
	if !by.Can(app.PermActionView) {
		return app.Page[app.Action]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListActions(ctx, q, f)
}

// Timeline returns an action's history.
func (s *Service) Timeline(ctx context.Context, by app.Principal, id int64) ([]app.ActionEntry, error) {
	if _, err := s.Action(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.ActionTimeline(ctx, id)
}

// weekKey is the ISO year and week of t, for grouping.
func weekKey(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// groupKey says which signals share an action: same hospital, department, source and
// category, in the same week.
func groupKey(in Input, now time.Time) string {
	return strings.Join([]string{fmt.Sprint(in.HospitalID), fmt.Sprint(in.DepartmentID), string(in.Source), in.Category, weekKey(now)}, "|")
}
