package taxonomy_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/taxonomy"
	"px360/store"
)

type env struct {
	st     *store.Store
	svc    *taxonomy.Service
	hospA  app.Hospital
	hospB  app.Hospital
	px     app.Principal
	adminA app.Principal // hospital-admin of A only
	adminB app.Principal
	viewer app.Principal // viewer of A
}

var testNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DBFile), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{st: st, svc: taxonomy.New(st)}
	hospital := func(code string) app.Hospital {
		h := app.Hospital{Code: code, NameEN: "Hospital " + code, NameAR: "مستشفى " + code, TimeZone: "Asia/Riyadh", Active: true}
		err := st.InTx(ctx, app.System, func(tx *store.Tx) error {
			org, err := tx.EnsureOrganization(ctx, "Group", "المجموعة")
			if err != nil {
				return err
			}
			h.OrganizationID = org
			return tx.SaveHospital(ctx, &h)
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	e.hospA, e.hospB = hospital("A"), hospital("B")
	e.px = app.Principal{UserID: "px", Email: "px@example.com", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}
	e.adminA = app.Principal{UserID: "admin-a", Email: "admin-a@example.com", Role: app.RoleHospitalAdmin,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	e.adminB = app.Principal{UserID: "admin-b", Email: "admin-b@example.com", Role: app.RoleHospitalAdmin,
		Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
	e.viewer = app.Principal{UserID: "viewer-a", Email: "viewer@example.com", Role: app.RoleViewer,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	if err := e.svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// domain returns the default domain with code.
func (e *env) domain(t testing.TB, code string) app.Category {
	t.Helper()
	ds, err := e.svc.Children(context.Background(), e.px, 0)
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

func (e *env) save(t testing.TB, by app.Principal, c app.Category) app.Category {
	t.Helper()
	c, err := e.svc.SaveCategory(context.Background(), by, c)
	if err != nil {
		t.Fatalf("save %s: %v", c.Code, err)
	}
	return c
}

func count(t testing.TB, st *store.Store, query string) int {
	t.Helper()
	var n int
	if err := st.R.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var arabic = regexp.MustCompile(`\p{Arabic}`)

func TestDefaultsLoadOnceAndAreWellFormed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	categories := count(t, e.st, `select count(*) from complaint_categories`)
	if categories < 80 || categories > 120 {
		t.Errorf("%d default categories, want 80–120", categories)
	}
	sources, err := e.svc.AllSources(ctx, e.px)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, x := range sources {
		codes = append(codes, x.Code)
		if !x.System || !x.Active || !x.UsableFor.Valid() || !arabic.MatchString(x.NameAR) || x.NameEN == "" {
			t.Errorf("default source %+v", x)
		}
	}
	if got := strings.Join(codes, ","); got != "patient,family,staff,survey,social_media,call_center,moh,chi,other" {
		t.Errorf("default sources %s", got)
	}

	// An admin's edit survives the next start.
	d := e.domain(t, "CLINICAL")
	d.NameEN = "Clinical care and treatment"
	e.save(t, e.px, d)
	for range 2 {
		if err := e.svc.EnsureDefaults(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, e.st, `select count(*) from complaint_categories`); n != categories {
		t.Errorf("second load: %d categories, want %d", n, categories)
	}
	if n := count(t, e.st, `select count(*) from complaint_sources`); n != 9 {
		t.Errorf("second load: %d sources, want 9", n)
	}
	if n := count(t, e.st, `select count(*) from audit_log where action = 'taxonomy.import'`); n != 1 {
		t.Errorf("%d load audit rows, want 1", n)
	}
	if got, _ := e.svc.Category(ctx, e.px, d.ID); got.NameEN != "Clinical care and treatment" {
		t.Errorf("the edit was overwritten: %q", got.NameEN)
	}

	// Every node: bilingual, a valid code, one level below its parent, system-wide.
	tree, err := e.svc.Tree(ctx, e.px)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) < 6 || len(tree) > 8 {
		t.Errorf("%d domains, want 6–8", len(tree))
	}
	code := regexp.MustCompile(`^[A-Z0-9_-]{1,20}$`)
	levels := map[app.CategoryLevel]int{}
	var walk func(parent app.Category, nodes []app.CategoryNode)
	walk = func(parent app.Category, nodes []app.CategoryNode) {
		for _, n := range nodes {
			levels[n.Level]++
			if n.Level != parent.Level+1 || n.ParentID != parent.ID || n.HospitalID != 0 || !n.Active {
				t.Errorf("%s: level %d parent %d hospital %d active %v", n.Code, n.Level, n.ParentID, n.HospitalID, n.Active)
			}
			if !code.MatchString(n.Code) || n.NameEN == "" || !arabic.MatchString(n.NameAR) || arabic.MatchString(n.NameEN) {
				t.Errorf("%s: code or names %q / %q", n.Code, n.NameEN, n.NameAR)
			}
			walk(n.Category, n.Children)
		}
	}
	walk(app.Category{}, tree)
	for _, l := range app.CategoryLevels {
		if levels[l] == 0 {
			t.Errorf("no default nodes at level %s", l.Name())
		}
	}
}

func TestTreeIsWhatThePrincipalMaySee(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.domain(t, "ACCESS")
	a := e.save(t, e.adminA, app.Category{ParentID: d.ID, HospitalID: e.hospA.ID, Code: "VALET", NameEN: "Valet parking", NameAR: "خدمة صف السيارات", Active: true})
	b := e.save(t, e.adminB, app.Category{ParentID: d.ID, HospitalID: e.hospB.ID, Code: "SHUTTLE", NameEN: "Shuttle bus", NameAR: "الحافلة الداخلية", Active: true})
	aChild := e.save(t, e.adminA, app.Category{ParentID: a.ID, HospitalID: e.hospA.ID, Code: "LATE", NameEN: "Car returned late", NameAR: "تأخر إعادة السيارة", Active: true})
	if aChild.Level != app.LevelSubcategory {
		t.Errorf("child level %d, want %d", aChild.Level, app.LevelSubcategory)
	}

	has := func(tree []app.CategoryNode, id int64) bool {
		var found bool
		var walk func([]app.CategoryNode)
		walk = func(ns []app.CategoryNode) {
			for _, n := range ns {
				found = found || n.ID == id
				walk(n.Children)
			}
		}
		walk(tree)
		return found
	}
	for _, tc := range []struct {
		name     string
		by       app.Principal
		see, not []int64
	}{
		{"PX admin sees every hospital's nodes", e.px, []int64{d.ID, a.ID, b.ID, aChild.ID}, nil},
		{"A's admin sees system-wide and A's nodes", e.adminA, []int64{d.ID, a.ID, aChild.ID}, []int64{b.ID}},
		{"A's viewer sees the same", e.viewer, []int64{d.ID, a.ID, aChild.ID}, []int64{b.ID}},
		{"B's admin sees system-wide and B's nodes", e.adminB, []int64{d.ID, b.ID}, []int64{a.ID, aChild.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := e.svc.Tree(ctx, tc.by)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tc.see {
				if !has(tree, id) {
					t.Errorf("node %d missing", id)
				}
			}
			for _, id := range tc.not {
				if has(tree, id) {
					t.Errorf("node %d visible", id)
				}
				if _, err := e.svc.Category(ctx, tc.by, id); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("Category(%d): %v, want not found", id, err)
				}
				if _, err := e.svc.Path(ctx, tc.by, id); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("Path(%d): %v, want not found", id, err)
				}
			}
		})
	}
	kids, err := e.svc.Children(ctx, e.adminB, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kids {
		if k.ID == a.ID {
			t.Error("B's admin sees A's node among the children")
		}
	}
	path, err := e.svc.Path(ctx, e.adminA, aChild.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := app.CategoryPathName("en", path); got != "Access and waiting › Valet parking › Car returned late" {
		t.Errorf("path %q", got)
	}
	if got := app.CategoryPathName("ar", path); got != "الوصول والانتظار › خدمة صف السيارات › تأخر إعادة السيارة" {
		t.Errorf("Arabic path %q", got)
	}
	if _, err := e.svc.Tree(ctx, app.Principal{Role: "nobody"}); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("no role: %v, want forbidden", err)
	}
}

func TestSaveCategoryRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.domain(t, "STAFF")
	limited := e.save(t, e.adminA, app.Category{ParentID: d.ID, HospitalID: e.hospA.ID, Code: "VOLUNTEERS", NameEN: "Volunteers", NameAR: "المتطوعون", Active: true})
	var classification app.Category
	tree, _ := e.svc.Tree(ctx, e.px)
	var find func([]app.CategoryNode)
	find = func(ns []app.CategoryNode) {
		for _, n := range ns {
			if n.Level == app.LevelClassification && classification.ID == 0 {
				classification = n.Category
			}
			find(n.Children)
		}
	}
	find(tree)
	ok := app.Category{ParentID: d.ID, HospitalID: e.hospA.ID, Code: "NEW", NameEN: "New", NameAR: "جديد", Active: true}
	with := func(change func(*app.Category)) app.Category { c := ok; change(&c); return c }

	for _, tc := range []struct {
		name  string
		by    app.Principal
		c     app.Category
		field string
		msg   string
	}{
		{"names are required in both languages", e.adminA, with(func(c *app.Category) { c.NameEN, c.NameAR = " ", "" }), "name_ar", "err.required"},
		{"the code takes letters, digits and dashes", e.adminA, with(func(c *app.Category) { c.Code = "NEW CODE" }), "code", "err.code_chars"},
		{"the level follows the parent", e.adminA, with(func(c *app.Category) { c.Level = app.LevelSubcategory }), "level", "err.taxonomy_level"},
		{"the parent must exist", e.adminA, with(func(c *app.Category) { c.ParentID = 999999 }), "parent_id", "err.taxonomy_parent_unknown"},
		{"another hospital's parent is unknown", e.adminB, with(func(c *app.Category) { c.ParentID, c.HospitalID = limited.ID, e.hospB.ID }), "parent_id", "err.taxonomy_parent_unknown"},
		{"a classification has no children", e.px, with(func(c *app.Category) { c.ParentID = classification.ID }), "parent_id", "err.taxonomy_too_deep"},
		{"a hospital's node keeps its children in that hospital", e.px, with(func(c *app.Category) { c.ParentID, c.HospitalID = limited.ID, e.hospB.ID }), "hospital_id", "err.taxonomy_parent_hospital"},
		{"a hospital's node has no system-wide children", e.px, with(func(c *app.Category) { c.ParentID, c.HospitalID = limited.ID, 0 }), "hospital_id", "err.taxonomy_parent_hospital"},
		{"hospital admins do not write system-wide nodes", e.adminA, with(func(c *app.Category) { c.HospitalID = 0 }), "hospital_id", "err.taxonomy_system_wide"},
		{"hospital admins write only their hospitals' nodes", e.adminA, with(func(c *app.Category) { c.HospitalID = e.hospB.ID }), "hospital_id", "err.hospital_not_allowed"},
		{"hospital admins do not edit system-wide nodes", e.adminA, with(func(c *app.Category) { *c = d; c.NameEN = "Mine now" }), "hospital_id", "err.taxonomy_system_wide"},
		{"a saved node does not move (no cycles)", e.px, with(func(c *app.Category) { *c = d; c.ParentID = limited.ID; c.HospitalID = e.hospA.ID }), "parent_id", "err.taxonomy_parent_fixed"},
		{"a saved node keeps its hospital", e.adminA, with(func(c *app.Category) { *c = limited; c.HospitalID = e.hospB.ID }), "hospital_id", "err.hospital_fixed"},
		{"codes are unique among siblings", e.adminA, with(func(c *app.Category) { c.Code = "volunteers" }), "code", "err.code_taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, e.st, `select count(*) from complaint_categories`)
			_, err := e.svc.SaveCategory(ctx, tc.by, tc.c)
			if got := app.Fields(err)[tc.field]; got != tc.msg {
				t.Errorf("field %s: %q, want %q (err %v)", tc.field, got, tc.msg, err)
			}
			if after := count(t, e.st, `select count(*) from complaint_categories`); after != before {
				t.Errorf("%d categories after a refused save, want %d", after, before)
			}
		})
	}
	if got, _ := e.svc.Category(ctx, e.px, d.ID); got.NameEN != d.NameEN || got.ParentID != 0 {
		t.Errorf("a refused edit changed the node: %+v", got)
	}
	if _, err := e.svc.SaveCategory(ctx, e.viewer, ok); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("viewer: %v, want forbidden", err)
	}
	// A PX admin may make a hospital-limited node under a system-wide parent, and edits are audited.
	c := e.save(t, e.px, with(func(c *app.Category) { c.HospitalID = e.hospB.ID; c.Code = " new-b " }))
	if c.Code != "NEW-B" || c.Level != app.LevelCategory || c.HospitalID != e.hospB.ID {
		t.Errorf("saved %+v", c)
	}
	if n := count(t, e.st, `select count(*) from audit_log where action = 'taxonomy.create' and hospital_id = `+itoa(e.hospB.ID)); n != 1 {
		t.Errorf("%d create audit rows for B, want 1", n)
	}
}

func TestDeactivatedNodesLeaveIntake(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.domain(t, "ENVIRONMENT")
	cats, _ := e.svc.Children(ctx, e.px, d.ID)
	cat := cats[0]
	subs, _ := e.svc.Children(ctx, e.px, cat.ID)
	sub := subs[0]
	bOnly := e.save(t, e.adminB, app.Category{ParentID: d.ID, HospitalID: e.hospB.ID, Code: "GARDEN", NameEN: "Garden", NameAR: "الحديقة", Active: true})

	for _, tc := range []struct {
		name     string
		hospital int64
		id       int64
		ok       bool
	}{
		{"an active system-wide node", e.hospA.ID, sub.ID, true},
		{"the hospital's own node", e.hospB.ID, bOnly.ID, true},
		{"another hospital's node", e.hospA.ID, bOnly.ID, false},
		{"an unknown node", e.hospA.ID, 999999, false},
	} {
		err := e.svc.ValidCategoryFor(ctx, tc.hospital, tc.id)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, taxonomy.ErrCategoryNotAllowed)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	cat.Active = false
	e.save(t, e.px, cat)
	for _, id := range []int64{cat.ID, sub.ID} {
		if err := e.svc.ValidCategoryFor(ctx, e.hospA.ID, id); !errors.Is(err, taxonomy.ErrCategoryNotAllowed) {
			t.Errorf("node %d under a deactivated node: %v, want not allowed", id, err)
		}
	}
	active, err := e.svc.ActiveTree(ctx, e.hospA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, dom := range active {
		for _, c := range dom.Children {
			if c.ID == cat.ID || c.ID == bOnly.ID {
				t.Errorf("node %s offered to hospital A", c.Code)
			}
		}
	}
	// The node is kept for the complaints already filed under it.
	if got, err := e.svc.Category(ctx, e.px, cat.ID); err != nil || got.Active {
		t.Errorf("deactivated node: %+v %v", got, err)
	}
	full, _ := e.svc.Tree(ctx, e.px)
	if n := len(full); n != len(active) {
		t.Errorf("%d domains in the admin tree, %d offered", n, len(active))
	}
}

func TestSources(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	patient, err := e.svc.SourceByCode(ctx, " Patient ")
	if err != nil || !patient.System {
		t.Fatalf("patient source: %+v %v", patient, err)
	}

	t.Run("a built-in source keeps its code but may be renamed", func(t *testing.T) {
		x := patient
		x.Code = "patients"
		if _, err := e.svc.SaveSource(ctx, e.px, x); app.Fields(err)["code"] != "err.taxonomy_source_code_fixed" {
			t.Fatalf("code change: %v", err)
		}
		x = patient
		x.NameEN = "Patient (self)"
		x.System = false // not the caller's to change
		got, err := e.svc.SaveSource(ctx, e.px, x)
		if err != nil || !got.System || got.NameEN != "Patient (self)" {
			t.Fatalf("rename: %+v %v", got, err)
		}
	})
	t.Run("only PX admins change sources", func(t *testing.T) {
		if _, err := e.svc.SaveSource(ctx, e.adminA, app.Source{Code: "kiosk", NameEN: "Kiosk", NameAR: "جهاز الخدمة الذاتية",
			UsableFor: app.SourceForBoth}); !errors.Is(err, app.ErrForbidden) {
			t.Fatalf("hospital admin: %v", err)
		}
	})
	t.Run("a new source is validated and not built in", func(t *testing.T) {
		_, err := e.svc.SaveSource(ctx, e.px, app.Source{Code: "kiosk!", UsableFor: "sometimes"})
		fe := app.Fields(err)
		if fe["code"] != "err.code_chars" || fe["name_en"] != "err.required" || fe["name_ar"] != "err.required" || fe["usable_for"] != "err.choose_option" {
			t.Fatalf("errors %v", fe)
		}
		x, err := e.svc.SaveSource(ctx, e.px, app.Source{Code: "KIOSK", NameEN: "Kiosk", NameAR: "جهاز الخدمة الذاتية",
			UsableFor: app.SourceForInquiry, Active: true, System: true, SortOrder: 100})
		if err != nil || x.Code != "kiosk" || x.System {
			t.Fatalf("created %+v %v", x, err)
		}
		if _, err := e.svc.SaveSource(ctx, e.px, app.Source{Code: "kiosk", NameEN: "Kiosk 2", NameAR: "جهاز",
			UsableFor: app.SourceForBoth}); app.Fields(err)["code"] != "err.code_taken" {
			t.Fatalf("duplicate: %v", err)
		}
	})
	t.Run("intake offers the active sources of the case's type", func(t *testing.T) {
		survey, _ := e.svc.SourceByCode(ctx, "survey")
		chi, _ := e.svc.SourceByCode(ctx, "chi")
		chi.Active = false
		if _, err := e.svc.SaveSource(ctx, e.px, chi); err != nil {
			t.Fatal(err)
		}
		codes := func(kind app.ComplaintType) string {
			xs, err := e.svc.Sources(ctx, kind)
			if err != nil {
				t.Fatal(err)
			}
			var cs []string
			for _, x := range xs {
				cs = append(cs, x.Code)
			}
			return strings.Join(cs, ",")
		}
		if got := codes(app.TypeComplaint); got != "patient,family,staff,survey,social_media,call_center,moh,other" {
			t.Errorf("complaint sources %s", got)
		}
		if got := codes(app.TypeInquiry); got != "patient,family,staff,social_media,call_center,moh,other,kiosk" {
			t.Errorf("inquiry sources %s", got)
		}
		if _, err := e.svc.ValidSourceFor(ctx, survey.Code, app.TypeInquiry); !errors.Is(err, taxonomy.ErrSourceNotAllowed) {
			t.Errorf("survey for an inquiry: %v", err)
		}
		if _, err := e.svc.ValidSourceFor(ctx, "chi", app.TypeComplaint); !errors.Is(err, taxonomy.ErrSourceNotAllowed) {
			t.Errorf("inactive source: %v", err)
		}
		if x, err := e.svc.ValidSourceFor(ctx, "MOH", app.TypeComplaint); err != nil || x.Code != "moh" {
			t.Errorf("moh: %+v %v", x, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
