package web

import (
	"net/http"
	"net/url"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

func (s *Server) hospitalList(w http.ResponseWriter, r *http.Request) {
	hs, err := s.orgs.Hospitals(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.HospitalList(s.frame(r), hs))
}

func hospitalValues(h app.Hospital) url.Values {
	return url.Values{"code": {h.Code}, "name_en": {h.NameEN}, "name_ar": {h.NameAR}, "time_zone": {h.TimeZone},
		"active": {boolString(h.Active)}}
}

func (s *Server) hospitalNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.HospitalForm(s.frame(r), 0,
		views.Form{Values: hospitalValues(app.Hospital{TimeZone: "Asia/Riyadh", Active: true})}))
}

func (s *Server) hospitalEdit(w http.ResponseWriter, r *http.Request) {
	h, err := s.orgs.Hospital(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.HospitalForm(s.frame(r), h.ID, views.Form{Values: hospitalValues(h)}))
}

func (s *Server) hospitalSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	h := app.Hospital{ID: id, Code: form.Get("code"), NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"),
		TimeZone: form.Get("time_zone"), Active: form.Get("active") != ""}
	_, err := s.orgs.SaveHospital(r.Context(), principal(r), h)
	s.afterSave(w, r, err, "/admin/hospitals", func(errs app.FieldErrors) g.Node {
		return views.HospitalForm(s.frame(r), id, views.Form{Values: form, Errors: errs})
	})
}
