package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"px360/app"
	"px360/app/complaints"
	"px360/views"
)

// publicComplaint is what a patient gives on the public form or the public API.
type publicComplaint struct {
	Hospital          string `json:"hospital"` // the hospital's code
	Type              string `json:"type"`
	Description       string `json:"description"`
	ContactName       string `json:"contact_name"`
	ContactPhone      string `json:"contact_phone"`
	ContactEmail      string `json:"contact_email"`
	PreferredLanguage string `json:"preferred_language"`
	Website           string `json:"website"` // the honeypot: people leave it empty
}

// publicHospitals are the hospitals patients may complain to: every active one.
func (s *Server) publicHospitals(ctx context.Context) ([]app.Hospital, error) {
	hs, err := s.st.Hospitals(ctx, app.Scope{All: true})
	out := hs[:0]
	for _, h := range hs {
		if h.Active {
			out = append(out, h)
		}
	}
	return out, err
}

func findHospital(hs []app.Hospital, code string) (app.Hospital, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Code, strings.TrimSpace(code)) {
			return h, true
		}
	}
	return app.Hospital{}, false
}

// createPublic records a public complaint. The source is the patient's own channel.
func (s *Server) createPublic(ctx context.Context, ip string, hs []app.Hospital, in publicComplaint) (app.Complaint, error) {
	h, known := findHospital(hs, in.Hospital)
	c, err := s.compl.CreatePublic(ctx, ip, complaints.Input{Type: app.ComplaintType(strings.TrimSpace(in.Type)),
		HospitalID: h.ID, SourceCode: "patient", Description: in.Description, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail, PreferredLanguage: strings.TrimSpace(in.PreferredLanguage)})
	if fe := app.Fields(err); fe != nil && !known && strings.TrimSpace(in.Hospital) != "" {
		fe["hospital"] = "err.choose_option" // a code we do not know, rather than no choice at all
	}
	return c, err
}

func publicForm(form url.Values) publicComplaint {
	return publicComplaint{Hospital: form.Get("hospital"), Type: form.Get("type"), Description: form.Get("description"),
		ContactName: form.Get("contact_name"), ContactPhone: form.Get("contact_phone"), ContactEmail: form.Get("contact_email"),
		PreferredLanguage: form.Get("preferred_language"), Website: form.Get("website")}
}

// hospitalName names the hospital with code in lang ("" when there is none).
func hospitalName(hs []app.Hospital, code, lang string) string {
	if h, ok := findHospital(hs, code); ok && code != "" {
		return app.Name(lang, h.NameEN, h.NameAR)
	}
	return ""
}

// publicComplaintForm is the complaint form for patients; ?hospital=CODE (a link or QR
// code at that hospital) chooses the hospital and shows its name.
func (s *Server) publicComplaintForm(w http.ResponseWriter, r *http.Request) {
	hs, err := s.publicHospitals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	form := views.Form{Values: url.Values{"type": {string(app.TypeComplaint)}, "preferred_language": {f.Lang}}}
	name := hospitalName(hs, r.URL.Query().Get("hospital"), f.Lang)
	if h, ok := findHospital(hs, r.URL.Query().Get("hospital")); ok {
		form.Values.Set("hospital", h.Code)
	}
	s.render(w, r, http.StatusOK, views.PublicComplaintForm(f, form, hs, name, ""))
}

// publicComplaintSubmit records a public complaint and shows its tracking code. A filled
// honeypot gets the same thank-you page with a code that exists nowhere, and nothing is
// written; too many submissions from one address are refused (429) with the input kept.
func (s *Server) publicComplaintSubmit(w http.ResponseWriter, r *http.Request) {
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
	in := publicForm(form)
	name := hospitalName(hs, in.Hospital, f.Lang)
	form.Del("website")
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.PublicComplaintForm(f, views.Form{Values: form}, hs, name, "err.rate_limited"))
		return
	}
	if strings.TrimSpace(in.Website) != "" {
		s.log.Info("public complaint honeypot filled", "request_id", requestID(r), "ip", clientIP(r))
		s.thanks(w, r, f, app.NewTrackingCode(), name)
		return
	}
	c, err := s.createPublic(r.Context(), clientIP(r), hs, in)
	switch {
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, views.PublicComplaintForm(f, views.Form{Values: form, Errors: app.Fields(err)}, hs, name, ""))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.thanks(w, r, f, c.TrackingCode, name)
	}
}

// thanks shows the tracking code. Switching language from there leads to the tracking
// page of the code, so the code is not lost with the page.
func (s *Server) thanks(w http.ResponseWriter, r *http.Request, f views.Frame, code, hospital string) {
	f.Path = "/track?code=" + url.QueryEscape(code)
	s.render(w, r, http.StatusOK, views.PublicComplaintThanks(f, code, hospital))
}

// trackPage asks for a tracking code, and shows status and public updates for one. An
// unknown and a malformed code get the same page (404); look-ups are rate limited per IP.
func (s *Server) trackPage(w http.ResponseWriter, r *http.Request) {
	f := s.frame(r)
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	if code == "" {
		s.render(w, r, http.StatusOK, views.TrackPage(f, nil, false, ""))
		return
	}
	f.Path = "/track" // the language switch must not carry the code into a page that differs by it
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.TrackPage(f, nil, false, "err.rate_limited"))
		return
	}
	t, err := s.compl.Track(r.Context(), code)
	if app.ErrorCode(err) == app.ENotFound {
		s.render(w, r, http.StatusNotFound, views.TrackPage(f, nil, true, ""))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Path = "/track?code=" + url.QueryEscape(t.TrackingCode)
	if _, err := r.Cookie("px360_lang"); err != nil && userFrom(r) == nil && app.ValidLanguage(t.Language) {
		f.Lang = t.Language // the patient's language, until they choose another
	}
	res := views.Tracked{TrackingCode: t.TrackingCode, Status: t.Status, Type: t.Type, CreatedAt: t.CreatedAt, Updates: t.Updates}
	if h, err := s.st.HospitalByID(r.Context(), app.Scope{All: true}, t.HospitalID); err == nil {
		res.Hospital = app.Name(f.Lang, h.NameEN, h.NameAR)
	}
	s.render(w, r, http.StatusOK, views.TrackPage(f, &res, false, ""))
}
