package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/app/accounts"
	"px360/app/notify"
	"px360/store"
	"px360/views"
)

// SetupCodeFile is the file in DATA holding the one-time setup code while PX360 has no
// user yet: the appliance writes it at start (mode 0600), `px360 status` prints it, and
// the wizard deletes it once the first PX admin exists.
const SetupCodeFile = "setup-code"

// setupRecheck is how often a server without users looks again (a user made with the
// CLI ends the wizard within this time); once a user exists the answer is cached for good.
const setupRecheck = 2 * time.Second

// setupZones are the time zones the wizard offers for the first hospital.
var setupZones = []string{"Asia/Riyadh", "Asia/Dubai", "Asia/Kuwait", "Asia/Qatar", "Asia/Bahrain", "Asia/Muscat",
	"Asia/Amman", "Asia/Baghdad", "Africa/Cairo", "Europe/Istanbul", "Europe/London", "Etc/UTC"}

// setupState remembers whether PX360 has been set up (some user exists), so that the
// check costs one atomic load per request once it has.
type setupState struct {
	done    atomic.Bool
	checked atomic.Int64 // when the users were last found missing (unix ns)
	mu      sync.Mutex   // one wizard submission at a time
}

// NewSetupCode returns a fresh one-time setup code: 160 random bits in groups of four
// base32 letters and digits, easy to read out and to type.
func NewSetupCode() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	var groups []string
	for len(s) > 0 {
		n := min(4, len(s))
		groups = append(groups, s[:n])
		s = s[n:]
	}
	return strings.Join(groups, "-")
}

// normalizeSetupCode drops what people add or change when they copy a code by hand.
func normalizeSetupCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, strings.TrimSpace(s))
}

// setupCodeMatches compares code with DATA/setup-code in constant time.
func (s *Server) setupCodeMatches(code string) bool {
	if s.cfg.DataDir == "" {
		return false
	}
	b, err := os.ReadFile(filepath.Join(s.cfg.DataDir, SetupCodeFile))
	if err != nil {
		return false
	}
	want, got := normalizeSetupCode(string(b)), normalizeSetupCode(code)
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// hasUsers reports whether any account exists.
func (s *Server) hasUsers(ctx context.Context) (bool, error) {
	p, err := s.st.ListUsers(ctx, store.UserQuery{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 1}})
	if err != nil {
		return false, fmt.Errorf("look for users: %w", err)
	}
	return len(p.Items) > 0, nil
}

// markSetUp records for good that PX360 has a user and removes the setup code.
func (s *Server) markSetUp() {
	if s.setup.done.Swap(true) || s.cfg.DataDir == "" {
		return
	}
	if err := os.Remove(filepath.Join(s.cfg.DataDir, SetupCodeFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("remove the setup code", "err", err)
	}
}

// setUp reports whether PX360 has a user. While it has none the database is asked at
// most every setupRecheck; a failed look-up answers true, so sign-in (not the wizard)
// guards the pages, and the wizard itself asks again.
func (s *Server) setUp(ctx context.Context) bool {
	if s.setup.done.Load() {
		return true
	}
	now := time.Now().UnixNano()
	if last := s.setup.checked.Load(); last != 0 && now-last < int64(setupRecheck) {
		return false
	}
	has, err := s.hasUsers(ctx)
	if err != nil {
		s.log.Error("setup check", "err", err)
		return true
	}
	if has {
		s.markSetUp()
		return true
	}
	s.setup.checked.Store(now)
	return false
}

// setupExempt lists what works before the setup: the wizard and the language switch
// (static files and the health probe never reach the check).
func setupExempt(path string) bool { return path == "/setup" || path == "/language" }

// needSetup answers a request made before the setup: the API says so in JSON (503),
// everything else goes to the wizard.
func (s *Server) needSetup(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		var b apiErrorBody
		b.Error.Code, b.Error.Message = "setup_required", views.T(s.language(r, nil), "setup.api_required")
		w.Header().Set("Retry-After", "60")
		s.writeJSON(w, http.StatusServiceUnavailable, b)
		return
	}
	http.Redirect(w, r, "/setup", http.StatusSeeOther)
}

// fromServer reports whether the request comes from this machine: the TCP peer is a
// loopback address and no proxy forwarded it (a proxy on the server would make every
// LAN browser look local). Headers a client sends can only take this away, never grant it.
func fromServer(r *http.Request) bool {
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "Forwarded"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) setupRoutes() {
	s.public("GET /setup", s.setupPage)
	s.public("POST /setup", s.setupSubmit)
}

