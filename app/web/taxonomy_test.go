package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"px360/app"
	"px360/app/taxonomy"
)

// taxonomyEnv is the demo appliance with the default taxonomy and sources loaded.
func taxonomyEnv(t *testing.T) (*env, *taxonomy.Service) {
	t.Helper()
	e := newEnv(t)
	svc := taxonomy.New(e.a.Store)
	if err := svc.EnsureDefaults(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, svc
}

func domainByCode(t *testing.T, e *env, svc *taxonomy.Service, code string) app.Category {
	t.Helper()
	ds, err := svc.Children(context.Background(), app.System, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Code == code {
			return d
		}
	}
	t.Fatalf("no domain %s", code)
	return app.Category{}
}

// untranslated finds catalog keys that reached the page instead of their text.
var untranslated = regexp.MustCompile(`[>"](taxonomy|source|err|field|nav|status)\.[a-z_.]+[<"]`)

func TestTaxonomyPagesRenderInBothLanguages(t *testing.T) {
	e, svc := taxonomyEnv(t)
	ctx := context.Background()
	clinical := domainByCode(t, e, svc, "CLINICAL")
	patient, _ := svc.SourceByCode(ctx, "patient")
	bOnly, err := svc.SaveCategory(ctx, app.System, app.Category{ParentID: clinical.ID, HospitalID: e.hospB.ID, Code: "B-ONLY",
		NameEN: "Jeddah only", NameAR: "خاص بجدة", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	en := e.login(app.RolePXAdmin)
	ar := e.login(app.RoleHospitalAdmin)
	if r := e.post(ar, "/language", url.Values{"lang": {"ar"}, "next": {"/"}}); r.status != http.StatusSeeOther {
		t.Fatalf("language switch: %d", r.status)
	}
	viewer := e.login(app.RoleViewer)
	for _, tc := range []struct {
		name      string
		c         *http.Client
		path      string
		status    int
		must, not []string
	}{
		{"tree, English", en, "/admin/taxonomy", 200, []string{`dir="ltr"`, "Complaint taxonomy", "Clinical care", "Add Domain",
			"Add Category", "Only Jeddah General Hospital", "/admin/taxonomy/new?parent=" + idStr(clinical.ID)}, nil},
		{"tree, Arabic, hospital admin", ar, "/admin/taxonomy", 200, []string{`dir="rtl"`, "تصنيف الشكاوى", "الرعاية السريرية", "إضافة فئة"},
			[]string{"خاص بجدة"}},
		{"tree, viewer: nothing to add", viewer, "/admin/taxonomy", 200, []string{"Clinical care"}, []string{"/admin/taxonomy/new"}},
		{"new child form", en, "/admin/taxonomy/new?parent=" + idStr(clinical.ID), 200, []string{"Add Category", "All hospitals (system-wide)",
			`name="parent_id" value="` + idStr(clinical.ID) + `"`, "Clinical care"}, nil},
		{"new child form, Arabic", ar, "/admin/taxonomy/new?parent=" + idStr(clinical.ID), 200, []string{"إضافة فئة", "ينطبق على"},
			[]string{"All hospitals", "جميع المستشفيات"}},
		{"unknown parent", en, "/admin/taxonomy/new?parent=999999", 404, nil, nil},
		{"edit form", en, "/admin/taxonomy/" + idStr(clinical.ID), 200, []string{`<form`, "Below this node", "Diagnosis and assessment"}, nil},
		{"system-wide node, hospital admin: read-only", ar, "/admin/taxonomy/" + idStr(clinical.ID), 200,
			[]string{"الرعاية السريرية", "جميع المستشفيات (على مستوى المجموعة)"}, []string{`method="post" action="/admin/taxonomy/`}},
		{"another hospital's node", ar, "/admin/taxonomy/" + idStr(bOnly.ID), 404, nil, nil},
		{"viewer may not add", viewer, "/admin/taxonomy/new", 403, nil, nil},
		{"sources, English", en, "/admin/sources", 200, []string{"Complaint sources", "Call center", "Built in", "New source"}, nil},
		{"sources, Arabic", ar, "/admin/sources", 200, []string{"مصادر الشكاوى", "مركز الاتصال", "الشكاوى والاستفسارات"}, []string{"/admin/sources/new"}},
		{"built-in source form", en, "/admin/sources/" + idStr(patient.ID), 200, []string{`type="hidden" name="code" value="patient"`, "its code is fixed"}, nil},
		{"source, hospital admin: read-only", ar, "/admin/sources/" + idStr(patient.ID), 200, []string{"المريض"}, []string{"<form class=\"form\""}},
		{"hospital admins do not add sources", ar, "/admin/sources/new", 403, nil, nil},
		{"unknown source", en, "/admin/sources/999999", 404, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(tc.c, tc.path)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			for _, s := range tc.must {
				if !strings.Contains(r.body, s) {
					t.Errorf("missing %q", s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(r.body, s) {
					t.Errorf("unexpected %q", s)
				}
			}
			if k := untranslated.FindString(r.body); k != "" {
				t.Errorf("untranslated key %s", k)
			}
		})
	}
}

func TestTaxonomyFormsSaveOrShowErrors(t *testing.T) {
	e, svc := taxonomyEnv(t)
	ctx := context.Background()
	access := domainByCode(t, e, svc, "ACCESS")
	c := e.login(app.RoleHospitalAdmin)

	form := url.Values{"parent_id": {idStr(access.ID)}, "hospital_id": {idStr(e.hospA.ID)}, "code": {"valet"},
		"name_en": {""}, "name_ar": {""}, "sort_order": {"5"}, "active": {"1"}}
	r := e.post(c, "/admin/taxonomy", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty names: %d", r.status)
	}
	for _, want := range []string{`id="f-name_en-error"`, `id="f-name_ar-error"`, `aria-invalid="true"`, `class="error-summary"`,
		`value="valet"`, "Access and waiting"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}

	form.Set("hospital_id", "0")
	form.Set("name_en", "Valet parking")
	form.Set("name_ar", "خدمة صف السيارات")
	if r := e.post(c, "/admin/taxonomy", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Only PX admins") {
		t.Fatalf("hospital admin, system-wide node: %d", r.status)
	}
	form.Del("hospital_id")
	if r := e.post(c, "/admin/taxonomy", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-hospital_id-error"`) {
		t.Fatalf("no hospital chosen: %d", r.status)
	}
	form.Set("hospital_id", idStr(e.hospA.ID))
	if r := e.post(c, "/admin/taxonomy", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/taxonomy" {
		t.Fatalf("valid node: %d %s", r.status, r.body)
	}
	kids, _ := svc.Children(ctx, app.System, access.ID)
	var valet app.Category
	for _, k := range kids {
		if k.Code == "VALET" {
			valet = k
		}
	}
	if valet.ID == 0 || valet.HospitalID != e.hospA.ID || valet.Level != app.LevelCategory || valet.SortOrder != 5 {
		t.Fatalf("saved node %+v", valet)
	}

	// Editing a system-wide node is a form error for a hospital admin (not a 403), and changes nothing.
	edit := url.Values{"parent_id": {""}, "hospital_id": {"0"}, "code": {access.Code}, "name_en": {"Mine"}, "name_ar": {"لي"}}
	if r := e.post(c, "/admin/taxonomy/"+idStr(access.ID), edit); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("hospital admin edits a system-wide node: %d", r.status)
	}
	// Moving a node is refused.
	move := url.Values{"parent_id": {idStr(domainByCode(t, e, svc, "STAFF").ID)}, "hospital_id": {idStr(e.hospA.ID)}, "code": {"VALET"},
		"name_en": {"Valet"}, "name_ar": {"صف السيارات"}, "active": {"1"}}
	if r := e.post(c, "/admin/taxonomy/"+idStr(valet.ID), move); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "cannot move") {
		t.Fatalf("move: %d", r.status)
	}
	if got, _ := svc.Category(ctx, app.System, access.ID); got.NameEN != access.NameEN {
		t.Error("a refused edit changed the node")
	}
	// Deactivating is an edit.
	move.Set("parent_id", idStr(access.ID))
	move.Del("active")
	if r := e.post(c, "/admin/taxonomy/"+idStr(valet.ID), move); r.status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.status)
	}
	if err := svc.ValidCategoryFor(ctx, e.hospA.ID, valet.ID); err == nil {
		t.Error("a deactivated node is still valid for intake")
	}
	if r := e.get(c, "/admin/taxonomy"); !strings.Contains(r.body, "Valet") || !strings.Contains(r.body, "badge-muted") {
		t.Error("the tree does not show the inactive node with its badge")
	}
	if r := e.post(c, "/admin/taxonomy/999999", move); r.status != http.StatusNotFound {
		t.Errorf("unknown node: %d", r.status)
	}
}

