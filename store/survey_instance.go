package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"px360/app"
)

// SurveyTokenHash is how a link token is stored and looked up: SHA-256, hex.
func SurveyTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const surveyInstanceCols = `i.id, i.template_id, i.hospital_id, i.department_id, i.location_id, i.patient_id, i.patient_key, i.name,
	i.phone, i.email, i.lang, i.channel, i.source, i.source_ref, i.status, i.page, i.answers, i.message_id, i.created_at,
	i.expires_at, i.opened_at, i.completed_at, i.reminded_at, coalesce(m.status, '')`

// surveyInstanceFrom joins the invitation's message, whose delivery gives the status
// until the patient opens the link.
const surveyInstanceFrom = ` from survey_instances i left join notify_messages m on m.id = i.message_id and i.message_id != 0`

func scanSurveyInstance(r scanner) (app.SurveyInstance, error) {
	var in app.SurveyInstance
	var ch, source, status, answers, created, expires, opened, completed, reminded, msg string
	err := r.Scan(&in.ID, &in.TemplateID, &in.HospitalID, &in.DepartmentID, &in.LocationID, &in.PatientID, &in.PatientKey, &in.Name,
		&in.Phone, &in.Email, &in.Lang, &ch, &source, &in.SourceRef, &status, &in.Page, &answers, &in.MessageID, &created,
		&expires, &opened, &completed, &reminded, &msg)
	if err != nil {
		return in, err
	}
	in.Channel, in.Source, in.Status = app.Channel(ch), app.SurveySource(source), app.SurveyStatus(status)
	in.CreatedAt, in.ExpiresAt, in.OpenedAt, in.CompletedAt, in.RemindedAt = parseTS(created), parseTS(expires), parseTS(opened),
		parseTS(completed), parseTS(reminded)
	if in.Status == app.SurveyPending || in.Status == app.SurveySent {
		switch app.MessageStatus(msg) {
		case app.MessageSent:
			in.Status = app.SurveySent
		case app.MessageDelivered:
			in.Status = app.SurveyDelivered
		}
	}
	if err := json.Unmarshal([]byte(answers), &in.Answers); err != nil || in.Answers == nil {
		in.Answers = app.Answers{}
	}
	return in, nil
}

// InsertSurveyInstance adds an invitation with the hash of its token.
func (tx *Tx) InsertSurveyInstance(ctx context.Context, in *app.SurveyInstance, token string, tokenEnc []byte, remindAt time.Time) error {
	in.Status, in.CreatedAt = app.SurveyPending, tx.now
	if in.Answers == nil {
		in.Answers = app.Answers{}
	}
	return tx.QueryRowContext(ctx, `insert into survey_instances(template_id, hospital_id, department_id, location_id, patient_id,
		patient_key, name, phone, email, lang, channel, source, source_ref, status, token_hash, token_enc, created_at, expires_at,
		remind_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,'pending',?,?,?,?,?,?) returning id`,
		in.TemplateID, in.HospitalID, in.DepartmentID, in.LocationID, in.PatientID, in.PatientKey, in.Name, in.Phone, in.Email,
		in.Lang, in.Channel, in.Source, in.SourceRef, SurveyTokenHash(token), tokenEnc, ts(tx.now), ts(in.ExpiresAt), ts(remindAt),
		ts(tx.now)).Scan(&in.ID)
}

// SetSurveyMessage links an invitation to the message that carries it.
func (tx *Tx) SetSurveyMessage(ctx context.Context, id, messageID int64, ch app.Channel) error {
	_, err := tx.ExecContext(ctx, `update survey_instances set message_id = ?, channel = ?, updated_at = ? where id = ?`,
		messageID, ch, ts(tx.now), id)
	return err
}

// DeleteSurveyInstance removes an invitation that could not be sent (in its own transaction).
func (tx *Tx) DeleteSurveyInstance(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `delete from survey_instances where id = ?`, id)
	return err
}

