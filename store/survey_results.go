package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

// SurveyStatsFilter selects the counter rows of one template family: the scope's
// hospitals, optionally one hospital and department, and a range of weeks.
type SurveyStatsFilter struct {
	Family       int64
	Scope        app.Scope
	HospitalID   int64  // 0: every hospital of the scope
	DepartmentID int64  // 0: every department
	FromWeek     string // the first week's Monday ("2006-01-02"); "" for no limit
	ToWeek       string // the last week's Monday, inclusive; "" for no limit
}

func (f SurveyStatsFilter) where(weeks bool) (string, []any) {
	conds, args := []string{"family = ?"}, []any{f.Family}
	if !f.Scope.All {
		w, a := scopeIn("hospital_id", f.Scope)
		conds, args = append(conds, w), append(args, a...)
	}
	if f.HospitalID != 0 {
		conds, args = append(conds, "hospital_id = ?"), append(args, f.HospitalID)
	}
	if f.DepartmentID != 0 {
		conds, args = append(conds, "department_id = ?"), append(args, f.DepartmentID)
	}
	if weeks && f.FromWeek != "" {
		conds, args = append(conds, "week >= ?"), append(args, f.FromWeek)
	}
	if weeks && f.ToWeek != "" {
		conds, args = append(conds, "week <= ?"), append(args, f.ToWeek)
	}
	return strings.Join(conds, " and "), args
}

// SurveyStat is the sum of the counters of one group (a week, a hospital, a department,
// or everything the filter selects).
type SurveyStat struct {
	Week         string // grouped by week
	HospitalID   int64  // grouped by hospital
	DepartmentID int64  // grouped by department (0: no department)
	Invited      int
	Responses    int
	ScoreSum     float64
	ScoreN       int
	Satisfied    int
	Promoters    int
	Passives     int
	Detractors   int
	Negatives    int
}

// Survey counter groupings.
const (
	StatsTotal      = ""
	StatsByWeek     = "week"
	StatsByHospital = "hospital_id"
	StatsByDept     = "department_id"
)

