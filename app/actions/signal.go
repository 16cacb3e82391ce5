package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/app/outbox"
	"px360/store"
)

// Signal is something negative that should lead to an action.
type Signal struct {
	Input
}

// FromSignal creates the action for a signal, or counts it on the open action of its
// group. A signal already seen (the same source record) changes nothing; it returns the
// action and whether a new one was created.
func (s *Service) FromSignal(ctx context.Context, sig Signal) (app.Action, bool, error) {
	in := sig.Input
	if in.Severity == "" {
		in.Severity = app.SeverityMedium
	}
	if in.Priority == "" {
		in.Priority = app.PriorityMedium
	}
	if in.SourceID == "" || !in.Source.Valid() {
		return app.Action{}, false, fmt.Errorf("actions: a signal needs a source and a source id")
	}
	var a app.Action
	created := false
	err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		seen, err := tx.SignalSeen(ctx, in.Source, in.SourceID)
		if err != nil || seen {
			return err
		}
		key := groupKey(in, tx.Now())
		open, ok, err := tx.OpenActionInGroup(ctx, key)
		if err != nil {
			return err
		}
		if ok {
			a = open
			if _, err := tx.AddSignal(ctx, in.Source, in.SourceID, a.ID); err != nil {
				return err
			}
			if err := tx.BumpSignalCount(ctx, a.ID); err != nil {
				return err
			}
			a.SignalCount++
			return tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: "signal", Actor: "system",
				Note: fmt.Sprintf("%s %s", in.Source, in.SourceID)})
		}
		a, err = s.insert(ctx, tx, in, key)
		created = err == nil
		return err
	})
	if err == nil && created {
		s.tellOwner(ctx, a, "")
	}
	return a, created, err
}

// Subscribe connects the signals other modules emit.
func (s *Service) Subscribe(d *outbox.Dispatcher) {
	d.Subscribe(app.EventSurveyNegative, "actions", s.onSurveyNegative)
	d.Subscribe(app.EventResolutionAnswered, "actions", s.onResolutionAnswered)
	d.Subscribe(app.EventObservationCreated, "actions", s.onObservation)
	d.Subscribe(app.EventCallLowRating, "actions", s.onCallLowRating)
}

// onObservation opens an action for a high or critical observation.
func (s *Service) onObservation(ctx context.Context, e app.Event) error {
	var p struct {
		ID           int64        `json:"id"`
		HospitalID   int64        `json:"hospital_id"`
		DepartmentID int64        `json:"department_id"`
		Severity     app.Severity `json:"severity"`
		Category     string       `json:"category"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("observation.created payload: %w", err)
	}
	if p.Severity != app.SeverityHigh && p.Severity != app.SeverityCritical {
		return nil
	}
	priority := app.PriorityHigh
	if p.Severity == app.SeverityCritical {
		priority = app.PriorityUrgent
	}
	_, _, err := s.FromSignal(ctx, Signal{Input{HospitalID: p.HospitalID, DepartmentID: p.DepartmentID, Source: app.ActionFromObservation,
		SourceID: fmt.Sprint(p.ID), Category: "observation:" + p.Category, Severity: p.Severity, Priority: priority,
		TitleEN: fmt.Sprintf("Observation #%d (%s): %s", p.ID, p.Severity, p.Category),
		TitleAR: fmt.Sprintf("ملاحظة رقم %d (%s): %s", p.ID, p.Severity, p.Category)}})
	return err
}

// onCallLowRating opens (or counts on) an action for a call rated 2 or less.
func (s *Service) onCallLowRating(ctx context.Context, e app.Event) error {
	var p struct {
		InteractionID int64  `json:"interaction_id"`
		HospitalID    int64  `json:"hospital_id"`
		DepartmentID  int64  `json:"department_id"`
		Rating        int    `json:"rating"`
		AgentEmail    string `json:"agent_email"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("callcenter.low_rating payload: %w", err)
	}
	_, _, err := s.FromSignal(ctx, Signal{Input{HospitalID: p.HospitalID, DepartmentID: p.DepartmentID, Source: app.ActionFromCallCenter,
		SourceID: fmt.Sprint(p.InteractionID), Category: "call_rating",
		TitleEN:       "Low call-center ratings",
		TitleAR:       "تقييمات منخفضة لمركز الاتصال",
		DescriptionEN: fmt.Sprintf("Call %d was rated %d of 5 (agent %s).", p.InteractionID, p.Rating, p.AgentEmail),
		DescriptionAR: fmt.Sprintf("قُيّمت المكالمة %d بـ %d من 5.", p.InteractionID, p.Rating)}})
	return err
}

