package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/sla"
	"px360/store"
)

// slaUntranslated finds catalog keys that reached a page instead of their text.
var slaUntranslated = regexp.MustCompile(`[>"](sla|err|field|nav|status)\.[a-z0-9_.]+[<"]`)

type slaFixture struct {
	svc                   *sla.Service
	ruleA, ruleB, ruleAll store.SLARuleRecord
}

// slaSeed saves a rule for each demo hospital, a group-wide one and a holiday of hospital A.
func slaSeed(t *testing.T, e *env) slaFixture {
	t.Helper()
	ctx := context.Background()
	f := slaFixture{svc: sla.New(e.store())}
	save := func(r app.SLARule) store.SLARuleRecord {
		t.Helper()
		x, err := f.svc.SaveRule(ctx, app.System, store.SLARuleRecord{SLARule: r, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	f.ruleA = save(app.SLARule{HospitalID: e.hospA.ID, SourceCode: "RIYADHONLY", Severity: app.SeverityHigh, Hours: 24,
		BusinessHours: true, Reminder1Hours: 8, Escalations: []app.EscalationStep{{Level: app.EscalateDepartmentManager},
			{Level: app.EscalatePXAdmin, HoursAfterBreach: 48}}})
	f.ruleB = save(app.SLARule{HospitalID: e.hospB.ID, SourceCode: "JEDDAHONLY", Hours: 12})
	f.ruleAll = save(app.SLARule{Priority: app.PriorityUrgent, Hours: 6})
	if err := f.svc.AddHoliday(ctx, app.System, e.hospA.ID, "2026-09-23", "National Day", "اليوم الوطني"); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSLAPagesRenderInBothLanguages(t *testing.T) {
	e := newEnv(t)
	f := slaSeed(t, e)
	en := e.login(app.RolePXAdmin)
	ar := e.login(app.RoleHospitalAdmin)
	if r := e.post(ar, "/language", url.Values{"lang": {"ar"}, "next": {"/"}}); r.status != http.StatusSeeOther {
		t.Fatalf("language switch: %d", r.status)
	}
	calA := "/admin/sla/calendars/" + idStr(e.hospA.ID)
	for _, tc := range []struct {
		name      string
		c         *http.Client
		path      string
		must, not []string
	}{
		{"rules, English", en, "/admin/sla", []string{`dir="ltr"`, "SLA rules", "Every hospital (group-wide)", "RIYADHONLY",
			"JEDDAHONLY", "24 h · business hours", "8 h before due", "Department manager · at breach",
			"PX admin · 48 h after breach", "When no rule matches: 72 h · calendar hours"}, nil},
		{"rules, Arabic, hospital admin", ar, "/admin/sla", []string{`dir="rtl"`, "قواعد مستوى الخدمة", "كل المستشفيات (على مستوى المجموعة)",
			"RIYADHONLY", "مدير القسم", "عاجلة"}, []string{"JEDDAHONLY"}},
		{"new rule, English", en, "/admin/sla/rules/new", []string{"New rule", `name="escalation_level_3"`, "Step 3",
			`<option value="" selected>Every hospital (group-wide)</option>`, `value="72"`}, nil},
		{"new rule, Arabic", ar, "/admin/sla/rules/new", []string{"قاعدة جديدة", "المرحلة 1", "ساعات العمل"},
			[]string{"كل المستشفيات (على مستوى المجموعة)"}},
		{"edit rule, Arabic", ar, "/admin/sla/rules/" + idStr(f.ruleA.ID), []string{"تعديل القاعدة", `value="RIYADHONLY"`,
			"إيقاف القاعدة", `<option value="px_admin" selected>`}, nil},
		{"group-wide rule, read-only for a hospital admin", ar, "/admin/sla/rules/" + idStr(f.ruleAll.ID),
			[]string{"لا يعدّلها إلا مسؤول تجربة المريض", "عاجلة"}, []string{`class="form"`, "/deactivate"}},
		{"calendars, English", en, "/admin/sla/calendars", []string{"Hospital calendars", "Riyadh Central Hospital",
			"Jeddah General Hospital", "Friday, Saturday", "08:00–16:00", "Default (Sun–Thu 08:00–16:00)"}, nil},
		{"calendars, Arabic", ar, "/admin/sla/calendars", []string{"تقويمات المستشفيات", "مستشفى الرياض المركزي", "الجمعة، السبت"},
			[]string{"مستشفى جدة العام"}},
		{"calendar, Arabic", ar, calA, []string{"أسبوع العمل", "الخميس", `value="5" checked`, `value="6" checked`,
			`type="time"`, `value="08:00"`, "إضافة إجازات"}, []string{`value="4" checked`}},
		{"calendar holidays of a year, English", en, calA + "?year=2026", []string{"Holidays in 2026", "2026-09-23", "Wednesday",
			"National Day", "Remove the holiday on 2026-09-23", `data-confirm=`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(tc.c, tc.path)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %.300s", r.status, r.body)
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
			if m := slaUntranslated.FindString(r.body); m != "" {
				t.Errorf("untranslated key %s", m)
			}
			if strings.Contains(r.body, "style=") {
				t.Error("inline style (refused by the CSP)")
			}
		})
	}
}

func TestSLARuleFormSavesOrShowsErrors(t *testing.T) {
	e := newEnv(t)
	f := slaSeed(t, e)
	c := e.login(app.RoleHospitalAdmin)
	valid := func() url.Values {
		return url.Values{"hospital_id": {idStr(e.hospA.ID)}, "source_code": {"MOH"}, "severity": {"critical"}, "priority": {""},
			"hours": {"٤٨"}, "mode": {"business"}, "reminder1_hours": {"12"}, "reminder2_hours": {"2.5"}, "active": {"1"},
			"escalation_level_1": {"department_manager"}, "escalation_hours_1": {"0"},
			"escalation_level_3": {"hospital_admin"}, "escalation_hours_3": {"24"}}
	}
	count := func() int {
		rules, err := e.store().SLARules(context.Background(), app.Scope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(rules)
	}
	before := count()

	t.Run("bad input re-renders with errors and the input kept", func(t *testing.T) {
		form := valid()
		form.Set("hours", "lots")
		form.Set("mode", "")
		form.Set("escalation_level_1", "")
		r := e.post(c, "/admin/sla/rules/new", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.status)
		}
		for _, s := range []string{`role="alert"`, "Enter a number.", `value="lots"`, `id="f-mode-error"`,
			`id="f-escalation_level_1-error"`, "Choose who to escalate to"} {
			if !strings.Contains(r.body, s) {
				t.Errorf("missing %q", s)
			}
		}
	})
	t.Run("service errors land on the escalation row they came from", func(t *testing.T) {
		form := valid()
		form.Set("escalation_hours_3", "-1") // earlier than step 1
		r := e.post(c, "/admin/sla/rules/new", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-escalation_hours_3-error"`) ||
			!strings.Contains(r.body, "cannot come earlier") {
			t.Fatalf("status %d: error not on row 3", r.status)
		}
	})
	t.Run("a hospital admin cannot create a group-wide rule", func(t *testing.T) {
		form := valid()
		form.Set("hospital_id", "")
		r := e.post(c, "/admin/sla/rules/new", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Only PX admins manage rules for every hospital") {
			t.Fatalf("status %d", r.status)
		}
	})
	if n := count(); n != before {
		t.Fatalf("%d rules after refused saves, want %d", n, before)
	}
	t.Run("a valid form saves (Arabic digits too) and goes back to the list", func(t *testing.T) {
		r := e.post(c, "/admin/sla/rules/new", valid())
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/sla" {
			t.Fatalf("status %d location %q: %.300s", r.status, r.header.Get("Location"), r.body)
		}
		rules, _ := e.store().SLARules(context.Background(), app.Scope{All: true})
		x := rules[len(rules)-1]
		for _, r := range rules {
			if r.SourceCode == "MOH" {
				x = r
			}
		}
		want := app.SLARule{ID: x.ID, HospitalID: e.hospA.ID, SourceCode: "MOH", Severity: app.SeverityCritical, Hours: 48,
			BusinessHours: true, Reminder1Hours: 12, Reminder2Hours: 2.5, Escalations: []app.EscalationStep{
				{Level: app.EscalateDepartmentManager}, {Level: app.EscalateHospitalAdmin, HoursAfterBreach: 24}}}
		if x.SourceCode != "MOH" || !x.Active || !equalRule(x.SLARule, want) {
			t.Errorf("saved %+v, want %+v", x.SLARule, want)
		}
	})
	t.Run("deactivate", func(t *testing.T) {
		r := e.post(c, "/admin/sla/rules/"+idStr(f.ruleA.ID)+"/deactivate", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d", r.status)
		}
		if x, _ := e.store().SLARuleByID(context.Background(), app.Scope{All: true}, f.ruleA.ID); x.Active {
			t.Error("the rule is still active")
		}
		if r := e.get(c, "/admin/sla"); !strings.Contains(r.body, "The rule was deactivated.") {
			t.Error("no flash message")
		}
	})
}

func equalRule(a, b app.SLARule) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestSLAHospitalAdminCannotReachAnotherHospital(t *testing.T) {
	e := newEnv(t)
	f := slaSeed(t, e)
	c := e.login(app.RoleHospitalAdmin)
	calB := "/admin/sla/calendars/" + idStr(e.hospB.ID)
	for _, p := range []struct{ method, path string }{
		{"GET", "/admin/sla/rules/" + idStr(f.ruleB.ID)},
		{"POST", "/admin/sla/rules/" + idStr(f.ruleB.ID)},
		{"POST", "/admin/sla/rules/" + idStr(f.ruleB.ID) + "/deactivate"},
		{"GET", "/admin/sla/rules/999999"},
		{"GET", calB},
		{"POST", calB},
		{"POST", calB + "/holidays"},
		{"POST", calB + "/holidays/remove"},
		{"GET", "/admin/sla/calendars/999999"},
	} {
		var r response
		if p.method == "GET" {
			r = e.get(c, p.path)
		} else {
			r = e.post(c, p.path, url.Values{"hours": {"1"}, "mode": {"calendar"}, "hospital_id": {idStr(e.hospA.ID)},
				"open": {"08:00"}, "close": {"16:00"}, "from": {"2026-01-01"}, "name_en": {"x"}, "name_ar": {"س"}, "day": {"2026-01-01"}})
		}
		if r.status != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", p.method, p.path, r.status)
		}
	}
	if r := e.post(c, "/admin/sla/rules/"+idStr(f.ruleAll.ID)+"/deactivate", nil); r.status != http.StatusForbidden {
		t.Errorf("deactivate the group-wide rule: %d, want 403", r.status)
	}
	if x, _ := e.store().SLARuleByID(context.Background(), app.Scope{All: true}, f.ruleB.ID); !x.Active || x.Hours != 12 {
		t.Errorf("B's rule changed: %+v", x)
	}
	r := e.postJSON(e.client(), "GET", "/api/v1/sla/rules", e.token(app.RoleHospitalAdmin), nil)
	if r.status != 200 || strings.Contains(r.body, "JEDDAHONLY") || !strings.Contains(r.body, `"source_code":"RIYADHONLY"`) ||
		!strings.Contains(r.body, `"escalations":[{"level":"department_manager","hours_after_breach":0}`) {
		t.Errorf("API rules: %d %s", r.status, r.body)
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/sla/rules", e.token(app.RoleStaff), nil); r.status != http.StatusForbidden {
		t.Errorf("API rules for staff: %d", r.status)
	}
}

func TestSLACalendarForms(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	ctx := context.Background()
	svc := sla.New(e.store())
	base := "/admin/sla/calendars/" + idStr(e.hospA.ID)

	t.Run("bad hours re-render with errors", func(t *testing.T) {
		r := e.post(c, base, url.Values{"weekend": {"5", "6"}, "open": {"25:00"}, "close": {""}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-open-error"`) ||
			!strings.Contains(r.body, `id="f-close-error"`) || !strings.Contains(r.body, `value="25:00"`) {
			t.Fatalf("status %d: %.500s", r.status, r.body)
		}
		r = e.post(c, base, url.Values{"weekend": {"0", "1", "2", "3", "4", "5", "6"}, "open": {"08:00"}, "close": {"16:00"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-weekend-error"`) {
			t.Fatalf("every day weekend: status %d", r.status)
		}
	})
	t.Run("a valid week saves", func(t *testing.T) {
		r := e.post(c, base, url.Values{"weekend": {"6", "5"}, "open": {"07:30"}, "close": {"15:30"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != base {
			t.Fatalf("status %d location %q", r.status, r.header.Get("Location"))
		}
		cal, err := svc.Calendar(ctx, e.hospA.ID)
		if err != nil || cal.Open != 7*time.Hour+30*time.Minute || cal.Close != 15*time.Hour+30*time.Minute || len(cal.Weekend) != 2 {
			t.Errorf("calendar %+v, %v", cal, err)
		}
		if r := e.get(c, base); !strings.Contains(r.body, `value="07:30"`) || !strings.Contains(r.body, "Custom") {
			t.Error("the page does not show the saved hours")
		}
	})
	holidays := func() int {
		hs, err := e.store().Holidays(ctx, app.Scope{All: true}, e.hospA.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(hs)
	}
	t.Run("a range adds one holiday per day", func(t *testing.T) {
		r := e.post(c, base+"/holidays", url.Values{"from": {"2026-03-19"}, "to": {"2026-03-22"}, "name_en": {"Eid al-Fitr"},
			"name_ar": {"عيد الفطر"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"?year=2026" {
			t.Fatalf("status %d location %q: %.300s", r.status, r.header.Get("Location"), r.body)
		}
		if n := holidays(); n != 4 {
			t.Errorf("%d holidays, want 4", n)
		}
		page := e.get(c, base+"?year=2026")
		for _, d := range []string{"2026-03-19", "2026-03-20", "2026-03-21", "2026-03-22"} {
			if !strings.Contains(page.body, d) {
				t.Errorf("the page misses %s", d)
			}
		}
	})
	t.Run("a range too long is refused", func(t *testing.T) {
		r := e.post(c, base+"/holidays", url.Values{"from": {"2026-06-01"}, "to": {"2026-07-15"}, "name_en": {"Summer"}, "name_ar": {"الصيف"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at most 30 days") || !strings.Contains(r.body, `value="2026-07-15"`) {
			t.Fatalf("status %d", r.status)
		}
		if n := holidays(); n != 4 {
			t.Errorf("%d holidays after a refused add, want 4", n)
		}
	})
	t.Run("remove one day", func(t *testing.T) {
		r := e.post(c, base+"/holidays/remove", url.Values{"day": {"2026-03-20"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"?year=2026" {
			t.Fatalf("status %d", r.status)
		}
		if n := holidays(); n != 3 {
			t.Errorf("%d holidays, want 3", n)
		}
	})
}
