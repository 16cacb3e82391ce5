package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"px360/app"
	"px360/app/outbox"
)

// Subscribe connects the complaint events to their notifications. Each handler is
// idempotent: the event id is the request's Ref.
func (s *Service) Subscribe(d *outbox.Dispatcher) {
	d.Subscribe(app.EventComplaintCreated, "notify", s.onComplaintCreated)
	d.Subscribe(app.EventComplaintStatusChanged, "notify", s.onStatusChanged)
	d.Subscribe(app.EventComplaintAssigned, "notify", s.onAssigned)
	d.Subscribe(app.EventExplanationRequested, "notify", s.onExplanation(app.NotifyExplanationRequested))
	d.Subscribe(app.EventExplanationReminder, "notify", s.onExplanation(app.NotifyExplanationReminder))
	d.Subscribe(app.EventComplaintEscalated, "notify", s.onEscalated)
	d.Subscribe(app.EventSLAMilestones, "notify", s.onMilestones)
}

// Tr names a status or level in a language through Translate, which the appliance sets to the views'
// message catalog. Without it the raw key is used.
func (s *Service) Tr(lang, key string) string {
	if s.Translate == nil {
		return key
	}
	return s.Translate(lang, key)
}

// complaintVars are the template values about a complaint, in lang.
func (s *Service) complaintVars(ctx context.Context, c app.Complaint) func(lang string) map[string]string {
	base := s.PublicURL(ctx)
	loc := s.st.HospitalZone(ctx, c.HospitalID)
	dept := map[string]string{}
	if c.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, app.System.Scope, c.DepartmentID); err == nil {
			dept["en"], dept["ar"] = d.NameEN, app.Name("ar", d.NameEN, d.NameAR)
		}
	}
	return func(lang string) map[string]string {
		v := map[string]string{
			"patient_name": c.ContactName, "tracking_code": c.TrackingCode,
			"tracking_link": base + "/track?code=" + url.QueryEscape(c.TrackingCode),
			"status":        s.Tr(lang, "complaint.status."+string(c.Status)),
			"complaint_ref": fmt.Sprintf("#%d", c.ID), "complaint_title": c.Title,
			"complaint_link": fmt.Sprintf("%s/complaints/%d", base, c.ID), "department": dept[lang],
		}
		if !c.DueAt.IsZero() {
			v["due_at"] = c.DueAt.In(loc).Format("2006-01-02 15:04")
		}
		return v
	}
}

func complaintPatient(c app.Complaint) *Patient {
	return &Patient{ID: c.PatientID, Name: c.ContactName, Phone: c.ContactPhone, Email: c.ContactEmail, Lang: c.PreferredLanguage}
}

type idPayload struct {
	ID           int64               `json:"id"`
	ComplaintID  int64               `json:"complaint_id"`
	StaffID      int64               `json:"staff_id"`
	DepartmentID int64               `json:"department_id"`
	To           app.ComplaintStatus `json:"to"`
	Level        app.EscalationLevel `json:"level"`
	DueAt        time.Time           `json:"due_at"`
}

func (s *Service) complaintOf(ctx context.Context, e app.Event) (app.Complaint, idPayload, error) {
	var p idPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return app.Complaint{}, p, fmt.Errorf("event payload: %w", err)
	}
	id := p.ID
	if id == 0 {
		id = p.ComplaintID
	}
	c, err := s.st.ComplaintByID(ctx, app.System.Scope, id)
	return c, p, err
}

// onComplaintCreated acknowledges a complaint to the person who made it.
func (s *Service) onComplaintCreated(ctx context.Context, e app.Event) error {
	c, _, err := s.complaintOf(ctx, e)
	if err != nil {
		return ignoreMissing(err)
	}
	_, err = s.Enqueue(ctx, Request{Key: app.NotifyComplaintAcknowledged, HospitalID: c.HospitalID, Patient: complaintPatient(c),
		Vars: s.complaintVars(ctx, c), Ref: e.ID})
	return err
}