// setupAccess decides whether r may use the wizard and answers it when not: 404 once
// any user exists, else 403 unless it comes from the server itself or carries the setup
// code (wrong codes count against the sign-in rate limit). code is the code it carried.
func (s *Server) setupAccess(w http.ResponseWriter, r *http.Request, form url.Values) (code string, ok bool) {
	has, err := s.hasUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return "", false
	}
	if has {
		s.markSetUp()
		s.notFound(w, r)
		return "", false
	}
	code = strings.TrimSpace(r.URL.Query().Get("code"))
	if c := strings.TrimSpace(form.Get("code")); c != "" {
		code = c
	}
	if len(code) > 100 {
		code = ""
	}
	if fromServer(r) {
		return code, true
	}
	if code == "" {
		s.render(w, r, http.StatusForbidden, views.SetupForbidden(s.frame(r), false))
		return "", false
	}
	if !s.limiter.Allow(clientIP(r)) {
		s.render(w, r, http.StatusTooManyRequests, views.SetupForbidden(s.frame(r), true))
		return "", false
	}
	if !s.setupCodeMatches(code) {
		s.log.Warn("wrong setup code", "ip", clientIP(r))
		s.render(w, r, http.StatusForbidden, views.SetupForbidden(s.frame(r), true))
		return "", false
	}
	return code, true
}

// setupFrame is the page frame with the code kept in the path, so the language switch
// brings a visitor from the LAN back to the wizard.
func (s *Server) setupFrame(r *http.Request, code string) views.Frame {
	f := s.frame(r)
	f.Path = "/setup"
	if code != "" {
		f.Path += "?code=" + url.QueryEscape(code)
	}
	return f
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	code, ok := s.setupAccess(w, r, nil)
	if !ok {
		return
	}
	v := url.Values{"hospital_time_zone": {setupZones[0]}, "weekend": {"5", "6"}, "smtp_port": {"587"}, "smtp_security": {"starttls"}}
	s.render(w, r, http.StatusOK, views.Setup(s.setupFrame(r, code), views.SetupPage{Form: views.Form{Values: v}, Code: code, Zones: setupZones}))
}

// setupInput is the wizard's form, read and checked.
type setupInput struct {
	orgEN, orgAR string
	hospital     app.Hospital
	calendar     app.Calendar
	admin        accounts.UserInput
	smtp         map[string]string // the SMTP provider's settings; nil when no server was given
	testTo       string
}

// smtpFields are the SMTP settings the wizard asks for (the rest keep their defaults).
var smtpFields = []string{"host", "port", "security", "username", "password", "from"}

// readSetup reads the form and checks everything the services would refuse, so that a
// mistake anywhere is shown with all the others before anything is created.
func readSetup(form url.Values, lang string) (setupInput, app.FieldErrors) {
	fe := app.FieldErrors{}
	in := setupInput{
		orgEN: app.RequiredText(fe, "org_name_en", form.Get("org_name_en"), 200),
		orgAR: app.RequiredText(fe, "org_name_ar", form.Get("org_name_ar"), 200),
	}
	h := app.Hospital{Active: true,
		Code:     strings.ToUpper(app.RequiredText(fe, "hospital_code", form.Get("hospital_code"), 20)),
		NameEN:   app.RequiredText(fe, "hospital_name_en", form.Get("hospital_name_en"), 200),
		NameAR:   app.RequiredText(fe, "hospital_name_ar", form.Get("hospital_name_ar"), 200),
		TimeZone: form.Get("hospital_time_zone")}
	if strings.ContainsFunc(h.Code, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		fe.Add("hospital_code", "err.code_chars")
	}
	if !slices.Contains(setupZones, h.TimeZone) {
		fe.Add("hospital_time_zone", "err.choose_option")
	}
	in.hospital = h
	cal := app.DefaultCalendar(time.UTC)
	cal.Weekend = []time.Weekday{}
	for _, d := range form["weekend"] {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			fe.Add("weekend", "err.choose_option")
			continue
		}
		if !slices.Contains(cal.Weekend, time.Weekday(n)) {
			cal.Weekend = append(cal.Weekend, time.Weekday(n))
		}
	}
	if cal.Validate()["weekend"] != "" {
		fe.Add("weekend", "setup.err.no_working_day")
	}
	in.calendar = cal

	in.admin = accounts.UserInput{Name: app.RequiredText(fe, "admin_name", form.Get("admin_name"), 200),
		Email: strings.ToLower(strings.TrimSpace(form.Get("admin_email"))), Role: app.RolePXAdmin, Language: lang,
		Active: true, Password: form.Get("admin_password")}
	if in.admin.Email == "" {
		fe.Add("admin_email", "err.required")
	} else if a, err := mail.ParseAddress(in.admin.Email); err != nil || a.Address != in.admin.Email || len(in.admin.Email) > 254 {
		fe.Add("admin_email", "err.email_invalid")
	}
	switch pw := in.admin.Password; {
	case pw == "":
		fe.Add("admin_password", "err.required")
	case utf8.RuneCountInString(pw) < accounts.MinPasswordLen:
		fe.Add("admin_password", "err.password_short")
	case len(pw) > 256:
		fe.Add("admin_password", "err.too_long")
	case form.Get("admin_password2") != pw:
		fe.Add("admin_password2", "setup.err.password_mismatch")
	}
	if strings.TrimSpace(form.Get("smtp_host")) != "" {
		in.smtp = map[string]string{}
		for _, f := range smtpFields {
			in.smtp[f] = form.Get("smtp_" + f)
		}
	}
	in.testTo = strings.TrimSpace(form.Get("test_to"))
	if in.testTo == "" {
		in.testTo = in.admin.Email
	}
	return in, fe
}

