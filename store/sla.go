package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"px360/app"
)

// SLARuleRecord is a stored SLA rule with what the admin pages need besides the rule.
type SLARuleRecord struct {
	app.SLARule
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// escalationJSON is one escalation step as stored in sla_rules.escalations.
type escalationJSON struct {
	Level            app.EscalationLevel `json:"level"`
	HoursAfterBreach float64             `json:"hours_after_breach"`
}

const slaRuleCols = `id, coalesce(hospital_id, 0), source_code, severity, priority, hours, business_hours,
	reminder1_hours, reminder2_hours, escalations, active, created_at, updated_at`

func scanSLARule(r scanner) (SLARuleRecord, error) {
	var x SLARuleRecord
	var sev, pri, esc, created, updated string
	var business, active int
	err := r.Scan(&x.ID, &x.HospitalID, &x.SourceCode, &sev, &pri, &x.Hours, &business, &x.Reminder1Hours,
		&x.Reminder2Hours, &esc, &active, &created, &updated)
	if err != nil {
		return x, err
	}
	x.Severity, x.Priority, x.BusinessHours, x.Active = app.Severity(sev), app.Priority(pri), business == 1, active == 1
	x.CreatedAt, x.UpdatedAt = parseTS(created), parseTS(updated)
	var steps []escalationJSON
	if err := json.Unmarshal([]byte(esc), &steps); err != nil {
		return x, fmt.Errorf("sla rule %d escalations: %w", x.ID, err)
	}
	for _, s := range steps {
		x.Escalations = append(x.Escalations, app.EscalationStep{Level: s.Level, HoursAfterBreach: s.HoursAfterBreach})
	}
	return x, nil
}

func querySLARules(ctx context.Context, db querier, where string, args ...any) ([]SLARuleRecord, error) {
	rows, err := db.QueryContext(ctx, `select `+slaRuleCols+` from sla_rules where `+where+
		` order by coalesce(hospital_id, 0), source_code, severity, priority, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sla rules: %w", err)
	}
	defer rows.Close()
	var out []SLARuleRecord
	for rows.Next() {
		x, err := scanSLARule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// SLARules returns the rules that apply to scope's hospitals: theirs and the group-wide
// ones, active or not, grouped by hospital (group-wide first).
func (s *Store) SLARules(ctx context.Context, scope app.Scope) ([]SLARuleRecord, error) {
	if scope.All {
		return querySLARules(ctx, s.R, "1=1")
	}
	c, a := scopeIn("hospital_id", scope)
	return querySLARules(ctx, s.R, "(hospital_id is null or "+c+")", a...)
}

// ActiveSLARules returns every active rule of every hospital: what the engine matches against.
func (s *Store) ActiveSLARules(ctx context.Context) ([]app.SLARule, error) {
	recs, err := querySLARules(ctx, s.R, "active = 1")
	if err != nil {
		return nil, err
	}
	rules := make([]app.SLARule, len(recs))
	for i, r := range recs {
		rules[i] = r.SLARule
	}
	return rules, nil
}

// SLARuleByID returns the rule if it is group-wide or its hospital is in scope.
func (s *Store) SLARuleByID(ctx context.Context, scope app.Scope, id int64) (SLARuleRecord, error) {
	x, err := scanSLARule(s.R.QueryRowContext(ctx, `select `+slaRuleCols+` from sla_rules where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && x.HospitalID != 0 && !scope.Allows(x.HospitalID)) {
		return SLARuleRecord{}, app.ErrNotFound
	}
	return x, err
}

// SaveSLARule inserts r (ID 0) or updates it.
func (tx *Tx) SaveSLARule(ctx context.Context, r *SLARuleRecord) error {
	steps := make([]escalationJSON, 0, len(r.Escalations))
	for _, e := range r.Escalations {
		steps = append(steps, escalationJSON{Level: e.Level, HoursAfterBreach: e.HoursAfterBreach})
	}
	esc, err := json.Marshal(steps)
	if err != nil {
		return err
	}
	args := []any{nullID(r.HospitalID), r.SourceCode, string(r.Severity), string(r.Priority), r.Hours, boolInt(r.BusinessHours),
		r.Reminder1Hours, r.Reminder2Hours, string(esc), boolInt(r.Active), ts(tx.now)}
	if r.ID == 0 {
		r.CreatedAt, r.UpdatedAt = tx.now, tx.now
		return tx.QueryRowContext(ctx, `insert into sla_rules(hospital_id, source_code, severity, priority, hours,
			business_hours, reminder1_hours, reminder2_hours, escalations, active, updated_at, created_at)
			values (?,?,?,?,?,?,?,?,?,?,?,?) returning id`, append(args, ts(tx.now))...).Scan(&r.ID)
	}
	r.UpdatedAt = tx.now
	return affectOne(tx.ExecContext(ctx, `update sla_rules set hospital_id = ?, source_code = ?, severity = ?, priority = ?,
		hours = ?, business_hours = ?, reminder1_hours = ?, reminder2_hours = ?, escalations = ?, active = ?, updated_at = ?
		where id = ?`, append(args, r.ID)...))
}

// SetSLARuleActive switches a rule on or off.
func (tx *Tx) SetSLARuleActive(ctx context.Context, id int64, active bool) error {
	return affectOne(tx.ExecContext(ctx, `update sla_rules set active = ?, updated_at = ? where id = ?`,
		boolInt(active), ts(tx.now), id))
}

const dayLayout = "2006-01-02"

// HospitalCalendar returns the working calendar of a hospital in scope: its saved weekend
// and hours (app.DefaultCalendar when none are saved, then saved is false), every holiday,
// and the hospital's time zone (nil, which counts as Asia/Riyadh, if the zone cannot be
// loaded on this machine).
func (s *Store) HospitalCalendar(ctx context.Context, scope app.Scope, hospitalID int64) (cal app.Calendar, saved bool, err error) {
	h, err := s.HospitalByID(ctx, scope, hospitalID)
	if err != nil {
		return cal, false, err
	}
	loc, lerr := app.Location(h.TimeZone)
	if lerr != nil {
		loc = nil
	}
	cal = app.DefaultCalendar(loc)
	var weekend string
	var openMin, closeMin int
	err = s.R.QueryRowContext(ctx, `select weekend, open_minutes, close_minutes from hospital_calendars where hospital_id = ?`,
		hospitalID).Scan(&weekend, &openMin, &closeMin)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return cal, false, fmt.Errorf("hospital calendar %d: %w", hospitalID, err)
	default:
		saved = true
		cal.Open, cal.Close = time.Duration(openMin)*time.Minute, time.Duration(closeMin)*time.Minute
		cal.Weekend = parseWeekend(weekend)
	}
	cal.Holidays, err = s.holidays(ctx, hospitalID, 0)
	return cal, saved, err
}

