package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"px360/app"
)

func TestExplanationRequestsOnTheRecordPage(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	x := e.createByPage(c, complaintForm(e.hospA))
	base := fmt.Sprintf("/complaints/%d/explanations", x.ID)
	r := e.post(c, base, url.Values{"staff": {"NOPE-1"}, "question": {"Why?"}})
	if r.status != 422 || !strings.Contains(r.body, `id="f-staff-error"`) || !strings.Contains(r.body, `value="NOPE-1"`) {
		t.Fatalf("unknown staff: %d", r.status)
	}
	if r := e.post(c, base, url.Values{"staff": {e.staffA.EmployeeNo}, "question": {"What happened on the night shift?"}, "due_hours": {"24"}}); r.status != 303 {
		t.Fatalf("request: %d %.300s", r.status, r.body)
	}
	page := e.get(c, fmt.Sprintf("/complaints/%d", x.ID))
	if !strings.Contains(page.body, "What happened on the night shift?") || !strings.Contains(page.body, "Waiting for the answer") ||
		!strings.Contains(page.body, "The explanation request was sent.") {
		t.Fatal("the request is not shown on the record page")
	}
	list, _ := e.a.Complaints.Explanations(t.Context(), app.System, x.ID)
	if len(list) != 1 {
		t.Fatalf("%d explanations", len(list))
	}
	answer := fmt.Sprintf("%s/%d/answer", base, list[0].ID)
	if r := e.post(c, answer, url.Values{"answer": {"The ward had two nurses for 30 beds."}}); r.status != 303 {
		t.Fatalf("answer: %d", r.status)
	}
	if page := e.get(c, fmt.Sprintf("/complaints/%d", x.ID)); !strings.Contains(page.body, "two nurses for 30 beds") {
		t.Fatal("the answer is not shown")
	}
	// A viewer may read but not ask.
	if r := e.post(e.login(app.RoleViewer), base, url.Values{"staff": {e.staffA.EmployeeNo}, "question": {"x"}}); r.status != 403 {
		t.Fatalf("viewer: %d", r.status)
	}
}

func TestExternalReferencesAreShown(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	form := complaintForm(e.hospA)
	form.Set("moh_ref", "937-55501")
	x := e.createByPage(c, form)
	if page := e.get(c, fmt.Sprintf("/complaints/%d", x.ID)); !strings.Contains(page.body, "937-55501") {
		t.Fatal("the MOH reference is not on the record page")
	}
	r := e.postJSON(e.client(), "GET", fmt.Sprintf("/api/v1/complaints/%d", x.ID), e.token(app.RoleHospitalAdmin), nil)
	if !strings.Contains(r.body, `"moh_ref":"937-55501"`) {
		t.Fatalf("API detail lacks the MOH reference: %.400s", r.body)
	}
}

func TestComplaintListSortIsKeptInTheURL(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	first := e.createByPage(c, complaintForm(e.hospA))
	second := e.createByPage(c, complaintForm(e.hospA))
	newest := e.get(c, "/complaints").body
	oldest := e.get(c, "/complaints?sort=oldest").body
	if strings.Index(newest, second.TrackingCode) > strings.Index(newest, first.TrackingCode) {
		t.Fatal("the default order is not newest first")
	}
	if strings.Index(oldest, first.TrackingCode) > strings.Index(oldest, second.TrackingCode) {
		t.Fatal("sort=oldest is not oldest first")
	}
	if !strings.Contains(oldest, `<option value="oldest" selected>`) {
		t.Fatal("the chosen order is not shown in the filter")
	}
}

func TestIntakeTakesATaxonomyCategory(t *testing.T) {
	e := newEnv(t)
	tree, err := e.a.Taxonomy.Tree(t.Context(), app.System)
	if err != nil || len(tree) == 0 || len(tree[0].Children) == 0 {
		t.Fatalf("default taxonomy: %v %v", len(tree), err)
	}
	node := tree[0].Children[0]
	c := e.login(app.RoleHospitalAdmin)
	if page := e.get(c, "/complaints/new"); !strings.Contains(page.body, `name="category"`) || !strings.Contains(page.body, node.NameEN) {
		t.Fatal("the intake form offers no categories")
	}
	form := complaintForm(e.hospA)
	form.Set("category", fmt.Sprint(node.ID))
	x := e.createByPage(c, form)
	if x.CategoryID != node.ID {
		t.Fatalf("category %d, want %d", x.CategoryID, node.ID)
	}
	if page := e.get(c, fmt.Sprintf("/complaints/%d", x.ID)); !strings.Contains(page.body, tree[0].NameEN+" › "+node.NameEN) {
		t.Fatal("the record page does not show the classification path")
	}
	form.Set("category", "999999")
	if r := e.post(c, "/complaints", form); r.status != 422 || !strings.Contains(r.body, `id="f-category-error"`) {
		t.Fatalf("unknown category: %d", r.status)
	}
}

func TestOversizedJSONIs413(t *testing.T) {
	e := newEnv(t)
	body := `{"description":"` + strings.Repeat("x", 2<<20) + `"}`
	r := e.do(e.client(), "POST", "/api/v1/complaints", strings.NewReader(body), http.Header{
		"Content-Type": {"application/json"}, "Authorization": {"Bearer " + e.token(app.RoleHospitalAdmin)}})
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, `"code":"too_large"`) {
		t.Fatalf("%d %.200s", r.status, r.body)
	}
}
