package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/surveys"
	"px360/views"
)

// surveyRoutes registers the survey admin: templates, invitations, results, ward links
// and the hospital rules. Template routes take any version's id; results and exports
// show the whole family.
func (s *Server) surveyRoutes() {
	s.page("GET /surveys", app.PermSurveyView, s.surveyList)
	s.page("POST /surveys", app.PermSurveyManage, s.surveyCreate)
	s.page("GET /surveys/{id}", app.PermSurveyView, s.surveyResults)
	s.page("GET /surveys/{id}/export.csv", app.PermSurveyView, s.surveyExportCSV)
	s.page("GET /surveys/{id}/export.xlsx", app.PermSurveyView, s.surveyExportXLSX)
	s.page("GET /surveys/{id}/edit", app.PermSurveyManage, s.surveyEdit)
	s.page("POST /surveys/{id}/edit", app.PermSurveyManage, s.surveyEditSave)
	s.page("POST /surveys/{id}/publish", app.PermSurveyManage, s.surveyPublish)
	s.page("POST /surveys/{id}/archive", app.PermSurveyManage, s.surveyArchive)

	s.page("GET /surveys/invitations", app.PermSurveySend, s.surveyInvitations)
	s.page("POST /surveys/invitations", app.PermSurveySend, s.surveyInvite)
	s.page("POST /surveys/invitations/bulk", app.PermSurveySend, s.surveyBulk)

	s.page("GET /surveys/locations", app.PermSurveyManage, s.surveyLocations)
	s.page("GET /surveys/locations/new", app.PermSurveyManage, s.surveyLocationNew)
	s.page("POST /surveys/locations", app.PermSurveyManage, s.surveyLocationSave)
	s.page("GET /surveys/locations/{id}/edit", app.PermSurveyManage, s.surveyLocationEdit)
	s.page("POST /surveys/locations/{id}/edit", app.PermSurveyManage, s.surveyLocationSave)
	s.page("GET /surveys/locations/{id}/qr.png", app.PermSurveyManage, s.surveyLocationQR)
	s.page("GET /surveys/locations/{id}/poster.pdf", app.PermSurveyManage, s.surveyLocationPoster)

	s.page("GET /surveys/settings", app.PermSurveyManage, s.surveySettings)
	s.page("POST /surveys/settings", app.PermSurveyManage, s.surveySettingsSave)
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) {
	v := url.Values{"kind": {string(app.SurveyGeneral)}}
	if hs := s.partFrame(r).Hospitals; len(hs) == 1 {
		v.Set("hospital_id", idString(hs[0].ID))
	}
	s.surveyListPage(w, r, http.StatusOK, views.Form{Values: v})
}

func (s *Server) surveyListPage(w http.ResponseWriter, r *http.Request, status int, form views.Form) {
	ctx, by := r.Context(), principal(r)
	ts, err := s.surveys.Templates(ctx, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.st.SurveyFamilyResponses(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active, err := s.st.ActiveSurveyVersions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]views.SurveyTemplateRow, len(ts))
	for i, t := range ts {
		rows[i] = views.SurveyTemplateRow{T: t, ActiveVersion: active[t.Family], Responses: counts[t.Family],
			Editable: surveys.CanEdit(by, t.HospitalID)}
	}
	s.render(w, r, status, views.SurveyTemplates(s.frame(r), rows, form))
}

// blankSurvey is a new template's start: one page with the overall rating.
func blankSurvey() app.SurveyDefinition {
	q, _ := app.BankQuestion("overall")
	return app.SurveyDefinition{Sections: []app.SurveyPage{{ID: "p1", TitleEN: "Your experience", TitleAR: "تجربتك",
		Questions: []app.Question{q}}}}
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	fe := app.FieldErrors{}
	t := app.SurveyTemplate{NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"), Kind: app.SurveyKind(form.Get("kind"))}
	if !t.Kind.Valid() {
		fe.Add("kind", "err.choose_option")
	}
	switch h := strings.TrimSpace(form.Get("hospital_id")); {
	case h == "":
		fe.Add("hospital_id", "err.required")
	case h == "0" && !by.Scope.All:
		fe.Add("hospital_id", "err.hospital_not_allowed")
	default:
		t.HospitalID = int64Field(form, "hospital_id", fe)
		if t.HospitalID != 0 && !by.Scope.Allows(t.HospitalID) {
			fe.Add("hospital_id", "err.hospital_not_allowed")
		}
	}
	t.Def, t.ReminderHours, t.ExpiryDays = blankSurvey(), 48, 14
	switch t.Kind {
	case app.SurveyWard:
		t.ReminderHours, t.ExpiryDays = 0, 1
	}
	if from := int64Field(form, "copy_from", fe); from != 0 {
		_, shown, err := s.surveys.Family(ctx, by, from)
		if err != nil {
			fe.Add("copy_from", "err.choose_option")
		} else {
			t.Def, t.ReminderHours, t.ExpiryDays = shown.Def, shown.ReminderHours, shown.ExpiryDays
			if t.Kind == app.SurveyWard {
				t.ReminderHours = 0
			}
		}
	}
	var out app.SurveyTemplate
	err := submit(fe, func() error {
		var err error
		out, err = s.surveys.Create(ctx, by, t)
		return err
	})
	switch {
	case formError(err):
		s.surveyListPage(w, r, http.StatusUnprocessableEntity, views.Form{Values: form, Errors: app.Fields(err)})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "survey.flash.created")
		http.Redirect(w, r, "/surveys/"+idString(out.ID)+"/edit", http.StatusSeeOther)
	}
}