// onStatusChanged tells the patient their complaint moved (not for a merged duplicate:
// the surviving complaint speaks for both).
func (s *Service) onStatusChanged(ctx context.Context, e app.Event) error {
	c, p, err := s.complaintOf(ctx, e)
	if err != nil {
		return ignoreMissing(err)
	}
	if c.MergedInto != 0 {
		return nil
	}
	c.Status = p.To // the status of the event, not a later one
	_, err = s.Enqueue(ctx, Request{Key: app.NotifyComplaintStatusChanged, HospitalID: c.HospitalID, Patient: complaintPatient(c),
		Vars: s.complaintVars(ctx, c), Ref: e.ID})
	return err
}

// onAssigned tells the staff member a complaint is now theirs.
func (s *Service) onAssigned(ctx context.Context, e app.Event) error {
	c, p, err := s.complaintOf(ctx, e)
	if err != nil {
		return ignoreMissing(err)
	}
	staff, err := s.staffRecipients(ctx, p.StaffID)
	if err != nil {
		return err
	}
	_, err = s.Enqueue(ctx, Request{Key: app.NotifyComplaintAssigned, HospitalID: c.HospitalID, Staff: staff,
		Vars: s.complaintVars(ctx, c), Link: fmt.Sprintf("/complaints/%d", c.ID), Ref: e.ID})
	return err
}

// onExplanation asks (or reminds) the staff member for an explanation; a reminder also
// tells the department's managers that it is overdue.
func (s *Service) onExplanation(key app.NotificationKey) func(context.Context, app.Event) error {
	return func(ctx context.Context, e app.Event) error {
		c, p, err := s.complaintOf(ctx, e)
		if err != nil {
			return ignoreMissing(err)
		}
		staff, err := s.staffRecipients(ctx, p.StaffID)
		if err != nil {
			return err
		}
		question := ""
		if ex, err := s.st.Explanations(ctx, c.ID); err == nil {
			for _, x := range ex {
				if x.StaffID == p.StaffID && x.AnsweredAt.IsZero() {
					question = x.Question
				}
			}
		}
		loc := s.st.HospitalZone(ctx, c.HospitalID)
		base := s.complaintVars(ctx, c)
		vars := func(lang string) map[string]string {
			v := base(lang)
			v["question"], v["due_at"] = question, p.DueAt.In(loc).Format("2006-01-02 15:04")
			return v
		}
		link := fmt.Sprintf("/complaints/%d", c.ID)
		if _, err := s.Enqueue(ctx, Request{Key: key, HospitalID: c.HospitalID, Staff: staff, Vars: vars, Link: link, Ref: e.ID}); err != nil {
			return err
		}
		if key != app.NotifyExplanationReminder {
			return nil
		}
		managers, err := s.levelRecipients(ctx, c, app.EscalateDepartmentManager)
		if err != nil {
			return err
		}
		_, err = s.Enqueue(ctx, Request{Key: app.NotifyExplanationOverdue, HospitalID: c.HospitalID, Staff: managers, Vars: vars,
			Link: link, Ref: e.ID + ":overdue"})
		return err
	}
}

// onEscalated tells the people at the escalation level (an unsatisfied patient reopened
// a resolved complaint).
func (s *Service) onEscalated(ctx context.Context, e app.Event) error {
	c, p, err := s.complaintOf(ctx, e)
	if err != nil {
		return ignoreMissing(err)
	}
	return s.escalate(ctx, c, p.Level, e.ID)
}

func (s *Service) escalate(ctx context.Context, c app.Complaint, level app.EscalationLevel, ref string) error {
	people, err := s.levelRecipients(ctx, c, level)
	if err != nil {
		return err
	}
	base := s.complaintVars(ctx, c)
	vars := func(lang string) map[string]string {
		v := base(lang)
		v["level"] = s.Tr(lang, "sla.level."+string(level))
		return v
	}
	_, err = s.Enqueue(ctx, Request{Key: app.NotifySLAEscalation, HospitalID: c.HospitalID, Staff: people, Vars: vars,
		Link: fmt.Sprintf("/complaints/%d", c.ID), Ref: ref})
	return err
}

