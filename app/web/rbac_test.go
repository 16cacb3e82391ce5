package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"px360/app"
	"px360/app/web"
)

// fill replaces path parameters with records of hospital A (the demo users' hospital).
func (e *env) fill(path string) string {
	id := func(n int64) string { return fmt.Sprint(n) }
	switch {
	case strings.Contains(path, "/hospitals/{id}"):
		path = strings.Replace(path, "{id}", id(e.hospA.ID), 1)
	case strings.Contains(path, "/departments/{id}"):
		path = strings.Replace(path, "{id}", id(e.deptA.ID), 1)
	case strings.Contains(path, "/sections/{id}"):
		path = strings.Replace(path, "{id}", id(e.secA.ID), 1)
	case strings.Contains(path, "/staff/{id}"):
		path = strings.Replace(path, "{id}", id(e.staffA.ID), 1)
	case strings.Contains(path, "/patients/{id}"):
		path = strings.Replace(path, "{id}", id(e.patientA.ID), 1)
	case strings.Contains(path, "/users/{id}"):
		path = strings.Replace(path, "{id}", e.viewerID, 1)
	case strings.Contains(path, "{id}"):
		path = strings.Replace(path, "{id}", "1", 1)
	}
	return strings.TrimSuffix(path, "{$}")
}

// TestEveryRouteEnforcesRoles walks the route registry: for every staff and API route and
// every role (and no sign-in at all) the answer must match the role's permissions.
func TestEveryRouteEnforcesRoles(t *testing.T) {
	e := newEnv(t)
	clients := map[app.Role]*http.Client{}
	for _, r := range app.Roles {
		clients[r] = e.login(r)
	}
	checked := 0
	for _, rt := range e.a.Web.Routes() {
		if rt.Access == web.Public {
			continue
		}
		path := e.fill(rt.Path)
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			call := func(c *http.Client, token string) response {
				if rt.Access == web.API {
					return e.postJSON(c, rt.Method, path, token, map[string]any{})
				}
				if rt.Method == "POST" {
					return e.post(c, path, nil)
				}
				return e.get(c, path)
			}
			anon := call(e.client(), "")
			if rt.Access == web.API && anon.status != http.StatusUnauthorized {
				t.Fatalf("anonymous: status %d, want 401", anon.status)
			}
			if rt.Access == web.Staff && (anon.status != http.StatusSeeOther || !strings.HasPrefix(anon.header.Get("Location"), "/login")) {
				t.Fatalf("anonymous: status %d location %q, want 303 to /login", anon.status, anon.header.Get("Location"))
			}
			for _, role := range app.Roles {
				c := clients[role]
				token := ""
				if rt.Access == web.API {
					// A fresh token: "sign out my other sessions" (also a route here) revokes older ones.
					c, token = e.client(), e.token(role)
				}
				got := call(c, token)
				allowed := rt.Perm == "" || role.Can(rt.Perm)
				switch {
				case !allowed && got.status != http.StatusForbidden:
					t.Errorf("%s: status %d, want 403", role, got.status)
				case allowed && (got.status == http.StatusForbidden || got.status == http.StatusUnauthorized || got.status >= 500):
					t.Errorf("%s: status %d, want access: %.300s", role, got.status, got.body)
				}
			}
		})
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d routes checked; the registry looks incomplete", checked)
	}
}

// TestHospitalAdminCannotReachAnotherHospital checks tenancy through pages and the API:
// hospital B's records are "not found" for hospital A's admin, and never listed.
func TestHospitalAdminCannotReachAnotherHospital(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	token := e.token(app.RoleHospitalAdmin)
	paths := []string{
		fmt.Sprintf("/admin/departments/%d", e.deptB.ID),
		fmt.Sprintf("/admin/staff/%d", e.staffB.ID),
		fmt.Sprintf("/admin/patients/%d", e.patientB.ID),
	}
	for _, p := range paths {
		if r := e.get(c, p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
		if r := e.post(c, p, nil); r.status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, r.status)
		}
		api := "/api/v1" + strings.TrimPrefix(p, "/admin")
		if r := e.postJSON(e.client(), "GET", api, token, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", api, r.status)
		}
		if r := e.postJSON(e.client(), "PUT", api, token, map[string]any{"name_en": "x"}); r.status != http.StatusNotFound {
			t.Errorf("PUT %s: %d, want 404", api, r.status)
		}
	}
	if r := e.get(c, fmt.Sprintf("/admin/hospitals/%d", e.hospB.ID)); r.status != http.StatusForbidden {
		t.Errorf("hospital B edit page: %d, want 403", r.status)
	}
	// Creating into hospital B is refused as a field error and writes nothing.
	r := e.postJSON(e.client(), "POST", "/api/v1/departments", token, map[string]any{"hospital_id": e.hospB.ID,
		"code": "NEW", "name_en": "New", "name_ar": "جديد", "category": "support"})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "hospital_id") {
		t.Errorf("create department in B: %d %s", r.status, r.body)
	}
	// Lists show A's records only.
	for _, list := range []struct{ path, mustNot, must string }{
		{"/admin/patients", e.patientB.MRN, e.patientA.MRN},
		{"/admin/staff", e.staffB.EmployeeNo, e.staffA.EmployeeNo},
		{"/api/v1/patients?limit=500", e.patientB.MRN, e.patientA.MRN},
	} {
		var got response
		if strings.HasPrefix(list.path, "/api/") {
			got = e.postJSON(e.client(), "GET", list.path, token, nil)
		} else {
			got = e.get(c, list.path)
		}
		if got.status != 200 || strings.Contains(got.body, list.mustNot) || !strings.Contains(got.body, list.must) {
			t.Errorf("%s: status %d, contains B's %q: %v, contains A's %q: %v", list.path, got.status, list.mustNot,
				strings.Contains(got.body, list.mustNot), list.must, strings.Contains(got.body, list.must))
		}
	}
	// Filtering by hospital B's id shows nothing rather than B's rows.
	if got := e.get(c, fmt.Sprintf("/admin/patients?hospital=%d", e.hospB.ID)); strings.Contains(got.body, e.patientB.MRN) {
		t.Error("the hospital filter let hospital B's patients through")
	}
}
