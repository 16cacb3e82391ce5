package his

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"px360/app"
	"px360/app/surveys"
	"px360/store"
)

// EnsureDefaults seeds the journey templates of a new installation (group-wide): EMS,
// Inpatient, OPD and Day Case, each ending with the matching post-visit survey.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	n, err := s.st.CountJourneyTemplates(ctx)
	if err != nil || n > 0 {
		return err
	}
	families := map[string]int64{}
	all, err := s.st.SurveyTemplates(ctx, app.System.Scope)
	if err != nil {
		return err
	}
	for _, t := range all {
		if t.HospitalID == 0 && t.Kind == app.SurveyGeneral {
			families[t.NameEN] = t.Family
		}
	}
	inpatient, outpatient := families["Inpatient experience"], families["Outpatient visit"]
	stage := func(code, en, ar, trigger string, survey int64, delay int) app.JourneyStage {
		return app.JourneyStage{Code: code, NameEN: en, NameAR: ar, TriggerEvent: trigger, SurveyFamily: survey, DelayMinutes: delay,
			WindowStart: 8 * 60, WindowEnd: 21 * 60}
	}
	templates := []app.JourneyTemplate{
		{Code: "EMS", NameEN: "Emergency", NameAR: "الطوارئ", PatientClasses: []string{"E"}, Active: true, Stages: []app.JourneyStage{
			stage("arrival", "Arrival", "الوصول", "A04", 0, 0), stage("discharge", "Discharge", "الخروج", "A03", outpatient, 120)}},
		{Code: "INPATIENT", NameEN: "Inpatient stay", NameAR: "التنويم", PatientClasses: []string{"I"}, Active: true, Stages: []app.JourneyStage{
			stage("admission", "Admission", "الدخول", "A01", 0, 0), stage("discharge", "Discharge", "الخروج", "A03", inpatient, 120)}},
		{Code: "OPD", NameEN: "Outpatient visit", NameAR: "زيارة العيادات", PatientClasses: []string{"O"}, Active: true, Stages: []app.JourneyStage{
			stage("registration", "Registration", "التسجيل", "A04", 0, 0), stage("visit_end", "End of visit", "نهاية الزيارة", "A03", outpatient, 60)}},
		{Code: "DAYCASE", NameEN: "Day case", NameAR: "جراحة اليوم الواحد", PatientClasses: []string{"D"}, Active: true, Stages: []app.JourneyStage{
			stage("admission", "Admission", "الدخول", "A01", 0, 0), stage("discharge", "Discharge", "الخروج", "A03", outpatient, 240)}},
	}
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		for i := range templates {
			if err := tx.SaveJourneyTemplate(ctx, &templates[i]); err != nil {
				return fmt.Errorf("journey %s: %w", templates[i].Code, err)
			}
		}
		return nil
	})
}

// advanceJourney starts a visit's journey on its first event (when a template matches
// its class) and completes the stages the event triggers; a completed stage with a
// survey schedules it.
func (s *Service) advanceJourney(ctx context.Context, tx *store.Tx, h app.Hospital, v app.Visit, ev app.HISEvent, msgID int64, first bool) error {
	var j app.JourneyInstance
	var t app.JourneyTemplate
	var err error = app.ErrNotFound
	if !first { // a visit's first event has no journey yet
		j, err = tx.JourneyOfVisit(ctx, v.ID)
	}
	switch {
	case errors.Is(err, app.ErrNotFound):
		if t, err = tx.JourneyFor(ctx, s.st, h.ID, v.PatientClass); errors.Is(err, app.ErrNotFound) {
			return nil // no journey for this kind of visit
		} else if err != nil {
			return err
		}
		j = app.JourneyInstance{VisitID: v.ID, TemplateID: t.ID, StartedAt: ev.OccurredAt}
		if err := tx.StartJourney(ctx, &j); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if t, err = s.st.JourneyTemplateByID(ctx, j.TemplateID); err != nil {
			return err
		}
	}
	switch ev.Event {
	case "A11":
		if err := tx.CancelJourneySurveys(ctx, j.ID, "admission cancelled (A11)"); err != nil {
			return err
		}
		return tx.SetJourneyStatus(ctx, j.ID, "cancelled")
	case "A13":
		if err := tx.CancelJourneySurveys(ctx, j.ID, "discharge cancelled (A13)"); err != nil {
			return err
		}
		if err := tx.UncompleteStages(ctx, j.ID, "A03"); err != nil {
			return err
		}
		return tx.SetJourneyStatus(ctx, j.ID, "active")
	case "A01":
		if j.Status == "cancelled" {
			if err := tx.SetJourneyStatus(ctx, j.ID, "active"); err != nil {
				return err
			}
			j.Status = "active"
		}
	}
	if j.Status == "cancelled" {
		return nil
	}
	loc := h.Zone()
	done := len(j.Completed)
	for _, st := range t.Stages {
		if st.TriggerEvent != ev.Event {
			continue
		}
		at := ev.OccurredAt
		if ev.Event == "A03" && !v.DischargeAt.IsZero() {
			at = v.DischargeAt
		}
		fresh, err := tx.CompleteStage(ctx, j.ID, st.ID, msgID, at)
		if err != nil {
			return err
		}
		if !fresh {
			continue
		}
		done++
		if st.SurveyFamily != 0 {
			if err := tx.ScheduleJourneySurvey(ctx, j.ID, st.ID, st.SendAt(at, loc)); err != nil {
				return err
			}
		}
	}
	if done >= len(t.Stages) && j.Status != "completed" {
		return tx.SetJourneyStatus(ctx, j.ID, "completed")
	}
	return nil
}

