package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/orgs"
	"px360/views"
)

func (s *Server) patientList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	p, err := s.orgs.ListPatients(r.Context(), principal(r), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.PatientList(s.frame(r), p, fl))
}

func patientValues(p app.Patient) url.Values {
	birth := ""
	if !p.BirthDate.IsZero() {
		birth = p.BirthDate.Format(time.DateOnly)
	}
	return url.Values{"hospital_id": {idString(p.HospitalID)}, "mrn": {p.MRN}, "name_en": {p.NameEN}, "name_ar": {p.NameAR},
		"phone": {p.Phone}, "email": {p.Email}, "language": {p.Language}, "birth_date": {birth}}
}

func patientFromForm(id int64, form url.Values, fe app.FieldErrors) app.Patient {
	p := app.Patient{ID: id, HospitalID: int64Field(form, "hospital_id", fe), MRN: form.Get("mrn"), NameEN: form.Get("name_en"),
		NameAR: form.Get("name_ar"), NationalID: form.Get("national_id"), Phone: form.Get("phone"), Email: form.Get("email"),
		Language: form.Get("language")}
	if b := strings.TrimSpace(form.Get("birth_date")); b != "" {
		t, err := time.Parse(time.DateOnly, b)
		if err != nil {
			fe.Add("birth_date", "err.date_invalid")
		}
		p.BirthDate = t
	}
	return p
}

func (s *Server) patientNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.PatientForm(s.frame(r), 0, views.Form{Values: patientValues(app.Patient{Language: "ar"})}, ""))
}

func (s *Server) patientEdit(w http.ResponseWriter, r *http.Request) {
	p, err := s.orgs.Patient(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	masked := ""
	if p.NationalID != "" {
		masked = orgs.MaskNationalID(p.NationalID)
	}
	s.render(w, r, http.StatusOK, views.PatientForm(s.frame(r), p.ID, views.Form{Values: patientValues(p)}, masked))
}

func (s *Server) patientSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	p := patientFromForm(id, form, fe)
	err := submit(fe, func() error { _, err := s.orgs.SavePatient(r.Context(), principal(r), p); return err })
	s.afterSave(w, r, err, "/admin/patients", func(errs app.FieldErrors) g.Node {
		form.Del("national_id") // never echo a national ID back into the page
		return views.PatientForm(s.frame(r), id, views.Form{Values: form, Errors: errs}, "")
	})
}

// patientExport downloads the filtered patient list as CSV (the import format).
func (s *Server) patientExport(w http.ResponseWriter, r *http.Request) {
	q, _ := listQuery(r)
	csvDownload(w, "patients-"+time.Now().Format("20060102")+".csv")
	if _, err := s.orgs.ExportPatients(r.Context(), principal(r), q, w); err != nil {
		s.log.Error("export patients", "request_id", requestID(r), "err", err)
	}
}
