// Package complaints owns complaints from intake to closure: validation of staff,
// public and API intake, the workflow with its timeline, assignment, the SLA clock (rule
// snapshot, pauses while on hold, new cycle on reopen) and the sweep that fires each
// reminder, breach and escalation exactly once, and public tracking by code.
package complaints

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// SLA is what the service needs from the SLA rules and calendars.
type SLA interface {
	RuleFor(ctx context.Context, s app.SLASubject) (app.SLARule, error)
	Calendar(ctx context.Context, hospitalID int64) (app.Calendar, error)
}

// Taxonomy is what the service needs from the complaint sources and categories.
type Taxonomy interface {
	SourceUsable(ctx context.Context, code string, t app.ComplaintType) bool
	CategoryUsable(ctx context.Context, hospitalID, categoryID int64) bool
}

// Service implements the complaint use cases.
type Service struct {
	st  *store.Store
	sla SLA
	tax Taxonomy
}

// New returns the complaint service.
func New(st *store.Store, sla SLA, tax Taxonomy) *Service {
	return &Service{st: st, sla: sla, tax: tax}
}

// Input is a new complaint, as staff, the API or the public form give it.
type Input struct {
	Type              app.ComplaintType
	HospitalID        int64
	DepartmentID      int64
	StaffInvolvedID   int64
	PatientMRN        string // looked up in the hospital when given
	EncounterID       string
	Severity          app.Severity
	Priority          app.Priority
	SourceCode        string
	CategoryID        int64
	Title             string
	Description       string
	ContactName       string
	ContactPhone      string
	ContactEmail      string
	PreferredLanguage string
	MOHRef, CHIRef    string
}

// Limits on free text, so one complaint cannot fill the disk or the index.
const (
	MaxTitle       = 200
	MaxDescription = 8000
	MaxNote        = 4000
)

func text(fe app.FieldErrors, field, v string, maxLen int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		fe.Add(field, "err.required")
	case utf8.RuneCountInString(v) > maxLen:
		fe.Add(field, "err.too_long")
	case !utf8.ValidString(v):
		fe.Add(field, "err.text_invalid")
	}
	return v
}

// validate normalises in, resolves the patient, and returns the field errors. scope is
// what the caller may see (the public form passes every hospital).
func (s *Service) validate(ctx context.Context, scope app.Scope, in *Input) (patientID int64, fe app.FieldErrors) {
	fe = app.FieldErrors{}
	if in.Type == "" {
		in.Type = app.TypeComplaint
	}
	if !in.Type.Valid() {
		fe.Add("type", "err.choose_option")
	}
	hospitalOK := false
	if in.HospitalID == 0 {
		fe.Add("hospital", "err.required")
	} else if _, err := s.st.HospitalByID(ctx, scope, in.HospitalID); err != nil {
		fe.Add("hospital", "err.hospital_not_allowed")
	} else {
		hospitalOK = true
	}
	if in.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, scope, in.DepartmentID); err != nil || d.HospitalID != in.HospitalID {
			fe.Add("department", "err.department_not_in_hospital")
		}
	}
	if in.StaffInvolvedID != 0 {
		if x, err := s.st.StaffByID(ctx, scope, in.StaffInvolvedID); err != nil || x.HospitalID != in.HospitalID {
			fe.Add("staff_involved", "err.staff_not_in_hospital")
		}
	}
	if mrn := strings.TrimSpace(in.PatientMRN); mrn != "" && hospitalOK { // never probe another hospital's MRNs
		p, err := s.st.PatientByMRN(ctx, in.HospitalID, mrn)
		if err != nil {
			fe.Add("patient_mrn", "err.patient_unknown")
		}
		patientID = p.ID
	}
	if in.Severity == "" {
		in.Severity = app.SeverityMedium
	}
	if !in.Severity.Valid() {
		fe.Add("severity", "err.choose_option")
	}
	if in.Priority == "" {
		in.Priority = app.PriorityMedium
	}
	if !in.Priority.Valid() {
		fe.Add("priority", "err.choose_option")
	}
	in.SourceCode = strings.ToLower(strings.TrimSpace(in.SourceCode))
	if in.SourceCode == "" {
		fe.Add("source", "err.required")
	} else if !s.tax.SourceUsable(ctx, in.SourceCode, in.Type) {
		fe.Add("source", "err.choose_option")
	}
	if in.CategoryID != 0 && hospitalOK && !s.tax.CategoryUsable(ctx, in.HospitalID, in.CategoryID) {
		fe.Add("category", "err.choose_option")
	}
	in.Description = text(fe, "description", in.Description, MaxDescription, true)
	in.Title = text(fe, "title", in.Title, MaxTitle, false)
	if in.Title == "" && in.Description != "" {
		in.Title = firstWords(in.Description, 12)
	}
	in.ContactName = text(fe, "contact_name", in.ContactName, 200, false)
	in.ContactPhone = app.NormalizePhone(fe, "contact_phone", in.ContactPhone)
	in.ContactEmail = strings.ToLower(text(fe, "contact_email", in.ContactEmail, 254, false))
	if in.ContactEmail != "" {
		if a, err := mail.ParseAddress(in.ContactEmail); err != nil || a.Address != in.ContactEmail {
			fe.Add("contact_email", "err.email_invalid")
		}
	}
	if in.PreferredLanguage == "" {
		in.PreferredLanguage = "ar"
	}
	if !app.ValidLanguage(in.PreferredLanguage) {
		fe.Add("preferred_language", "err.choose_option")
	}
	in.EncounterID = text(fe, "encounter_id", in.EncounterID, 64, false)
	in.MOHRef = text(fe, "moh_ref", in.MOHRef, 64, false)
	in.CHIRef = text(fe, "chi_ref", in.CHIRef, 64, false)
	return patientID, fe
}

