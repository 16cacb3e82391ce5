package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"px360/app"
	"px360/app/his"
	"px360/views"
)

// maxJourneyRows bounds the stage rows a posted editor may claim (the service takes 20 stages).
const maxJourneyRows = 40

// journeyHospital reads ?hospital= for the journey list: a hospital in the user's scope,
// else 0 for group-wide users (the group-wide journeys alone) or the user's first hospital.
func journeyHospital(r *http.Request, by app.Principal, f views.Frame) (int64, bool) {
	if v := r.URL.Query().Get("hospital"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 || (id != 0 && !by.Scope.Allows(id)) || (id == 0 && !by.Scope.All) {
			return 0, false
		}
		return id, true
	}
	if by.Scope.All || len(f.Hospitals) == 0 {
		return 0, true
	}
	return f.Hospitals[0].ID, true
}

func (s *Server) journeyList(w http.ResponseWriter, r *http.Request) {
	by, f := principal(r), s.frame(r)
	hospitalID, ok := journeyHospital(r, by, f)
	if !ok {
		s.notFound(w, r)
		return
	}
	ts, err := s.his.JourneyTemplates(r.Context(), by, hospitalID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.JourneyList(f, ts, hospitalID, by.Scope.All))
}

// surveyChoices are the survey families a stage of a journey of hospitalID may send:
// general and resolution surveys of that hospital or of every hospital (hospitalID -1:
// not chosen yet, any the user sees).
func (s *Server) surveyChoices(ctx context.Context, by app.Principal, f views.Frame, hospitalID int64) []views.Option {
	ts, err := s.surveys.Templates(ctx, by)
	if err != nil {
		return nil // without the survey permissions the stages can still be edited, without surveys
	}
	var out []views.Option
	seen := map[int64]bool{}
	for _, t := range ts {
		if t.Kind == app.SurveyWard || seen[t.Family] || t.Status == app.TemplateArchived {
			continue
		}
		if hospitalID >= 0 && t.HospitalID != 0 && t.HospitalID != hospitalID {
			continue
		}
		seen[t.Family] = true
		label := app.Name(f.Lang, t.NameEN, t.NameAR)
		if t.HospitalID != 0 {
			label += " · " + f.HospitalName(t.HospitalID)
		}
		if t.Status == app.TemplateDraft {
			label += " (" + f.T("his.journey.survey_draft") + ")"
		}
		out = append(out, views.Option{Value: strconv.FormatInt(t.Family, 10), Label: label})
	}
	return out
}

// journeyValues fills the editor from a journey, with blank rows after its stages.
func journeyValues(t app.JourneyTemplate) (url.Values, int) {
	v := url.Values{"code": {t.Code}, "name_en": {t.NameEN}, "name_ar": {t.NameAR}, "hospital_id": {idString(t.HospitalID)},
		"patient_classes": {strings.Join(t.PatientClasses, ",")}, "active": {boolString(t.Active)}}
	rows := len(t.Stages) + views.JourneyBlankRows
	for i := range rows {
		n := strconv.Itoa(i)
		st := app.JourneyStage{WindowStart: 8 * 60, WindowEnd: 21 * 60}
		if i < len(t.Stages) {
			st = t.Stages[i]
			v.Set("stage_code_"+n, st.Code)
			v.Set("stage_name_en_"+n, st.NameEN)
			v.Set("stage_name_ar_"+n, st.NameAR)
			v.Set("stage_trigger_"+n, st.TriggerEvent)
			v.Set("stage_survey_"+n, idString(st.SurveyFamily))
		}
		v.Set("stage_delay_"+n, strconv.Itoa(st.DelayMinutes))
		v.Set("stage_start_"+n, views.ClockMinutes(st.WindowStart))
		v.Set("stage_end_"+n, views.ClockMinutes(st.WindowEnd))
	}
	return v, rows
}

