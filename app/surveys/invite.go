package surveys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// Invitation asks for one patient to be invited to a survey.
type Invitation struct {
	TemplateID   int64 // any version of the family; the active version is used
	HospitalID   int64
	DepartmentID int64
	PatientID    int64 // a registered patient (contact details from the record unless given)
	Name         string
	Phone        string
	Email        string
	Lang         string      // "ar" or "en"; the patient's own when empty
	Channel      app.Channel // "" = the hospital's channel order for survey invitations
	Source       app.SurveySource
	SourceRef    string
}

// Skip says why an invitation was not sent; it is not an error.
type Skip struct{ Reason string }

func (s *Skip) Error() string { return "not invited: " + s.Reason }

// Skip reasons.
const (
	SkipFatigue    = "fatigue"    // invited within the hospital's fatigue window
	SkipDeceased   = "deceased"   // the patient died
	SkipMinor      = "minor"      // younger than the hospital's minimum age
	SkipDepartment = "department" // the department is excluded from surveys
	SkipNoContact  = "no_contact" // no usable number or address, or opted out, or no provider
	SkipDuplicate  = "duplicate"  // this source already has an invitation
)

// Invite invites a patient in its own transaction.
func (s *Service) Invite(ctx context.Context, by app.Principal, in Invitation) (app.SurveyInstance, error) {
	if !by.Can(app.PermSurveySend) {
		return app.SurveyInstance{}, app.ErrForbidden
	}
	if !by.Scope.Allows(in.HospitalID) {
		return app.SurveyInstance{}, app.ErrNotFound
	}
	if in.Source == "" {
		in.Source = app.SourceManual
	}
	var out app.SurveyInstance
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		out, err = s.InviteTx(ctx, tx, in)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "survey.invite", Entity: "survey_instance", EntityID: fmt.Sprint(out.ID),
			HospitalID: out.HospitalID, Summary: map[string]any{"template": out.TemplateID, "channel": out.Channel, "source": in.Source}})
	})
	return out, err
}

// InviteTx invites a patient inside the caller's transaction (a journey stage, a bulk
// file, a resolved complaint). It applies the hospital's exclusions and fatigue rule
// and the patient's opt-outs; a patient who is not invited gives a *Skip error and
// nothing is written.
func (s *Service) InviteTx(ctx context.Context, tx *store.Tx, in Invitation) (app.SurveyInstance, error) {
	t, err := tx.SurveyTemplateByID(ctx, app.System.Scope, in.TemplateID)
	if err != nil {
		return app.SurveyInstance{}, err
	}
	if t.Status != app.TemplateActive {
		if t, err = tx.ActiveSurvey(ctx, t.Family); err != nil {
			return app.SurveyInstance{}, &app.Error{Code: app.EConflict, Message: "err.survey_not_active"}
		}
	}
	if t.HospitalID != 0 && t.HospitalID != in.HospitalID {
		return app.SurveyInstance{}, app.ErrNotFound
	}
	if t.Kind == app.SurveyWard {
		return app.SurveyInstance{}, &app.Error{Code: app.EInvalid, Message: "err.survey_ward_only"}
	}
	p, err := s.contact(ctx, in)
	if err != nil {
		return app.SurveyInstance{}, err
	}
	settings, err := s.st.SurveySettings(ctx, in.HospitalID)
	if err != nil {
		return app.SurveyInstance{}, err
	}
	now := tx.Now()
	if reason, err := s.excluded(ctx, settings, in, now); err != nil || reason != "" {
		if err == nil {
			err = &Skip{Reason: reason}
		}
		return app.SurveyInstance{}, err
	}
	key := patientKey(in.PatientID, p)
	if key == "" {
		return app.SurveyInstance{}, &Skip{Reason: SkipNoContact}
	}
	// Resolution surveys are part of handling the patient's own complaint and are not
	// held back by the fatigue rule (opt-outs still apply).
	if t.Kind != app.SurveyResolution && settings.FatigueDays > 0 {
		last, err := tx.LastInvitation(ctx, key)
		if err != nil {
			return app.SurveyInstance{}, err
		}
		if !last.IsZero() && now.Sub(last) < time.Duration(settings.FatigueDays)*24*time.Hour {
			return app.SurveyInstance{}, &Skip{Reason: SkipFatigue}
		}
	}
	token := app.NewSurveyToken()
	inst := app.SurveyInstance{TemplateID: t.ID, HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, PatientID: in.PatientID,
		PatientKey: key, Name: p.Name, Phone: p.Phone, Email: p.Email, Lang: p.Lang, Source: in.Source, SourceRef: in.SourceRef,
		ExpiresAt: now.Add(time.Duration(t.ExpiryDays) * 24 * time.Hour)}
	var remind time.Time
	if t.ReminderHours > 0 {
		remind = now.Add(time.Duration(t.ReminderHours) * time.Hour)
	}
	enc, err := s.vault.Encrypt(tokenPurpose, token)
	if err != nil {
		return inst, err
	}
	if err := tx.InsertSurveyInstance(ctx, &inst, token, enc, remind); err != nil {
		return inst, err
	}
	req := notify.Request{Key: app.NotifySurveyInvitation, HospitalID: in.HospitalID, Patient: &p,
		Vars: s.vars(ctx, token, inst.ExpiresAt, in.HospitalID), Ref: fmt.Sprintf("survey:%d", inst.ID)}
	if in.Channel != "" {
		req.Channels = []app.Channel{in.Channel}
	}
	q, err := s.notify.EnqueueTx(ctx, tx, req)
	if err != nil {
		return inst, err
	}
	if q.MessageID == 0 {
		if err := tx.DeleteSurveyInstance(ctx, inst.ID); err != nil {
			return inst, err
		}
		return app.SurveyInstance{}, &Skip{Reason: SkipNoContact}
	}
	inst.MessageID, inst.Channel = q.MessageID, q.Channel
	if err := tx.SetSurveyMessage(ctx, inst.ID, q.MessageID, q.Channel); err != nil {
		return inst, err
	}
	return inst, tx.CountInvitation(ctx, t.Family, in.HospitalID, in.DepartmentID)
}

