package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"px360/app"
	"px360/app/demo"
)

func TestSignOutOtherSessions(t *testing.T) {
	e := newEnv(t)
	laptop, phone := e.login(app.RoleStaff), e.login(app.RoleStaff)
	token := e.token(app.RoleStaff)
	if r := e.post(laptop, "/account/sessions/revoke", nil); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.get(laptop, "/account"); r.status != 200 || !strings.Contains(r.body, "other sessions were signed out") {
		t.Fatalf("the current session should stay signed in: %d", r.status)
	}
	if r := e.get(phone, "/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the other session is still signed in: %d", r.status)
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/me", token, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("an older API token still works: %d", r.status)
	}
}

func TestPasswordChangeAndResetLink(t *testing.T) {
	e := newEnv(t)
	staff := e.login(app.RoleStaff)
	r := e.post(staff, "/account/password", url.Values{"current_password": {"wrong one!!"}, "new_password": {"short"}})
	if r.status != 422 || !strings.Contains(r.body, "current password is not correct") || !strings.Contains(r.body, "at least 10") {
		t.Fatalf("bad change: %d", r.status)
	}
	if r := e.post(staff, "/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"a brand new passphrase"}}); r.status != 303 {
		t.Fatalf("change: %d", r.status)
	}
	if r := e.post(e.client(), "/login", url.Values{"email": {"staff@px360.demo"}, "password": {"a brand new passphrase"}}); r.status != 303 {
		t.Fatalf("sign in with the new password: %d", r.status)
	}

	// An admin issues a one-time reset link; it works once.
	admin := e.login(app.RoleHospitalAdmin)
	u, _, _ := e.store().UserByEmail(t.Context(), "staff@px360.demo")
	if r := e.post(admin, "/admin/users/"+u.ID+"/reset-link", nil); r.status != 303 {
		t.Fatalf("issue link: %d", r.status)
	}
	page := e.get(admin, "/admin/users/"+u.ID)
	link := regexp.MustCompile(`/password/reset/[0-9a-f]{64}`).FindString(page.body)
	if link == "" {
		t.Fatal("the reset link is not shown to the admin")
	}
	if again := e.get(admin, "/admin/users/"+u.ID); strings.Contains(again.body, link) {
		t.Fatal("the reset link is shown more than once")
	}
	anon := e.client()
	if r := e.get(anon, link); r.status != 200 || !strings.Contains(r.body, `name="password"`) {
		t.Fatalf("reset page: %d", r.status)
	}
	if r := e.post(anon, link, url.Values{"password": {"short"}}); r.status != 422 {
		t.Fatalf("short password: %d", r.status)
	}
	if r := e.post(anon, link, url.Values{"password": {"reset by the link 123"}}); r.status != 200 || !strings.Contains(r.body, "has been changed") {
		t.Fatalf("reset: %d", r.status)
	}
	if r := e.post(anon, link, url.Values{"password": {"and once more 12345"}}); r.status != http.StatusNotFound {
		t.Fatalf("second use: %d, want 404", r.status)
	}
	if r := e.post(e.client(), "/login", url.Values{"email": {"staff@px360.demo"}, "password": {"reset by the link 123"}}); r.status != 303 {
		t.Fatalf("sign in after reset: %d", r.status)
	}
}