func (s *Service) onSurveyNegative(ctx context.Context, e app.Event) error {
	var p struct {
		ResponseID   int64    `json:"response_id"`
		TemplateID   int64    `json:"template_id"`
		HospitalID   int64    `json:"hospital_id"`
		DepartmentID int64    `json:"department_id"`
		Score        *float64 `json:"score"`
		NPS          *int     `json:"nps"`
		Reasons      []string `json:"reasons"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("survey.negative payload: %w", err)
	}
	name := fmt.Sprint("#", p.TemplateID)
	if t, err := s.st.SurveyTemplateByID(ctx, app.System.Scope, p.TemplateID); err == nil {
		name = t.NameEN
	}
	detail := ""
	if p.Score != nil {
		detail += fmt.Sprintf(" score %.0f", *p.Score)
	}
	if p.NPS != nil {
		detail += fmt.Sprintf(" NPS %d", *p.NPS)
	}
	sev := app.SeverityMedium
	if p.Score != nil && *p.Score < 40 {
		sev = app.SeverityHigh
	}
	_, _, err := s.FromSignal(ctx, Signal{Input{HospitalID: p.HospitalID, DepartmentID: p.DepartmentID, Source: app.ActionFromSurvey,
		SourceID: fmt.Sprint(p.ResponseID), Category: fmt.Sprint("survey:", p.TemplateID), Severity: sev,
		TitleEN:       "Negative survey responses: " + name,
		TitleAR:       "ردود سلبية على الاستبيان: " + name,
		DescriptionEN: fmt.Sprintf("Response %d met the survey's negative rule (%v)%s.", p.ResponseID, p.Reasons, detail),
		DescriptionAR: fmt.Sprintf("الرد %d حقق قاعدة الرد السلبي في الاستبيان.", p.ResponseID)}})
	return err
}

func (s *Service) onResolutionAnswered(ctx context.Context, e app.Event) error {
	var p struct {
		ComplaintID int64 `json:"complaint_id"`
		Satisfied   bool  `json:"satisfied"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("resolution_survey.answered payload: %w", err)
	}
	if p.Satisfied {
		return nil
	}
	c, err := s.st.ComplaintByID(ctx, app.System.Scope, p.ComplaintID)
	if errors.Is(err, app.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, _, err = s.FromSignal(ctx, Signal{Input{HospitalID: c.HospitalID, DepartmentID: c.DepartmentID, Source: app.ActionFromResolution,
		SourceID: fmt.Sprint(c.ID), Category: fmt.Sprint("complaint:", c.CategoryID), Severity: c.Severity, Priority: app.PriorityHigh,
		TitleEN:       fmt.Sprintf("Complainant not satisfied with the resolution of complaint #%d", c.ID),
		TitleAR:       fmt.Sprintf("المشتكي غير راضٍ عن حل الشكوى رقم %d", c.ID),
		DescriptionEN: c.Title, DescriptionAR: c.Title}})
	return err
}

// Sweep sends the due-soon reminders and overdue notices of actions; an overdue action is
// also escalated to its hospital's admins. The minute job calls it.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, kind := range []string{"due_soon", "overdue"} {
		for ctx.Err() == nil {
			due, err := s.st.DueActionReminders(ctx, kind, now, 200)
			if err != nil || len(due) == 0 {
				if err != nil {
					return total, err
				}
				break
			}
			for _, a := range due {
				key := app.NotifyActionDueSoon
				if kind == "overdue" {
					key = app.NotifyActionOverdue
				}
				err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
					if err := tx.ClearActionReminder(ctx, a.ID, kind); err != nil {
						return err
					}
					people, err := s.owners(ctx, a)
					if err != nil {
						return err
					}
					if kind == "overdue" {
						admins, err := s.st.UsersWithRole(ctx, app.RoleHospitalAdmin, a.HospitalID, 0)
						if err != nil {
							return err
						}
						people = append(people, admins...)
						if err := tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: "overdue", Actor: "system"}); err != nil {
							return err
						}
					}
					_, err = s.notify.EnqueueTx(ctx, tx, s.request(ctx, a, key, people, fmt.Sprintf("action:%d:%s", a.ID, kind), ""))
					return err
				})
				if err != nil {
					return total, err
				}
				total++
			}
		}
	}
	return total, ctx.Err()
}

