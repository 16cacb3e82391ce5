package web

import (
	"net/http"
	"net/url"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

// departmentsByID returns the departments in scope keyed by id, for names in tables.
func (s *Server) departmentsByID(r *http.Request) (map[int64]app.Department, []app.Department) {
	ds, err := s.orgs.Departments(r.Context(), principal(r))
	if err != nil {
		s.log.Error("load departments", "request_id", requestID(r), "err", err)
	}
	m := make(map[int64]app.Department, len(ds))
	for _, d := range ds {
		m[d.ID] = d
	}
	return m, ds
}

func (s *Server) sectionList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	p, err := s.orgs.ListSections(r.Context(), principal(r), q, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, _ := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.SectionList(s.frame(r), p, fl, m))
}

func sectionValues(x app.Section) url.Values {
	return url.Values{"department_id": {idString(x.DepartmentID)}, "name_en": {x.NameEN}, "name_ar": {x.NameAR},
		"active": {boolString(x.Active)}}
}

func (s *Server) sectionNew(w http.ResponseWriter, r *http.Request) {
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.SectionForm(s.frame(r), 0, views.Form{Values: sectionValues(app.Section{Active: true})}, ds))
}

func (s *Server) sectionEdit(w http.ResponseWriter, r *http.Request) {
	x, err := s.orgs.Section(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.SectionForm(s.frame(r), x.ID, views.Form{Values: sectionValues(x)}, ds))
}

func (s *Server) sectionSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	x := app.Section{ID: id, DepartmentID: int64Field(form, "department_id", fe), NameEN: form.Get("name_en"),
		NameAR: form.Get("name_ar"), Active: form.Get("active") != ""}
	err := submit(fe, func() error { _, err := s.orgs.SaveSection(r.Context(), principal(r), x); return err })
	s.afterSave(w, r, err, "/admin/sections", func(errs app.FieldErrors) g.Node {
		_, ds := s.departmentsByID(r)
		return views.SectionForm(s.frame(r), id, views.Form{Values: form, Errors: errs}, ds)
	})
}
