package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/accounts"
	"px360/app/appliance"
	"px360/app/notify/provider/providertest"
	"px360/app/web"
	"px360/store"
)

// newSetupEnv is a fresh PX360 with no user at all (no demo data), as after an install,
// with its setup code prepared as `serve` prepares it. The sign-in rate limit is the
// real one.
func newSetupEnv(t *testing.T) (*env, string, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: dir, Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, a: a, srv: httptest.NewServer(a.Web.Handler())}
	t.Cleanup(func() { e.srv.Close(); a.Close() })
	code, err := a.PrepareSetup(ctx)
	if err != nil || code == "" {
		t.Fatalf("setup code %q: %v", code, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, web.SetupCodeFile)); err != nil || strings.TrimSpace(string(b)) != code {
		t.Fatalf("DATA/%s = %q, %v; want the code", web.SetupCodeFile, b, err)
	}
	return e, code, dir
}

// fromLAN sends a request straight to the handler as if from a browser on the LAN.
func (e *env) fromLAN(ip, method, target string, form url.Values) response {
	e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.RemoteAddr = ip + ":5555"
	rec := httptest.NewRecorder()
	e.a.Web.Handler().ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.String()}
}

// setupForm is a complete, valid wizard form.
func setupForm() url.Values {
	return url.Values{
		"org_name_en": {"Gulf Care Group"}, "org_name_ar": {"مجموعة الخليج للرعاية"},
		"hospital_code": {"gch"}, "hospital_name_en": {"Gulf Care Hospital"}, "hospital_name_ar": {"مستشفى الخليج للرعاية"},
		"hospital_time_zone": {"Asia/Dubai"}, "weekend": {"5", "6"},
		"admin_name": {"Noura Admin"}, "admin_email": {"Noura@GulfCare.example"},
		"admin_password": {"a long good password"}, "admin_password2": {"a long good password"},
		"action": {"finish"},
	}
}

// nothingCreated fails when the wizard left a hospital, an organisation or a user behind.
func (e *env) nothingCreated(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if hs, err := e.a.Store.Hospitals(ctx, app.Scope{All: true}); err != nil || len(hs) != 0 {
		t.Errorf("hospitals: %v %v, want none", hs, err)
	}
	if o, err := e.a.Store.Organization(ctx); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("organization: %+v %v, want none", o, err)
	}
	if p, err := e.a.Store.ListUsers(ctx, store.UserQuery{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 5}}); err != nil || len(p.Items) != 0 {
		t.Errorf("users: %v %v, want none", p.Items, err)
	}
}

func TestSetupRedirectsEverythingUntilDone(t *testing.T) {
	e, _, _ := newSetupEnv(t)
	c := e.client()
	for _, tc := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/login"}, {"GET", "/admin/users"}, {"GET", "/complaints"}, {"GET", "/no-such-page"}, {"POST", "/login"},
	} {
		r := e.do(c, tc.method, tc.path, strings.NewReader(""), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/setup" {
			t.Errorf("%s %s: %d to %q, want 303 to /setup", tc.method, tc.path, r.status, r.header.Get("Location"))
		}
	}
	for _, tc := range []struct{ method, path string }{{"GET", "/api/v1/me"}, {"POST", "/api/v1/auth/token"}, {"GET", "/api/v1/hospitals"}} {
		r := e.postJSON(c, tc.method, tc.path, "", map[string]string{"email": "a@b.example", "password": "x"})
		var body struct {
			Error struct{ Code, Message string }
		}
		if r.status != http.StatusServiceUnavailable || json.Unmarshal([]byte(r.body), &body) != nil ||
			body.Error.Code != "setup_required" || !strings.Contains(body.Error.Message, "/setup") {
			t.Errorf("%s %s: %d %s, want 503 JSON setup_required", tc.method, tc.path, r.status, r.body)
		}
	}
	if r := e.get(c, "/healthz"); r.status != http.StatusOK {
		t.Errorf("/healthz: %d, want 200 before the setup too", r.status)
	}
	if r := e.get(c, "/setup"); r.status != http.StatusOK || !strings.Contains(r.body, `name="admin_password2"`) ||
		!strings.Contains(r.body, `value="Asia/Riyadh" selected`) || strings.Contains(r.body, `name="code"`) {
		t.Errorf("GET /setup from the server: %d, want 200 with the form, Riyadh chosen and no code field\n%s", r.status, r.body)
	}
	// The language switch works before the setup and comes back to the wizard in Arabic.
	r := e.post(c, "/language", url.Values{"lang": {"ar"}, "next": {"/setup"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/setup" {
		t.Fatalf("language switch: %d to %q", r.status, r.header.Get("Location"))
	}
	if r := e.get(c, "/setup"); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "إعداد PX360") {
		t.Errorf("the wizard in Arabic: %d, want an RTL page", r.status)
	}
}