// owners are the people an action's notices go to: its owner, else its queue.
func (s *Service) owners(ctx context.Context, a app.Action) ([]notify.Recipient, error) {
	if a.OwnerUserID != "" {
		u, err := s.st.UserByID(ctx, a.OwnerUserID)
		if err != nil {
			return nil, nil
		}
		return []notify.Recipient{{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language}}, nil
	}
	return s.st.UsersWithRole(ctx, a.OwnerRole, a.HospitalID, 0)
}

// request builds the notification of an action for people.
func (s *Service) request(ctx context.Context, a app.Action, key app.NotificationKey, people []notify.Recipient, ref, comment string) notify.Request {
	base := s.notify.PublicURL(ctx)
	loc := s.st.HospitalZone(ctx, a.HospitalID)
	return notify.Request{Key: key, HospitalID: a.HospitalID, Staff: people, Link: fmt.Sprintf("/actions/%d", a.ID), Ref: ref,
		Vars: func(lang string) map[string]string {
			return map[string]string{"action_ref": fmt.Sprintf("#%d", a.ID), "action_title": app.Name(lang, a.TitleEN, a.TitleAR),
				"action_link": fmt.Sprintf("%s/actions/%d", base, a.ID), "due_at": a.DueAt.In(loc).Format("2006-01-02 15:04"),
				"status": s.notify.Tr(lang, "action.status."+string(a.Status)), "comment": comment}
		}}
}

// tellOwner notifies an action's owner (or queue) that it is theirs, or that an
// approver decided; failures are logged, the change stands.
func (s *Service) tellOwner(ctx context.Context, a app.Action, comment string) {
	people, err := s.owners(ctx, a)
	if err == nil && len(people) > 0 {
		key := app.NotifyActionAssigned
		if a.Status == app.ActionApproved || a.Status == app.ActionRejected {
			key = app.NotifyActionDecided
		}
		_, err = s.notify.Enqueue(ctx, s.request(ctx, a, key, people,
			fmt.Sprintf("action:%d:%s:%d", a.ID, a.Status, s.Now().UnixNano()), comment))
	}
	if err != nil {
		s.log.Warn("action notification", "action", a.ID, "err", err)
	}
}

// tellApprovers notifies the people who may decide at the pending level.
func (s *Service) tellApprovers(ctx context.Context, a app.Action) {
	a, err := s.st.ActionByID(ctx, app.System.Scope, a.ID)
	if err != nil {
		return
	}
	level := a.PendingLevel()
	for _, p := range a.Approvals {
		if p.Superseded || p.Level != level {
			continue
		}
		dep := int64(0)
		if p.Role == app.RoleDepartmentManager {
			dep = a.DepartmentID
		}
		people, err := s.st.UsersWithRole(ctx, p.Role, a.HospitalID, dep)
		if err == nil && len(people) > 0 {
			_, err = s.notify.Enqueue(ctx, s.request(ctx, a, app.NotifyActionApproval, people, fmt.Sprintf("action:%d:approve:%d", a.ID, s.Now().UnixNano()), ""))
		}
		if err != nil {
			s.log.Warn("approval notification", "action", a.ID, "err", err)
		}
	}
}
