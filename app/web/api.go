package web

import (
	"net/http"
	"strconv"
	"time"

	"px360/app"
	"px360/app/orgs"
)

// The JSON shapes of the API: snake_case, ids as numbers, national IDs masked.
type (
	apiHospital struct {
		ID       int64  `json:"id"`
		Code     string `json:"code"`
		NameEN   string `json:"name_en"`
		NameAR   string `json:"name_ar"`
		TimeZone string `json:"time_zone"`
		Active   bool   `json:"active"`
	}
	apiDepartmentBody struct {
		ID         int64  `json:"id"`
		HospitalID int64  `json:"hospital_id"`
		Code       string `json:"code"`
		NameEN     string `json:"name_en"`
		NameAR     string `json:"name_ar"`
		Category   string `json:"category"`
		Active     bool   `json:"active"`
	}
	apiStaffBody struct {
		ID           int64  `json:"id"`
		HospitalID   int64  `json:"hospital_id"`
		DepartmentID int64  `json:"department_id"`
		EmployeeNo   string `json:"employee_no"`
		NameEN       string `json:"name_en"`
		NameAR       string `json:"name_ar"`
		Kind         string `json:"kind"`
		JobTitle     string `json:"job_title"`
		ReportsTo    int64  `json:"reports_to"`
		Email        string `json:"email"`
		Phone        string `json:"phone"`
		Active       bool   `json:"active"`
	}
	apiPatientBody struct {
		ID               int64  `json:"id"`
		HospitalID       int64  `json:"hospital_id"`
		MRN              string `json:"mrn"`
		NameEN           string `json:"name_en"`
		NameAR           string `json:"name_ar"`
		NationalID       string `json:"national_id,omitempty"` // input only
		NationalIDMasked string `json:"national_id_masked,omitempty"`
		Phone            string `json:"phone"`
		Email            string `json:"email"`
		Language         string `json:"language"`
		BirthDate        string `json:"birth_date,omitempty"`
	}
	apiList[T any] struct {
		Items      []T   `json:"items"`
		NextCursor int64 `json:"next_cursor,omitempty"`
		Count      int   `json:"count"`
		CountCap   bool  `json:"count_capped,omitempty"`
	}
)

func listOf[T, U any](p app.Page[T], conv func(T) U) apiList[U] {
	out := apiList[U]{Items: make([]U, 0, len(p.Items)), NextCursor: p.Next, Count: p.Count, CountCap: p.Capped}
	for _, x := range p.Items {
		out.Items = append(out.Items, conv(x))
	}
	return out
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	s.writeJSON(w, http.StatusOK, map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role,
		"language": u.Language, "hospital_ids": u.HospitalIDs, "permissions": u.Role.Perms()})
}

