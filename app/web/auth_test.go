package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/demo"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := e.get(e.client(), "/healthz")
	if r.status != 200 || !strings.Contains(r.body, `"status":"ok"`) {
		t.Fatalf("healthy: %d %s", r.status, r.body)
	}
	e.store().W.Close() // the database becomes unusable
	e.store().R.Close()
	r = e.get(e.client(), "/healthz")
	if r.status != http.StatusServiceUnavailable || strings.Contains(r.body, `"ok"`) {
		t.Fatalf("broken database: %d %s", r.status, r.body)
	}
}

func sessionCookie(r response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "px360_session" {
			return c
		}
	}
	return nil
}

func TestLogin(t *testing.T) {
	e := newEnv(t)
	t.Run("right password gives a 303 and an HttpOnly SameSite=Lax session", func(t *testing.T) {
		c := e.client()
		r := e.post(c, "/login", url.Values{"email": {"ADMIN@px360.demo "}, "password": {demo.Password}, "next": {"/admin/staff"}})
		ck := sessionCookie(r)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/staff" {
			t.Fatalf("status %d location %q", r.status, r.header.Get("Location"))
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie %+v", ck)
		}
		if home := e.get(c, "/"); home.status != 200 || !strings.Contains(home.body, "Layla Admin") {
			t.Fatalf("home after sign-in: %d", home.status)
		}
	})
	t.Run("wrong password shows an error and creates no session", func(t *testing.T) {
		c := e.client()
		r := e.post(c, "/login", url.Values{"email": {"staff@px360.demo"}, "password": {"wrong password!"}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "not correct") || !strings.Contains(r.body, `role="alert"`) {
			t.Fatalf("status %d body %.200s", r.status, r.body)
		}
		if sessionCookie(r) != nil {
			t.Fatal("a failed sign-in set a session cookie")
		}
		if home := e.get(c, "/"); home.status != http.StatusSeeOther {
			t.Fatalf("home after failed sign-in: %d, want redirect to login", home.status)
		}
	})
	t.Run("an off-site next is ignored", func(t *testing.T) {
		r := e.post(e.client(), "/login", url.Values{"email": {"viewer@px360.demo"}, "password": {demo.Password}, "next": {"//evil.example/x"}})
		if r.header.Get("Location") != "/" {
			t.Fatalf("redirected to %q", r.header.Get("Location"))
		}
	})
	t.Run("the session token changes at sign-in", func(t *testing.T) {
		c := e.client()
		before := sessionCookie(e.post(c, "/language", url.Values{"lang": {"en"}, "next": {"/login"}}))
		r := e.post(c, "/login", url.Values{"email": {"viewer@px360.demo"}, "password": {demo.Password}})
		after := sessionCookie(r)
		if after == nil || (before != nil && before.Value == after.Value) {
			t.Fatal("the session token was not renewed at sign-in")
		}
	})
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for i := 1; i <= 5; i++ {
		r := e.post(c, "/login", url.Values{"email": {"staff@px360.demo"}, "password": {"nope nope nope"}})
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusLocked
		}
		if r.status != want {
			t.Fatalf("attempt %d: %d, want %d", i, r.status, want)
		}
	}
	r := e.post(c, "/login", url.Values{"email": {"staff@px360.demo"}, "password": {demo.Password}})
	if r.status != http.StatusLocked || !strings.Contains(r.body, "locked") || sessionCookie(r) != nil {
		t.Fatalf("right password during lockout: %d", r.status)
	}
	// Other accounts are not affected.
	if r := e.post(e.client(), "/login", url.Values{"email": {"viewer@px360.demo"}, "password": {demo.Password}}); r.status != 303 {
		t.Fatalf("another account: %d", r.status)
	}
}