// surveyFilter reads the results filters from the URL (hospital, department, from and to
// inclusive dates in loc) and the same filters for the pager and export links.
func surveyFilter(r *http.Request, loc *time.Location) (surveys.ResultFilter, views.Filter) {
	q := r.URL.Query()
	var f surveys.ResultFilter
	fl := views.Filter{Extra: url.Values{}}
	if id, err := strconv.ParseInt(q.Get("hospital"), 10, 64); err == nil && id > 0 {
		f.HospitalID, fl.HospitalID = id, id
	}
	if id, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil && id > 0 {
		f.DepartmentID = id
		fl.Extra.Set("department", q.Get("department"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil {
		f.From = t
		fl.Extra.Set("from", q.Get("from"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
		fl.Extra.Set("to", q.Get("to"))
	}
	return f, fl
}

// surveyFamily returns the family of the template version in the path.
func (s *Server) surveyFamily(r *http.Request) (int64, error) {
	t, err := s.surveys.Template(r.Context(), principal(r), pathID(r))
	return t.Family, err
}

func (s *Server) surveyResults(w http.ResponseWriter, r *http.Request) {
	ctx, by, fr := r.Context(), principal(r), s.frame(r)
	family, err := s.surveyFamily(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, fl := surveyFilter(r, zoneOf(fr.Hospitals))
	if f.HospitalID != 0 && !by.Scope.Allows(f.HospitalID) { // a filter on another hospital shows nothing of it
		s.fail(w, r, app.ErrNotFound)
		return
	}
	versions, _, err := s.surveys.Family(ctx, by, family)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.surveys.Results(ctx, by, family, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lq, _ := listQuery(r)
	page, err := s.surveys.Responses(ctx, by, family, f, lq.After, lq.Before)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SurveyResults(fr, views.SurveyResultsPage{Family: family, Versions: versions, R: res,
		Responses: page, Depts: ds, Filter: fl, CanEdit: by.Can(app.PermSurveyManage) && surveys.CanEdit(by, res.Template.HospitalID)}))
}

// surveyDownload writes a file's headers only when its first byte is written, so an error
// before that is still answered with an error page.
type surveyDownload struct {
	w       http.ResponseWriter
	headers func(http.Header)
	sent    bool
}

func (d *surveyDownload) Write(p []byte) (int, error) {
	if !d.sent {
		d.sent = true
		d.headers(d.w.Header())
	}
	return d.w.Write(p)
}

func (s *Server) surveyExport(w http.ResponseWriter, r *http.Request, ext, contentType string,
	export func(*surveys.Service, *http.Request, int64, surveys.ResultFilter, *surveyDownload) (int, error)) {
	family, err := s.surveyFamily(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, _ := surveyFilter(r, zoneOf(s.partFrame(r).Hospitals))
	name := "survey-" + idString(family) + "-" + time.Now().Format("20060102") + "." + ext
	d := &surveyDownload{w: w, headers: func(h http.Header) {
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
	}}
	if _, err := export(s.surveys, r, family, f, d); err != nil {
		if !d.sent {
			s.fail(w, r, err)
			return
		}
		s.log.Error("survey export", "request_id", requestID(r), "format", ext, "err", err)
	}
}

func (s *Server) surveyExportCSV(w http.ResponseWriter, r *http.Request) {
	s.surveyExport(w, r, "csv", "text/csv; charset=utf-8",
		func(svc *surveys.Service, r *http.Request, family int64, f surveys.ResultFilter, d *surveyDownload) (int, error) {
			return svc.ExportCSV(r.Context(), principal(r), family, f, d)
		})
}

func (s *Server) surveyExportXLSX(w http.ResponseWriter, r *http.Request) {
	s.surveyExport(w, r, "xlsx", xlsxContentType,
		func(svc *surveys.Service, r *http.Request, family int64, f surveys.ResultFilter, d *surveyDownload) (int, error) {
			return svc.ExportXLSX(r.Context(), principal(r), family, f, d)
		})
}
