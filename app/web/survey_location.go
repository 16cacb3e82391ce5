package web

import (
	"net/http"
	"net/url"
	"strconv"

	"px360/app"
	"px360/views"
)

func (s *Server) surveyLocations(w http.ResponseWriter, r *http.Request) {
	ctx, by, fr := r.Context(), principal(r), s.frame(r)
	ls, err := s.surveys.Locations(ctx, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.surveyFamilyNames(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dept := map[int64]app.Department{}
	for _, d := range ds {
		dept[d.ID] = d
	}
	rows := make([]views.SurveyLocationRow, len(ls))
	for i, l := range ls {
		rows[i] = views.SurveyLocationRow{L: l, URL: s.surveys.LocationURL(ctx, l), Template: names[l.Family]}
		if d, ok := dept[l.DepartmentID]; ok {
			rows[i].Dept = app.Name(fr.Lang, d.NameEN, d.NameAR)
		}
	}
	s.render(w, r, http.StatusOK, views.SurveyLocations(fr, rows))
}

// surveyFamilyNames names every template family the user sees, in the page's language.
func (s *Server) surveyFamilyNames(r *http.Request) (map[int64]string, error) {
	ts, err := s.surveys.Templates(r.Context(), principal(r))
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, t := range ts {
		out[t.Family] = app.Name(langFrom(r), t.NameEN, t.NameAR)
	}
	return out, nil
}

// surveyLocationPage renders the link form with what its selects offer.
func (s *Server) surveyLocationPage(w http.ResponseWriter, r *http.Request, status int, l app.SurveyLocation, form views.Form) {
	ctx, by := r.Context(), principal(r)
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secs, err := s.st.ListSections(ctx, app.ListQuery{Scope: by.Scope, Limit: 500, NoCount: true}, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ts, err := s.surveys.WardTemplates(ctx, by, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	url := ""
	if l.ID != 0 {
		url = s.surveys.LocationURL(ctx, l)
	}
	s.render(w, r, status, views.SurveyLocationForm(s.frame(r), l, url, form, ds, secs.Items, ts))
}

func surveyLocationValues(l app.SurveyLocation) url.Values {
	v := url.Values{"name_en": {l.NameEN}, "name_ar": {l.NameAR}, "kiosk": {boolString(l.Kiosk)}, "active": {boolString(l.Active)}}
	for k, id := range map[string]int64{"hospital_id": l.HospitalID, "department_id": l.DepartmentID, "section_id": l.SectionID, "family": l.Family} {
		if id != 0 {
			v.Set(k, idString(id))
		}
	}
	return v
}

func (s *Server) surveyLocationNew(w http.ResponseWriter, r *http.Request) {
	l := app.SurveyLocation{Active: true}
	if hs := s.partFrame(r).Hospitals; len(hs) == 1 {
		l.HospitalID = hs[0].ID
	}
	if ts, err := s.surveys.WardTemplates(r.Context(), principal(r), l.HospitalID); err == nil && len(ts) == 1 {
		l.Family = ts[0].Family
	}
	s.surveyLocationPage(w, r, http.StatusOK, app.SurveyLocation{}, views.Form{Values: surveyLocationValues(l)})
}

func (s *Server) surveyLocationEdit(w http.ResponseWriter, r *http.Request) {
	l, err := s.surveys.Location(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.surveyLocationPage(w, r, http.StatusOK, l, views.Form{Values: surveyLocationValues(l)})
}

func (s *Server) surveyLocationSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	var before app.SurveyLocation
	if id != 0 {
		var err error
		if before, err = s.surveys.Location(ctx, by, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	fe := app.FieldErrors{}
	l := app.SurveyLocation{ID: id, NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"),
		HospitalID: int64Field(form, "hospital_id", fe), DepartmentID: int64Field(form, "department_id", fe),
		SectionID: int64Field(form, "section_id", fe), Family: int64Field(form, "family", fe),
		Kiosk: form.Get("kiosk") != "", Active: form.Get("active") != ""}
	var out app.SurveyLocation
	err := submit(fe, func() error {
		var err error
		out, err = s.surveys.SaveLocation(ctx, by, l)
		return err
	})
	switch {
	case formError(err):
		s.surveyLocationPage(w, r, http.StatusUnprocessableEntity, before, views.Form{Values: form, Errors: app.Fields(err)})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/surveys/locations/"+idString(out.ID)+"/edit", http.StatusSeeOther)
	}
}

// sendSurveyFile answers with a generated file.
func sendSurveyFile(w http.ResponseWriter, contentType, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (s *Server) surveyLocationQR(w http.ResponseWriter, r *http.Request) {
	png, err := s.surveys.QR(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendSurveyFile(w, "image/png", "survey-link-"+idString(pathID(r))+".png", png)
}

func (s *Server) surveyLocationPoster(w http.ResponseWriter, r *http.Request) {
	pdf, err := s.surveys.Poster(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendSurveyFile(w, "application/pdf", "survey-poster-"+idString(pathID(r))+".pdf", pdf)
}

// surveySettingsHospital is the hospital the survey rules page is about: ?hospital=ID, else the
// user's first.
func (s *Server) surveySettingsHospital(r *http.Request, hs []app.Hospital) int64 {
	if id, err := strconv.ParseInt(r.URL.Query().Get("hospital"), 10, 64); err == nil && id > 0 {
		return id
	}
	if len(hs) > 0 {
		return hs[0].ID
	}
	return 0
}

func (s *Server) surveySettingsPage(w http.ResponseWriter, r *http.Request, status int, hospitalID int64, form views.Form) {
	ds, err := s.st.Departments(r.Context(), principal(r).Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.SurveySettingsPage(s.frame(r), hospitalID, form, ds))
}

func (s *Server) surveySettings(w http.ResponseWriter, r *http.Request) {
	hospitalID := s.surveySettingsHospital(r, s.partFrame(r).Hospitals)
	set, err := s.surveys.Settings(r.Context(), principal(r), hospitalID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{"fatigue_days": {strconv.Itoa(set.FatigueDays)}, "min_age": {strconv.Itoa(set.MinAge)}}
	for _, d := range set.ExcludedDepartments {
		v.Add("excluded", idString(d))
	}
	s.surveySettingsPage(w, r, http.StatusOK, hospitalID, views.Form{Values: v})
}

func (s *Server) surveySettingsSave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	hospitalID := s.surveySettingsHospital(r, s.partFrame(r).Hospitals)
	fe := app.FieldErrors{}
	set := app.SurveySettings{HospitalID: hospitalID, FatigueDays: surveyInt(form, "fatigue_days", fe, true),
		MinAge: surveyInt(form, "min_age", fe, true), ExcludedDepartments: []int64{}}
	for _, v := range form["excluded"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("excluded_departments", "err.choose_option")
			continue
		}
		set.ExcludedDepartments = append(set.ExcludedDepartments, id)
	}
	err := submit(fe, func() error { return s.surveys.SaveSettings(r.Context(), principal(r), set) })
	switch {
	case formError(err):
		s.surveySettingsPage(w, r, http.StatusUnprocessableEntity, hospitalID, views.Form{Values: form, Errors: app.Fields(err)})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/surveys/settings?hospital="+idString(hospitalID), http.StatusSeeOther)
	}
}
