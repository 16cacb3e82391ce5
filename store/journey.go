package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"px360/app"
)

const journeyTemplateCols = `id, hospital_id, code, name_en, name_ar, patient_classes, active`

func scanJourneyTemplate(r scanner) (app.JourneyTemplate, error) {
	var t app.JourneyTemplate
	var classes string
	var active int
	err := r.Scan(&t.ID, &t.HospitalID, &t.Code, &t.NameEN, &t.NameAR, &classes, &active)
	t.Active = active == 1
	for c := range strings.SplitSeq(classes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			t.PatientClasses = append(t.PatientClasses, c)
		}
	}
	return t, err
}

func (s *Store) stagesOf(ctx context.Context, q querier, templateID int64) ([]app.JourneyStage, error) {
	rows, err := q.QueryContext(ctx, `select id, template_id, seq, code, name_en, name_ar, trigger_event, coalesce(survey_family, 0),
		delay_minutes, window_start, window_end from journey_stages where template_id = ? order by seq`, templateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.JourneyStage
	for rows.Next() {
		var st app.JourneyStage
		if err := rows.Scan(&st.ID, &st.TemplateID, &st.Seq, &st.Code, &st.NameEN, &st.NameAR, &st.TriggerEvent, &st.SurveyFamily,
			&st.DelayMinutes, &st.WindowStart, &st.WindowEnd); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// JourneyTemplates lists the journey templates of a hospital and the group-wide ones
// (hospital 0 alone with 0), with their stages.
func (s *Store) JourneyTemplates(ctx context.Context, hospitalID int64) ([]app.JourneyTemplate, error) {
	rows, err := s.R.QueryContext(ctx, `select `+journeyTemplateCols+` from journey_templates where hospital_id in (0, ?)
		order by hospital_id desc, code`, hospitalID)
	if err != nil {
		return nil, err
	}
	var out []app.JourneyTemplate
	for rows.Next() {
		t, err := scanJourneyTemplate(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	for i := range out {
		if out[i].Stages, err = s.stagesOf(ctx, s.R, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// JourneyTemplateByID returns one template with its stages.
func (s *Store) JourneyTemplateByID(ctx context.Context, id int64) (app.JourneyTemplate, error) {
	t, err := scanJourneyTemplate(s.R.QueryRowContext(ctx, `select `+journeyTemplateCols+` from journey_templates where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.ErrNotFound
	}
	if err != nil {
		return t, err
	}
	t.Stages, err = s.stagesOf(ctx, s.R, id)
	return t, err
}

// SaveJourneyTemplate inserts or updates a template and replaces its stages (stages
// keep their ids when their code stays, so completed-stage records stay valid).
func (tx *Tx) SaveJourneyTemplate(ctx context.Context, t *app.JourneyTemplate) error {
	classes := strings.Join(t.PatientClasses, ",")
	if t.ID == 0 {
		if err := tx.QueryRowContext(ctx, `insert into journey_templates(hospital_id, code, name_en, name_ar, patient_classes, active,
			created_at, updated_at) values (?,?,?,?,?,?,?,?) returning id`, t.HospitalID, t.Code, t.NameEN, t.NameAR, classes,
			boolInt(t.Active), ts(tx.now), ts(tx.now)).Scan(&t.ID); err != nil {
			if isUnique(err) {
				return &app.Error{Code: app.EConflict, Message: "err.code_taken", Fields: app.FieldErrors{"code": "err.code_taken"}}
			}
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `update journey_templates set name_en = ?, name_ar = ?, patient_classes = ?, active = ?,
		updated_at = ? where id = ?`, t.NameEN, t.NameAR, classes, boolInt(t.Active), ts(tx.now), t.ID); err != nil {
		return err
	}
	old := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `select id, code from journey_stages where template_id = ?`, t.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		old[code] = id
	}
	rows.Close()
	// Move existing seqs out of the way so the unique (template, seq) holds while renumbering.
	if _, err := tx.ExecContext(ctx, `update journey_stages set seq = -seq - 1000 where template_id = ?`, t.ID); err != nil {
		return err
	}
	keep := map[int64]bool{}
	for i := range t.Stages {
		st := &t.Stages[i]
		st.TemplateID, st.Seq = t.ID, i+1
		if id, ok := old[st.Code]; ok {
			st.ID = id
			keep[id] = true
			if _, err := tx.ExecContext(ctx, `update journey_stages set seq = ?, name_en = ?, name_ar = ?, trigger_event = ?,
				survey_family = ?, delay_minutes = ?, window_start = ?, window_end = ? where id = ?`, st.Seq, st.NameEN, st.NameAR,
				st.TriggerEvent, nullID(st.SurveyFamily), st.DelayMinutes, st.WindowStart, st.WindowEnd, id); err != nil {
				return err
			}
			continue
		}
		if err := tx.QueryRowContext(ctx, `insert into journey_stages(template_id, seq, code, name_en, name_ar, trigger_event,
			survey_family, delay_minutes, window_start, window_end) values (?,?,?,?,?,?,?,?,?,?) returning id`, t.ID, st.Seq, st.Code,
			st.NameEN, st.NameAR, st.TriggerEvent, nullID(st.SurveyFamily), st.DelayMinutes, st.WindowStart, st.WindowEnd).Scan(&st.ID); err != nil {
			return err
		}
	}
	for _, id := range old {
		if keep[id] {
			continue
		}
		var used int
		if err := tx.QueryRowContext(ctx, `select count(*) from (select 1 from journey_stage_status where stage_id = ?
			union all select 1 from journey_surveys where stage_id = ? limit 1)`, id, id).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return &app.Error{Code: app.EConflict, Message: "err.stage_in_use", Fields: app.FieldErrors{"stages": "err.stage_in_use"}}
		}
		if _, err := tx.ExecContext(ctx, `delete from journey_stages where id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// JourneyFor returns the active journey template for a visit class in a hospital: the
// hospital's own first, else a group-wide one.
func (tx *Tx) JourneyFor(ctx context.Context, s *Store, hospitalID int64, class string) (app.JourneyTemplate, error) {
	rows, err := tx.QueryContext(ctx, `select `+journeyTemplateCols+` from journey_templates where active = 1 and hospital_id in (0, ?)
		order by hospital_id desc, id`, hospitalID)
	if err != nil {
		return app.JourneyTemplate{}, err
	}
	var found app.JourneyTemplate
	for rows.Next() {
		t, err := scanJourneyTemplate(rows)
		if err != nil {
			rows.Close()
			return t, err
		}
		if found.ID == 0 && t.Matches(class) {
			found = t
		}
	}
	rows.Close()
	if found.ID == 0 {
		return found, app.ErrNotFound
	}
	found.Stages, err = s.stagesOf(ctx, tx, found.ID)
	return found, err
}

// JourneyOfVisit returns a visit's journey instance with its completed stages.
func (tx *Tx) JourneyOfVisit(ctx context.Context, visitID int64) (app.JourneyInstance, error) {
	return journeyOfVisit(ctx, tx, visitID)
}

// JourneyOfVisit is the read-pool form.
func (s *Store) JourneyOfVisit(ctx context.Context, visitID int64) (app.JourneyInstance, error) {
	return journeyOfVisit(ctx, s.R, visitID)
}

func journeyOfVisit(ctx context.Context, q querier, visitID int64) (app.JourneyInstance, error) {
	var j app.JourneyInstance
	var started, completed string
	err := q.QueryRowContext(ctx, `select id, visit_id, template_id, status, started_at, completed_at from journey_instances
		where visit_id = ?`, visitID).Scan(&j.ID, &j.VisitID, &j.TemplateID, &j.Status, &started, &completed)
	if errors.Is(err, sql.ErrNoRows) {
		return j, app.ErrNotFound
	}
	if err != nil {
		return j, err
	}
	j.StartedAt, j.CompletedAt, j.Completed = parseTS(started), parseTS(completed), map[int64]time.Time{}
	rows, err := q.QueryContext(ctx, `select stage_id, completed_at from journey_stage_status where instance_id = ?`, j.ID)
	if err != nil {
		return j, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return j, err
		}
		j.Completed[id] = parseTS(at)
	}
	return j, rows.Err()
}

// StartJourney creates a visit's journey instance.
func (tx *Tx) StartJourney(ctx context.Context, j *app.JourneyInstance) error {
	j.Status, j.Completed = "active", map[int64]time.Time{}
	return tx.QueryRowContext(ctx, `insert into journey_instances(visit_id, template_id, status, started_at, updated_at)
		values (?,?,'active',?,?) returning id`, j.VisitID, j.TemplateID, ts(j.StartedAt), ts(tx.now)).Scan(&j.ID)
}

// CompleteStage records a completed stage once; false when it already was.
func (tx *Tx) CompleteStage(ctx context.Context, instanceID, stageID, messageID int64, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `insert into journey_stage_status(instance_id, stage_id, completed_at, message_id) values (?,?,?,?)
		on conflict do nothing`, instanceID, stageID, ts(at), messageID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetJourneyStatus sets a journey's status (completed records when).
func (tx *Tx) SetJourneyStatus(ctx context.Context, id int64, status string) error {
	done := ""
	if status == "completed" {
		done = ts(tx.now)
	}
	_, err := tx.ExecContext(ctx, `update journey_instances set status = ?, completed_at = ?, updated_at = ? where id = ?`,
		status, done, ts(tx.now), id)
	return err
}

// ScheduleJourneySurvey schedules a stage's survey once.
func (tx *Tx) ScheduleJourneySurvey(ctx context.Context, instanceID, stageID int64, due time.Time) error {
	_, err := tx.ExecContext(ctx, `insert into journey_surveys(instance_id, stage_id, due_at, status, created_at, updated_at)
		values (?,?,?,'scheduled',?,?) on conflict do nothing`, instanceID, stageID, ts(due), ts(tx.now), ts(tx.now))
	return err
}

// CancelJourneySurveys cancels a journey's scheduled surveys (a cancelled admission).
func (tx *Tx) CancelJourneySurveys(ctx context.Context, instanceID int64, reason string) error {
	_, err := tx.ExecContext(ctx, `update journey_surveys set status = 'cancelled', reason = ?, updated_at = ?
		where instance_id = ? and status = 'scheduled'`, reason, ts(tx.now), instanceID)
	return err
}

// JourneySurvey is a survey a journey stage scheduled.
type JourneySurvey struct {
	ID               int64
	InstanceID       int64
	StageID          int64
	DueAt            time.Time
	Status           string
	Reason           string
	SurveyInstanceID int64
}

// DueJourneySurveys returns up to limit scheduled surveys whose time has come.
func (s *Store) DueJourneySurveys(ctx context.Context, now time.Time, limit int) ([]JourneySurvey, error) {
	rows, err := s.R.QueryContext(ctx, `select id, instance_id, stage_id, due_at, status, reason, coalesce(survey_instance_id, 0)
		from journey_surveys where status = 'scheduled' and due_at <= ? order by due_at limit ?`, ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JourneySurvey
	for rows.Next() {
		var js JourneySurvey
		var due string
		if err := rows.Scan(&js.ID, &js.InstanceID, &js.StageID, &due, &js.Status, &js.Reason, &js.SurveyInstanceID); err != nil {
			return nil, err
		}
		js.DueAt = parseTS(due)
		out = append(out, js)
	}
	return out, rows.Err()
}

// JourneySurveys returns the surveys a journey scheduled.
func (s *Store) JourneySurveys(ctx context.Context, instanceID int64) ([]JourneySurvey, error) {
	rows, err := s.R.QueryContext(ctx, `select id, instance_id, stage_id, due_at, status, reason, coalesce(survey_instance_id, 0)
		from journey_surveys where instance_id = ? order by id`, instanceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JourneySurvey
	for rows.Next() {
		var js JourneySurvey
		var due string
		if err := rows.Scan(&js.ID, &js.InstanceID, &js.StageID, &due, &js.Status, &js.Reason, &js.SurveyInstanceID); err != nil {
			return nil, err
		}
		js.DueAt = parseTS(due)
		out = append(out, js)
	}
	return out, rows.Err()
}

// FinishJourneySurvey records that a scheduled survey was sent or skipped.
func (tx *Tx) FinishJourneySurvey(ctx context.Context, id int64, status, reason string, surveyInstanceID int64) error {
	_, err := tx.ExecContext(ctx, `update journey_surveys set status = ?, reason = ?, survey_instance_id = ?, updated_at = ? where id = ?`,
		status, reason, nullID(surveyInstanceID), ts(tx.now), id)
	return err
}

// JourneyContext is what the survey sender needs about a scheduled survey's journey.
type JourneyContext struct {
	HospitalID   int64
	PatientID    int64
	DepartmentID int64
	SurveyFamily int64
	Status       string
}

// JourneySurveyContext returns the visit, patient and survey of a scheduled survey.
func (tx *Tx) JourneySurveyContext(ctx context.Context, js JourneySurvey) (JourneyContext, error) {
	var c JourneyContext
	err := tx.QueryRowContext(ctx, `select v.hospital_id, v.patient_id, coalesce(v.department_id, 0), coalesce(st.survey_family, 0), j.status
		from journey_instances j join his_visits v on v.id = j.visit_id join journey_stages st on st.id = ?
		where j.id = ?`, js.StageID, js.InstanceID).Scan(&c.HospitalID, &c.PatientID, &c.DepartmentID, &c.SurveyFamily, &c.Status)
	return c, err
}

// CountJourneyTemplates counts templates (to seed the defaults once).
func (s *Store) CountJourneyTemplates(ctx context.Context) (int, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `select count(*) from journey_templates`).Scan(&n)
	return n, err
}

// UncompleteStages forgets the completion of a journey's stages triggered by event (a
// cancelled discharge), so the next such event completes them again.
func (tx *Tx) UncompleteStages(ctx context.Context, instanceID int64, event string) error {
	_, err := tx.ExecContext(ctx, `delete from journey_stage_status where instance_id = ? and stage_id in
		(select id from journey_stages where trigger_event = ?)`, instanceID, event)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `delete from journey_surveys where instance_id = ? and status = 'cancelled' and stage_id in
		(select id from journey_stages where trigger_event = ?)`, instanceID, event)
	return err
}
