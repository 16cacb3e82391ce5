package web

import (
	"net/http"
	"net/url"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

func (s *Server) staffList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	p, err := s.orgs.ListStaff(r.Context(), principal(r), q, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, _ := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.StaffList(s.frame(r), p, fl, m))
}

func staffValues(x app.Staff) url.Values {
	return url.Values{"hospital_id": {idString(x.HospitalID)}, "employee_no": {x.EmployeeNo}, "name_en": {x.NameEN},
		"name_ar": {x.NameAR}, "kind": {string(x.Kind)}, "job_title": {x.JobTitle}, "department_id": {idString(x.DepartmentID)},
		"reports_to": {idString(x.ReportsTo)}, "email": {x.Email}, "phone": {x.Phone}, "active": {boolString(x.Active)}}
}

func staffFromForm(id int64, form url.Values, fe app.FieldErrors) app.Staff {
	return app.Staff{ID: id, HospitalID: int64Field(form, "hospital_id", fe), EmployeeNo: form.Get("employee_no"),
		NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"), Kind: app.StaffKind(form.Get("kind")),
		JobTitle: form.Get("job_title"), DepartmentID: int64Field(form, "department_id", fe),
		ReportsTo: int64Field(form, "reports_to", fe), Email: form.Get("email"), Phone: form.Get("phone"),
		Active: form.Get("active") != ""}
}

func (s *Server) staffNew(w http.ResponseWriter, r *http.Request) {
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.StaffForm(s.frame(r), 0, views.Form{Values: staffValues(app.Staff{Active: true})}, ds))
}

func (s *Server) staffEdit(w http.ResponseWriter, r *http.Request) {
	x, err := s.orgs.Staff(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.StaffForm(s.frame(r), x.ID, views.Form{Values: staffValues(x)}, ds))
}

func (s *Server) staffSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	x := staffFromForm(id, form, fe)
	if id != 0 { // keep the section, which this form does not edit
		if old, err := s.orgs.Staff(r.Context(), principal(r), id); err == nil {
			x.SectionID = old.SectionID
		}
	}
	err := submit(fe, func() error { _, err := s.orgs.SaveStaff(r.Context(), principal(r), x); return err })
	s.afterSave(w, r, err, "/admin/staff", func(errs app.FieldErrors) g.Node {
		_, ds := s.departmentsByID(r)
		return views.StaffForm(s.frame(r), id, views.Form{Values: form, Errors: errs}, ds)
	})
}

// staffExport downloads the filtered staff list as CSV (the import format).
func (s *Server) staffExport(w http.ResponseWriter, r *http.Request) {
	q, _ := listQuery(r)
	csvDownload(w, "staff-"+time.Now().Format("20060102")+".csv")
	if _, err := s.orgs.ExportStaff(r.Context(), principal(r), q, w); err != nil {
		s.log.Error("export staff", "request_id", requestID(r), "err", err)
	}
}
