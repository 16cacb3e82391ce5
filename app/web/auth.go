package web

import (
	"net/http"
	"strings"
	"time"

	"px360/app"
	"px360/views"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, views.Login(s.frame(r), "", r.URL.Query().Get("next"), ""))
}

// login signs a user in: a new session token (no fixation), the user id and session
// version in the session, and a redirect to where they were going.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	email, next := strings.TrimSpace(form.Get("email")), form.Get("next")
	if !s.limiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.Login(s.frame(r), email, next, "err.rate_limited"))
		return
	}
	u, err := s.accounts.SignIn(r.Context(), email, form.Get("password"), clientIP(r))
	if err != nil {
		status := statusOf(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, views.Login(s.frame(r), email, next, app.ErrorMessage(err)))
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "user_id", u.ID)
	s.sessions.Put(r.Context(), "sv", u.SessionVersion)
	s.sessions.Put(r.Context(), "seen", time.Now().Unix())
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if u := userFrom(r); u != nil {
		s.accounts.SignedOut(r.Context(), principal(r))
	}
	_ = s.sessions.Destroy(r.Context())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLanguage switches the UI language: stored on the user when signed in, and in a
// cookie for public pages.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	lang := form.Get("lang")
	if !app.ValidLanguage(lang) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if u := userFrom(r); u != nil {
		if err := s.accounts.SetLanguage(r.Context(), principal(r), lang); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "px360_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	http.Redirect(w, r, safeNext(form.Get("next")), http.StatusSeeOther)
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	valid := s.accounts.ResetLinkValid(r.Context(), token)
	status := http.StatusOK
	if !valid {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.ResetPassword(s.frame(r), token, views.NewForm(), valid, false))
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if !s.limiter.Allow(clientIP(r)) {
		s.errorPage(w, r, http.StatusTooManyRequests)
		return
	}
	err := s.accounts.ResetPassword(r.Context(), token, form.Get("password"), clientIP(r))
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, views.ResetPassword(s.frame(r), token, views.NewForm(), true, true))
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, views.ResetPassword(s.frame(r), token,
			views.Form{Values: form, Errors: app.Fields(err)}, true, false))
	case app.ErrorCode(err) == app.ENotFound:
		s.render(w, r, http.StatusNotFound, views.ResetPassword(s.frame(r), token, views.NewForm(), false, false))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.Account(s.frame(r), views.NewForm()))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	v, err := s.accounts.ChangePassword(r.Context(), principal(r), form.Get("current_password"), form.Get("new_password"))
	if formError(err) {
		s.render(w, r, http.StatusUnprocessableEntity, views.Account(s.frame(r), views.Form{Values: form, Errors: app.Fields(err)}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = s.sessions.RenewToken(r.Context())
	s.sessions.Put(r.Context(), "sv", v)
	s.flash(r, "flash.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// savePreferences stores the account's display preferences (Hijri dates).
func (s *Server) savePreferences(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if err := s.accounts.SetShowHijri(r.Context(), principal(r), form.Get("show_hijri") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "flash.saved")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) signOutOthers(w http.ResponseWriter, r *http.Request) {
	v, err := s.accounts.SignOutOthers(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "sv", v)
	s.flash(r, "flash.signed_out_others")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// apiToken exchanges an e-mail and password for a short-lived bearer token.
func (s *Server) apiToken(w http.ResponseWriter, r *http.Request) {
	if !s.limiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	var req tokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.jsonError(w, r, err)
		return
	}
	u, err := s.accounts.SignIn(r.Context(), req.Email, req.Password, clientIP(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	tok, ttl, err := s.accounts.IssueToken(u)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds())})
}