// firstWords returns the first n words of s (a title made from the description).
func firstWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) > n {
		return strings.Join(words[:n], " ") + "…"
	}
	return strings.Join(words, " ")
}

// clock builds the SLA clock of a complaint from its stored state.
func (s *Service) clock(ctx context.Context, hospitalID int64, st store.ComplaintSLA) (app.SLAClock, error) {
	cal, err := s.sla.Calendar(ctx, hospitalID)
	if err != nil {
		return app.SLAClock{}, err
	}
	return app.SLAClock{Rule: st.Rule, Calendar: cal, Start: st.Start, Pauses: st.Pauses}, nil
}

// nextMilestone is the earliest milestone not fired yet (zero when none is left).
func nextMilestone(c app.SLAClock, fired map[string]bool) time.Time {
	for _, m := range c.Milestones() {
		if !fired[m.Kind] {
			return m.At
		}
	}
	return time.Time{}
}

// Create records a new complaint from staff or the API: SLA due time from the most
// specific rule, a tracking code, a public "received" timeline entry, the
// complaint.created event and an audit row, in one transaction.
func (s *Service) Create(ctx context.Context, by app.Principal, in Input) (app.Complaint, error) {
	if !by.Can(app.PermComplaintCreate) {
		return app.Complaint{}, app.ErrForbidden
	}
	return s.create(ctx, by, by.Scope, in)
}

// CreatePublic records a complaint from the public form (no sign-in).
func (s *Service) CreatePublic(ctx context.Context, ip string, in Input) (app.Complaint, error) {
	in.DepartmentID, in.StaffInvolvedID, in.PatientMRN, in.CategoryID = 0, 0, "", 0
	in.Severity, in.Priority = app.SeverityMedium, app.PriorityMedium
	by := app.Principal{Email: "public-form", IP: ip, Scope: app.Scope{All: true}}
	return s.create(ctx, by, by.Scope, in)
}

func (s *Service) create(ctx context.Context, by app.Principal, scope app.Scope, in Input) (app.Complaint, error) {
	patientID, fe := s.validate(ctx, scope, &in)
	if err := fe.Err(); err != nil {
		return app.Complaint{}, err
	}
	rule, err := s.sla.RuleFor(ctx, app.SLASubject{HospitalID: in.HospitalID, SourceCode: in.SourceCode, Severity: in.Severity, Priority: in.Priority})
	if err != nil {
		return app.Complaint{}, err
	}
	c := app.Complaint{HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, StaffInvolvedID: in.StaffInvolvedID,
		PatientID: patientID, Type: in.Type, Status: app.StatusOpen, Severity: in.Severity, Priority: in.Priority,
		SourceCode: in.SourceCode, CategoryID: in.CategoryID, Title: in.Title, Description: in.Description,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail,
		PreferredLanguage: in.PreferredLanguage, EncounterID: in.EncounterID}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		sla := store.ComplaintSLA{Rule: rule, Cycle: 1, Start: tx.Now()}
		clock, err := s.clock(ctx, c.HospitalID, sla)
		if err != nil {
			return err
		}
		c.DueAt, _ = clock.Due()
		for range 3 { // a tracking-code collision (80 random bits) is astronomically rare; retry anyway
			c.TrackingCode = app.NewTrackingCode()
			if err = tx.InsertComplaint(ctx, &c, sla, nextMilestone(clock, nil)); app.ErrorCode(err) != app.EConflict {
				break
			}
		}
		if err != nil {
			return err
		}
		for authority, ref := range map[string]string{"moh": in.MOHRef, "chi": in.CHIRef} {
			if ref == "" {
				continue
			}
			if err := tx.AddComplaintRef(ctx, c.ID, c.HospitalID, authority, ref); err != nil {
				return err
			}
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "created", ToStatus: c.Status, Public: true}); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventComplaintCreated, c.HospitalID, map[string]int64{"id": c.ID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint.create", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"type": c.Type, "severity": c.Severity, "source": c.SourceCode,
				"due_at": c.DueAt}})
	})
	return c, err
}
