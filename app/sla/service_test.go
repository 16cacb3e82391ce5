package sla_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"px360/app"
	"px360/app/sla"
	"px360/store"
)

type env struct {
	st     *store.Store
	svc    *sla.Service
	hospA  app.Hospital // Asia/Riyadh
	hospB  app.Hospital // Europe/London
	px     app.Principal
	adminA app.Principal
	staffA app.Principal
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
	e := &env{st: st, svc: sla.New(st)}
	e.hospA = e.hospital(t, "A", "Asia/Riyadh")
	e.hospB = e.hospital(t, "B", "Europe/London")
	e.px = app.Principal{UserID: "px", Email: "px@example.com", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}
	e.adminA = app.Principal{UserID: "admin-a", Email: "admin-a@example.com", Role: app.RoleHospitalAdmin,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	e.staffA = app.Principal{UserID: "staff-a", Email: "staff-a@example.com", Role: app.RoleStaff,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	return e
}

func (e *env) hospital(t testing.TB, code, tz string) app.Hospital {
	t.Helper()
	h := app.Hospital{Code: code, NameEN: "Hospital " + code, NameAR: "مستشفى " + code, TimeZone: tz, Active: true}
	err := e.st.InTx(context.Background(), app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(context.Background(), "Group", "مجموعة")
		if err != nil {
			return err
		}
		h.OrganizationID = org
		return tx.SaveHospital(context.Background(), &h)
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// rule saves r through the service as a PX admin.
func (e *env) rule(t testing.TB, r app.SLARule, active bool) store.SLARuleRecord {
	t.Helper()
	x, err := e.svc.SaveRule(context.Background(), e.px, store.SLARuleRecord{SLARule: r, Active: active})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func (e *env) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.st.R.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantFields checks that err is an *app.Error with code and exactly the given fields.
func wantFields(t *testing.T, err error, code string, fields app.FieldErrors) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %v", code, fields)
	}
	if got := app.ErrorCode(err); got != code {
		t.Errorf("code = %q, want %q (%v)", got, code, err)
	}
	if got := app.Fields(err); !reflect.DeepEqual(got, fields) {
		t.Errorf("fields = %v, want %v", got, fields)
	}
}

func TestStoreRoundTrips(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	full := app.SLARule{HospitalID: e.hospA.ID, SourceCode: "MOH", Severity: app.SeverityHigh, Priority: app.PriorityUrgent,
		Hours: 24.5, BusinessHours: true, Reminder1Hours: 8, Reminder2Hours: 1.5, Escalations: []app.EscalationStep{
			{Level: app.EscalateDepartmentManager, HoursAfterBreach: -2}, {Level: app.EscalatePXAdmin, HoursAfterBreach: 48}}}
	saved := e.rule(t, full, true)
	groupWide := e.rule(t, app.SLARule{Hours: 96}, true)
	other := e.rule(t, app.SLARule{HospitalID: e.hospB.ID, Hours: 12}, false)

	t.Run("a rule reads back as saved", func(t *testing.T) {
		got, err := e.st.SLARuleByID(ctx, app.Scope{All: true}, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := full
		want.ID = saved.ID
		if !reflect.DeepEqual(got.SLARule, want) || !got.Active || !got.CreatedAt.Equal(testNow) {
			t.Errorf("got %+v, want %+v (active, created %v)", got, want, testNow)
		}
		if g, _ := e.st.SLARuleByID(ctx, app.Scope{All: true}, groupWide.ID); g.HospitalID != 0 || g.Escalations != nil {
			t.Errorf("group-wide rule: %+v", g)
		}
	})
	t.Run("a scope lists its hospitals' rules and the group-wide ones", func(t *testing.T) {
		recs, err := e.st.SLARules(ctx, e.adminA.Scope)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
		if want := []int64{groupWide.ID, saved.ID}; !slices.Equal(ids, want) {
			t.Errorf("ids = %v, want %v (group-wide first)", ids, want)
		}
		if _, err := e.st.SLARuleByID(ctx, e.adminA.Scope, other.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("B's rule for A's scope: %v", err)
		}
		if _, err := e.st.SLARuleByID(ctx, e.adminA.Scope, groupWide.ID); err != nil {
			t.Errorf("group-wide rule for A's scope: %v", err)
		}
	})
	t.Run("only active rules reach the engine", func(t *testing.T) {
		rules, err := e.st.ActiveSLARules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != 2 || slices.ContainsFunc(rules, func(r app.SLARule) bool { return r.ID == other.ID }) {
			t.Errorf("active rules = %+v", rules)
		}
	})
	t.Run("calendar default, saved, and holidays by year", func(t *testing.T) {
		cal, saved, err := e.st.HospitalCalendar(ctx, app.Scope{All: true}, e.hospB.ID)
		if err != nil || saved {
			t.Fatalf("default calendar: saved %v, %v", saved, err)
		}
		if cal.Location.String() != "Europe/London" || !slices.Equal(cal.Weekend, []time.Weekday{time.Friday, time.Saturday}) ||
			cal.Open != 8*time.Hour || cal.Close != 16*time.Hour || len(cal.Holidays) != 0 {
			t.Errorf("default calendar = %+v", cal)
		}
		err = e.st.InTx(ctx, app.System, func(tx *store.Tx) error {
			if err := tx.SaveHospitalCalendar(ctx, e.hospB.ID, app.Calendar{Weekend: []time.Weekday{time.Sunday, time.Saturday, time.Sunday},
				Open: 9*time.Hour + 30*time.Minute, Close: 24 * time.Hour}); err != nil {
				return err
			}
			for _, d := range []time.Time{app.LocalDay(2025, 12, 25, time.UTC), app.LocalDay(2026, 1, 1, time.UTC)} {
				if err := tx.AddHoliday(ctx, e.hospB.ID, app.Holiday{Date: d, NameEN: "Day off", NameAR: "إجازة"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cal, saved, err = e.st.HospitalCalendar(ctx, app.Scope{All: true}, e.hospB.ID)
		if err != nil || !saved {
			t.Fatalf("saved calendar: saved %v, %v", saved, err)
		}
		if !slices.Equal(cal.Weekend, []time.Weekday{time.Sunday, time.Saturday}) || cal.Open != 9*time.Hour+30*time.Minute ||
			cal.Close != 24*time.Hour || len(cal.Holidays) != 2 || cal.Holidays[0].Date.Format("2006-01-02") != "2025-12-25" {
			t.Errorf("saved calendar = %+v", cal)
		}
		hs, err := e.st.Holidays(ctx, app.Scope{All: true}, e.hospB.ID, 2026)
		if err != nil || len(hs) != 1 || hs[0].Date.Format("2006-01-02") != "2026-01-01" || hs[0].NameAR != "إجازة" {
			t.Errorf("holidays of 2026 = %+v, %v", hs, err)
		}
		if _, err := e.st.Holidays(ctx, e.adminA.Scope, e.hospB.ID, 0); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("B's holidays for A's scope: %v", err)
		}
	})
}

func TestRuleForPicksTheMostSpecificActiveRule(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.rule(t, app.SLARule{Hours: 100}, true)
	e.rule(t, app.SLARule{HospitalID: e.hospA.ID, Hours: 50}, true)
	e.rule(t, app.SLARule{HospitalID: e.hospA.ID, Severity: app.SeverityHigh, Hours: 10}, true)
	e.rule(t, app.SLARule{HospitalID: e.hospA.ID, Severity: app.SeverityHigh, SourceCode: "MOH", Hours: 1}, false) // inactive
	e.rule(t, app.SLARule{HospitalID: e.hospB.ID, Severity: app.SeverityHigh, Hours: 5}, true)
	e.rule(t, app.SLARule{SourceCode: "CHI", Priority: app.PriorityUrgent, Hours: 2}, true)
	for _, tc := range []struct {
		name string
		subj app.SLASubject
		want float64
	}{
		{"hospital and severity beat hospital alone", app.SLASubject{HospitalID: e.hospA.ID, Severity: app.SeverityHigh, SourceCode: "MOH"}, 10},
		{"hospital rule beats group-wide", app.SLASubject{HospitalID: e.hospA.ID, Severity: app.SeverityLow}, 50},
		{"another hospital's rule does not apply", app.SLASubject{HospitalID: e.hospB.ID, Severity: app.SeverityLow}, 100},
		{"each hospital its own rule", app.SLASubject{HospitalID: e.hospB.ID, Severity: app.SeverityHigh}, 5},
		{"two group-wide selectors beat one hospital selector", app.SLASubject{HospitalID: e.hospA.ID, SourceCode: "CHI",
			Priority: app.PriorityUrgent}, 2},
		{"a hospital without rules gets the group-wide one", app.SLASubject{HospitalID: 999}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.RuleFor(ctx, tc.subj)
			if err != nil || got.Hours != tc.want {
				t.Errorf("RuleFor = %+v, %v; want %v hours", got, err, tc.want)
			}
		})
	}
}

func TestRuleForFallsBackToTheDefault(t *testing.T) {
	e := newEnv(t)
	e.rule(t, app.SLARule{HospitalID: e.hospB.ID, Hours: 5}, true)
	got, err := e.svc.RuleFor(context.Background(), app.SLASubject{HospitalID: e.hospA.ID, Severity: app.SeverityHigh})
	if err != nil || !reflect.DeepEqual(got, app.DefaultSLARule()) {
		t.Errorf("RuleFor = %+v, %v; want the default rule", got, err)
	}
}

func TestRuleCacheIsClearedBySaves(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subj := app.SLASubject{HospitalID: e.hospA.ID, Severity: app.SeverityMedium}
	hours := func() float64 {
		t.Helper()
		r, err := e.svc.RuleFor(ctx, subj)
		if err != nil {
			t.Fatal(err)
		}
		return r.Hours
	}
	if h := hours(); h != 72 {
		t.Fatalf("before any rule: %v hours", h)
	}
	// A rule written behind the service's back is not seen until the cache is cleared:
	// the cache is really used.
	err := e.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		return tx.SaveSLARule(ctx, &store.SLARuleRecord{SLARule: app.SLARule{HospitalID: e.hospA.ID, Hours: 30}, Active: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if h := hours(); h != 72 {
		t.Errorf("cached: %v hours, want 72", h)
	}
	e.svc.Invalidate()
	if h := hours(); h != 30 {
		t.Errorf("after Invalidate: %v hours, want 30", h)
	}
	saved, err := e.svc.SaveRule(ctx, e.adminA, store.SLARuleRecord{SLARule: app.SLARule{HospitalID: e.hospA.ID,
		Severity: app.SeverityMedium, Hours: 6}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if h := hours(); h != 6 {
		t.Errorf("after SaveRule: %v hours, want 6", h)
	}
	saved.Hours = 7
	if _, err := e.svc.SaveRule(ctx, e.adminA, saved); err != nil {
		t.Fatal(err)
	}
	if h := hours(); h != 7 {
		t.Errorf("after editing: %v hours, want 7", h)
	}
	if err := e.svc.DeactivateRule(ctx, e.adminA, saved.ID); err != nil {
		t.Fatal(err)
	}
	if h := hours(); h != 30 {
		t.Errorf("after DeactivateRule: %v hours, want 30", h)
	}
	if n := e.count(t, `select count(*) from audit_log where action in ('sla_rule.create','sla_rule.update','sla_rule.deactivate')`); n != 3 {
		t.Errorf("audit rows = %d, want 3", n)
	}
}

func TestRuleForReturnsACopy(t *testing.T) {
	e := newEnv(t)
	e.rule(t, app.SLARule{Hours: 10, Escalations: []app.EscalationStep{{Level: app.EscalatePXAdmin}}}, true)
	r, _ := e.svc.RuleFor(context.Background(), app.SLASubject{})
	r.Escalations[0].Level = app.EscalateHospitalAdmin
	again, _ := e.svc.RuleFor(context.Background(), app.SLASubject{})
	if again.Escalations[0].Level != app.EscalatePXAdmin {
		t.Error("changing a returned rule changed the cache")
	}
}

func TestCalendar(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t.Run("default week in the hospital's zone", func(t *testing.T) {
		cal, err := e.svc.Calendar(ctx, e.hospA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cal.Location.String() != "Asia/Riyadh" || !slices.Equal(cal.Weekend, []time.Weekday{time.Friday, time.Saturday}) ||
			cal.Open != 8*time.Hour || cal.Close != 16*time.Hour || len(cal.Holidays) != 0 {
			t.Errorf("calendar = %+v", cal)
		}
	})
	t.Run("saved week, hours and holidays, cache cleared", func(t *testing.T) {
		if _, err := e.svc.Calendar(ctx, e.hospB.ID); err != nil { // fill the cache
			t.Fatal(err)
		}
		_, err := e.svc.SaveCalendar(ctx, e.px, e.hospB.ID, app.Calendar{Weekend: []time.Weekday{time.Saturday, time.Sunday},
			Open: 9 * time.Hour, Close: 17*time.Hour + 30*time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddHolidays(ctx, e.px, e.hospB.ID, sla.HolidayInput{From: "2025-12-25", To: "2025-12-26",
			NameEN: "Christmas", NameAR: "عيد الميلاد"}); err != nil {
			t.Fatal(err)
		}
		cal, err := e.svc.Calendar(ctx, e.hospB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cal.Location.String() != "Europe/London" || !slices.Equal(cal.Weekend, []time.Weekday{time.Sunday, time.Saturday}) ||
			cal.Open != 9*time.Hour || cal.Close != 17*time.Hour+30*time.Minute || len(cal.Holidays) != 2 {
			t.Errorf("calendar = %+v", cal)
		}
		// Wednesday 24 December 16:00 London: 1.5 working hours that day, then two holidays
		// and a weekend, so 3 hours end on Monday 29 December at 10:30.
		start := time.Date(2025, 12, 24, 16, 0, 0, 0, cal.Location)
		if got, want := cal.AddBusiness(start, 3*time.Hour), time.Date(2025, 12, 29, 10, 30, 0, 0, cal.Location); !got.Equal(want) {
			t.Errorf("AddBusiness = %v, want %v", got, want)
		}
		if err := e.svc.RemoveHoliday(ctx, e.px, e.hospB.ID, "2025-12-26"); err != nil {
			t.Fatal(err)
		}
		if cal, _ := e.svc.Calendar(ctx, e.hospB.ID); len(cal.Holidays) != 1 {
			t.Errorf("after RemoveHoliday: %d holidays", len(cal.Holidays))
		}
	})
	t.Run("the issue's example: 24 business hours from Thursday 14:00 Riyadh", func(t *testing.T) {
		rule := e.rule(t, app.SLARule{HospitalID: e.hospA.ID, Hours: 24, BusinessHours: true}, true)
		r, err := e.svc.RuleFor(ctx, app.SLASubject{HospitalID: e.hospA.ID})
		if err != nil || r.ID != rule.ID {
			t.Fatalf("RuleFor = %+v, %v", r, err)
		}
		cal, err := e.svc.Calendar(ctx, e.hospA.ID)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2025, 6, 5, 14, 0, 0, 0, cal.Location) // a Thursday
		due, _ := app.SLAClock{Rule: r, Calendar: cal, Start: start}.Due()
		if want := time.Date(2025, 6, 10, 14, 0, 0, 0, cal.Location); !due.Equal(want) {
			t.Errorf("due %v, want %v", due, want)
		}
		if err := e.svc.AddHoliday(ctx, e.adminA, e.hospA.ID, "2025-06-08", "Holiday", "إجازة"); err != nil {
			t.Fatal(err)
		}
		cal, _ = e.svc.Calendar(ctx, e.hospA.ID)
		due, _ = app.SLAClock{Rule: r, Calendar: cal, Start: start}.Due()
		if want := time.Date(2025, 6, 11, 14, 0, 0, 0, cal.Location); !due.Equal(want) {
			t.Errorf("with Sunday off: due %v, want %v", due, want)
		}
	})
	t.Run("unknown hospital", func(t *testing.T) {
		if _, err := e.svc.Calendar(ctx, 999); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("err = %v, want not found", err)
		}
	})
}

func TestSaveRuleValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	valid := func() store.SLARuleRecord {
		return store.SLARuleRecord{SLARule: app.SLARule{HospitalID: e.hospA.ID, Hours: 24, Reminder1Hours: 8, Reminder2Hours: 2,
			Escalations: []app.EscalationStep{{Level: app.EscalateDepartmentManager}, {Level: app.EscalateHospitalAdmin, HoursAfterBreach: 24}}},
			Active: true}
	}
	for _, tc := range []struct {
		name   string
		change func(*store.SLARuleRecord)
		fields app.FieldErrors
	}{
		{"hours zero", func(r *store.SLARuleRecord) { r.Hours, r.Reminder1Hours, r.Reminder2Hours = 0, 0, 0 },
			app.FieldErrors{"hours": "err.sla_hours_range"}},
		{"hours over a year", func(r *store.SLARuleRecord) { r.Hours = 8761 }, app.FieldErrors{"hours": "err.sla_hours_range"}},
		{"negative reminder", func(r *store.SLARuleRecord) { r.Reminder1Hours = -1 },
			app.FieldErrors{"reminder1_hours": "err.sla_reminder_range"}},
		{"reminder not before due", func(r *store.SLARuleRecord) { r.Reminder1Hours = 24 },
			app.FieldErrors{"reminder1_hours": "err.sla_reminder_range"}},
		{"second reminder before the first", func(r *store.SLARuleRecord) { r.Reminder2Hours = 8 },
			app.FieldErrors{"reminder2_hours": "err.sla_reminder_order"}},
		{"unknown severity", func(r *store.SLARuleRecord) { r.Severity = "huge" }, app.FieldErrors{"severity": "err.choose_option"}},
		{"unknown priority", func(r *store.SLARuleRecord) { r.Priority = "soon" }, app.FieldErrors{"priority": "err.choose_option"}},
		{"source code with spaces", func(r *store.SLARuleRecord) { r.SourceCode = "call center" },
			app.FieldErrors{"source_code": "err.code_chars"}},
		{"unknown escalation level", func(r *store.SLARuleRecord) { r.Escalations[1].Level = "ceo" },
			app.FieldErrors{"escalation_level_2": "err.choose_option"}},
		{"level repeated", func(r *store.SLARuleRecord) { r.Escalations[1].Level = app.EscalateDepartmentManager },
			app.FieldErrors{"escalation_level_2": "err.sla_escalation_repeated"}},
		{"steps out of order", func(r *store.SLARuleRecord) { r.Escalations[1].HoursAfterBreach = -1 },
			app.FieldErrors{"escalation_hours_2": "err.sla_escalation_order"}},
		{"step before the complaint", func(r *store.SLARuleRecord) { r.Escalations[0].HoursAfterBreach = -24 },
			app.FieldErrors{"escalation_hours_1": "err.sla_escalation_hours"}},
		{"hospital out of scope", func(r *store.SLARuleRecord) { r.HospitalID = e.hospB.ID },
			app.FieldErrors{"hospital_id": "err.hospital_not_allowed"}},
		{"group-wide by a hospital admin", func(r *store.SLARuleRecord) { r.HospitalID = 0 },
			app.FieldErrors{"hospital_id": "err.sla_group_wide"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.change(&r)
			_, err := e.svc.SaveRule(ctx, e.adminA, r)
			wantFields(t, err, app.EInvalid, tc.fields)
		})
	}
	if n := e.count(t, `select count(*) from sla_rules`); n != 0 {
		t.Errorf("%d rules saved by invalid input", n)
	}
	if _, err := e.svc.SaveRule(ctx, e.adminA, valid()); err != nil {
		t.Errorf("valid rule: %v", err)
	}
	if _, err := e.svc.SaveRule(ctx, e.staffA, valid()); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("staff: %v, want forbidden", err)
	}
}

func TestSaveCalendarValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		cal    app.Calendar
		fields app.FieldErrors
	}{
		{"every day weekend", app.Calendar{Weekend: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, Open: 8 * time.Hour, Close: 16 * time.Hour},
			app.FieldErrors{"weekend": "err.choose_option"}},
		{"closing before opening", app.Calendar{Open: 16 * time.Hour, Close: 8 * time.Hour}, app.FieldErrors{"close": "err.choose_option"}},
		{"opening past midnight", app.Calendar{Open: 24 * time.Hour, Close: 24 * time.Hour},
			app.FieldErrors{"open": "err.choose_option", "close": "err.choose_option"}},
		{"seconds", app.Calendar{Open: 8*time.Hour + time.Second, Close: 16 * time.Hour}, app.FieldErrors{"open": "err.sla_time_invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.SaveCalendar(ctx, e.adminA, e.hospA.ID, tc.cal)
			wantFields(t, err, app.EInvalid, tc.fields)
		})
	}
	if n := e.count(t, `select count(*) from hospital_calendars`); n != 0 {
		t.Errorf("%d calendars saved by invalid input", n)
	}
}

func TestHolidays(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	holidays := func() int {
		return e.count(t, `select count(*) from hospital_holidays where hospital_id = ?`, e.hospA.ID)
	}
	n, err := e.svc.AddHolidays(ctx, e.adminA, e.hospA.ID, sla.HolidayInput{From: "2025-03-30", To: "2025-04-02",
		NameEN: "Eid al-Fitr", NameAR: "عيد الفطر"})
	if err != nil || n != 4 || holidays() != 4 {
		t.Fatalf("Eid range: added %d (%d rows), %v", n, holidays(), err)
	}
	hs, err := e.svc.Holidays(ctx, e.adminA, e.hospA.ID, 2025)
	if err != nil || len(hs) != 4 || hs[3].Date.Format("2006-01-02") != "2025-04-02" || hs[0].NameEN != "Eid al-Fitr" {
		t.Errorf("holidays = %+v, %v", hs, err)
	}
	for _, tc := range []struct {
		name   string
		in     sla.HolidayInput
		code   string
		fields app.FieldErrors
	}{
		{"bad date", sla.HolidayInput{From: "30/03/2025", NameEN: "x", NameAR: "س"}, app.EInvalid, app.FieldErrors{"from": "err.date_invalid"}},
		{"bad last day", sla.HolidayInput{From: "2025-05-01", To: "2025-02-30", NameEN: "x", NameAR: "س"}, app.EInvalid,
			app.FieldErrors{"to": "err.date_invalid"}},
		{"range backwards", sla.HolidayInput{From: "2025-05-05", To: "2025-05-01", NameEN: "x", NameAR: "س"}, app.EInvalid,
			app.FieldErrors{"to": "err.sla_holiday_range"}},
		{"range too long", sla.HolidayInput{From: "2025-05-01", To: "2025-05-31", NameEN: "x", NameAR: "س"}, app.EInvalid,
			app.FieldErrors{"to": "err.sla_holiday_range"}},
		{"names missing", sla.HolidayInput{From: "2025-05-01"}, app.EInvalid,
			app.FieldErrors{"name_en": "err.required", "name_ar": "err.required"}},
		{"overlaps a holiday", sla.HolidayInput{From: "2025-03-28", To: "2025-03-30", NameEN: "x", NameAR: "س"}, app.EConflict,
			app.FieldErrors{"from": "err.sla_holiday_taken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddHolidays(ctx, e.adminA, e.hospA.ID, tc.in)
			wantFields(t, err, tc.code, tc.fields)
			if holidays() != 4 {
				t.Errorf("%d holidays after a refused add, want 4", holidays())
			}
		})
	}
	if n, err := e.svc.AddHolidays(ctx, e.adminA, e.hospA.ID, sla.HolidayInput{From: "2025-05-01", To: "2025-05-30",
		NameEN: "Long", NameAR: "طويلة"}); err != nil || n != 30 {
		t.Errorf("30 days: %d, %v", n, err)
	}
	if err := e.svc.RemoveHoliday(ctx, e.adminA, e.hospA.ID, "2025-03-31"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveHoliday(ctx, e.adminA, e.hospA.ID, "2025-03-31"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	if err := e.svc.RemoveHoliday(ctx, e.adminA, e.hospA.ID, "not a date"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("removing a malformed day: %v", err)
	}
	if n := e.count(t, `select count(*) from audit_log where action like 'hospital_holiday.%'`); n != 3 {
		t.Errorf("audit rows = %d, want 3 (two adds, one removal)", n)
	}
}

func TestHospitalAdminStaysInTheirHospitals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ruleB := e.rule(t, app.SLARule{HospitalID: e.hospB.ID, Hours: 5}, true)
	groupWide := e.rule(t, app.SLARule{Hours: 50}, true)
	ruleA := e.rule(t, app.SLARule{HospitalID: e.hospA.ID, Hours: 10}, true)

	recs, err := e.svc.Rules(ctx, e.adminA)
	if err != nil || len(recs) != 2 || slices.ContainsFunc(recs, func(r store.SLARuleRecord) bool { return r.ID == ruleB.ID }) {
		t.Errorf("rules = %+v, %v; want A's and the group-wide one", recs, err)
	}
	notFound := func(name string, err error) {
		t.Helper()
		if app.ErrorCode(err) != app.ENotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	_, err = e.svc.Rule(ctx, e.adminA, ruleB.ID)
	notFound("read B's rule", err)
	ruleB.Hours = 1
	_, err = e.svc.SaveRule(ctx, e.adminA, ruleB)
	notFound("edit B's rule", err)
	notFound("deactivate B's rule", e.svc.DeactivateRule(ctx, e.adminA, ruleB.ID))
	_, err = e.svc.CalendarOf(ctx, e.adminA, e.hospB.ID)
	notFound("read B's calendar", err)
	_, err = e.svc.SaveCalendar(ctx, e.adminA, e.hospB.ID, app.DefaultCalendar(nil))
	notFound("save B's calendar", err)
	_, err = e.svc.AddHolidays(ctx, e.adminA, e.hospB.ID, sla.HolidayInput{From: "2025-06-01", NameEN: "x", NameAR: "س"})
	notFound("add B's holiday", err)
	notFound("remove B's holiday", e.svc.RemoveHoliday(ctx, e.adminA, e.hospB.ID, "2025-06-01"))
	_, err = e.svc.Holidays(ctx, e.adminA, e.hospB.ID, 0)
	notFound("list B's holidays", err)

	// Group-wide rules are shown to hospital admins but changed only by PX admins.
	if _, err := e.svc.Rule(ctx, e.adminA, groupWide.ID); err != nil {
		t.Errorf("read the group-wide rule: %v", err)
	}
	groupWide.Hours = 1
	_, err = e.svc.SaveRule(ctx, e.adminA, groupWide)
	wantFields(t, err, app.EInvalid, app.FieldErrors{"hospital_id": "err.sla_group_wide"})
	if err := e.svc.DeactivateRule(ctx, e.adminA, groupWide.ID); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("deactivate the group-wide rule: %v, want forbidden", err)
	}
	// Nor can a rule of A be turned into a group-wide one or moved to B.
	ruleA.HospitalID = 0
	_, err = e.svc.SaveRule(ctx, e.adminA, ruleA)
	wantFields(t, err, app.EInvalid, app.FieldErrors{"hospital_id": "err.sla_group_wide"})
	ruleA.HospitalID = e.hospB.ID
	_, err = e.svc.SaveRule(ctx, e.adminA, ruleA)
	wantFields(t, err, app.EInvalid, app.FieldErrors{"hospital_id": "err.hospital_not_allowed"})
	for _, r := range []store.SLARuleRecord{ruleB, groupWide} {
		if got, _ := e.st.SLARuleByID(ctx, app.Scope{All: true}, r.ID); got.Hours == 1 || !got.Active {
			t.Errorf("rule %d changed: %+v", r.ID, got)
		}
	}
	// Roles without the permission are refused outright.
	if _, err := e.svc.Rules(ctx, e.staffA); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("staff list: %v", err)
	}
	if _, err := e.svc.CalendarOf(ctx, e.staffA, e.hospA.ID); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("staff calendar: %v", err)
	}
}

func BenchmarkRuleFor(b *testing.B) {
	e := newEnv(b)
	for _, sev := range app.Severities {
		e.rule(b, app.SLARule{HospitalID: e.hospA.ID, Severity: sev, Hours: 24}, true)
		e.rule(b, app.SLARule{Severity: sev, Hours: 48}, true)
	}
	ctx := context.Background()
	subj := app.SLASubject{HospitalID: e.hospA.ID, Severity: app.SeverityHigh, Priority: app.PriorityLow, SourceCode: "MOH"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.RuleFor(ctx, subj); err != nil {
				b.Fatal(err)
			}
		}
	})
}