func (s *Server) journeyEditor(r *http.Request, f views.Frame, t app.JourneyTemplate, form views.Form, rows int) views.JourneyEditor {
	by := principal(r)
	hospitalID := t.HospitalID
	if t.ID == 0 {
		hospitalID = -1
	}
	return views.JourneyEditor{Template: t, Editable: t.ID == 0 || his.CanEditJourney(by, t), Group: by.Scope.All, Form: form,
		Rows: rows, Surveys: s.surveyChoices(r.Context(), by, f, hospitalID)}
}

func (s *Server) journeyNew(w http.ResponseWriter, r *http.Request) {
	by, f := principal(r), s.frame(r)
	hospitalID, ok := journeyHospital(r, by, f)
	if !ok {
		s.notFound(w, r)
		return
	}
	v, rows := journeyValues(app.JourneyTemplate{HospitalID: hospitalID, Active: true})
	s.render(w, r, http.StatusOK, views.JourneyForm(f, s.journeyEditor(r, f, app.JourneyTemplate{}, views.Form{Values: v}, rows)))
}

func (s *Server) journeyEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.his.JourneyTemplate(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	v, rows := journeyValues(t)
	s.render(w, r, http.StatusOK, views.JourneyForm(f, s.journeyEditor(r, f, t, views.Form{Values: v}, rows)))
}