func (s *Server) apiHospitals(w http.ResponseWriter, r *http.Request) {
	hs, err := s.orgs.Hospitals(r.Context(), principal(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := make([]apiHospital, 0, len(hs))
	for _, h := range hs {
		out = append(out, apiHospital{h.ID, h.Code, h.NameEN, h.NameAR, h.TimeZone, h.Active})
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func departmentJSON(d app.Department) apiDepartmentBody {
	return apiDepartmentBody{d.ID, d.HospitalID, d.Code, d.NameEN, d.NameAR, string(d.Category), d.Active}
}

func (s *Server) apiDepartments(w http.ResponseWriter, r *http.Request) {
	q, _ := listQuery(r)
	p, err := s.orgs.ListDepartments(r.Context(), principal(r), q)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, listOf(p, departmentJSON))
}

func (s *Server) apiDepartment(w http.ResponseWriter, r *http.Request) {
	d, err := s.orgs.Department(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, departmentJSON(d))
}

// saved answers a POST (201) or PUT (200) with the saved record.
func (s *Server) saved(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		status = http.StatusCreated
	}
	s.writeJSON(w, status, v)
}

// apiTarget returns the id a PUT addresses (0 for POST), or false when it is not a number.
func apiTarget(r *http.Request) (int64, bool) {
	if r.Method == http.MethodPost {
		return 0, true
	}
	id := pathID(r)
	return id, id > 0
}

func (s *Server) apiDepartmentSave(w http.ResponseWriter, r *http.Request) {
	id, ok := apiTarget(r)
	if !ok {
		s.jsonError(w, r, app.ErrNotFound)
		return
	}
	var in apiDepartmentBody
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	d, err := s.orgs.SaveDepartment(r.Context(), principal(r), app.Department{ID: id, HospitalID: in.HospitalID,
		Code: in.Code, NameEN: in.NameEN, NameAR: in.NameAR, Category: app.DepartmentCategory(in.Category), Active: in.Active})
	s.saved(w, r, departmentJSON(d), err)
}

func staffJSON(x app.Staff) apiStaffBody {
	return apiStaffBody{x.ID, x.HospitalID, x.DepartmentID, x.EmployeeNo, x.NameEN, x.NameAR, string(x.Kind), x.JobTitle,
		x.ReportsTo, x.Email, x.Phone, x.Active}
}

func (s *Server) apiStaffList(w http.ResponseWriter, r *http.Request) {
	q, _ := listQuery(r)
	dep, _ := strconv.ParseInt(r.URL.Query().Get("department"), 10, 64)
	p, err := s.orgs.ListStaff(r.Context(), principal(r), q, dep)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, listOf(p, staffJSON))
}

func (s *Server) apiStaff(w http.ResponseWriter, r *http.Request) {
	x, err := s.orgs.Staff(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, staffJSON(x))
}

func (s *Server) apiStaffSave(w http.ResponseWriter, r *http.Request) {
	id, ok := apiTarget(r)
	if !ok {
		s.jsonError(w, r, app.ErrNotFound)
		return
	}
	var in apiStaffBody
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	x := app.Staff{ID: id, HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, EmployeeNo: in.EmployeeNo,
		NameEN: in.NameEN, NameAR: in.NameAR, Kind: app.StaffKind(in.Kind), JobTitle: in.JobTitle, ReportsTo: in.ReportsTo,
		Email: in.Email, Phone: in.Phone, Active: in.Active}
	if id != 0 {
		if old, err := s.orgs.Staff(r.Context(), principal(r), id); err == nil {
			x.SectionID = old.SectionID
		}
	}
	saved, err := s.orgs.SaveStaff(r.Context(), principal(r), x)
	s.saved(w, r, staffJSON(saved), err)
}

func patientJSON(p app.Patient) apiPatientBody {
	out := apiPatientBody{ID: p.ID, HospitalID: p.HospitalID, MRN: p.MRN, NameEN: p.NameEN, NameAR: p.NameAR,
		Phone: p.Phone, Email: p.Email, Language: p.Language}
	if p.NationalID != "" {
		out.NationalIDMasked = orgs.MaskNationalID(p.NationalID)
	}
	if !p.BirthDate.IsZero() {
		out.BirthDate = p.BirthDate.Format(time.DateOnly)
	}
	return out
}

func (s *Server) apiPatients(w http.ResponseWriter, r *http.Request) {
	q, _ := listQuery(r)
	p, err := s.orgs.ListPatients(r.Context(), principal(r), q)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, listOf(p, patientJSON))
}

func (s *Server) apiPatient(w http.ResponseWriter, r *http.Request) {
	p, err := s.orgs.Patient(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, patientJSON(p))
}

func (s *Server) apiPatientSave(w http.ResponseWriter, r *http.Request) {
	id, ok := apiTarget(r)
	if !ok {
		s.jsonError(w, r, app.ErrNotFound)
		return
	}
	var in apiPatientBody
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	p := app.Patient{ID: id, HospitalID: in.HospitalID, MRN: in.MRN, NameEN: in.NameEN, NameAR: in.NameAR,
		NationalID: in.NationalID, Phone: in.Phone, Email: in.Email, Language: in.Language}
	if in.BirthDate != "" {
		t, err := time.Parse(time.DateOnly, in.BirthDate)
		if err != nil {
			s.jsonError(w, r, app.FieldErrors{"birth_date": "err.date_invalid"}.Err())
			return
		}
		p.BirthDate = t
	}
	saved, err := s.orgs.SavePatient(r.Context(), principal(r), p)
	if err == nil { // reload: an omitted national ID keeps the stored one, which the answer shows masked
		saved, err = s.orgs.Patient(r.Context(), principal(r), saved.ID)
	}
	s.saved(w, r, patientJSON(saved), err)
}

// apiSearch searches staff and patients by name prefix or code, within the caller's hospitals.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind := q.Get("kind")
	if kind != "" && kind != "staff" && kind != "patient" {
		s.jsonError(w, r, app.FieldErrors{"kind": "err.choose_option"}.Err())
		return
	}
	by := principal(r)
	if kind != "staff" && !by.Can(app.PermPatientView) {
		kind = "staff"
	}
	hits, err := s.cfg.Search.People(r.Context(), by.Scope, kind, q.Get("q"), 20)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	type hit struct {
		Kind       string `json:"kind"`
		ID         int64  `json:"id"`
		HospitalID int64  `json:"hospital_id"`
	}
	out := make([]hit, 0, len(hits))
	for _, h := range hits {
		out = append(out, hit{h.Kind, h.ID, h.HospitalID})
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
