package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"px360/app"
	"px360/app/feedback"
	"px360/views"
)

// The anonymous observation intake. Staff report here without signing in, and nothing
// about the request may reach the report or the logs: the handlers pass the service only
// what the form says (never the address, browser, session or user), log nothing about
// the reporter (a filled honeypot is logged without an address), and the access log
// leaves out the client address and user for these paths (see logPath in middleware.go). The
// per-address rate limit lives in memory only.

// publicObservation is what a reporter gives on the form or the public API.
type publicObservation struct {
	Hospital        string `json:"hospital"`   // the hospital's code
	Department      string `json:"department"` // the department's code, optional
	Category        string `json:"category"`   // category code
	Subcategory     string `json:"subcategory"`
	Severity        string `json:"severity"`
	Description     string `json:"description"`
	Location        string `json:"location"`
	Identify        bool   `json:"identify"`
	ReporterName    string `json:"reporter_name"`
	ReporterContact string `json:"reporter_contact"`
	Website         string `json:"website"` // the honeypot
}

func publicObservationForm(form url.Values) publicObservation {
	return publicObservation{Hospital: form.Get("hospital"), Department: form.Get("department"), Category: form.Get("category"),
		Subcategory: form.Get("subcategory"), Severity: form.Get("severity"), Description: form.Get("description"),
		Location: form.Get("location"), Identify: form.Get("identify") != "", ReporterName: form.Get("reporter_name"),
		ReporterContact: form.Get("reporter_contact"), Website: form.Get("website")}
}

// publicDepartments are the active departments of the active hospitals hs (of one
// hospital when hospitalID is set), for the public form.
func (s *Server) publicDepartments(r *http.Request, hs []app.Hospital, hospitalID int64) []app.Department {
	all, err := s.st.Departments(r.Context(), app.Scope{All: true})
	if err != nil {
		s.log.Error("load departments", "request_id", requestID(r), "err", err)
	}
	var out []app.Department
	for _, d := range all {
		if _, ok := findHospitalByID(hs, d.HospitalID); ok && d.Active && (hospitalID == 0 || d.HospitalID == hospitalID) {
			out = append(out, d)
		}
	}
	return out
}

func findHospitalByID(hs []app.Hospital, id int64) (app.Hospital, bool) {
	for _, h := range hs {
		if h.ID == id {
			return h, true
		}
	}
	return app.Hospital{}, false
}

// submitObservation records a public observation; a hospital code we do not know is an
// error on the hospital field.
func (s *Server) submitObservation(r *http.Request, hs []app.Hospital, in publicObservation, files []feedback.Upload) (app.Observation, error) {
	h, known := findHospital(hs, in.Hospital)
	o, err := s.feedback.SubmitObservation(r.Context(), feedback.ObservationInput{HospitalID: h.ID, DepartmentCode: in.Department,
		CategoryCode: in.Category, SubcategoryCode: in.Subcategory, Severity: app.Severity(strings.TrimSpace(in.Severity)),
		Description: in.Description, Location: in.Location, Identify: in.Identify, ReporterName: in.ReporterName,
		ReporterContact: in.ReporterContact, Files: files})
	if fe := app.Fields(err); fe != nil && !known && strings.TrimSpace(in.Hospital) != "" {
		fe["hospital"] = "err.choose_option"
	}
	return o, err
}

// observationFormPage renders the public form with what the reporter chose so far.
func (s *Server) observationFormPage(w http.ResponseWriter, r *http.Request, status int, f views.Frame, hs []app.Hospital, form views.Form, alert string) {
	h, ok := findHospital(hs, form.Values.Get("hospital"))
	cats, err := s.feedback.Categories(r.Context(), h.ID) // the group's categories, and the hospital's own once it is known
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := ""
	if ok {
		name = app.Name(f.Lang, h.NameEN, h.NameAR)
	}
	s.render(w, r, status, views.PublicObservationForm(f, form, hs, name, s.publicDepartments(r, hs, h.ID), cats, alert))
}

// publicObservationForm is the anonymous observation form; ?hospital=CODE (a link or QR
// code at that hospital) chooses the hospital and narrows the departments.
func (s *Server) publicObservationForm(w http.ResponseWriter, r *http.Request) {
	hs, err := s.publicHospitals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := views.Form{Values: url.Values{"severity": {string(app.SeverityMedium)}}}
	if h, ok := findHospital(hs, r.URL.Query().Get("hospital")); ok {
		form.Values.Set("hospital", h.Code)
	}
	s.observationFormPage(w, r, http.StatusOK, s.frame(r), hs, form, "")
}