func parseWeekend(s string) []time.Weekday {
	days := []time.Weekday{}
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			days = append(days, time.Weekday(n))
		}
	}
	return days
}

// SaveHospitalCalendar stores a hospital's weekend and working hours (whole minutes); its
// holidays are kept apart (AddHoliday).
func (tx *Tx) SaveHospitalCalendar(ctx context.Context, hospitalID int64, cal app.Calendar) error {
	days := slices.Clone(cal.Weekend)
	slices.Sort(days)
	days = slices.Compact(days)
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(int(d))
	}
	_, err := tx.ExecContext(ctx, `insert into hospital_calendars(hospital_id, weekend, open_minutes, close_minutes, updated_at)
		values (?,?,?,?,?) on conflict(hospital_id) do update set weekend = excluded.weekend,
		open_minutes = excluded.open_minutes, close_minutes = excluded.close_minutes, updated_at = excluded.updated_at`,
		hospitalID, strings.Join(parts, ","), int(cal.Open/time.Minute), int(cal.Close/time.Minute), ts(tx.now))
	return err
}

// Holidays returns the holidays of a hospital in scope, by date; year 0 returns every year.
func (s *Store) Holidays(ctx context.Context, scope app.Scope, hospitalID int64, year int) ([]app.Holiday, error) {
	if !scope.Allows(hospitalID) {
		return nil, app.ErrNotFound
	}
	return s.holidays(ctx, hospitalID, year)
}

func (s *Store) holidays(ctx context.Context, hospitalID int64, year int) ([]app.Holiday, error) {
	where, args := "hospital_id = ?", []any{hospitalID}
	if year != 0 {
		where += " and day >= ? and day < ?"
		args = append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1))
	}
	rows, err := s.R.QueryContext(ctx, `select day, name_en, name_ar from hospital_holidays where `+where+` order by day`, args...)
	if err != nil {
		return nil, fmt.Errorf("holidays of hospital %d: %w", hospitalID, err)
	}
	defer rows.Close()
	hs := []app.Holiday{}
	for rows.Next() {
		var day string
		var x app.Holiday
		if err := rows.Scan(&day, &x.NameEN, &x.NameAR); err != nil {
			return nil, err
		}
		if x.Date, err = time.Parse(dayLayout, day); err != nil {
			return nil, fmt.Errorf("holiday %q of hospital %d: %w", day, hospitalID, err)
		}
		hs = append(hs, x)
	}
	return hs, rows.Err()
}

// AddHoliday stores one day off of a hospital; the day is h.Date's civil date. A day
// that is already a holiday is a conflict.
func (tx *Tx) AddHoliday(ctx context.Context, hospitalID int64, h app.Holiday) error {
	_, err := tx.ExecContext(ctx, `insert into hospital_holidays(hospital_id, day, name_en, name_ar) values (?,?,?,?)`,
		hospitalID, h.Date.Format(dayLayout), h.NameEN, h.NameAR)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.sla_holiday_taken", Fields: app.FieldErrors{"from": "err.sla_holiday_taken"}}
	}
	return err
}

// RemoveHoliday deletes the holiday on day (its civil date); app.ErrNotFound when there is none.
func (tx *Tx) RemoveHoliday(ctx context.Context, hospitalID int64, day time.Time) (app.Holiday, error) {
	h := app.Holiday{Date: day}
	err := tx.QueryRowContext(ctx, `delete from hospital_holidays where hospital_id = ? and day = ? returning name_en, name_ar`,
		hospitalID, day.Format(dayLayout)).Scan(&h.NameEN, &h.NameAR)
	if errors.Is(err, sql.ErrNoRows) {
		return h, app.ErrNotFound
	}
	return h, err
}
