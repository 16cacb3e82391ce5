// Package sla owns the stored side of the SLA engine: the rules (by hospital, source,
// severity and priority) and each hospital's business calendar (weekend, working hours,
// holidays), their admin use cases, and the look-ups every complaint makes when it is
// created (RuleFor, Calendar), served from an in-memory cache that every change made
// through the Service clears. The arithmetic itself lives in package app.
package sla

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// cacheTTL bounds how long a cached rule set or calendar is used. Changes made through
// the Service clear the cache at once; the TTL picks up changes made around it (a
// hospital's time zone edited in the organisation admin).
const cacheTTL = time.Minute

// Limits of the admin forms.
const (
	MaxRuleHours   = 8760 // a year
	MaxHolidayDays = 30   // one AddHolidays call (an Eid break is 4 to 10 days)
)

// Service implements the SLA rule and calendar use cases. Share one Service per process:
// its cache is only cleared by changes made through it.
type Service struct {
	st *store.Store

	mu    sync.RWMutex
	gen   uint64 // bumped by every change, so a load that raced a change is not cached
	rules *ruleSet
	cals  map[int64]cachedCalendar
}

type ruleSet struct {
	loaded     time.Time
	groupWide  []app.SLARule           // rules for any hospital
	byHospital map[int64][]app.SLARule // group-wide rules plus the hospital's own, for hospitals that have some
}

func (rs *ruleSet) forHospital(id int64) []app.SLARule {
	if rules, ok := rs.byHospital[id]; ok {
		return rules
	}
	return rs.groupWide
}

type cachedCalendar struct {
	loaded time.Time
	cal    app.Calendar
}

// New returns the SLA service.
func New(st *store.Store) *Service { return &Service{st: st, cals: map[int64]cachedCalendar{}} }

// Invalidate drops the cached rules and calendars, e.g. after a hospital's time zone changed.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.rules = nil
	clear(s.cals)
	s.mu.Unlock()
}

// RuleFor returns the most specific active rule for a complaint (app.MatchSLARule), or
// app.DefaultSLARule when none matches.
func (s *Service) RuleFor(ctx context.Context, subj app.SLASubject) (app.SLARule, error) {
	rs, err := s.ruleSet(ctx)
	if err != nil {
		return app.SLARule{}, err
	}
	r, _ := app.MatchSLARule(rs.forHospital(subj.HospitalID), subj)
	r.Escalations = slices.Clone(r.Escalations) // the caller may keep or change it; the cache stays intact
	return r, nil
}

func (s *Service) ruleSet(ctx context.Context) (*ruleSet, error) {
	now := s.st.Now()
	s.mu.RLock()
	rs, gen := s.rules, s.gen
	s.mu.RUnlock()
	if rs != nil && now.Sub(rs.loaded) < cacheTTL {
		return rs, nil
	}
	rules, err := s.st.ActiveSLARules(ctx)
	if err != nil {
		return nil, fmt.Errorf("load sla rules: %w", err)
	}
	rs = &ruleSet{loaded: now, byHospital: map[int64][]app.SLARule{}}
	for _, r := range rules {
		if r.HospitalID == 0 {
			rs.groupWide = append(rs.groupWide, r)
		}
	}
	for _, r := range rules {
		if r.HospitalID != 0 {
			if _, ok := rs.byHospital[r.HospitalID]; !ok {
				rs.byHospital[r.HospitalID] = slices.Clone(rs.groupWide)
			}
			rs.byHospital[r.HospitalID] = append(rs.byHospital[r.HospitalID], r)
		}
	}
	s.mu.Lock()
	if s.gen == gen {
		s.rules = rs
	}
	s.mu.Unlock()
	return rs, nil
}

// Calendar returns a hospital's working calendar: weekend, hours, every holiday, and its
// time zone. The Weekend and Holidays slices are shared with the cache: read them only.
func (s *Service) Calendar(ctx context.Context, hospitalID int64) (app.Calendar, error) {
	now := s.st.Now()
	s.mu.RLock()
	c, ok := s.cals[hospitalID]
	gen := s.gen
	s.mu.RUnlock()
	if ok && now.Sub(c.loaded) < cacheTTL {
		return c.cal, nil
	}
	cal, _, err := s.st.HospitalCalendar(ctx, app.Scope{All: true}, hospitalID)
	if err != nil {
		return app.Calendar{}, fmt.Errorf("calendar of hospital %d: %w", hospitalID, err)
	}
	s.mu.Lock()
	if s.gen == gen {
		s.cals[hospitalID] = cachedCalendar{loaded: now, cal: cal}
	}
	s.mu.Unlock()
	return cal, nil
}