// SurveyInstanceByToken returns the invitation of a link token.
func (s *Store) SurveyInstanceByToken(ctx context.Context, token string) (app.SurveyInstance, error) {
	in, err := scanSurveyInstance(s.R.QueryRowContext(ctx, `select `+surveyInstanceCols+surveyInstanceFrom+` where i.token_hash = ?`,
		SurveyTokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return in, app.ErrNotFound
	}
	return in, err
}

// SurveyInstanceByTokenTx is the transactional form (for a page save).
func (tx *Tx) SurveyInstanceByToken(ctx context.Context, token string) (app.SurveyInstance, error) {
	in, err := scanSurveyInstance(tx.QueryRowContext(ctx, `select `+surveyInstanceCols+surveyInstanceFrom+` where i.token_hash = ?`,
		SurveyTokenHash(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return in, app.ErrNotFound
	}
	return in, err
}

// SurveyInstanceByID returns one invitation in scope.
func (s *Store) SurveyInstanceByID(ctx context.Context, scope app.Scope, id int64) (app.SurveyInstance, error) {
	in, err := scanSurveyInstance(s.R.QueryRowContext(ctx, `select `+surveyInstanceCols+surveyInstanceFrom+` where i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(in.HospitalID)) {
		return in, app.ErrNotFound
	}
	return in, err
}

// MarkSurveyOpened records the first time a link was opened.
func (s *Store) MarkSurveyOpened(ctx context.Context, id int64, now time.Time) error {
	_, err := s.W.ExecContext(ctx, `update survey_instances set status = 'opened', opened_at = ?, updated_at = ?
		where id = ? and status in ('pending','sent','delivered')`, ts(now), ts(now), id)
	return err
}

// SaveSurveyProgress stores the answers so far and the next page.
func (tx *Tx) SaveSurveyProgress(ctx context.Context, id int64, a app.Answers, page int) error {
	b, _ := json.Marshal(a)
	_, err := tx.ExecContext(ctx, `update survey_instances set answers = ?, page = ?, status = case when status in
		('pending','sent','delivered') then 'opened' else status end, opened_at = case when opened_at = '' then ? else opened_at end,
		updated_at = ? where id = ? and status not in ('completed','expired')`, string(b), page, ts(tx.now), ts(tx.now), id)
	return err
}

// CompleteSurvey marks an invitation completed; false when it already was (a double
// submit), so the response is written once.
func (tx *Tx) CompleteSurvey(ctx context.Context, id int64, a app.Answers, page int) (bool, error) {
	b, _ := json.Marshal(a)
	res, err := tx.ExecContext(ctx, `update survey_instances set status = 'completed', answers = ?, page = ?, completed_at = ?,
		remind_at = '', opened_at = case when opened_at = '' then ? else opened_at end, updated_at = ?
		where id = ? and status not in ('completed','expired')`, string(b), page, ts(tx.now), ts(tx.now), ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InsertSurveyResponse writes a completed response and bumps its template's counters.
func (tx *Tx) InsertSurveyResponse(ctx context.Context, r *app.SurveyResponse) error {
	b, _ := json.Marshal(r.Answers)
	var score, nps any
	if r.Score.HasScore {
		score = r.Score.Score
	}
	if r.Score.HasNPS {
		nps = r.Score.NPS
	}
	r.CreatedAt = tx.now
	err := tx.QueryRowContext(ctx, `insert into survey_responses(instance_id, template_id, family, hospital_id, department_id,
		location_id, lang, answers, score, nps, negative, reasons, created_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
		nullID(r.InstanceID), r.TemplateID, r.Family, r.HospitalID, r.DepartmentID, r.LocationID, r.Lang, string(b), score, nps,
		boolInt(r.Score.Negative), strings.Join(r.Score.Reasons, ","), ts(tx.now)).Scan(&r.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `update survey_templates set responses = responses + 1 where id = ?`, r.TemplateID); err != nil {
		return err
	}
	return tx.bumpSurveyStats(ctx, r)
}

// Week returns the Monday (UTC date) of t's week, the key of the weekly counters.
func Week(t time.Time) string {
	t = t.UTC()
	wd := (int(t.Weekday()) + 6) % 7 // Monday 0
	return t.AddDate(0, 0, -wd).Format(time.DateOnly)
}

func (tx *Tx) bumpSurveyStats(ctx context.Context, r *app.SurveyResponse) error {
	var scoreSum float64
	var scoreN, satisfied, promoters, passives, detractors int
	if r.Score.HasScore {
		scoreSum, scoreN = r.Score.Score, 1
		if r.Score.Score >= 75 {
			satisfied = 1
		}
	}
	if r.Score.HasNPS {
		switch app.NPSGroup(r.Score.NPS) {
		case "promoter":
			promoters = 1
		case "passive":
			passives = 1
		default:
			detractors = 1
		}
	}
	_, err := tx.ExecContext(ctx, `insert into survey_stats(family, hospital_id, department_id, week, responses, score_sum, score_n,
		satisfied, promoters, passives, detractors, negatives) values (?,?,?,?,1,?,?,?,?,?,?,?)
		on conflict do update set responses = responses + 1, score_sum = score_sum + excluded.score_sum,
		score_n = score_n + excluded.score_n, satisfied = satisfied + excluded.satisfied, promoters = promoters + excluded.promoters,
		passives = passives + excluded.passives, detractors = detractors + excluded.detractors, negatives = negatives + excluded.negatives`,
		r.Family, r.HospitalID, r.DepartmentID, Week(tx.now), scoreSum, scoreN, satisfied, promoters, passives, detractors,
		boolInt(r.Score.Negative))
	if err != nil {
		return err
	}
	for q, vals := range r.Answers {
		for _, v := range vals {
			if len(v) > 40 { // text answers are not counted by value
				continue
			}
			if _, err := tx.ExecContext(ctx, `insert into survey_answer_stats(family, hospital_id, department_id, question, value, count)
				values (?,?,?,?,?,1) on conflict do update set count = count + 1`, r.Family, r.HospitalID, r.DepartmentID, q, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CountInvitation bumps the invited counter of a family's week.
func (tx *Tx) CountInvitation(ctx context.Context, family, hospitalID, departmentID int64) error {
	_, err := tx.ExecContext(ctx, `insert into survey_stats(family, hospital_id, department_id, week, invited) values (?,?,?,?,1)
		on conflict do update set invited = invited + 1`, family, hospitalID, departmentID, Week(tx.now))
	return err
}

// LastInvitation returns when a patient was last invited to a non-anonymous survey
// (zero when never), for the fatigue rule.
func (s *Store) LastInvitation(ctx context.Context, patientKey string) (time.Time, error) {
	var at string
	err := s.R.QueryRowContext(ctx, `select coalesce(max(created_at), '') from survey_instances where patient_key = ?`, patientKey).Scan(&at)
	return parseTS(at), err
}

// LastInvitationTx is LastInvitation inside a transaction (bulk invitations see their own rows).
func (tx *Tx) LastInvitation(ctx context.Context, patientKey string) (time.Time, error) {
	var at string
	err := tx.QueryRowContext(ctx, `select coalesce(max(created_at), '') from survey_instances where patient_key = ?`, patientKey).Scan(&at)
	return parseTS(at), err
}

// SurveyInstanceBySource returns the invitation created for a source record (a
// complaint's resolution survey), if any.
func (tx *Tx) SurveyInstanceBySource(ctx context.Context, source app.SurveySource, ref string) (app.SurveyInstance, bool, error) {
	in, err := scanSurveyInstance(tx.QueryRowContext(ctx, `select `+surveyInstanceCols+surveyInstanceFrom+`
		where i.source = ? and i.source_ref = ? order by i.id desc limit 1`, source, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, nil
	}
	return in, err == nil, err
}

// DueReminders returns up to limit invitations whose reminder time has come.
func (s *Store) DueReminders(ctx context.Context, now time.Time, limit int) ([]app.SurveyInstance, error) {
	rows, err := s.R.QueryContext(ctx, `select `+surveyInstanceCols+surveyInstanceFrom+` where i.remind_at != '' and i.remind_at <= ?
		order by i.remind_at limit ?`, ts(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.SurveyInstance
	for rows.Next() {
		in, err := scanSurveyInstance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// MarkReminded clears an invitation's reminder (sent, or no longer wanted).
func (tx *Tx) MarkReminded(ctx context.Context, id int64, sent bool) error {
	at := ""
	if sent {
		at = ts(tx.now)
	}
	_, err := tx.ExecContext(ctx, `update survey_instances set remind_at = '', reminded_at = case when ? = '' then reminded_at else ? end,
		updated_at = ? where id = ?`, at, at, ts(tx.now), id)
	return err
}

// ExpireSurveys marks up to limit invitations past their expiry as expired.
func (s *Store) ExpireSurveys(ctx context.Context, now time.Time, limit int) (int64, error) {
	res, err := s.W.ExecContext(ctx, `update survey_instances set status = 'expired', remind_at = '', updated_at = ?
		where id in (select id from survey_instances where status not in ('completed','expired') and expires_at <= ? limit ?)`,
		ts(now), ts(now), limit)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SurveyTokenEnc returns an invitation's encrypted token (nil for anonymous ones).
func (tx *Tx) SurveyTokenEnc(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := tx.QueryRowContext(ctx, `select token_enc from survey_instances where id = ?`, id).Scan(&b)
	return b, err
}