// splitClasses reads "O, E" as the patient classes O and E.
func splitClasses(s string, fe app.FieldErrors) []string {
	var out []string
	for c := range strings.FieldsFuncSeq(strings.ToUpper(s), func(r rune) bool { return r == ',' || r == ' ' || r == '،' }) {
		if len(c) > 5 || strings.IndexFunc(c, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) >= 0 {
			fe.Add("patient_classes", "err.patient_classes")
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// journeyForm reads the editor: the journey's fields and its stage rows in order. Rows
// without a code are dropped; rows[i] is the form row of the journey's i-th stage, to
// put the service's errors (stages.i) back on it. Errors read here name form rows.
func journeyForm(form url.Values, t *app.JourneyTemplate, fe app.FieldErrors) (rows []int, formRows int) {
	t.NameEN, t.NameAR = form.Get("name_en"), form.Get("name_ar")
	t.PatientClasses = splitClasses(form.Get("patient_classes"), fe)
	t.Active = form.Get("active") != ""
	formRows, _ = strconv.Atoi(form.Get("rows"))
	formRows = min(max(formRows, 0), maxJourneyRows)
	t.Stages = nil
	for i := range formRows {
		n := strconv.Itoa(i)
		key := "stages." + n
		code := strings.TrimSpace(form.Get("stage_code_" + n))
		if code == "" {
			continue
		}
		st := app.JourneyStage{Code: code, NameEN: strings.TrimSpace(form.Get("stage_name_en_" + n)),
			NameAR: strings.TrimSpace(form.Get("stage_name_ar_" + n)), TriggerEvent: form.Get("stage_trigger_" + n)}
		if v := strings.TrimSpace(form.Get("stage_survey_" + n)); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				fe.Add(key, "err.choose_option")
			}
			st.SurveyFamily = id
		}
		if v := strings.TrimSpace(digitFolder.Replace(form.Get("stage_delay_" + n))); v != "" {
			d, err := strconv.Atoi(v)
			if err != nil {
				fe.Add(key, "err.number_invalid")
			}
			st.DelayMinutes = d
		}
		start, end := strings.TrimSpace(form.Get("stage_start_"+n)), strings.TrimSpace(form.Get("stage_end_"+n))
		if start != "" || end != "" {
			a, ok1 := parseClock(start)
			b, ok2 := parseClock(end)
			if !ok1 || !ok2 {
				fe.Add(key, "err.time_invalid")
			}
			st.WindowStart, st.WindowEnd = int(a.Minutes()), int(b.Minutes())
		}
		t.Stages = append(t.Stages, st)
		rows = append(rows, i)
	}
	return rows, formRows
}

// renumberStages moves the service's stage errors (stages.i, by stage) onto the form
// rows the stages came from.
func renumberStages(err error, rows []int) error {
	fields := app.Fields(err)
	if fields == nil {
		return err
	}
	out := app.FieldErrors{}
	for k, msg := range fields {
		if n, ok := strings.CutPrefix(k, "stages."); ok {
			if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < len(rows) {
				k = "stages." + strconv.Itoa(rows[i])
			}
		}
		out[k] = msg
	}
	return &app.Error{Code: app.ErrorCode(err), Message: app.ErrorMessage(err), Fields: out}
}

// journeySave creates (POST /admin/journeys) or saves a journey and its stages.
func (s *Server) journeySave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	var cur app.JourneyTemplate
	fe := app.FieldErrors{}
	if id != 0 {
		var err error
		if cur, err = s.his.JourneyTemplate(ctx, by, id); err != nil {
			s.fail(w, r, err)
			return
		}
		if !his.CanEditJourney(by, cur) {
			f := s.frame(r)
			v, rows := journeyValues(cur)
			e := s.journeyEditor(r, f, cur, views.Form{Values: v}, rows)
			e.Problem = "err.journey_group_wide"
			s.render(w, r, http.StatusUnprocessableEntity, views.JourneyForm(f, e))
			return
		}
	}
	t := app.JourneyTemplate{ID: id, HospitalID: cur.HospitalID, Code: cur.Code}
	if id == 0 {
		t.HospitalID = int64Field(form, "hospital_id", fe)
		t.Code = form.Get("code")
		switch {
		case t.HospitalID == 0 && !by.Scope.All:
			fe.Add("hospital_id", "err.required")
		case t.HospitalID != 0 && !by.Scope.Allows(t.HospitalID):
			fe.Add("hospital_id", "err.hospital_not_allowed")
		}
	}
	rows, formRows := journeyForm(form, &t, fe)
	err := submit(fe, func() error { _, err := s.his.SaveJourneyTemplate(ctx, by, t); return renumberStages(err, rows) })
	switch {
	case formError(err):
		f := s.frame(r)
		s.render(w, r, http.StatusUnprocessableEntity, views.JourneyForm(f,
			s.journeyEditor(r, f, cur, views.Form{Values: form, Errors: app.Fields(err)}, formRows)))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		back := "/admin/journeys"
		if t.HospitalID != 0 {
			back += "?hospital=" + strconv.FormatInt(t.HospitalID, 10)
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// patientVisits shows a patient's visits, events and journeys.
func (s *Server) patientVisits(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	p, err := s.orgs.Patient(ctx, by, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.his.PatientVisits(ctx, by, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	depts := map[int64]string{}
	f := s.frame(r)
	cards := make([]views.VisitCard, 0, len(vs))
	for _, v := range vs {
		c := views.VisitCard{Visit: v.Visit, Hospital: v.Hospital, Events: v.Events}
		if id := v.Visit.DepartmentID; id != 0 {
			name, ok := depts[id]
			if !ok {
				if d, err := s.orgs.Department(ctx, by, id); err == nil {
					name = app.Name(f.Lang, d.NameEN, d.NameAR)
				}
				depts[id] = name
			}
			c.Department = name
		}
		if j := v.Journey; j != nil {
			jc := &views.JourneyCard{Template: j.Template, Instance: j.Instance, Progress: j.Progress}
			for _, sv := range j.Surveys {
				jc.Surveys = append(jc.Surveys, views.JourneySurveyRow{StageID: sv.StageID, DueAt: sv.DueAt, Status: sv.Status, Reason: sv.Reason})
			}
			c.Journey = jc
		}
		cards = append(cards, c)
	}
	p.NationalID = "" // never needed here
	s.render(w, r, http.StatusOK, views.PatientVisits(f, p, cards))
}