// contact fills the patient's name, phone, email and language from the record where
// the invitation does not give them.
func (s *Service) contact(ctx context.Context, in Invitation) (notify.Patient, error) {
	p := notify.Patient{ID: in.PatientID, Name: strings.TrimSpace(in.Name), Phone: strings.TrimSpace(in.Phone),
		Email: strings.TrimSpace(in.Email), Lang: in.Lang}
	if in.PatientID != 0 {
		rec, _, err := s.st.PatientByID(ctx, app.Scope{HospitalIDs: []int64{in.HospitalID}}, in.PatientID)
		if err != nil {
			return p, err
		}
		if p.Name == "" {
			p.Name = app.Name(rec.Language, rec.NameEN, rec.NameAR)
		}
		if p.Phone == "" {
			p.Phone = rec.Phone
		}
		if p.Email == "" {
			p.Email = rec.Email
		}
		if p.Lang == "" {
			p.Lang = rec.Language
		}
	}
	if p.Lang != "en" {
		p.Lang = "ar"
	}
	return p, nil
}

// patientKey is what the fatigue rule counts: the patient, else their number or address.
func patientKey(patientID int64, p notify.Patient) string {
	if patientID != 0 {
		return fmt.Sprintf("p:%d", patientID)
	}
	if n, err := app.E164(p.Phone); err == nil {
		return n
	}
	return strings.ToLower(p.Email)
}

// excluded returns why the hospital's rules exclude a patient, or "".
func (s *Service) excluded(ctx context.Context, r app.SurveySettings, in Invitation, now time.Time) (string, error) {
	if in.DepartmentID != 0 && slices.Contains(r.ExcludedDepartments, in.DepartmentID) {
		return SkipDepartment, nil
	}
	if in.PatientID == 0 {
		return "", nil
	}
	info, err := s.st.PatientExclusionInfo(ctx, in.PatientID)
	if err != nil {
		return "", err
	}
	if info.Deceased {
		return SkipDeceased, nil
	}
	if r.MinAge > 0 && info.BirthDate != "" {
		if born, err := time.Parse(time.DateOnly, info.BirthDate); err == nil && born.AddDate(r.MinAge, 0, 0).After(now) {
			return SkipMinor, nil
		}
	}
	return "", nil
}

// vars are the invitation's template values.
func (s *Service) vars(ctx context.Context, token string, expires time.Time, hospitalID int64) func(string) map[string]string {
	link := s.Link(ctx, token)
	loc := s.st.HospitalZone(ctx, hospitalID)
	return func(string) map[string]string {
		return map[string]string{"survey_link": link, "expires_at": expires.In(loc).Format("2006-01-02")}
	}
}

// OnComplaintResolved invites the complainant to the resolution-satisfaction survey
// (once per complaint and resolution: a reopened and re-resolved complaint asks again).
func (s *Service) OnComplaintResolved(ctx context.Context, e app.Event) error {
	var p struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("complaint.resolved payload: %w", err)
	}
	c, err := s.st.ComplaintByID(ctx, app.System.Scope, p.ID)
	if errors.Is(err, app.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.ContactPhone == "" && c.ContactEmail == "" && c.PatientID == 0 {
		return nil
	}
	err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		ref := fmt.Sprintf("%d@%s", c.ID, c.ResolvedAt.UTC().Format(time.RFC3339))
		if _, ok, err := tx.SurveyInstanceBySource(ctx, app.SourceResolution, ref); err != nil || ok {
			return err // already invited for this resolution (the event came twice)
		}
		t, err := tx.ActiveSurveyOfKind(ctx, c.HospitalID, app.SurveyResolution)
		if err != nil {
			return err
		}
		_, err = s.InviteTx(ctx, tx, Invitation{TemplateID: t.ID, HospitalID: c.HospitalID, DepartmentID: c.DepartmentID,
			PatientID: c.PatientID, Name: c.ContactName, Phone: c.ContactPhone, Email: c.ContactEmail, Lang: c.PreferredLanguage,
			Source: app.SourceResolution, SourceRef: ref})
		return err
	})
	var skip *Skip
	if errors.As(err, &skip) || errors.Is(err, app.ErrNotFound) {
		s.log.Info("no resolution survey", "complaint", c.ID, "reason", err)
		return nil
	}
	return err
}