// SurveyStats sums the weekly counters the filter selects, grouped by week, hospital or
// department (in that key's order), or into one total row. It reads counters only, never
// the responses, so it costs the same at a hundred responses as at millions.
func (s *Store) SurveyStats(ctx context.Context, f SurveyStatsFilter, groupBy string) ([]SurveyStat, error) {
	key := "''"
	switch groupBy {
	case StatsTotal:
	case StatsByWeek, StatsByHospital, StatsByDept:
		key = groupBy
	default:
		return nil, fmt.Errorf("survey stats: unknown grouping %q", groupBy)
	}
	where, args := f.where(true)
	q := `select ` + key + `, coalesce(sum(invited), 0), coalesce(sum(responses), 0), coalesce(sum(score_sum), 0),
		coalesce(sum(score_n), 0), coalesce(sum(satisfied), 0), coalesce(sum(promoters), 0), coalesce(sum(passives), 0),
		coalesce(sum(detractors), 0), coalesce(sum(negatives), 0) from survey_stats where ` + where
	if groupBy != StatsTotal {
		q += ` group by ` + key + ` order by ` + key
	}
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("survey stats: %w", err)
	}
	defer rows.Close()
	var out []SurveyStat
	for rows.Next() {
		var x SurveyStat
		var k any
		if err := rows.Scan(&k, &x.Invited, &x.Responses, &x.ScoreSum, &x.ScoreN, &x.Satisfied, &x.Promoters, &x.Passives,
			&x.Detractors, &x.Negatives); err != nil {
			return nil, err
		}
		switch groupBy {
		case StatsByWeek:
			x.Week = fmt.Sprint(k)
		case StatsByHospital:
			x.HospitalID, _ = k.(int64)
		case StatsByDept:
			x.DepartmentID, _ = k.(int64)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// SurveyAnswerCounts returns how often each answer value was given to each question of a
// family (question id → value → count), from the answer counters. These counters are
// not kept per week, so the filter's weeks do not apply.
func (s *Store) SurveyAnswerCounts(ctx context.Context, f SurveyStatsFilter) (map[string]map[string]int, error) {
	where, args := f.where(false)
	rows, err := s.R.QueryContext(ctx, `select question, value, sum(count) from survey_answer_stats where `+where+`
		group by question, value`, args...)
	if err != nil {
		return nil, fmt.Errorf("survey answer counts: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var q, v string
		var n int
		if err := rows.Scan(&q, &v, &n); err != nil {
			return nil, err
		}
		if out[q] == nil {
			out[q] = map[string]int{}
		}
		out[q][v] = n
	}
	return out, rows.Err()
}

// SurveyFamilyResponses returns the responses of every template family in scope, from
// the counters (all versions, the scope's hospitals only).
func (s *Store) SurveyFamilyResponses(ctx context.Context, scope app.Scope) (map[int64]int, error) {
	q, args := `select family, sum(responses) from survey_templates group by family`, []any(nil)
	if !scope.All {
		w, a := scopeIn("hospital_id", scope)
		q, args = `select family, sum(responses) from survey_stats where `+w+` group by family`, a
	}
	rows, err := s.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var fam int64
		var n int
		if err := rows.Scan(&fam, &n); err != nil {
			return nil, err
		}
		out[fam] = n
	}
	return out, rows.Err()
}

// ActiveSurveyVersions maps each template family to the number of its active version.
func (s *Store) ActiveSurveyVersions(ctx context.Context) (map[int64]int, error) {
	rows, err := s.R.QueryContext(ctx, `select family, max(version) from survey_templates where status = 'active' group by family`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var fam int64
		var v int
		if err := rows.Scan(&fam, &v); err != nil {
			return nil, err
		}
		out[fam] = v
	}
	return out, rows.Err()
}

// SurveyResponseFilter selects the responses of one family for the results page and
// the exports: Scope, HospitalID and the keyset cursors come from the list query.
type SurveyResponseFilter struct {
	app.ListQuery
	Family       int64
	DepartmentID int64
	From, To     time.Time // created at or after From, before To (zero: no limit)
}

const surveyResponseCols = `id, coalesce(instance_id, 0), template_id, family, hospital_id, department_id, location_id, lang,
	answers, score, nps, negative, reasons, created_at`

func scanSurveyResponse(r scanner) (app.SurveyResponse, error) {
	var x app.SurveyResponse
	var answers, reasons, created string
	var score sql.NullFloat64
	var nps sql.NullInt64
	var negative int
	err := r.Scan(&x.ID, &x.InstanceID, &x.TemplateID, &x.Family, &x.HospitalID, &x.DepartmentID, &x.LocationID, &x.Lang,
		&answers, &score, &nps, &negative, &reasons, &created)
	if err != nil {
		return x, err
	}
	if err := json.Unmarshal([]byte(answers), &x.Answers); err != nil || x.Answers == nil {
		x.Answers = app.Answers{}
	}
	x.Score.Score, x.Score.HasScore = score.Float64, score.Valid
	x.Score.NPS, x.Score.HasNPS = int(nps.Int64), nps.Valid
	x.Score.Negative = negative == 1
	if reasons != "" {
		x.Score.Reasons = strings.Split(reasons, ",")
	}
	x.CreatedAt = parseTS(created)
	return x, nil
}

// ListSurveyResponses returns one page of a family's responses, newest first.
func (s *Store) ListSurveyResponses(ctx context.Context, f SurveyResponseFilter) (app.Page[app.SurveyResponse], error) {
	conds, args := []string{"family = ?"}, []any{f.Family}
	if !f.Scope.All {
		w, a := scopeIn("hospital_id", f.Scope)
		conds, args = append(conds, w), append(args, a...)
	}
	if f.HospitalID != 0 {
		conds, args = append(conds, "hospital_id = ?"), append(args, f.HospitalID)
	}
	if f.DepartmentID != 0 {
		conds, args = append(conds, "department_id = ?"), append(args, f.DepartmentID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "created_at >= ?"), append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "created_at < ?"), append(args, ts(f.To))
	}
	return list(ctx, s, keyset{table: "survey_responses", cols: surveyResponseCols, where: conds, args: args,
		after: f.After, before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanSurveyResponse,
		func(x app.SurveyResponse) int64 { return x.ID })
}

// SurveyInvitation is an invitation with the name of its template, for the list of
// recent invitations.
type SurveyInvitation struct {
	app.SurveyInstance
	Family     int64
	TemplateEN string
	TemplateAR string
}

// SurveyInvitationFilter selects invitations (anonymous ward visits are not invitations
// and are left out): Scope, HospitalID and the cursors come from the list query.
type SurveyInvitationFilter struct {
	app.ListQuery
	Family int64 // 0: every template
}

func scanSurveyInvitation(r scanner) (SurveyInvitation, error) {
	var x SurveyInvitation
	in, err := scanSurveyInstance(scanFunc(func(dest ...any) error {
		return r.Scan(append(dest, &x.Family, &x.TemplateEN, &x.TemplateAR)...)
	}))
	x.SurveyInstance = in
	return x, err
}

// ListSurveyInvitations returns one page of invitations, newest first.
func (s *Store) ListSurveyInvitations(ctx context.Context, f SurveyInvitationFilter) (app.Page[SurveyInvitation], error) {
	conds, args := []string{"i.source != 'ward'"}, []any{}
	if !f.Scope.All {
		w, a := scopeIn("i.hospital_id", f.Scope)
		conds, args = append(conds, w), append(args, a...)
	}
	if f.HospitalID != 0 {
		conds, args = append(conds, "i.hospital_id = ?"), append(args, f.HospitalID)
	}
	if f.Family != 0 {
		conds, args = append(conds, "t.family = ?"), append(args, f.Family)
	}
	return list(ctx, s, keyset{table: "survey_instances i join survey_templates t on t.id = i.template_id" +
		" left join notify_messages m on m.id = i.message_id and i.message_id != 0", idCol: "i.id",
		cols: surveyInstanceCols + `, t.family, t.name_en, t.name_ar`, where: conds, args: args,
		after: f.After, before: f.Before, limit: f.Limit, noCount: f.NoCount}, scanSurveyInvitation,
		func(x SurveyInvitation) int64 { return x.ID })
}