// Rules lists the rules by may manage or that apply to its hospitals (group-wide ones).
func (s *Service) Rules(ctx context.Context, by app.Principal) ([]store.SLARuleRecord, error) {
	if !by.Can(app.PermSLAManage) {
		return nil, app.ErrForbidden
	}
	return s.st.SLARules(ctx, by.Scope)
}

// Rule returns one rule of by's hospitals or a group-wide one.
func (s *Service) Rule(ctx context.Context, by app.Principal, id int64) (store.SLARuleRecord, error) {
	if !by.Can(app.PermSLAManage) {
		return store.SLARuleRecord{}, app.ErrForbidden
	}
	return s.st.SLARuleByID(ctx, by.Scope, id)
}

// CanEdit reports whether by may change rule r: a rule of its hospitals, or any rule for
// those who manage the whole group.
func CanEdit(by app.Principal, r store.SLARuleRecord) bool {
	if !by.Can(app.PermSLAManage) {
		return false
	}
	if r.HospitalID == 0 {
		return by.Can(app.PermHospitalManage)
	}
	return by.Scope.Allows(r.HospitalID)
}

// SaveRule creates (ID 0) or edits a rule. Hospital admins manage the rules of their
// hospitals; group-wide rules (HospitalID 0) need the group-wide permission.
func (s *Service) SaveRule(ctx context.Context, by app.Principal, r store.SLARuleRecord) (store.SLARuleRecord, error) {
	if !by.Can(app.PermSLAManage) {
		return r, app.ErrForbidden
	}
	var before store.SLARuleRecord
	fe := app.FieldErrors{}
	if r.ID != 0 {
		var err error
		if before, err = s.st.SLARuleByID(ctx, by.Scope, r.ID); err != nil {
			return r, err
		}
		if !CanEdit(by, before) {
			fe.Add("hospital_id", "err.sla_group_wide")
		}
	}
	if r.HospitalID == 0 {
		if !by.Can(app.PermHospitalManage) {
			fe.Add("hospital_id", "err.sla_group_wide")
		}
	} else if _, err := s.st.HospitalByID(ctx, by.Scope, r.HospitalID); err != nil {
		fe.Add("hospital_id", "err.hospital_not_allowed")
	}
	validateRule(fe, &r)
	if err := fe.Err(); err != nil {
		return r, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := r.ID == 0
		if err := tx.SaveSLARule(ctx, &r); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("sla_rule", created), Entity: "sla_rule", EntityID: itoa(r.ID),
			HospitalID: r.HospitalID, Summary: app.SavedSummary(created, before, r)})
	})
	if err == nil {
		s.Invalidate()
	}
	return r, err
}

// validateRule checks and normalises a rule's selectors, hours and escalation steps.
// Escalation errors name the step: "escalation_level_1", "escalation_hours_2", ...
func validateRule(fe app.FieldErrors, r *store.SLARuleRecord) {
	r.SourceCode = strings.TrimSpace(r.SourceCode)
	if utf8.RuneCountInString(r.SourceCode) > 40 {
		fe.Add("source_code", "err.too_long")
	} else if strings.ContainsFunc(r.SourceCode, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) {
		fe.Add("source_code", "err.code_chars")
	}
	if r.Severity != "" && !r.Severity.Valid() {
		fe.Add("severity", "err.choose_option")
	}
	if r.Priority != "" && !r.Priority.Valid() {
		fe.Add("priority", "err.choose_option")
	}
	if !finite(r.Hours) || r.Hours <= 0 || r.Hours > MaxRuleHours {
		fe.Add("hours", "err.sla_hours_range")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"reminder1_hours", r.Reminder1Hours}, {"reminder2_hours", r.Reminder2Hours}} {
		if !finite(f.v) || f.v < 0 || (f.v > 0 && f.v >= r.Hours) {
			fe.Add(f.name, "err.sla_reminder_range")
		}
	}
	if r.Reminder1Hours > 0 && r.Reminder2Hours > 0 && r.Reminder2Hours >= r.Reminder1Hours {
		fe.Add("reminder2_hours", "err.sla_reminder_order")
	}
	var seen []app.EscalationLevel
	for i, e := range r.Escalations {
		n := strconv.Itoa(i + 1)
		switch {
		case !e.Level.Valid():
			fe.Add("escalation_level_"+n, "err.choose_option")
		case slices.Contains(seen, e.Level):
			fe.Add("escalation_level_"+n, "err.sla_escalation_repeated")
		}
		seen = append(seen, e.Level)
		switch {
		case !finite(e.HoursAfterBreach) || e.HoursAfterBreach > MaxRuleHours || (r.Hours > 0 && e.HoursAfterBreach <= -r.Hours):
			fe.Add("escalation_hours_"+n, "err.sla_escalation_hours")
		case i > 0 && e.HoursAfterBreach < r.Escalations[i-1].HoursAfterBreach:
			fe.Add("escalation_hours_"+n, "err.sla_escalation_order")
		}
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// DeactivateRule switches a rule off; complaints created later no longer match it.
// Complaints already running keep the rule they were created under.
func (s *Service) DeactivateRule(ctx context.Context, by app.Principal, id int64) error {
	if !by.Can(app.PermSLAManage) {
		return app.ErrForbidden
	}
	r, err := s.st.SLARuleByID(ctx, by.Scope, id)
	if err != nil {
		return err
	}
	if !CanEdit(by, r) {
		return app.ErrForbidden
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetSLARuleActive(ctx, id, false); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "sla_rule.deactivate", Entity: "sla_rule", EntityID: itoa(id),
			HospitalID: r.HospitalID, Summary: map[string]any{"active": false}})
	})
	if err == nil {
		s.Invalidate()
	}
	return err
}

