package web_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/accounts"
	"px360/app/appliance"
)

func TestNextRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/%0d%0aX: y"} {
		r := e.post(e.client(), "/login", url.Values{"email": {"viewer@px360.demo"}, "password": {"px360-demo-2026"}, "next": {next}})
		if loc := r.header.Get("Location"); loc != "/" && loc != "/%0d%0aX: y" {
			t.Errorf("next %q redirected to %q", next, loc)
		}
		r = e.post(e.client(), "/language", url.Values{"lang": {"ar"}, "next": {next}})
		if loc := r.header.Get("Location"); strings.Contains(loc, "evil") {
			t.Errorf("language next %q redirected to %q", next, loc)
		}
	}
}

func TestSearchPatientsByNationalID(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	if r := e.get(c, "/admin/patients?q=1102030400"); !strings.Contains(r.body, "RCH000100") {
		t.Fatal("a national ID search did not find the patient")
	}
	if r := e.get(c, "/admin/patients?q=1102030500"); strings.Contains(r.body, "JGH000100") {
		t.Fatal("a national ID search reached another hospital")
	}
}

func TestRecordsDoNotMoveBetweenHospitals(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RolePXAdmin)
	form := url.Values{"hospital_id": {idStr(e.hospB.ID)}, "code": {e.deptA.Code}, "name_en": {e.deptA.NameEN},
		"name_ar": {e.deptA.NameAR}, "category": {string(e.deptA.Category)}, "active": {"1"}}
	r := e.post(c, fmt.Sprintf("/admin/departments/%d", e.deptA.ID), form)
	if r.status != 422 || !strings.Contains(r.body, "cannot move to another hospital") {
		t.Fatalf("moving a department: %d", r.status)
	}
	if d, _ := e.store().DepartmentByID(t.Context(), app.Scope{All: true}, e.deptA.ID); d.HospitalID != e.hospA.ID {
		t.Fatal("the department moved")
	}
}

func TestSharedUserCannotBeTakenOver(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	shared, err := e.a.Accounts.CreateUser(ctx, app.System, accounts.UserInput{Email: "shared@px360.demo", Name: "Shared",
		Role: app.RoleStaff, HospitalIDs: []int64{e.hospA.ID, e.hospB.ID}, Password: "shared user password", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login(app.RoleHospitalAdmin)
	form := url.Values{"email": {shared.Email}, "name": {"Shared"}, "role": {"hospital-admin"}, "hospitals": {idStr(e.hospA.ID)},
		"language": {"en"}, "active": {"1"}}
	if r := e.post(c, "/admin/users/"+shared.ID, form); r.status != 403 {
		t.Fatalf("promote a shared user: %d, want 403", r.status)
	}
	if r := e.post(c, "/admin/users/"+shared.ID+"/reset-link", nil); r.status != 403 {
		t.Fatalf("reset link for a shared user: %d, want 403", r.status)
	}
	if u, _ := e.store().UserByID(ctx, shared.ID); u.Role != app.RoleStaff {
		t.Fatal("the shared user was changed")
	}
}

func TestAccessLogNamesTheUserAndHidesResetTokens(t *testing.T) {
	var buf bytes.Buffer
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Inf, Log: slog.New(slog.NewTextHandler(&buf, nil))})
	c := e.login(app.RoleViewer)
	e.get(c, "/admin/departments")
	e.get(e.client(), "/password/reset/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	log := buf.String()
	if !strings.Contains(log, "path=/admin/departments") || !strings.Contains(log, "user=viewer@px360.demo") {
		t.Fatalf("access log lacks the user: %s", log)
	}
	if strings.Contains(log, "0123456789abcdef") {
		t.Fatal("the access log shows a reset token")
	}
}

func TestBrokenFormChangesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleStaff)
	e.post(c, "/account/preferences", url.Values{"show_hijri": {"1"}})
	r := e.do(c, "POST", "/account/preferences", strings.NewReader("show_hijri=%zz"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("broken form: %d, want 400", r.status)
	}
	if u, _, _ := e.store().UserByEmail(t.Context(), "staff@px360.demo"); !u.ShowHijri {
		t.Fatal("a broken form changed the preference")
	}
}
