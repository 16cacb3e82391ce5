package surveys

import (
	"context"
	"slices"
	"strconv"
	"time"

	"px360/app"
	"px360/store"
)

// ResultFilter narrows results, the responses list and the exports to one hospital or
// department and a date range. The counters behind the results are weekly, so the
// results count the whole weeks (Monday to Sunday, UTC) the range touches; the
// responses list and the exports use the exact dates.
type ResultFilter struct {
	HospitalID   int64
	DepartmentID int64
	From         time.Time // inclusive; zero: from the start
	To           time.Time // exclusive; zero: up to now
}

// SatisfiedScore is the score from which a response counts as satisfied.
const SatisfiedScore = 75

// Tally is what a set of counters adds up to.
type Tally struct {
	Invited      int
	Responses    int
	ResponseRate float64 // responses per invitation, in percent
	HasRate      bool    // false without invitations (ward and kiosk links invite nobody)
	CSAT         float64 // the mean score, 0–100
	Scored       int     // responses with a score
	Satisfied    float64 // percent of the scored responses scoring SatisfiedScore or more
	NPS          float64 // promoters minus detractors, percent of the NPS answers
	NPSN         int     // NPS answers
	// NPSReportable is false below app.NPSMinResponses answers: reports say
	// "insufficient data" rather than show a number that swings with every answer.
	NPSReportable bool
	Promoters     int
	Passives      int
	Detractors    int
	Negatives     int
}

func tallyOf(x store.SurveyStat) Tally {
	t := Tally{Invited: x.Invited, Responses: x.Responses, Scored: x.ScoreN, Promoters: x.Promoters, Passives: x.Passives,
		Detractors: x.Detractors, Negatives: x.Negatives}
	if x.Invited > 0 {
		t.ResponseRate, t.HasRate = float64(x.Responses)*100/float64(x.Invited), true
	}
	if x.ScoreN > 0 {
		t.CSAT = x.ScoreSum / float64(x.ScoreN)
		t.Satisfied = float64(x.Satisfied) * 100 / float64(x.ScoreN)
	}
	t.NPSN = x.Promoters + x.Passives + x.Detractors
	t.NPS, t.NPSReportable = app.NPS(x.Promoters, x.Detractors, t.NPSN)
	return t
}

// WeekResult is one week of the trend.
type WeekResult struct {
	Week time.Time // the Monday (UTC) the week starts
	Tally
}

// GroupResult is one hospital or department of a breakdown.
type GroupResult struct {
	ID int64 // the hospital or department (0: no department)
	Tally
}

// ValueCount is how often one answer value was given.
type ValueCount struct {
	Value   string
	Option  *app.Option // the choice, for single- and multiple-choice questions
	Count   int
	Percent float64 // of the question's answers
}

// QuestionResult is the answer distribution of one question.
type QuestionResult struct {
	Question app.Question
	PageID   string
	Total    int // answers counted (for multiple choice: choices)
	Values   []ValueCount
	Mean     float64 // the mean value of a numeric question (rating, Likert, NPS)
	HasMean  bool
}

// Results is the results page of a template family.
type Results struct {
	Template  app.SurveyTemplate // the version whose questions are shown
	Filter    ResultFilter
	FromWeek  time.Time // the first and last week counted (zero: no limit)
	ToWeek    time.Time
	Total     Tally
	Weeks     []WeekResult
	Hospitals []GroupResult
	Depts     []GroupResult
	Questions []QuestionResult
}

// maxTrendWeeks bounds the weekly trend (three years).
const maxTrendWeeks = 156

// Family returns the versions of a template family visible to by (newest first) and
// the version results show: the newest one patients have answered or can answer
// (active or archived), else the newest.
func (s *Service) Family(ctx context.Context, by app.Principal, family int64) ([]app.SurveyTemplate, app.SurveyTemplate, error) {
	if !by.Can(app.PermSurveyView) && !by.Can(app.PermSurveySend) && !by.Can(app.PermSurveyManage) {
		return nil, app.SurveyTemplate{}, app.ErrForbidden
	}
	versions, err := s.st.SurveyVersions(ctx, family)
	if err != nil {
		return nil, app.SurveyTemplate{}, err
	}
	if len(versions) == 0 || (versions[0].HospitalID != 0 && !by.Scope.Allows(versions[0].HospitalID)) {
		return nil, app.SurveyTemplate{}, app.ErrNotFound
	}
	shown := versions[0]
	for _, v := range versions {
		if v.Status != app.TemplateDraft {
			shown = v
			break
		}
	}
	return versions, shown, nil
}

// weekOf parses a counter week key.
func weekOf(key string) time.Time {
	t, _ := time.Parse(time.DateOnly, key)
	return t
}

func (s *Service) statsFilter(by app.Principal, family int64, f ResultFilter) (store.SurveyStatsFilter, error) {
	if f.HospitalID != 0 && !by.Scope.Allows(f.HospitalID) {
		return store.SurveyStatsFilter{}, app.ErrNotFound
	}
	sf := store.SurveyStatsFilter{Family: family, Scope: by.Scope, HospitalID: f.HospitalID, DepartmentID: f.DepartmentID}
	if !f.From.IsZero() {
		sf.FromWeek = store.Week(f.From)
	}
	if !f.To.IsZero() {
		sf.ToWeek = store.Week(f.To.Add(-time.Nanosecond))
	}
	return sf, nil
}

