package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"px360/app"
)

const surveyTemplateCols = `id, family, version, hospital_id, kind, name_en, name_ar, status, definition, reminder_hours,
	expiry_days, responses, created_by, created_at, updated_at`

func scanSurveyTemplate(r scanner) (app.SurveyTemplate, error) {
	var t app.SurveyTemplate
	var kind, status, def, created, updated string
	err := r.Scan(&t.ID, &t.Family, &t.Version, &t.HospitalID, &kind, &t.NameEN, &t.NameAR, &status, &def, &t.ReminderHours,
		&t.ExpiryDays, &t.Responses, &t.CreatedBy, &created, &updated)
	if err != nil {
		return t, err
	}
	t.Kind, t.Status, t.CreatedAt, t.UpdatedAt = app.SurveyKind(kind), app.TemplateStatus(status), parseTS(created), parseTS(updated)
	if err := json.Unmarshal([]byte(def), &t.Def); err != nil {
		return t, fmt.Errorf("survey template %d definition: %w", t.ID, err)
	}
	return t, nil
}

// SurveyTemplateByID returns one template version visible in scope (group-wide ones to all).
func (s *Store) SurveyTemplateByID(ctx context.Context, scope app.Scope, id int64) (app.SurveyTemplate, error) {
	return surveyTemplateByID(ctx, s.R, scope, id)
}

// SurveyTemplateByID is the transactional form.
func (tx *Tx) SurveyTemplateByID(ctx context.Context, scope app.Scope, id int64) (app.SurveyTemplate, error) {
	return surveyTemplateByID(ctx, tx, scope, id)
}

