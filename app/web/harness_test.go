package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/demo"
	"px360/store"
)

// env is a real PX360 (demo data, two hospitals) behind an httptest server.
type env struct {
	t                  testing.TB
	a                  *appliance.App
	srv                *httptest.Server
	hospA, hospB       app.Hospital
	deptA, deptB       app.Department
	secA               app.Section
	staffA, staffB     app.Staff
	patientA, patientB app.Patient
	emails             map[app.Role]string
	viewerID           string
}

func newEnv(t testing.TB) *env { return newEnvWith(t, appliance.Config{LoginRate: rate.Inf}) }

func newEnvWith(t testing.TB, cfg appliance.Config) *env {
	t.Helper()
	ctx := context.Background()
	cfg.DataDir, cfg.Version, cfg.BackupAt = t.TempDir(), "test", "off"
	a, err := appliance.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, a: a, srv: httptest.NewServer(a.Web.Handler())}
	t.Cleanup(func() { e.srv.Close(); a.Close() })
	all := app.Scope{All: true}
	hs, _ := a.Store.Hospitals(ctx, all)
	for _, h := range hs {
		switch h.Code {
		case "RCH":
			e.hospA = h
		case "JGH":
			e.hospB = h
		}
	}
	first := func(h app.Hospital) (app.Department, app.Staff, app.Patient) {
		q := app.ListQuery{Scope: all, HospitalID: h.ID, Limit: 1}
		d, _ := a.Store.ListDepartments(ctx, q)
		s, _ := a.Store.ListStaff(ctx, q, 0)
		p, _ := a.Store.ListPatients(ctx, q)
		if len(d.Items) == 0 || len(s.Items) == 0 || len(p.Items) == 0 {
			t.Fatalf("demo data missing for %s", h.Code)
		}
		return d.Items[0], s.Items[0], p.Items[0]
	}
	e.deptA, e.staffA, e.patientA = first(e.hospA)
	e.deptB, e.staffB, e.patientB = first(e.hospB)
	secs, _ := a.Store.ListSections(ctx, app.ListQuery{Scope: all, HospitalID: e.hospA.ID, Limit: 1}, 0)
	e.secA = secs.Items[0]
	e.emails = map[app.Role]string{
		app.RolePXAdmin: "admin@px360.demo", app.RoleHospitalAdmin: "hospital.admin@px360.demo",
		app.RoleDepartmentManager: "manager@px360.demo", app.RoleStaff: "staff@px360.demo", app.RoleViewer: "viewer@px360.demo",
	}
	v, _, err := a.Store.UserByEmail(ctx, e.emails[app.RoleViewer])
	if err != nil {
		t.Fatal(err)
	}
	e.viewerID = v.ID
	return e
}

// client is a browser-like client: a cookie jar and no automatic redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c *http.Client, method, path string, body io.Reader, header http.Header) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (e *env) get(c *http.Client, path string) response { return e.do(c, "GET", path, nil, nil) }

func (e *env) post(c *http.Client, path string, form url.Values) response {
	return e.do(c, "POST", path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

func (e *env) postJSON(c *http.Client, method, path, token string, v any) response {
	b, _ := json.Marshal(v)
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return e.do(c, method, path, bytes.NewReader(b), h)
}

// login signs in as the demo user of role and returns the client holding the session.
func (e *env) login(role app.Role) *http.Client {
	e.t.Helper()
	c := e.client()
	r := e.post(c, "/login", url.Values{"email": {e.emails[role]}, "password": {demo.Password}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", role, r.status, r.body)
	}
	return c
}

// token returns an API bearer token for role.
func (e *env) token(role app.Role) string {
	e.t.Helper()
	r := e.postJSON(e.client(), "POST", "/api/v1/auth/token", "", map[string]string{"email": e.emails[role], "password": demo.Password})
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.AccessToken == "" {
		e.t.Fatalf("token for %s: %d %s", role, r.status, r.body)
	}
	return out.AccessToken
}

func (e *env) store() *store.Store { return e.a.Store }