// Results adds up a family's counters for the filter, in the user's hospitals: the
// totals, the weekly trend, the breakdowns by hospital and department, and the answer
// distribution of every question of the version shown. It reads the counter tables
// only, so it is as fast at millions of responses as at ten.
func (s *Service) Results(ctx context.Context, by app.Principal, family int64, f ResultFilter) (Results, error) {
	if !by.Can(app.PermSurveyView) {
		return Results{}, app.ErrForbidden
	}
	_, shown, err := s.Family(ctx, by, family)
	if err != nil {
		return Results{}, err
	}
	sf, err := s.statsFilter(by, shown.Family, f)
	if err != nil {
		return Results{}, err
	}
	res := Results{Template: shown, Filter: f, FromWeek: weekOf(sf.FromWeek), ToWeek: weekOf(sf.ToWeek)}
	total, err := s.st.SurveyStats(ctx, sf, store.StatsTotal)
	if err != nil {
		return res, err
	}
	if len(total) > 0 {
		res.Total = tallyOf(total[0])
	}
	weeks, err := s.st.SurveyStats(ctx, sf, store.StatsByWeek)
	if err != nil {
		return res, err
	}
	res.Weeks = trend(weeks, res.FromWeek, res.ToWeek, weekOf(store.Week(s.Now())))
	hs, err := s.st.SurveyStats(ctx, sf, store.StatsByHospital)
	if err != nil {
		return res, err
	}
	for _, x := range hs {
		res.Hospitals = append(res.Hospitals, GroupResult{ID: x.HospitalID, Tally: tallyOf(x)})
	}
	ds, err := s.st.SurveyStats(ctx, sf, store.StatsByDept)
	if err != nil {
		return res, err
	}
	for _, x := range ds {
		res.Depts = append(res.Depts, GroupResult{ID: x.DepartmentID, Tally: tallyOf(x)})
	}
	counts, err := s.st.SurveyAnswerCounts(ctx, sf)
	if err != nil {
		return res, err
	}
	res.Questions = distributions(shown.Def, counts)
	return res, nil
}

// trend lists the weeks from the first to the last (the filter's, else the data's; not
// past this week), with empty weeks in between, at most maxTrendWeeks (the latest).
func trend(rows []store.SurveyStat, from, to, now time.Time) []WeekResult {
	if len(rows) == 0 && from.IsZero() {
		return nil
	}
	by := map[string]store.SurveyStat{}
	for _, x := range rows {
		by[x.Week] = x
	}
	first, last := from, to
	if first.IsZero() && len(rows) > 0 {
		first = weekOf(rows[0].Week)
	}
	if last.IsZero() || last.After(now) {
		last = now
	}
	if len(rows) > 0 && weekOf(rows[len(rows)-1].Week).After(last) {
		last = weekOf(rows[len(rows)-1].Week)
	}
	if last.Sub(first) > maxTrendWeeks*7*24*time.Hour {
		first = last.AddDate(0, 0, -7*(maxTrendWeeks-1))
	}
	var out []WeekResult
	for w := first; !w.After(last); w = w.AddDate(0, 0, 7) {
		x := by[w.Format(time.DateOnly)]
		out = append(out, WeekResult{Week: w, Tally: tallyOf(x)})
	}
	return out
}

// scaleValues lists a question's answer values in the order reports show them.
func scaleValues(q app.Question) []ValueCount {
	var out []ValueCount
	switch q.Type {
	case app.QYesNo:
		out = []ValueCount{{Value: "yes"}, {Value: "no"}}
	case app.QSingle, app.QMultiple:
		for i := range q.Options {
			out = append(out, ValueCount{Value: q.Options[i].Value, Option: &q.Options[i]})
		}
	default:
		if lo, hi, ok := q.Type.Scale(); ok {
			for v := lo; v <= hi; v++ {
				out = append(out, ValueCount{Value: strconv.Itoa(v)})
			}
		}
	}
	return out
}

// distributions builds every non-text question's answer counts, values in the
// question's own order (values an older version offered come last).
func distributions(def app.SurveyDefinition, counts map[string]map[string]int) []QuestionResult {
	var out []QuestionResult
	for _, p := range def.Sections {
		for _, q := range p.Questions {
			if q.Type.Text() {
				continue
			}
			r := QuestionResult{Question: q, PageID: p.ID, Values: scaleValues(q)}
			got := counts[q.ID]
			known := map[string]bool{}
			for i := range r.Values {
				r.Values[i].Count = got[r.Values[i].Value]
				known[r.Values[i].Value] = true
			}
			var extra []string
			for v := range got {
				if !known[v] {
					extra = append(extra, v)
				}
			}
			slices.Sort(extra)
			for _, v := range extra {
				r.Values = append(r.Values, ValueCount{Value: v, Count: got[v]})
			}
			sum := 0
			for _, v := range r.Values {
				r.Total += v.Count
				if n, err := strconv.Atoi(v.Value); err == nil {
					sum += n * v.Count
				}
			}
			if _, _, numeric := q.Type.Scale(); numeric && r.Total > 0 {
				r.Mean, r.HasMean = float64(sum)/float64(r.Total), true
			}
			for i := range r.Values {
				if r.Total > 0 {
					r.Values[i].Percent = float64(r.Values[i].Count) * 100 / float64(r.Total)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// CanEdit reports whether by may change the templates of hospital (0: group-wide ones,
// which only those who manage every hospital may change).
func CanEdit(by app.Principal, hospitalID int64) bool { return canEdit(by, hospitalID) }
