package web

import (
	"net/http"
	"net/url"
	"strings"

	"px360/app"
	"px360/app/feedback"
	"px360/views"
)

// publicFeedback is what a patient gives on the public feedback form or API.
type publicFeedback struct {
	Hospital     string `json:"hospital"` // the hospital's code
	Type         string `json:"type"`
	Text         string `json:"text"`
	PatientName  string `json:"patient_name"`
	PatientPhone string `json:"patient_phone"`
	PatientEmail string `json:"patient_email"`
	Language     string `json:"language"`
	Website      string `json:"website"` // the honeypot: people leave it empty
}

func publicFeedbackForm(form url.Values) publicFeedback {
	return publicFeedback{Hospital: form.Get("hospital"), Type: form.Get("type"), Text: form.Get("text"),
		PatientName: form.Get("patient_name"), PatientPhone: form.Get("patient_phone"), PatientEmail: form.Get("patient_email"),
		Language: form.Get("language"), Website: form.Get("website")}
}

// submitFeedback records public feedback; a hospital code we do not know is an error on
// the hospital field.
func (s *Server) submitFeedback(r *http.Request, hs []app.Hospital, in publicFeedback) (app.Feedback, error) {
	h, known := findHospital(hs, in.Hospital)
	fb, err := s.feedback.SubmitFeedback(r.Context(), feedback.FeedbackInput{HospitalID: h.ID, Type: app.FeedbackType(in.Type),
		Text: in.Text, PatientName: in.PatientName, PatientPhone: in.PatientPhone, PatientEmail: in.PatientEmail,
		Language: in.Language})
	if fe := app.Fields(err); fe != nil && !known && strings.TrimSpace(in.Hospital) != "" {
		fe["hospital"] = "err.choose_option"
	}
	return fb, err
}

// publicFeedbackForm is the feedback form for patients; ?hospital=CODE (a link or QR code
// at that hospital) chooses the hospital.
func (s *Server) publicFeedbackForm(w http.ResponseWriter, r *http.Request) {
	hs, err := s.publicHospitals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	form := views.Form{Values: url.Values{"type": {string(app.FeedbackCompliment)}, "language": {f.Lang}}}
	if h, ok := findHospital(hs, r.URL.Query().Get("hospital")); ok {
		form.Values.Set("hospital", h.Code)
	}
	s.render(w, r, http.StatusOK, views.PublicFeedbackForm(f, form, hs, hospitalName(hs, form.Values.Get("hospital"), f.Lang), ""))
}

// publicFeedbackSubmit records public feedback and shows its tracking code. A filled
// honeypot gets the same thank-you page with a code that exists nowhere; too many
// submissions from one address are refused (429) with the input kept.
func (s *Server) publicFeedbackSubmit(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	hs, err := s.publicHospitals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	in := publicFeedbackForm(form)
	name := hospitalName(hs, in.Hospital, f.Lang)
	form.Del("website")
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.PublicFeedbackForm(f, views.Form{Values: form}, hs, name, "err.rate_limited"))
		return
	}
	code := app.NewTrackingCode()
	if strings.TrimSpace(in.Website) == "" {
		fb, err := s.submitFeedback(r, hs, in)
		switch {
		case formError(err):
			s.render(w, r, http.StatusUnprocessableEntity, views.PublicFeedbackForm(f, views.Form{Values: form, Errors: app.Fields(err)}, hs, name, ""))
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		code = fb.TrackingCode
	}
	f.Path = "/feedback/track?code=" + url.QueryEscape(code)
	s.render(w, r, http.StatusOK, views.PublicFeedbackThanks(f, code, name, "/feedback/track"))
}

// apiPublicFeedback is the public feedback form as JSON (no sign-in, rate limited):
// 201 {"tracking_code"}.
func (s *Server) apiPublicFeedback(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	var in publicFeedback
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
		fb, err := s.submitFeedback(r, hs, in)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		code = fb.TrackingCode
	}
	s.writeJSON(w, http.StatusCreated, map[string]string{"tracking_code": code})
}

// publicFeedbackTrack is the feedback tracking page.
func (s *Server) publicFeedbackTrack(w http.ResponseWriter, r *http.Request) {
	s.publicTrack(w, r, app.RecordFeedback, "/feedback/track")
}

// publicTrack asks for a tracking code and shows the status and public updates of the
// feedback or observation it names. Unknown and malformed codes get the same page (404);
// look-ups are rate limited.
func (s *Server) publicTrack(w http.ResponseWriter, r *http.Request, kind, path string) {
	f := s.frame(r)
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	if code == "" {
		s.render(w, r, http.StatusOK, views.PublicTrackPage(f, kind, path, nil, false, ""))
		return
	}
	f.Path = path
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.PublicTrackPage(f, kind, path, nil, false, "err.rate_limited"))
		return
	}
	t, err := s.feedback.Track(r.Context(), kind, code)
	if app.ErrorCode(err) == app.ENotFound {
		s.render(w, r, http.StatusNotFound, views.PublicTrackPage(f, kind, path, nil, true, ""))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Path = path + "?code=" + url.QueryEscape(t.TrackingCode)
	if _, err := r.Cookie("px360_lang"); err != nil && userFrom(r) == nil && app.ValidLanguage(t.Language) {
		f.Lang = t.Language // the patient's language, until they choose another
	}
	res := views.PublicTracked{Kind: t.Kind, TrackingCode: t.TrackingCode, Status: t.Status, CreatedAt: t.CreatedAt, Updates: t.Updates}
	if h, err := s.st.HospitalByID(r.Context(), app.Scope{All: true}, t.HospitalID); err == nil {
		res.Hospital = app.Name(f.Lang, h.NameEN, h.NameAR)
	}
	s.render(w, r, http.StatusOK, views.PublicTrackPage(f, kind, path, &res, false, ""))
}

func (s *Server) apiFeedbackTrack(w http.ResponseWriter, r *http.Request) {
	s.apiRecordTrack(w, r, app.RecordFeedback)
}

// apiRecordTrack answers a feedback or observation tracking code; unknown and malformed
// codes get the same 404. Rate limited.
func (s *Server) apiRecordTrack(w http.ResponseWriter, r *http.Request, kind string) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	t, err := s.feedback.Track(r.Context(), kind, r.PathValue("code"))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := apiTracked{TrackingCode: t.TrackingCode, Status: t.Status, StatusLabel: views.T(langFrom(r), t.Kind+".status."+t.Status),
		CreatedAt: t.CreatedAt.UTC(), Updates: make([]apiTrackUpdate, 0, len(t.Updates))}
	for _, e := range t.Updates {
		out.Updates = append(out.Updates, apiTrackUpdate{At: e.At.UTC(), Kind: e.Kind, Status: e.ToStatus, Note: e.Note})
	}
	s.writeJSON(w, http.StatusOK, out)
}
