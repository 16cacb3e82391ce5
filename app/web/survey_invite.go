package web

import (
	"errors"
	"net/http"
	"net/url"

	"px360/app"
	"px360/app/surveys"
	"px360/views"
)

// maxBulkUpload bounds a bulk invitation file (10,000 rows are well under 2 MiB).
const maxBulkUpload = 8 << 20

// surveyInvitePage renders the invitations page around the given form states.
func (s *Server) surveyInvitePage(w http.ResponseWriter, r *http.Request, status int, p views.SurveyInvitePage) {
	ctx, by, fr := r.Context(), principal(r), s.frame(r)
	all, err := s.surveys.Templates(ctx, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active, err := s.st.ActiveSurveyVersions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range all {
		if t.Kind != app.SurveyWard && active[t.Family] > 0 {
			p.Templates = append(p.Templates, t)
		}
	}
	if p.Depts, err = s.st.Departments(ctx, by.Scope); err != nil {
		s.fail(w, r, err)
		return
	}
	lq, fl := listQuery(r)
	fl.Search = ""
	page, err := s.surveys.Invitations(ctx, by, app.ListQuery{HospitalID: lq.HospitalID, After: lq.After, Before: lq.Before})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.List = app.Page[views.SurveyInvitationRow]{Next: page.Next, Prev: page.Prev, Count: page.Count, Capped: page.Capped}
	for _, x := range page.Items {
		p.List.Items = append(p.List.Items, views.SurveyInvitationRow{In: x.SurveyInstance, TemplateEN: x.TemplateEN, TemplateAR: x.TemplateAR})
	}
	p.Filter, p.Now = fl, s.st.Now()
	defaults := func(f *views.Form) {
		if f.Values == nil {
			f.Values = url.Values{}
		}
		if len(fr.Hospitals) == 1 && f.Values.Get("hospital_id") == "" {
			f.Values.Set("hospital_id", idString(fr.Hospitals[0].ID))
		}
		if len(p.Templates) == 1 && f.Values.Get("template_id") == "" {
			f.Values.Set("template_id", idString(p.Templates[0].ID))
		}
	}
	defaults(&p.Form)
	defaults(&p.Bulk)
	s.render(w, r, status, views.SurveyInvitations(fr, p))
}

func (s *Server) surveyInvitations(w http.ResponseWriter, r *http.Request) {
	s.surveyInvitePage(w, r, http.StatusOK, views.SurveyInvitePage{})
}

func (s *Server) surveyInvite(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	fe := app.FieldErrors{}
	m := surveys.ManualInvitation{TemplateID: int64Field(form, "template_id", fe), HospitalID: int64Field(form, "hospital_id", fe),
		DepartmentID: int64Field(form, "department_id", fe), Channel: app.Channel(form.Get("channel")),
		PatientContact: surveys.PatientContact{MRN: form.Get("mrn"), Name: form.Get("name"), Phone: form.Get("phone"),
			Email: form.Get("email"), Lang: form.Get("language")}}
	err := submit(fe, func() error { _, err := s.surveys.InviteByHand(ctx, by, m); return err })
	var skip *surveys.Skip
	switch {
	case errors.As(err, &skip):
		info := s.surveys.ExplainSkip(ctx, by, m, skip)
		s.surveyInvitePage(w, r, http.StatusOK, views.SurveyInvitePage{Form: views.Form{Values: form}, Skip: &info})
	case formError(err):
		s.surveyInvitePage(w, r, http.StatusUnprocessableEntity, views.SurveyInvitePage{Form: views.Form{Values: form, Errors: app.Fields(err)}})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "survey.flash.invited")
		http.Redirect(w, r, "/surveys/invitations", http.StatusSeeOther)
	}
}

// surveyBulk invites the patients of an uploaded CSV file and shows the report row by
// row. A file-level problem invites nobody and is shown beside the file field.
func (s *Server) surveyBulk(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBulkUpload)
	ctx, by := r.Context(), principal(r)
	form := views.NewForm()
	fe := app.FieldErrors{}
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		fe.Add("file", "err.file_required")
	}
	for _, k := range []string{"template_id", "hospital_id", "channel"} {
		form.Values.Set(k, r.FormValue(k))
	}
	templateID := int64Field(form.Values, "template_id", fe)
	hospitalID := int64Field(form.Values, "hospital_id", fe)
	if templateID == 0 {
		fe.Add("template_id", "err.required")
	}
	switch {
	case hospitalID == 0:
		fe.Add("hospital_id", "err.required")
	case !by.Scope.Allows(hospitalID):
		fe.Add("hospital_id", "err.hospital_not_allowed")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		fe.Add("file", "err.file_required")
	} else {
		defer file.Close()
	}
	if len(fe) > 0 {
		s.surveyInvitePage(w, r, http.StatusUnprocessableEntity, views.SurveyInvitePage{Bulk: views.Form{Values: form.Values, Errors: fe}})
		return
	}
	rep, err := s.surveys.BulkInvite(ctx, by, templateID, hospitalID, file, app.Channel(form.Values.Get("channel")))
	switch {
	case formError(err):
		errs := app.Fields(err)
		if line := errs["line"]; line != "" { // the line number goes into the message
			lang := langFrom(r)
			errs = app.FieldErrors{"file": views.T(lang, app.ErrorMessage(err)) + " " + views.T(lang, "err.survey_bulk_line", line)}
		}
		s.surveyInvitePage(w, r, http.StatusUnprocessableEntity, views.SurveyInvitePage{Bulk: views.Form{Values: form.Values, Errors: errs}})
	case app.ErrorCode(err) == app.EInvalid:
		s.surveyInvitePage(w, r, http.StatusUnprocessableEntity, views.SurveyInvitePage{Bulk: views.Form{Values: form.Values,
			Errors: app.FieldErrors{"file": app.ErrorMessage(err)}}})
	case err != nil && len(rep.Rows) == 0:
		s.fail(w, r, err)
	default:
		if err != nil { // a batch could not be written: the report says which rows
			s.log.Error("bulk survey invitations", "request_id", requestID(r), "err", err)
		}
		s.surveyInvitePage(w, r, http.StatusOK, views.SurveyInvitePage{Bulk: views.Form{Values: form.Values}, Report: &rep})
	}
}