// publicObservationSubmit records an anonymous observation (with up to five photos or
// PDFs, whose metadata is removed) and shows its tracking code. A filled honeypot gets
// the same thank-you page with a code that exists nowhere; too many reports from one
// address are refused (429) with the input kept.
func (s *Server) publicObservationSubmit(w http.ResponseWriter, r *http.Request) {
	hs, err := s.publicHospitals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	form, files, err := readObservationForm(w, r)
	if err != nil && !formError(err) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	in := publicObservationForm(form)
	form.Del("website")
	if err != nil { // a file too large or one too many: nothing is written
		s.observationFormPage(w, r, http.StatusUnprocessableEntity, f, hs, views.Form{Values: form, Errors: app.Fields(err)}, "")
		return
	}
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.observationFormPage(w, r, http.StatusTooManyRequests, f, hs, views.Form{Values: form}, "err.rate_limited")
		return
	}
	code := app.NewTrackingCode()
	if strings.TrimSpace(in.Website) == "" {
		o, err := s.submitObservation(r, hs, in, files)
		switch {
		case formError(err):
			s.observationFormPage(w, r, http.StatusUnprocessableEntity, f, hs, views.Form{Values: form, Errors: app.Fields(err)}, "")
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		code = o.TrackingCode
	} else {
		s.log.Info("public observation honeypot filled", "request_id", requestID(r)) // no address: reporters stay unknown
	}
	f.Path = "/observe/track?code=" + url.QueryEscape(code)
	s.render(w, r, http.StatusOK, views.PublicObservationThanks(f, code, hospitalName(hs, in.Hospital, f.Lang)))
}

// readObservationForm reads the public form, urlencoded or multipart. Files ("file",
// several allowed) are read into memory up to the size limit each; an empty file input
// is no file.
func readObservationForm(w http.ResponseWriter, r *http.Request) (url.Values, []feedback.Upload, error) {
	limit := int64(feedback.MaxUploadsPerReport*(feedback.MaxFileSize+1) + 1<<20)
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	form := url.Values{}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				return form, nil, feedback.ErrFileTooLarge
			}
			return form, nil, err
		}
		return r.PostForm, nil, nil
	}
	if err != nil {
		return form, nil, err
	}
	var files []feedback.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, files, nil
		}
		if err != nil {
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				return form, nil, feedback.ErrFileTooLarge
			}
			return form, nil, err
		}
		if err := readPart(part, form, &files); err != nil {
			return form, nil, err
		}
	}
}

func readPart(part *multipart.Part, form url.Values, files *[]feedback.Upload) error {
	defer part.Close()
	name := part.FormName()
	if part.FileName() == "" && name != "file" {
		b, err := io.ReadAll(io.LimitReader(part, 1<<16))
		if err != nil {
			return err
		}
		form.Add(name, string(b))
		return nil
	}
	if name != "file" {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(part, feedback.MaxFileSize+1))
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		return feedback.ErrFileTooLarge
	}
	if err != nil {
		return err
	}
	switch {
	case len(b) == 0 && part.FileName() == "":
		return nil // the file input left empty
	case len(b) > feedback.MaxFileSize:
		return feedback.ErrFileTooLarge
	case len(*files) >= feedback.MaxUploadsPerReport:
		return app.FieldErrors{"file": "err.too_many_files"}.Err()
	}
	*files = append(*files, feedback.Upload{Name: part.FileName(), Data: b})
	return nil
}

// publicObservationTrack is the observation tracking page.
func (s *Server) publicObservationTrack(w http.ResponseWriter, r *http.Request) {
	s.publicTrack(w, r, app.RecordObservation, "/observe/track")
}

// apiPublicObservation is the anonymous observation form as JSON (no sign-in, rate
// limited): 201 {"tracking_code"}.
func (s *Server) apiPublicObservation(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	var in publicObservation
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	code := app.NewTrackingCode() // what a filled honeypot is told; nothing is written
	if strings.TrimSpace(in.Website) == "" {
		hs, err := s.publicHospitals(r.Context())
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		o, err := s.submitObservation(r, hs, in, nil)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		code = o.TrackingCode
	}
	s.writeJSON(w, http.StatusCreated, map[string]string{"tracking_code": code})
}

func (s *Server) apiObservationTrack(w http.ResponseWriter, r *http.Request) {
	s.apiRecordTrack(w, r, app.RecordObservation)
}