func TestSetupRefusesTheNetworkWithoutTheCode(t *testing.T) {
	e, code, dir := newSetupEnv(t)
	lan := "10.1.2.3"
	if r := e.fromLAN(lan, "GET", "/setup", nil); r.status != http.StatusForbidden || !strings.Contains(r.body, "px360 status") ||
		strings.Contains(r.body, "admin_password") {
		t.Errorf("GET /setup from the LAN without a code: %d, want 403 saying where the code is\n%s", r.status, r.body)
	}
	if r := e.fromLAN(lan, "GET", "/", nil); r.status != http.StatusSeeOther || r.header.Get("Location") != "/setup" {
		t.Errorf("GET / from the LAN: %d, want the redirect to /setup (which then asks for the code)", r.status)
	}
	if r := e.fromLAN(lan, "POST", "/setup", setupForm()); r.status != http.StatusForbidden {
		t.Errorf("POST /setup from the LAN without a code: %d, want 403", r.status)
	}
	if r := e.fromLAN(lan, "GET", "/setup?code=abcd-efgh", nil); r.status != http.StatusForbidden || !strings.Contains(r.body, "not correct") {
		t.Errorf("a wrong code: %d, want 403 saying so", r.status)
	}
	// A proxy on the server makes LAN browsers look local: forwarded requests need the code.
	req := httptest.NewRequest("GET", "/setup", nil)
	req.RemoteAddr, req.Header["X-Forwarded-For"] = "127.0.0.1:4444", []string{"127.0.0.1"}
	rec := httptest.NewRecorder()
	e.a.Web.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a forwarded request from loopback: %d, want 403", rec.Code)
	}
	e.nothingCreated(t)

	for _, c := range []string{code, strings.ToUpper(code), strings.ReplaceAll(code, "-", "")} {
		r := e.fromLAN(lan, "GET", "/setup?code="+url.QueryEscape(c), nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="code" value="`+c+`"`) {
			t.Errorf("GET /setup?code=%s: %d, want 200 with the code kept in the form", c, r.status)
		}
	}
	// Wrong codes are rate limited per address: the burst is 10.
	var statuses []int
	for range 12 {
		statuses = append(statuses, e.fromLAN("10.9.9.9", "GET", "/setup?code=guess", nil).status)
	}
	if !slices.Contains(statuses, http.StatusTooManyRequests) {
		t.Errorf("12 wrong codes got %v, want 429 after the burst", statuses)
	}
	// With the code in the form, a LAN browser completes the setup.
	form := setupForm()
	form.Set("code", code)
	if r := e.fromLAN(lan, "POST", "/setup", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("POST /setup with the code: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if r := e.fromLAN(lan, "GET", "/setup?code="+code, nil); r.status != http.StatusNotFound {
		t.Errorf("after the setup, GET /setup with the old code: %d, want 404", r.status)
	}
	if _, err := os.Stat(filepath.Join(dir, web.SetupCodeFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the setup code file is still there: %v", err)
	}
}

func TestSetupWizard(t *testing.T) {
	e, _, _ := newSetupEnv(t)
	ctx := context.Background()
	c := e.client()

	t.Run("passwords differ", func(t *testing.T) {
		form := setupForm()
		form.Set("admin_password2", "a long good passwort")
		form.Set("weekend", "0")
		form.Add("weekend", "1")
		r := e.post(c, "/setup", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "The two passwords are not the same.") ||
			!strings.Contains(r.body, `id="f-admin_password2-error"`) {
			t.Fatalf("status %d, want 422 with the mismatch beside the second password\n%s", r.status, r.body)
		}
		for _, kept := range []string{`value="Gulf Care Group"`, `value="gch"`, `value="Asia/Dubai" selected`, `value="Noura@GulfCare.example"`} {
			if !strings.Contains(r.body, kept) {
				t.Errorf("the form lost %s", kept)
			}
		}
		if strings.Contains(r.body, "a long good password") {
			t.Error("a password was sent back in the page")
		}
		e.nothingCreated(t)
	})

	t.Run("every mistake at once", func(t *testing.T) {
		form := url.Values{"hospital_code": {"bad code!"}, "hospital_time_zone": {"Mars/Olympus"},
			"weekend": {"0", "1", "2", "3", "4", "5", "6"}, "admin_email": {"not-an-email"}, "admin_password": {"short"}, "action": {"finish"}}
		r := e.post(c, "/setup", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.status)
		}
		for _, f := range []string{"org_name_en", "org_name_ar", "hospital_code", "hospital_name_en", "hospital_name_ar",
			"hospital_time_zone", "weekend", "admin_name", "admin_email", "admin_password"} {
			if !strings.Contains(r.body, `id="f-`+f+`-error"`) {
				t.Errorf("no error shown for %s", f)
			}
		}
		e.nothingCreated(t)
	})

	t.Run("a failed e-mail test shows the reason and keeps the form", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close() // nothing listens there now
		form := setupForm()
		form.Set("smtp_host", "127.0.0.1")
		form.Set("smtp_port", port)
		form.Set("smtp_security", "none")
		form.Set("smtp_from", "px360@gulfcare.example")
		form.Set("action", "test")
		r := e.post(c, "/setup", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "The test e-mail was not sent") ||
			!strings.Contains(r.body, `value="Gulf Care Group"`) {
			t.Fatalf("status %d, want 422 with the reason and the form kept\n%s", r.status, r.body)
		}
		e.nothingCreated(t)
	})

	t.Run("a working e-mail test", func(t *testing.T) {
		smtp := providertest.NewSMTP(t)
		form := setupForm()
		form.Set("smtp_host", smtp.Host())
		form.Set("smtp_port", strconv.Itoa(smtp.Port()))
		form.Set("smtp_security", "none")
		form.Set("smtp_from", "px360@gulfcare.example")
		form.Set("test_to", "it@gulfcare.example")
		form.Set("action", "test")
		r := e.post(c, "/setup", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, "The test e-mail was sent to") {
			t.Fatalf("status %d, want 200 saying the test was sent\n%s", r.status, r.body)
		}
		if msgs := smtp.Messages(); len(msgs) != 1 || !slices.Equal(msgs[0].To, []string{"it@gulfcare.example"}) {
			t.Fatalf("the mail server got %+v, want one message to it@gulfcare.example", msgs)
		}
		e.nothingCreated(t)
	})

	t.Run("finish", func(t *testing.T) {
		form := setupForm()
		form.Set("weekend", "4") // Thursday and Friday
		form.Add("weekend", "5")
		r := e.post(c, "/setup", form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("status %d to %q, want 303 to /\n%s", r.status, r.header.Get("Location"), r.body)
		}
		home := e.get(c, "/")
		if home.status != http.StatusOK || !strings.Contains(home.body, "Welcome, Noura Admin") || !strings.Contains(home.body, "PX360 is set up") {
			t.Fatalf("the dashboard after the setup: %d, want the new admin signed in\n%s", home.status, home.body)
		}
		h, err := e.a.Store.HospitalByCode(ctx, app.Scope{All: true}, "GCH")
		if err != nil || h.NameAR != "مستشفى الخليج للرعاية" || h.TimeZone != "Asia/Dubai" {
			t.Fatalf("hospital %+v %v", h, err)
		}
		o, err := e.a.Store.Organization(ctx)
		if err != nil || o.NameEN != "Gulf Care Group" || o.NameAR != "مجموعة الخليج للرعاية" || h.OrganizationID != o.ID {
			t.Fatalf("organization %+v %v (hospital's %d)", o, err, h.OrganizationID)
		}
		cal, saved, err := e.a.Store.HospitalCalendar(ctx, app.Scope{All: true}, h.ID)
		if err != nil || !saved || !slices.Equal(cal.Weekend, []time.Weekday{time.Thursday, time.Friday}) {
			t.Fatalf("calendar weekend %v saved %v %v, want Thursday and Friday", cal.Weekend, saved, err)
		}
		u, err := e.a.Accounts.UserByEmail(ctx, "noura@gulfcare.example")
		if err != nil || u.Role != app.RolePXAdmin || !u.Active {
			t.Fatalf("admin %+v %v", u, err)
		}
		for _, action := range []string{"organization.update", "hospital.create", "hospital_calendar.update", "user.create", "notify.provider.save"} {
			var n int
			if err := e.a.Store.R.QueryRow(`select count(*) from audit_log where action = ? and actor_email = 'setup'`, action).Scan(&n); err != nil || n == 0 {
				t.Errorf("no audit row %s by setup (%v)", action, err)
			}
		}
		// The SMTP settings saved by the test are kept: the final form left the password empty.
		pf, err := e.a.Notify.Provider(ctx, app.System, app.ChannelEmail)
		if err != nil || !pf.Configured || pf.Kind != app.ProviderSMTP {
			t.Errorf("SMTP provider %+v %v", pf, err)
		}
	})

	t.Run("gone for good", func(t *testing.T) {
		anon := e.client()
		for _, method := range []string{"GET", "POST"} {
			r := e.do(anon, method, "/setup", strings.NewReader(setupForm().Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			if r.status != http.StatusNotFound {
				t.Errorf("%s /setup after the setup: %d, want 404", method, r.status)
			}
		}
		if r := e.get(anon, "/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("GET / anonymously after the setup: %d to %q, want the sign-in page", r.status, r.header.Get("Location"))
		}
		if r := e.post(anon, "/login", url.Values{"email": {"noura@gulfcare.example"}, "password": {"a long good password"}}); r.status != http.StatusSeeOther {
			t.Errorf("the new admin signs in: %d, want 303", r.status)
		}
		if r := e.get(e.client(), "/api/v1/me"); r.status != http.StatusUnauthorized {
			t.Errorf("GET /api/v1/me anonymously after the setup: %d, want 401", r.status)
		}
		if hs, _ := e.a.Store.Hospitals(ctx, app.Scope{All: true}); len(hs) != 1 {
			t.Errorf("%d hospitals, want the one", len(hs))
		}
	})
}

// A user made another way (the CLI) ends the wizard too: /setup answers 404 at once, and
// the redirect stops within seconds.
func TestSetupEndsWhenAUserExists(t *testing.T) {
	e, _, _ := newSetupEnv(t)
	c := e.client()
	if r := e.get(c, "/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/setup" {
		t.Fatalf("before: %d %q", r.status, r.header.Get("Location"))
	}
	_, err := e.a.Accounts.CreateUser(context.Background(), app.System, accounts.UserInput{Email: "it@hospital.example", Name: "IT",
		Role: app.RolePXAdmin, Password: "a long good password", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.get(c, "/setup"); r.status != http.StatusNotFound {
		t.Errorf("GET /setup once a user exists: %d, want 404", r.status)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := e.get(c, "/")
		if strings.HasPrefix(r.header.Get("Location"), "/login") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET / still answers %d to %q", r.status, r.header.Get("Location"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