func TestSourceFormsGuardBuiltInCodes(t *testing.T) {
	e, svc := taxonomyEnv(t)
	ctx := context.Background()
	patient, _ := svc.SourceByCode(ctx, "patient")
	c := e.login(app.RolePXAdmin)
	form := url.Values{"code": {"patients"}, "name_en": {"Patient"}, "name_ar": {"المريض"}, "usable_for": {"both"}, "sort_order": {"10"}, "active": {"1"}}
	r := e.post(c, "/admin/sources/"+idStr(patient.ID), form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "A built-in source keeps its code.") {
		t.Fatalf("built-in code change: %d", r.status)
	}
	form.Set("code", "patient")
	form.Set("name_en", "Patient (self)")
	if r := e.post(c, "/admin/sources/"+idStr(patient.ID), form); r.status != http.StatusSeeOther {
		t.Fatalf("rename: %d", r.status)
	}
	if r := e.post(c, "/admin/sources", url.Values{"code": {"kiosk"}, "name_en": {"Kiosk"}, "name_ar": {""}, "usable_for": {"x"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="f-name_ar-error"`) || !strings.Contains(r.body, `id="f-usable_for-error"`) {
		t.Fatalf("invalid new source: %d", r.status)
	}
	if r := e.post(c, "/admin/sources", url.Values{"code": {"kiosk"}, "name_en": {"Kiosk"}, "name_ar": {"جهاز الخدمة الذاتية"},
		"usable_for": {"inquiry"}, "active": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("new source: %d", r.status)
	}
	if x, err := svc.SourceByCode(ctx, "kiosk"); err != nil || x.System || x.UsableFor != app.SourceForInquiry {
		t.Fatalf("kiosk: %+v %v", x, err)
	}
	if r := e.post(e.login(app.RoleHospitalAdmin), "/admin/sources/"+idStr(patient.ID), form); r.status != http.StatusForbidden {
		t.Errorf("hospital admin edits a source: %d", r.status)
	}
}

type apiNode struct {
	ID         int64     `json:"id"`
	ParentID   int64     `json:"parent_id"`
	Level      int       `json:"level"`
	LevelName  string    `json:"level_name"`
	Code       string    `json:"code"`
	NameEN     string    `json:"name_en"`
	NameAR     string    `json:"name_ar"`
	HospitalID int64     `json:"hospital_id"`
	Active     bool      `json:"active"`
	Children   []apiNode `json:"children"`
}

func TestTaxonomyAPI(t *testing.T) {
	e, svc := taxonomyEnv(t)
	ctx := context.Background()
	clinical := domainByCode(t, e, svc, "CLINICAL")
	bOnly, _ := svc.SaveCategory(ctx, app.System, app.Category{ParentID: clinical.ID, HospitalID: e.hospB.ID, Code: "B-ONLY",
		NameEN: "Jeddah only", NameAR: "خاص بجدة", Active: true})
	aOff, _ := svc.SaveCategory(ctx, app.System, app.Category{ParentID: clinical.ID, HospitalID: e.hospA.ID, Code: "A-OFF",
		NameEN: "Riyadh retired", NameAR: "ملغى", Active: false})
	token := e.token(app.RoleStaff)

	tree := func(path string) []apiNode {
		t.Helper()
		r := e.postJSON(e.client(), "GET", path, token, nil)
		var out struct {
			Items []apiNode `json:"items"`
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		if !strings.Contains(r.body, `"children":[]`) {
			t.Errorf("%s: leaves should have an empty children list", path)
		}
		return out.Items
	}
	find := func(nodes []apiNode, id int64) *apiNode {
		var found *apiNode
		var walk func([]apiNode, int64, int)
		walk = func(ns []apiNode, parent int64, level int) {
			for i := range ns {
				n := &ns[i]
				if n.ParentID != parent || n.Level != level {
					t.Errorf("node %s: parent %d level %d, want %d %d", n.Code, n.ParentID, n.Level, parent, level)
				}
				if n.ID == id {
					found = n
				}
				walk(n.Children, n.ID, level+1)
			}
		}
		walk(nodes, 0, 1)
		return found
	}
	all := tree("/api/v1/taxonomy")
	if d := find(all, clinical.ID); d == nil || d.LevelName != "domain" || d.NameAR != "الرعاية السريرية" || len(d.Children) == 0 || d.Children[0].LevelName != "category" {
		t.Fatalf("clinical domain: %+v", d)
	}
	if find(all, bOnly.ID) != nil {
		t.Error("hospital B's node is in A's staff member's tree")
	}
	if n := find(all, aOff.ID); n == nil || n.Active || n.HospitalID != e.hospA.ID {
		t.Errorf("A's inactive node: %+v", n)
	}
	if find(tree("/api/v1/taxonomy?active=1"), aOff.ID) != nil {
		t.Error("?active=1 kept an inactive node")
	}

	r := e.postJSON(e.client(), "GET", "/api/v1/sources?type=inquiry", token, nil)
	var sources struct {
		Items []struct {
			Code      string `json:"code"`
			UsableFor string `json:"usable_for"`
			System    bool   `json:"system"`
		} `json:"items"`
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &sources) != nil || len(sources.Items) != 8 {
		t.Fatalf("sources for inquiries: %d %s", r.status, r.body)
	}
	for _, x := range sources.Items {
		if x.Code == "survey" || !x.System || x.UsableFor == "complaint" {
			t.Errorf("inquiry source %+v", x)
		}
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/sources", token, nil); r.status != 200 || strings.Count(r.body, `"code"`) != 9 {
		t.Errorf("all sources: %d %s", r.status, r.body)
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/sources?type=gossip", token, nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"type"`) {
		t.Errorf("unknown type: %d %s", r.status, r.body)
	}
}
