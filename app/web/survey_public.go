package web

import (
	"errors"
	"net/http"
	"strconv"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/surveys"
	"px360/views"
)

// surveyPublicRoutes registers the patients' survey pages and the ward and kiosk links.
func (s *Server) surveyPublicRoutes() {
	s.public("GET /s/{token}", s.patientSurveyPage)
	s.public("POST /s/{token}", s.patientSurveyStep)
	s.public("GET /w/{code}", s.wardSurveyStart)
}

// Survey links are guarded by the public limiter in two ways: every failed look-up
// (unknown, altered or closed link) and every ward-link start (which writes a new
// survey) uses an attempt, and an address with no attempts left gets 429 before any
// look-up, so guessing links is slow. A patient walking through a valid survey uses none.

// exhausted reports whether ip has no attempts left, without using one.
func (l *ipLimiter) exhausted(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.ips[ip]
	return ok && e.lim.Limit() != rate.Inf && e.lim.Tokens() < 1
}

// patientSurveyPage shows the page the patient is on, or the thank-you page once submitted.
func (s *Server) patientSurveyPage(w http.ResponseWriter, r *http.Request) {
	if s.publicLimiter.exhausted(clientIP(r)) {
		s.patientSurveyProblem(w, r, http.StatusTooManyRequests)
		return
	}
	f, err := s.surveys.Open(r.Context(), r.PathValue("token"))
	if err != nil {
		s.patientSurveyFailed(w, r, err)
		return
	}
	s.showPatientSurvey(w, r, http.StatusOK, f, nil, nil)
}

// patientSurveyStep saves one page (Next, or Submit on the last one) or goes Back, then shows
// the survey again by redirect (Post/Redirect/Get). Missing answers re-render the page
// (422) with the patient's answers kept and nothing saved. A post after the survey was
// submitted changes nothing and leads to the thank-you page.
func (s *Server) patientSurveyStep(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if s.publicLimiter.exhausted(clientIP(r)) {
		s.patientSurveyProblem(w, r, http.StatusTooManyRequests)
		return
	}
	token := r.PathValue("token")
	page, err := strconv.Atoi(form.Get("page"))
	if err != nil {
		page = -1 // not a page the survey is on: Save treats the form as stale
	}
	step := surveys.Step{Page: page, Action: "next", Answers: app.Answers{}}
	if form.Get("action") == "back" {
		step.Action = "back"
	}
	for k, v := range form {
		if k != "page" && k != "action" {
			step.Answers[k] = v
		}
	}
	f, err := s.surveys.Save(r.Context(), token, step)
	switch {
	case formError(err):
		s.showPatientSurvey(w, r, http.StatusUnprocessableEntity, f, step.Answers, app.Fields(err))
	case err != nil:
		s.patientSurveyFailed(w, r, err)
	default:
		http.Redirect(w, r, "/s/"+token, http.StatusSeeOther)
	}
}

// wardSurveyStart opens a new anonymous survey for a ward or kiosk link.
func (s *Server) wardSurveyStart(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.patientSurveyProblem(w, r, http.StatusTooManyRequests)
		return
	}
	token, err := s.surveys.StartAnonymous(r.Context(), r.PathValue("code"))
	if err != nil {
		s.patientSurveyFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/s/"+token, http.StatusSeeOther)
}

// showPatientSurvey renders the survey's current page (with posted answers and their errors
// when given) or its thank-you page. The page speaks the patient's language until they
// choose another with the language switch.
func (s *Server) showPatientSurvey(w http.ResponseWriter, r *http.Request, status int, sf surveys.Form, posted app.Answers, fe app.FieldErrors) {
	f := s.frame(r)
	if _, err := r.Cookie("px360_lang"); err != nil && userFrom(r) == nil && app.ValidLanguage(sf.Instance.Lang) {
		f.Lang = sf.Instance.Lang
	}
	hospital := app.Name(f.Lang, sf.Hospital.NameEN, sf.Hospital.NameAR)
	if sf.Completed {
		kiosk := ""
		if sf.Kiosk && sf.Location.Active {
			kiosk = sf.Location.Code
		}
		s.render(w, r, http.StatusOK, views.SurveyThanks(f, hospital, kiosk))
		return
	}
	values := sf.Instance.Answers
	if posted != nil {
		values = posted
	}
	t := sf.Template
	s.render(w, r, status, views.TakeSurvey(f, views.SurveyTake{Token: r.PathValue("token"), Hospital: hospital,
		Name: app.Name(f.Lang, t.NameEN, t.NameAR), Intro: app.Name(f.Lang, t.Def.IntroEN, t.Def.IntroAR),
		Page: sf.Current(), Index: sf.Page, Count: len(sf.Pages), Values: values, Errors: fe}))
}

// patientSurveyFailed answers a link that shows no survey: unknown or altered (404) and closed
// (410) links use an attempt of the public limiter; other errors fail as usual.
func (s *Server) patientSurveyFailed(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusNotFound
	switch {
	case errors.Is(err, surveys.ErrExpired):
		status = http.StatusGone
	case app.ErrorCode(err) != app.ENotFound:
		s.fail(w, r, err)
		return
	}
	if r.PathValue("token") != "" && !s.publicLimiter.Allow(clientIP(r)) {
		status = http.StatusTooManyRequests
	}
	s.patientSurveyProblem(w, r, status)
}

func (s *Server) patientSurveyProblem(w http.ResponseWriter, r *http.Request, status int) {
	s.render(w, r, status, views.SurveyProblem(s.frame(r), status))
}