// HospitalCalendar is a hospital with its working calendar; Saved is false while the
// hospital works the default week.
type HospitalCalendar struct {
	Hospital app.Hospital
	Calendar app.Calendar
	Saved    bool
}

// Calendars returns the calendars of by's hospitals.
func (s *Service) Calendars(ctx context.Context, by app.Principal) ([]HospitalCalendar, error) {
	if !by.Can(app.PermSLAManage) {
		return nil, app.ErrForbidden
	}
	hs, err := s.st.Hospitals(ctx, by.Scope)
	if err != nil {
		return nil, err
	}
	out := make([]HospitalCalendar, 0, len(hs))
	for _, h := range hs {
		cal, saved, err := s.st.HospitalCalendar(ctx, by.Scope, h.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, HospitalCalendar{Hospital: h, Calendar: cal, Saved: saved})
	}
	return out, nil
}

// CalendarOf returns the calendar of one of by's hospitals.
func (s *Service) CalendarOf(ctx context.Context, by app.Principal, hospitalID int64) (HospitalCalendar, error) {
	if !by.Can(app.PermSLAManage) {
		return HospitalCalendar{}, app.ErrForbidden
	}
	h, err := s.st.HospitalByID(ctx, by.Scope, hospitalID)
	if err != nil {
		return HospitalCalendar{}, err
	}
	cal, saved, err := s.st.HospitalCalendar(ctx, by.Scope, hospitalID)
	return HospitalCalendar{Hospital: h, Calendar: cal, Saved: saved}, err
}

// Holidays returns the holidays of one of by's hospitals in year (0: every year).
func (s *Service) Holidays(ctx context.Context, by app.Principal, hospitalID int64, year int) ([]app.Holiday, error) {
	if !by.Can(app.PermSLAManage) {
		return nil, app.ErrForbidden
	}
	if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
		return nil, err
	}
	return s.st.Holidays(ctx, by.Scope, hospitalID, year)
}

// calendarSummary is a calendar as the audit log records it.
func calendarSummary(c app.Calendar) map[string]any {
	return map[string]any{"weekend": c.Weekend, "open": c.Open.String(), "close": c.Close.String()}
}

// SaveCalendar sets the weekend days and working hours (whole minutes) of one of by's
// hospitals. The time zone is the hospital's; holidays are edited apart.
func (s *Service) SaveCalendar(ctx context.Context, by app.Principal, hospitalID int64, cal app.Calendar) (app.Calendar, error) {
	before, err := s.CalendarOf(ctx, by, hospitalID)
	if err != nil {
		return cal, err
	}
	cal.Location, cal.Holidays = before.Calendar.Location, nil
	check := cal
	if check.Location == nil { // the zone is the hospital's setting, not this form's (nil counts as Asia/Riyadh)
		check.Location = time.UTC
	}
	fe := check.Validate()
	if cal.Open%time.Minute != 0 {
		fe.Add("open", "err.sla_time_invalid")
	}
	if cal.Close%time.Minute != 0 {
		fe.Add("close", "err.sla_time_invalid")
	}
	if err := fe.Err(); err != nil {
		return cal, err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveHospitalCalendar(ctx, hospitalID, cal); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventCalendarChanged, hospitalID, map[string]int64{"hospital_id": hospitalID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "hospital_calendar.update", Entity: "hospital_calendar", EntityID: itoa(hospitalID),
			HospitalID: hospitalID, Summary: map[string]any{"before": calendarSummary(before.Calendar), "after": calendarSummary(cal)}})
	})
	if err == nil {
		s.Invalidate()
	}
	return cal, err
}