func TestAPI(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	t.Run("token errors", func(t *testing.T) {
		r := e.postJSON(c, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@px360.demo", "password": "nope"})
		if r.status != 401 || !strings.Contains(r.body, `"code":"unauthorized"`) {
			t.Fatalf("wrong password: %d %s", r.status, r.body)
		}
		r = e.do(c, "POST", "/api/v1/auth/token", strings.NewReader(`{"email":`), http.Header{"Content-Type": {"application/json"}})
		if r.status != 422 || !strings.Contains(r.body, `"code":"invalid"`) {
			t.Fatalf("broken JSON: %d %s", r.status, r.body)
		}
	})
	t.Run("token shape", func(t *testing.T) {
		r := e.postJSON(c, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@px360.demo", "password": demo.Password})
		for _, want := range []string{`"access_token":"`, `"token_type":"Bearer"`, `"expires_in":900`} {
			if !strings.Contains(r.body, want) {
				t.Fatalf("token response lacks %s: %s", want, r.body)
			}
		}
	})
	token := e.token(app.RoleHospitalAdmin)
	t.Run("validation errors name the fields", func(t *testing.T) {
		r := e.postJSON(c, "POST", "/api/v1/patients", token, map[string]any{"hospital_id": e.hospA.ID, "mrn": "", "national_id": "123"})
		if r.status != 422 || !strings.Contains(r.body, `"mrn":"This field is required."`) || !strings.Contains(r.body, `"national_id":`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r = e.postJSON(c, "POST", "/api/v1/patients", token, map[string]any{"hospital_id": e.hospA.ID, "mrn": "X", "unknown": 1})
		if r.status != 422 || !strings.Contains(r.body, "not valid JSON") {
			t.Fatalf("unknown field: %d %s", r.status, r.body)
		}
	})
	t.Run("create, read, update a patient; the national ID comes back masked", func(t *testing.T) {
		r := e.postJSON(c, "POST", "/api/v1/patients", token, map[string]any{"hospital_id": e.hospA.ID, "mrn": "API-1",
			"name_en": "Api Patient", "national_id": "1098765432", "phone": "+966 50 123 4567", "language": "en"})
		if r.status != 201 || !strings.Contains(r.body, `"national_id_masked":"••••••5432"`) || strings.Contains(r.body, "1098765432") ||
			!strings.Contains(r.body, `"phone":"+966501234567"`) {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(r.body)[1]
		r = e.postJSON(c, "PUT", "/api/v1/patients/"+id, token, map[string]any{"hospital_id": e.hospA.ID, "mrn": "API-1",
			"name_en": "Api Patient Renamed", "language": "ar"})
		if r.status != 200 || !strings.Contains(r.body, "Renamed") || !strings.Contains(r.body, "5432") {
			t.Fatalf("update keeps the national ID: %d %s", r.status, r.body)
		}
		// PUT replaces the record: the phone it left out is now empty.
		if r := e.postJSON(c, "GET", "/api/v1/patients/"+id, token, nil); !strings.Contains(r.body, `"phone":""`) || !strings.Contains(r.body, `"language":"ar"`) {
			t.Fatalf("read: %s", r.body)
		}
	})
}

func TestImportCSVPage(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	csv := "hospital_code,mrn,name_en,name_ar,national_id,phone,language,birth_date\n" +
		"RCH,IMP-1,Imported One,مستورد,1000000001,0501234567,ar,1980-02-03\n" +
		"RCH,,No Mrn,,,,,\n" +
		"JGH,IMP-2,Other Hospital,,,,,\n" +
		"RCH,IMP-3,Bad Date,,,,,1980-13-40\n" +
		"RCH,IMP-4,Imported Four,,,,en,\n"
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", "patients")
	fw, _ := mw.CreateFormFile("file", "patients.csv")
	fw.Write([]byte(csv))
	mw.Close()
	r := e.do(c, "POST", "/admin/import", &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
	if r.status != 200 || !strings.Contains(r.body, "2 created, 0 updated, 3 rejected.") {
		t.Fatalf("import: %d %.2000s", r.status, r.body)
	}
	for _, line := range []int{3, 4, 5} {
		if !strings.Contains(r.body, fmt.Sprintf(`<td class="num">%d</td>`, line)) {
			t.Errorf("line %d is not reported", line)
		}
	}
	list := e.get(c, "/admin/patients?q=IMP-")
	if !strings.Contains(e.get(c, "/admin/patients?q=IMP-1").body, "Imported One") || strings.Contains(list.body, "Bad Date") {
		t.Fatal("good rows missing or a bad row imported")
	}
	// Without a file: a field error, nothing imported.
	var empty bytes.Buffer
	mw = multipart.NewWriter(&empty)
	_ = mw.WriteField("kind", "patients")
	mw.Close()
	if r := e.do(c, "POST", "/admin/import", &empty, http.Header{"Content-Type": {mw.FormDataContentType()}}); r.status != 422 || !strings.Contains(r.body, "Choose a CSV file.") {
		t.Fatalf("no file: %d", r.status)
	}
}

func TestErrorPagesAreBilingual(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := e.get(c, "/no/such/page")
	if r.status != 404 || !strings.Contains(r.body, "Page not found") {
		t.Fatalf("404: %d", r.status)
	}
	r = e.do(c, "GET", "/no/such/page", nil, http.Header{"Accept-Language": {"ar"}})
	if r.status != 404 || !strings.Contains(r.body, "الصفحة غير موجودة") || !strings.Contains(r.body, `dir="rtl"`) {
		t.Fatalf("Arabic 404: %d", r.status)
	}
	viewer := e.login(app.RoleViewer)
	if r := e.get(viewer, "/admin/users"); r.status != 403 || !strings.Contains(r.body, "Access denied") {
		t.Fatalf("403: %d", r.status)
	}
	if r := e.get(viewer, "/"); strings.Contains(r.body, `href="/admin/users"`) || !strings.Contains(r.body, `href="/admin/departments"`) {
		t.Fatal("the viewer's navigation shows pages of other roles")
	}
}

func TestHijriPreference(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleStaff)
	if r := e.get(c, "/account"); strings.Contains(r.body, " AH") {
		t.Fatal("Hijri dates shown before the user asked for them")
	}
	if r := e.post(c, "/account/preferences", url.Values{"show_hijri": {"1"}}); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	r := e.get(c, "/account")
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d · \d+ [A-Za-z -]+ 14\d\d AH`).MatchString(r.body) {
		t.Fatalf("no Hijri date on the account page after opting in: %.3000s", r.body)
	}
}