// milestone is one entry of the sweep's batch event.
type milestone struct {
	ComplaintID int64               `json:"complaint_id"`
	Milestone   string              `json:"milestone"`
	Level       app.EscalationLevel `json:"level"`
}

// onMilestones fans a sweep batch out: reminders and breaches to the assignee (or, when
// nobody is assigned, the department's managers), escalations to their level.
func (s *Service) onMilestones(ctx context.Context, e app.Event) error {
	var list []milestone
	if err := json.Unmarshal(e.Payload, &list); err != nil {
		return fmt.Errorf("milestones payload: %w", err)
	}
	for i, m := range list {
		c, err := s.st.ComplaintByID(ctx, app.System.Scope, m.ComplaintID)
		if err != nil {
			if ignoreMissing(err) == nil {
				continue
			}
			return err
		}
		ref := fmt.Sprintf("%s:%d", e.ID, i)
		if strings.HasPrefix(m.Milestone, app.MilestoneEscalation) {
			if err := s.escalate(ctx, c, m.Level, ref); err != nil {
				return err
			}
			continue
		}
		key := app.NotifySLAReminder
		if m.Milestone == app.MilestoneBreach {
			key = app.NotifySLABreach
		}
		people, err := s.staffRecipients(ctx, c.AssigneeStaffID)
		if err != nil {
			return err
		}
		if len(people) == 0 {
			if people, err = s.levelRecipients(ctx, c, app.EscalateDepartmentManager); err != nil {
				return err
			}
		}
		if _, err := s.Enqueue(ctx, Request{Key: key, HospitalID: c.HospitalID, Staff: people, Vars: s.complaintVars(ctx, c),
			Link: fmt.Sprintf("/complaints/%d", c.ID), Ref: ref}); err != nil {
			return err
		}
	}
	return nil
}

// staffRecipients reaches a staff member by email, and in-app through the user account
// with the same email, if there is one.
func (s *Service) staffRecipients(ctx context.Context, staffID int64) ([]Recipient, error) {
	if staffID == 0 {
		return nil, nil
	}
	x, err := s.st.StaffByID(ctx, app.System.Scope, staffID)
	if err != nil {
		return nil, ignoreMissing(err)
	}
	r := Recipient{Email: x.Email, Name: x.NameEN, Language: "en"}
	if x.Email != "" {
		if u, ok, err := s.st.ActiveUserByEmail(ctx, x.Email); err != nil {
			return nil, err
		} else if ok {
			r = u
		}
	}
	if r.Email == "" && r.UserID == "" {
		return nil, nil
	}
	return []Recipient{r}, nil
}

// levelRecipients are the users at an escalation level for a complaint: the managers of
// its department, the admins of its hospital, or the group's PX admins.
func (s *Service) levelRecipients(ctx context.Context, c app.Complaint, level app.EscalationLevel) ([]Recipient, error) {
	switch level {
	case app.EscalateDepartmentManager:
		if c.DepartmentID == 0 {
			return s.st.UsersWithRole(ctx, app.RoleHospitalAdmin, c.HospitalID, 0)
		}
		return s.st.UsersWithRole(ctx, app.RoleDepartmentManager, c.HospitalID, c.DepartmentID)
	case app.EscalateHospitalAdmin:
		return s.st.UsersWithRole(ctx, app.RoleHospitalAdmin, c.HospitalID, 0)
	case app.EscalatePXAdmin:
		return s.st.UsersWithRole(ctx, app.RolePXAdmin, c.HospitalID, 0)
	}
	return nil, nil
}

// ignoreMissing drops "not found": a record deleted since its event has nobody to tell.
func ignoreMissing(err error) error {
	if errors.Is(err, app.ErrNotFound) {
		return nil
	}
	return err
}