// HolidayInput is a holiday as typed in a form: one day, or From to To inclusive
// (dates YYYY-MM-DD; an empty To means one day), named in both languages.
type HolidayInput struct {
	From, To       string
	NameEN, NameAR string
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return t, err == nil
}

// AddHolidays adds one holiday per day from in.From to in.To to one of by's hospitals,
// all or none (a day that is already a holiday refuses the whole range), and returns the
// number of days added. Eid dates are announced late, so admins add them as they come.
func (s *Service) AddHolidays(ctx context.Context, by app.Principal, hospitalID int64, in HolidayInput) (int, error) {
	if !by.Can(app.PermSLAManage) {
		return 0, app.ErrForbidden
	}
	if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
		return 0, err
	}
	fe := app.FieldErrors{}
	from, fromOK := parseDay(in.From)
	if !fromOK {
		fe.Add("from", "err.date_invalid")
	}
	to, toOK := from, fromOK
	if strings.TrimSpace(in.To) != "" {
		if to, toOK = parseDay(in.To); !toOK {
			fe.Add("to", "err.date_invalid")
		}
	}
	days := int(to.Sub(from)/(24*time.Hour)) + 1 // dates parse as UTC midnights: a day is 24 hours
	if fromOK && toOK && (days < 1 || days > MaxHolidayDays) {
		fe.Add("to", "err.sla_holiday_range")
	}
	nameEN := app.RequiredText(fe, "name_en", in.NameEN, 100)
	nameAR := app.RequiredText(fe, "name_ar", in.NameAR, 100)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		for d := range days {
			h := app.Holiday{Date: from.AddDate(0, 0, d), NameEN: nameEN, NameAR: nameAR}
			if err := tx.AddHoliday(ctx, hospitalID, h); err != nil {
				return err
			}
		}
		if err := tx.Emit(ctx, app.EventCalendarChanged, hospitalID, map[string]int64{"hospital_id": hospitalID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "hospital_holiday.create", Entity: "hospital_holiday",
			EntityID: itoa(hospitalID) + ":" + from.Format("2006-01-02"), HospitalID: hospitalID,
			Summary: map[string]any{"from": from.Format("2006-01-02"), "to": to.Format("2006-01-02"), "days": days,
				"name_en": nameEN, "name_ar": nameAR}})
	})
	if err != nil {
		return 0, err
	}
	s.Invalidate()
	return days, nil
}

// AddHoliday adds a single day off.
func (s *Service) AddHoliday(ctx context.Context, by app.Principal, hospitalID int64, day, nameEN, nameAR string) error {
	_, err := s.AddHolidays(ctx, by, hospitalID, HolidayInput{From: day, NameEN: nameEN, NameAR: nameAR})
	return err
}

// RemoveHoliday removes the holiday on day (YYYY-MM-DD) from one of by's hospitals;
// app.ErrNotFound when that day is not a holiday.
func (s *Service) RemoveHoliday(ctx context.Context, by app.Principal, hospitalID int64, day string) error {
	if !by.Can(app.PermSLAManage) {
		return app.ErrForbidden
	}
	if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
		return err
	}
	d, ok := parseDay(day)
	if !ok {
		return app.ErrNotFound
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		h, err := tx.RemoveHoliday(ctx, hospitalID, d)
		if err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventCalendarChanged, hospitalID, map[string]int64{"hospital_id": hospitalID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "hospital_holiday.delete", Entity: "hospital_holiday",
			EntityID: itoa(hospitalID) + ":" + d.Format("2006-01-02"), HospitalID: hospitalID,
			Summary: map[string]any{"day": d.Format("2006-01-02"), "name_en": h.NameEN, "name_ar": h.NameAR}})
	})
	if err == nil {
		s.Invalidate()
	}
	return err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