func TestSignInRateLimitPerIP(t *testing.T) {
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Limit(0.001), LoginBurst: 3})
	codes := []int{}
	for i := 0; i < 5; i++ {
		codes = append(codes, e.post(e.client(), "/login", url.Values{"email": {"x@y.z"}, "password": {"whatever1234"}}).status)
	}
	if codes[2] != http.StatusUnauthorized || codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("statuses %v, want 401 ×3 then 429", codes)
	}
	r := e.postJSON(e.client(), "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@px360.demo", "password": demo.Password})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("token endpoint shares the limit: %d", r.status)
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RolePXAdmin)
	form := url.Values{"hospital_id": {"1"}, "code": {"EVIL"}, "name_en": {"Evil"}, "name_ar": {"شر"}, "category": {"support"}}
	r := e.do(c, "POST", "/admin/departments", strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", r.status)
	}
	if list := e.get(c, "/admin/departments?q=EVIL"); strings.Contains(list.body, "Evil") {
		t.Fatal("the cross-site POST created a department")
	}
}

func TestLanguageSwitchSetsDirection(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if r := e.get(c, "/login"); !strings.Contains(r.body, `<html lang="en" dir="ltr">`) {
		t.Fatal("default page is not English LTR")
	}
	ar := e.do(c, "GET", "/login", nil, http.Header{"Accept-Language": {"ar-SA,ar;q=0.9"}})
	if !strings.Contains(ar.body, `<html lang="ar" dir="rtl">`) || !strings.Contains(ar.body, "تسجيل الدخول") {
		t.Fatal("Accept-Language ar did not give an Arabic RTL page")
	}
	// A signed-in user's choice is stored on the account.
	c = e.login(app.RoleStaff)
	if r := e.post(c, "/language", url.Values{"lang": {"ar"}, "next": {"/account"}}); r.status != 303 || r.header.Get("Location") != "/account" {
		t.Fatalf("switch: %d %q", r.status, r.header.Get("Location"))
	}
	if r := e.get(c, "/account"); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "حسابي") {
		t.Fatal("account page not in Arabic after the switch")
	}
	if r := e.post(c, "/language", url.Values{"lang": {"fr"}}); r.status != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.status)
	}
	c2 := e.login(app.RoleStaff) // a new session of the same user keeps the preference
	if r := e.get(c2, "/"); !strings.Contains(r.body, `dir="rtl"`) {
		t.Fatal("language preference not kept for the user")
	}
}

func TestDepartmentFormErrorsKeepInput(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	form := url.Values{"hospital_id": {idStr(e.hospA.ID)}, "code": {"new-unit"}, "name_en": {""}, "name_ar": {""}, "category": {"medical"}}
	r := e.post(c, "/admin/departments", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	for _, want := range []string{`id="f-name_en-error"`, `id="f-name_ar-error"`, `aria-invalid="true"`, `class="error-summary"`,
		"This field is required.", `value="new-unit"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form re-render lacks %q", want)
		}
	}
	form.Set("name_en", "New Unit")
	form.Set("name_ar", "وحدة جديدة")
	if r := e.post(c, "/admin/departments", form); r.status != http.StatusSeeOther {
		t.Fatalf("valid form: %d %.300s", r.status, r.body)
	}
	if r := e.get(c, "/admin/departments?q=new"); !strings.Contains(r.body, "New Unit") || !strings.Contains(r.body, "Saved.") {
		t.Fatal("the new department is not listed with a confirmation")
	}
	// A non-numeric id in an optional field is an error, and nothing is saved.
	bad := url.Values{"hospital_id": {idStr(e.hospA.ID)}, "employee_no": {"X1"}, "name_en": {"Someone"}, "kind": {"nurse"}, "reports_to": {"abc"}}
	if r := e.post(c, "/admin/staff", bad); r.status != 422 || !strings.Contains(r.body, "Enter a number.") {
		t.Fatalf("bad reports_to: %d", r.status)
	}
	if r := e.get(c, "/admin/staff?q=X1"); strings.Contains(r.body, "Someone") {
		t.Fatal("a rejected staff form was saved")
	}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