func surveyTemplateByID(ctx context.Context, q querier, scope app.Scope, id int64) (app.SurveyTemplate, error) {
	t, err := scanSurveyTemplate(q.QueryRowContext(ctx, `select `+surveyTemplateCols+` from survey_templates where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.HospitalID != 0 && !scope.Allows(t.HospitalID)) {
		return t, app.ErrNotFound
	}
	return t, err
}

// SurveyTemplates lists the latest version of every template family visible in scope
// (group-wide and the scope's hospitals), by name.
func (s *Store) SurveyTemplates(ctx context.Context, scope app.Scope) ([]app.SurveyTemplate, error) {
	where, args := "1=1", []any{}
	if !scope.All {
		w, a := scopeIn("hospital_id", scope)
		where, args = "(hospital_id = 0 or "+w+")", a
	}
	rows, err := s.R.QueryContext(ctx, `select `+surveyTemplateCols+` from survey_templates t where `+where+`
		and version = (select max(version) from survey_templates v where v.family = t.family) order by name_en`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.SurveyTemplate
	for rows.Next() {
		t, err := scanSurveyTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SurveyVersions lists every version of a family, newest first.
func (s *Store) SurveyVersions(ctx context.Context, family int64) ([]app.SurveyTemplate, error) {
	rows, err := s.R.QueryContext(ctx, `select `+surveyTemplateCols+` from survey_templates where family = ? order by version desc`, family)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.SurveyTemplate
	for rows.Next() {
		t, err := scanSurveyTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ActiveSurvey returns the active version of a family.
func (tx *Tx) ActiveSurvey(ctx context.Context, family int64) (app.SurveyTemplate, error) {
	t, err := scanSurveyTemplate(tx.QueryRowContext(ctx, `select `+surveyTemplateCols+` from survey_templates
		where family = ? and status = 'active' order by version desc limit 1`, family))
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.ErrNotFound
	}
	return t, err
}

// ActiveSurveyOfKind returns the active template of kind for a hospital: the hospital's
// own, else a group-wide one.
func (tx *Tx) ActiveSurveyOfKind(ctx context.Context, hospitalID int64, kind app.SurveyKind) (app.SurveyTemplate, error) {
	t, err := scanSurveyTemplate(tx.QueryRowContext(ctx, `select `+surveyTemplateCols+` from survey_templates
		where kind = ? and status = 'active' and hospital_id in (0, ?) order by hospital_id desc, id limit 1`, kind, hospitalID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.ErrNotFound
	}
	return t, err
}

// InsertSurveyTemplate adds a version; a first version (Family 0) starts its own family.
func (tx *Tx) InsertSurveyTemplate(ctx context.Context, t *app.SurveyTemplate) error {
	def, err := json.Marshal(t.Def)
	if err != nil {
		return err
	}
	if t.Version == 0 {
		t.Version = 1
	}
	t.CreatedBy, t.CreatedAt, t.UpdatedAt = tx.by.Email, tx.now, tx.now
	err = tx.QueryRowContext(ctx, `insert into survey_templates(family, version, hospital_id, kind, name_en, name_ar, status,
		definition, reminder_hours, expiry_days, created_by, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		t.Family, t.Version, t.HospitalID, t.Kind, t.NameEN, t.NameAR, t.Status, string(def), t.ReminderHours, t.ExpiryDays,
		t.CreatedBy, ts(tx.now), ts(tx.now)).Scan(&t.ID)
	if err != nil {
		return err
	}
	if t.Family == 0 {
		t.Family = t.ID
		_, err = tx.ExecContext(ctx, `update survey_templates set family = id where id = ?`, t.ID)
	}
	return err
}

// UpdateSurveyTemplate rewrites a version that has no responses yet.
func (tx *Tx) UpdateSurveyTemplate(ctx context.Context, t *app.SurveyTemplate) error {
	def, err := json.Marshal(t.Def)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `update survey_templates set name_en = ?, name_ar = ?, status = ?, definition = ?,
		reminder_hours = ?, expiry_days = ?, updated_at = ? where id = ? and responses = 0`,
		t.NameEN, t.NameAR, t.Status, string(def), t.ReminderHours, t.ExpiryDays, ts(tx.now), t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &app.Error{Code: app.EConflict, Message: "err.survey_has_responses"}
	}
	t.UpdatedAt = tx.now
	return nil
}

// SetSurveyStatus changes a version's status; activating one archives the family's
// other active version.
func (tx *Tx) SetSurveyStatus(ctx context.Context, id int64, family int64, status app.TemplateStatus) error {
	if status == app.TemplateActive {
		if _, err := tx.ExecContext(ctx, `update survey_templates set status = 'archived', updated_at = ?
			where family = ? and status = 'active' and id != ?`, ts(tx.now), family, id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `update survey_templates set status = ?, updated_at = ? where id = ?`, status, ts(tx.now), id)
	return err
}

// CountSurveyTemplates counts all template versions (to seed the defaults once).
func (s *Store) CountSurveyTemplates(ctx context.Context) (int, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `select count(*) from survey_templates`).Scan(&n)
	return n, err
}

// SurveySettings returns a hospital's fatigue and exclusion rules (the defaults when none).
func (s *Store) SurveySettings(ctx context.Context, hospitalID int64) (app.SurveySettings, error) {
	r := app.SurveySettings{HospitalID: hospitalID}
	var excluded string
	err := s.R.QueryRowContext(ctx, `select fatigue_days, min_age, excluded_departments from survey_settings where hospital_id = ?`,
		hospitalID).Scan(&r.FatigueDays, &r.MinAge, &excluded)
	if errors.Is(err, sql.ErrNoRows) {
		return app.DefaultSurveySettings(hospitalID), nil
	}
	if err != nil {
		return r, err
	}
	err = json.Unmarshal([]byte(excluded), &r.ExcludedDepartments)
	return r, err
}

// SaveSurveySettings stores a hospital's fatigue and exclusion rules.
func (tx *Tx) SaveSurveySettings(ctx context.Context, r app.SurveySettings) error {
	if r.ExcludedDepartments == nil {
		r.ExcludedDepartments = []int64{}
	}
	ex, _ := json.Marshal(r.ExcludedDepartments)
	_, err := tx.ExecContext(ctx, `insert into survey_settings(hospital_id, fatigue_days, min_age, excluded_departments, updated_at)
		values (?,?,?,?,?) on conflict(hospital_id) do update set fatigue_days = excluded.fatigue_days, min_age = excluded.min_age,
		excluded_departments = excluded.excluded_departments, updated_at = excluded.updated_at`,
		r.HospitalID, r.FatigueDays, r.MinAge, string(ex), ts(tx.now))
	return err
}

// PatientExclusion is what the survey rules need to know about a patient.
type PatientExclusion struct {
	BirthDate string // "YYYY-MM-DD" or ""
	Deceased  bool
}

// PatientExclusionInfo returns a patient's birth date and deceased flag.
func (s *Store) PatientExclusionInfo(ctx context.Context, patientID int64) (PatientExclusion, error) {
	var p PatientExclusion
	var deceased int
	err := s.R.QueryRowContext(ctx, `select coalesce(birth_date, ''), deceased from patients where id = ?`, patientID).Scan(&p.BirthDate, &deceased)
	if errors.Is(err, sql.ErrNoRows) {
		return p, app.ErrNotFound
	}
	p.Deceased = deceased == 1
	return p, err
}

// SetPatientDeceased records that a patient died (from the HIS), so no survey invites them.
func (tx *Tx) SetPatientDeceased(ctx context.Context, patientID int64, deceased bool) error {
	_, err := tx.ExecContext(ctx, `update patients set deceased = ?, updated_at = ? where id = ?`, boolInt(deceased), ts(tx.now), patientID)
	return err
}

const surveyLocationCols = `id, hospital_id, coalesce(department_id, 0), coalesce(section_id, 0), family, name_en, name_ar, code,
	kiosk, active, created_at`

func scanSurveyLocation(r scanner) (app.SurveyLocation, error) {
	var l app.SurveyLocation
	var kiosk, active int
	var created string
	err := r.Scan(&l.ID, &l.HospitalID, &l.DepartmentID, &l.SectionID, &l.Family, &l.NameEN, &l.NameAR, &l.Code, &kiosk, &active, &created)
	l.Kiosk, l.Active, l.CreatedAt = kiosk == 1, active == 1, parseTS(created)
	return l, err
}

// SurveyLocations lists the ward and kiosk links of the scope's hospitals.
func (s *Store) SurveyLocations(ctx context.Context, scope app.Scope) ([]app.SurveyLocation, error) {
	where, args := "1=1", []any{}
	if !scope.All {
		where, args = scopeIn("hospital_id", scope)
	}
	rows, err := s.R.QueryContext(ctx, `select `+surveyLocationCols+` from survey_locations where `+where+` order by hospital_id, name_en`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.SurveyLocation
	for rows.Next() {
		l, err := scanSurveyLocation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SurveyLocationByID returns one location in scope.
func (s *Store) SurveyLocationByID(ctx context.Context, scope app.Scope, id int64) (app.SurveyLocation, error) {
	l, err := scanSurveyLocation(s.R.QueryRowContext(ctx, `select `+surveyLocationCols+` from survey_locations where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(l.HospitalID)) {
		return l, app.ErrNotFound
	}
	return l, err
}

// SurveyLocationByCode returns the active location with a public code.
func (s *Store) SurveyLocationByCode(ctx context.Context, code string) (app.SurveyLocation, error) {
	l, err := scanSurveyLocation(s.R.QueryRowContext(ctx, `select `+surveyLocationCols+` from survey_locations
		where code = ? and active = 1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return l, app.ErrNotFound
	}
	return l, err
}

// SaveSurveyLocation inserts or updates a location.
func (tx *Tx) SaveSurveyLocation(ctx context.Context, l *app.SurveyLocation) error {
	if l.ID == 0 {
		l.CreatedAt = tx.now
		return tx.QueryRowContext(ctx, `insert into survey_locations(hospital_id, department_id, section_id, family, name_en, name_ar,
			code, kiosk, active, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?) returning id`, l.HospitalID, nullID(l.DepartmentID),
			nullID(l.SectionID), l.Family, l.NameEN, l.NameAR, l.Code, boolInt(l.Kiosk), boolInt(l.Active), ts(tx.now), ts(tx.now)).Scan(&l.ID)
	}
	_, err := tx.ExecContext(ctx, `update survey_locations set department_id = ?, section_id = ?, family = ?, name_en = ?, name_ar = ?,
		kiosk = ?, active = ?, updated_at = ? where id = ?`, nullID(l.DepartmentID), nullID(l.SectionID), l.Family, l.NameEN, l.NameAR,
		boolInt(l.Kiosk), boolInt(l.Active), ts(tx.now), l.ID)
	return err
}