// prefixed renames a service's field errors to the wizard's field names.
func prefixed(prefix string, fe app.FieldErrors) app.FieldErrors {
	out := app.FieldErrors{}
	for k, v := range fe {
		out[prefix+k] = v
	}
	return out
}

// setupBy is who the wizard acts as: the system, named "setup" in the audit log.
func setupBy(r *http.Request) app.Principal {
	by := app.System
	by.Email, by.IP = "setup", clientIP(r)
	return by
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	code, ok := s.setupAccess(w, r, form)
	if !ok {
		return
	}
	page := views.SetupPage{Form: views.Form{Values: form}, Code: code, Zones: setupZones}
	again := func(status int) {
		page.Form.Values.Del("admin_password2")
		s.render(w, r, status, views.Setup(s.setupFrame(r, code), page))
	}
	in, fe := readSetup(form, langFrom(r))
	if form.Get("action") == "test" {
		s.setupTest(r, in, &page)
		status := http.StatusOK
		if page.TestError != "" || page.SettingsError != "" || len(page.Form.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
		again(status)
		return
	}
	if len(fe) > 0 {
		page.Form.Errors = fe
		again(http.StatusUnprocessableEntity)
		return
	}
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	if has, err := s.hasUsers(r.Context()); err != nil || has { // a second submission won the race
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.notFound(w, r)
		return
	}
	u, err := s.completeSetup(r, in, &page)
	switch {
	case errors.Is(err, errShown):
		again(http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.markSetUp()
	s.log.Info("setup complete", "admin", u.Email, "ip", clientIP(r))
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "user_id", u.ID)
	s.sessions.Put(r.Context(), "sv", u.SessionVersion)
	s.sessions.Put(r.Context(), "seen", time.Now().Unix())
	s.flash(r, "setup.done")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// errShown means the page has the errors to show the user.
var errShown = errors.New("shown on the page")

// saveSMTP stores the SMTP provider; its refusals go on the page.
func (s *Server) saveSMTP(r *http.Request, in setupInput, page *views.SetupPage) error {
	err := s.notify.SaveProvider(r.Context(), setupBy(r), app.ChannelEmail, app.ProviderSMTP, true, in.smtp)
	var se *notify.SettingsError
	switch {
	case formError(err):
		page.Form.Errors = prefixed("smtp_", app.Fields(err))
		return errShown
	case errors.As(err, &se):
		page.SettingsError = se.Reason
		return errShown
	}
	return err
}

// setupTest saves the SMTP settings and sends a test message at once. Whatever it
// says, the rest of the form is kept and the setup can go on.
func (s *Server) setupTest(r *http.Request, in setupInput, page *views.SetupPage) {
	if in.smtp == nil {
		page.Form.Errors = app.FieldErrors{"smtp_host": "err.required"}
		return
	}
	if err := s.saveSMTP(r, in, page); err != nil {
		if !errors.Is(err, errShown) {
			s.log.Error("setup: save the SMTP settings", "request_id", requestID(r), "err", err)
			page.TestError = err.Error()
		}
		return
	}
	page.SMTPSaved = true
	_, err := s.notify.SendTest(r.Context(), setupBy(r), app.ChannelEmail, in.testTo, 0)
	var se *notify.SendError
	switch {
	case err == nil:
		page.TestSent = in.testTo
	case formError(err):
		page.Form.Errors = app.FieldErrors{"test_to": app.Fields(err)["to"]}
	case errors.As(err, &se):
		page.TestError = se.Reason
	default:
		page.TestError = err.Error()
	}
}

// completeSetup creates what the wizard asked for, in an order where a refusal leaves
// nothing half made: the SMTP settings, the hospital (found again by its code when an
// earlier attempt stopped after it), the organisation's names, the hospital's working
// week, and last the PX admin, whose existence ends the wizard. Each service writes its
// own audit rows.
func (s *Server) completeSetup(r *http.Request, in setupInput, page *views.SetupPage) (*app.User, error) {
	ctx, by := r.Context(), setupBy(r)
	if in.smtp != nil {
		if err := s.saveSMTP(r, in, page); err != nil {
			return nil, err
		}
		page.SMTPSaved = true
	}
	h := in.hospital
	if old, err := s.st.HospitalByCode(ctx, by.Scope, h.Code); err == nil {
		h.ID = old.ID
	}
	h, err := s.orgs.SaveHospital(ctx, by, h)
	if formError(err) {
		page.Form.Errors = prefixed("hospital_", app.Fields(err))
		return nil, errShown
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.orgs.NameOrganization(ctx, by, in.orgEN, in.orgAR); err != nil {
		return nil, err
	}
	if _, err := s.slaService().SaveCalendar(ctx, by, h.ID, in.calendar); err != nil {
		return nil, err
	}
	u, err := s.accounts.CreateUser(ctx, by, in.admin)
	if formError(err) {
		page.Form.Errors = prefixed("admin_", app.Fields(err))
		return nil, errShown
	}
	return u, err
}
