package web

import (
	"net/http"
	"net/url"
	"strconv"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

func (s *Server) departmentList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	p, err := s.orgs.ListDepartments(r.Context(), principal(r), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.DepartmentList(s.frame(r), p, fl))
}

func departmentValues(d app.Department) url.Values {
	return url.Values{"hospital_id": {idString(d.HospitalID)}, "code": {d.Code}, "name_en": {d.NameEN},
		"name_ar": {d.NameAR}, "category": {string(d.Category)}, "active": {boolString(d.Active)}}
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Server) departmentNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.DepartmentForm(s.frame(r), 0, views.Form{Values: departmentValues(app.Department{Active: true})}))
}

func (s *Server) departmentEdit(w http.ResponseWriter, r *http.Request) {
	d, err := s.orgs.Department(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.DepartmentForm(s.frame(r), d.ID, views.Form{Values: departmentValues(d)}))
}

func (s *Server) departmentSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	d := app.Department{ID: id, HospitalID: int64Field(form, "hospital_id", fe), Code: form.Get("code"),
		NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"), Category: app.DepartmentCategory(form.Get("category")),
		Active: form.Get("active") != ""}
	err := submit(fe, func() error { _, err := s.orgs.SaveDepartment(r.Context(), principal(r), d); return err })
	s.afterSave(w, r, err, "/admin/departments", func(errs app.FieldErrors) g.Node {
		return views.DepartmentForm(s.frame(r), id, views.Form{Values: form, Errors: errs})
	})
}