// SendDue sends the journey surveys whose time has come through the surveys module
// (its fatigue and exclusion rules and the patient's opt-outs apply; a skipped survey
// keeps its reason). The minute job calls it.
func (s *Service) SendDue(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for ctx.Err() == nil {
		due, err := s.st.DueJourneySurveys(ctx, now, 200)
		if err != nil || len(due) == 0 {
			return total, err
		}
		for _, js := range due {
			if err := s.sendOne(ctx, js); err != nil {
				return total, fmt.Errorf("journey survey %d: %w", js.ID, err)
			}
			total++
		}
	}
	return total, ctx.Err()
}

func (s *Service) sendOne(ctx context.Context, js store.JourneySurvey) error {
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		c, err := tx.JourneySurveyContext(ctx, js)
		if err != nil {
			return err
		}
		if c.Status == "cancelled" {
			return tx.FinishJourneySurvey(ctx, js.ID, "cancelled", "journey cancelled", 0)
		}
		inst, err := s.surveys.InviteTx(ctx, tx, surveys.Invitation{TemplateID: c.SurveyFamily, HospitalID: c.HospitalID,
			DepartmentID: c.DepartmentID, PatientID: c.PatientID, Source: app.SourceJourney, SourceRef: fmt.Sprintf("journey:%d", js.InstanceID)})
		var skip *surveys.Skip
		var ae *app.Error
		switch {
		case errors.As(err, &skip):
			return tx.FinishJourneySurvey(ctx, js.ID, "skipped", skip.Reason, 0)
		case errors.Is(err, app.ErrNotFound), errors.As(err, &ae):
			return tx.FinishJourneySurvey(ctx, js.ID, "skipped", "survey template unavailable: "+err.Error(), 0)
		case err != nil:
			return err
		}
		return tx.FinishJourneySurvey(ctx, js.ID, "sent", "", inst.ID)
	})
}

// JourneyTemplates lists the journeys of a hospital (with the group-wide ones).
func (s *Service) JourneyTemplates(ctx context.Context, by app.Principal, hospitalID int64) ([]app.JourneyTemplate, error) {
	if !by.Can(app.PermSurveyManage) {
		return nil, app.ErrForbidden
	}
	return s.st.JourneyTemplates(ctx, hospitalID)
}

// SaveJourneyTemplate creates or updates a journey and its stages.
func (s *Service) SaveJourneyTemplate(ctx context.Context, by app.Principal, t app.JourneyTemplate) (app.JourneyTemplate, error) {
	if !by.Can(app.PermSurveyManage) || (t.HospitalID == 0 && !by.Scope.All) || (t.HospitalID != 0 && !by.Scope.Allows(t.HospitalID)) {
		return t, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	t.Code = strings.ToUpper(app.RequiredText(fe, "code", t.Code, 20))
	t.NameEN = app.RequiredText(fe, "name_en", t.NameEN, 200)
	t.NameAR = app.RequiredText(fe, "name_ar", t.NameAR, 200)
	if len(t.PatientClasses) == 0 {
		fe.Add("patient_classes", "err.required")
	}
	if len(t.Stages) == 0 || len(t.Stages) > 20 {
		fe.Add("stages", "err.stages_count")
	}
	codes := []string{}
	for i := range t.Stages {
		st := &t.Stages[i]
		st.Code = strings.ToLower(strings.TrimSpace(st.Code))
		key := fmt.Sprintf("stages.%d", i)
		switch {
		case st.Code == "" || slices.Contains(codes, st.Code):
			fe.Add(key, "err.stage_code")
		case !app.KnownHISEvent(st.TriggerEvent):
			fe.Add(key, "err.choose_option")
		case st.DelayMinutes < 0 || st.DelayMinutes > 60*24*30:
			fe.Add(key, "err.number_range")
		case st.WindowStart < 0 || st.WindowStart >= 24*60 || st.WindowEnd < 0 || st.WindowEnd > 24*60:
			fe.Add(key, "err.time_invalid")
		case st.NameEN == "" && st.NameAR == "":
			fe.Add(key, "err.required")
		}
		codes = append(codes, st.Code)
		if st.SurveyFamily != 0 {
			if sv, err := s.st.SurveyTemplateByID(ctx, by.Scope, st.SurveyFamily); err != nil || sv.Kind == app.SurveyWard {
				fe.Add(key, "err.choose_option")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return t, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveJourneyTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "journey.save", Entity: "journey_template", EntityID: fmt.Sprint(t.ID),
			HospitalID: t.HospitalID, Summary: map[string]any{"code": t.Code, "stages": len(t.Stages)}})
	})
	return t, err
}
