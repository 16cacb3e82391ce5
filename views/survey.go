package views

import (
	"math"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
	"px360/app/surveys"
)

// SurveyTemplateRow is one template (its newest version) on the templates page.
type SurveyTemplateRow struct {
	T             app.SurveyTemplate
	ActiveVersion int // 0: no active version
	Responses     int // all versions, in the user's hospitals
	Editable      bool
}

func surveyKindName(f Frame, k app.SurveyKind) string { return f.T("survey.kind." + string(k)) }

// surveyScopeName names where a template is used: one hospital or every one.
func surveyScopeName(f Frame, hospitalID int64) string {
	if hospitalID == 0 {
		return f.T("survey.group_wide")
	}
	return f.HospitalName(hospitalID)
}

var surveyStatusTone = map[app.TemplateStatus]string{app.TemplateActive: "badge-ok", app.TemplateDraft: "badge-warn",
	app.TemplateArchived: "badge-muted"}

func surveyStatusBadge(f Frame, s app.TemplateStatus) g.Node {
	return h.Span(h.Class("badge "+surveyStatusTone[s]), g.Text(f.T("survey.status."+string(s))))
}

func surveyTemplateName(f Frame, t app.SurveyTemplate) string {
	return app.Name(f.Lang, t.NameEN, t.NameAR)
}

// surveyNumber writes a figure with one decimal ("45.8"), whole numbers without one.
func surveyNumber(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func surveyPct(v float64) string { return surveyNumber(v) + "%" }

// signedNPS writes an NPS with its sign: "+42", "−8", "0".
func signedNPS(v float64) string {
	switch {
	case v > 0:
		return "+" + surveyNumber(v)
	case v < 0:
		return "−" + surveyNumber(-v)
	}
	return "0"
}

// SurveyCreateFields are the fields of the "new template" form.
func SurveyCreateFields(f Frame, rows []SurveyTemplateRow) []Field {
	var kinds []Option
	for _, k := range app.SurveyKinds {
		kinds = append(kinds, Option{string(k), surveyKindName(f, k)})
	}
	hospitals := hospitalOptions(f)
	if f.Can(app.PermHospitalManage) {
		hospitals = append([]Option{{"0", f.T("survey.group_wide")}}, hospitals...)
	}
	copies := []Option{{"", f.T("survey.copy_none")}}
	for _, r := range rows {
		copies = append(copies, Option{id64(r.T.Family), surveyTemplateName(f, r.T)})
	}
	return []Field{
		{Name: "name_en", Label: "survey.field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "survey.field.name_ar", Required: true, Dir: "rtl"},
		{Name: "kind", Label: "survey.field.kind", Kind: "select", Required: true, Options: kinds, Help: "survey.help.kind"},
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitals},
		{Name: "copy_from", Label: "survey.field.copy_from", Kind: "select", Options: copies, Help: "survey.help.copy_from"},
	}
}

// SurveyTemplates is the templates page: every template the user may see with its
// active version and responses, links to results and the editor, and (for those who
// manage surveys) the form that starts a new one.
func SurveyTemplates(f Frame, rows []SurveyTemplateRow, create Form) g.Node {
	title := f.T("survey.templates_title")
	canCreate := f.Can(app.PermSurveyManage)
	return Page(f, title,
		pageHeader(title,
			g.If(f.Can(app.PermSurveySend), h.A(h.Class("btn"), h.Href("/surveys/invitations"), g.Text(f.T("nav.survey_invitations")))),
			g.If(canCreate, h.A(h.Class("btn"), h.Href("/surveys/locations"), g.Text(f.T("nav.survey_locations")))),
			g.If(canCreate, h.A(h.Class("btn"), h.Href("/surveys/settings"), g.Text(f.T("nav.survey_settings")))),
			g.If(canCreate, linkButton("#new-template", f.T("survey.new")))),
		h.P(h.Class("help"), g.Text(f.T("survey.templates_help"))),
		table(f, rows, []Column[SurveyTemplateRow]{
			{Key: "survey.field.name", Cell: func(x SurveyTemplateRow) g.Node { return g.Text(surveyTemplateName(f, x.T)) }},
			{Key: "survey.field.kind", Cell: func(x SurveyTemplateRow) g.Node { return g.Text(surveyKindName(f, x.T.Kind)) }},
			{Key: "field.hospital", Cell: func(x SurveyTemplateRow) g.Node { return g.Text(surveyScopeName(f, x.T.HospitalID)) }},
			{Key: "survey.field.active_version", Cell: func(x SurveyTemplateRow) g.Node {
				if x.ActiveVersion == 0 {
					return h.Span(h.Class("muted"), g.Text(f.T("survey.none_active")))
				}
				return g.Text(f.T("survey.version_n", x.ActiveVersion))
			}},
			{Key: "survey.field.responses", Num: true, Cell: func(x SurveyTemplateRow) g.Node { return g.Text(strconv.Itoa(x.Responses)) }},
			{Key: "field.status", Cell: func(x SurveyTemplateRow) g.Node {
				if x.T.Status == app.TemplateDraft && x.ActiveVersion != 0 {
					return h.Span(surveyStatusBadge(f, app.TemplateActive), g.Text(" "),
						h.Span(h.Class("small muted"), g.Text(f.T("survey.draft_pending", x.T.Version))))
				}
				return surveyStatusBadge(f, x.T.Status)
			}},
			{Key: "survey.field.actions", Cell: func(x SurveyTemplateRow) g.Node {
				return h.Span(h.Class("actions-inline"),
					h.A(h.Href("/surveys/"+id64(x.T.Family)), g.Text(f.T("survey.results"))),
					g.If(f.Can(app.PermSurveyManage), h.A(h.Href("/surveys/"+id64(x.T.ID)+"/edit"),
						g.Text(f.T(map[bool]string{true: "survey.edit", false: "survey.view_questions"}[x.Editable])))))
			}},
		}, func(x SurveyTemplateRow) string { return "/surveys/" + id64(x.T.Family) }),
		g.If(canCreate, h.Section(h.Class("card"), h.ID("new-template"),
			h.H2(g.Text(f.T("survey.new"))),
			h.P(h.Class("help"), g.Text(f.T("survey.new_help"))),
			FormView(f, "/surveys", "survey.create", create, SurveyCreateFields(f, rows)))),
	)
}

// SurveyResultsPage is a template family's results page.
type SurveyResultsPage struct {
	Family    int64
	Versions  []app.SurveyTemplate // newest first
	R         surveys.Results
	Responses app.Page[app.SurveyResponse]
	Depts     []app.Department // the user's, for the filter and names
	Filter    Filter           // HospitalID; Extra: department, from, to
	CanEdit   bool
}

// surveyNPS is an NPS as reports show it: "insufficient data (n = 12)" below the minimum.
func surveyNPS(f Frame, t surveys.Tally) string {
	switch {
	case t.NPSN == 0:
		return f.T("survey.results.no_answers")
	case !t.NPSReportable:
		return f.T("survey.results.nps_insufficient", t.NPSN)
	}
	return signedNPS(t.NPS) + " " + f.T("survey.results.n", t.NPSN)
}

func surveyCSAT(f Frame, t surveys.Tally) string {
	if t.Scored == 0 {
		return "—"
	}
	return surveyNumber(t.CSAT)
}

func surveyRate(t surveys.Tally) string {
	if !t.HasRate {
		return "—"
	}
	return surveyPct(t.ResponseRate)
}

func surveyTile(label, value, tone string, extra ...g.Node) g.Node {
	return h.Div(h.Class(strings.TrimSpace("tile "+tone)), h.Span(h.Class("tile-label"), g.Text(label)),
		h.Span(h.Class("tile-value"), h.Dir("ltr"), g.Text(value)), g.Group(extra))
}

// surveyBar is a horizontal bar of pct percent, for the eye only (the numbers beside it are
// the data). SVG attributes set its length, so no inline style is needed.
func surveyBar(pct float64) g.Node {
	w := strconv.FormatFloat(math.Max(0, math.Min(100, pct)), 'f', 1, 64)
	return g.El("svg", h.Class("hbar"), g.Attr("viewBox", "0 0 100 10"), g.Attr("preserveAspectRatio", "none"),
		h.Aria("hidden", "true"), g.Attr("focusable", "false"),
		g.El("rect", h.Class("hbar-track"), g.Attr("width", "100"), g.Attr("height", "10")),
		g.El("rect", h.Class("hbar-fill"), g.Attr("width", w), g.Attr("height", "10")))
}

// surveyAnswerLabel names an answer value in the reader's language.
func surveyAnswerLabel(f Frame, q app.Question, v surveys.ValueCount) g.Node {
	switch {
	case v.Option != nil:
		return g.Text(app.Name(f.Lang, v.Option.LabelEN, v.Option.LabelAR))
	case q.Type == app.QYesNo && (v.Value == "yes" || v.Value == "no"):
		return g.Text(f.T("survey.answer." + v.Value))
	case (q.Type == app.QRating || q.Type == app.QLikert) && len(v.Value) == 1 && v.Value >= "1" && v.Value <= "5":
		return g.Text(f.T("survey.answer." + string(q.Type) + "." + v.Value))
	}
	return ltr(v.Value)
}

func surveyQuestionText(f Frame, q app.Question) string { return app.Name(f.Lang, q.TextEN, q.TextAR) }

// SurveyResults is the results page: filters, the headline numbers, the weekly trend,
// breakdowns by hospital and department, every question's answers, and the latest
// responses with the exports.
func SurveyResults(f Frame, p SurveyResultsPage) g.Node {
	t := p.R.Template
	title := surveyTemplateName(f, t)
	base := "/surveys/" + id64(p.Family)
	exportQuery := p.Filter.query()
	exportQuery.Del("after")
	exportQuery.Del("before")
	suffix := ""
	if q := exportQuery.Encode(); q != "" {
		suffix = "?" + q
	}
	tot := p.R.Total
	dep := map[int64]app.Department{}
	for _, d := range p.Depts {
		dep[d.ID] = d
	}
	deptName := func(id int64) string {
		if d, ok := dep[id]; ok {
			return app.Name(f.Lang, d.NameEN, d.NameAR)
		}
		if id == 0 {
			return f.T("survey.no_department")
		}
		return "#" + id64(id)
	}
	dated := !p.R.FromWeek.IsZero() || !p.R.ToWeek.IsZero()
	return Page(f, title,
		pageHeader(title,
			g.If(p.CanEdit, h.A(h.Class("btn"), h.Href("/surveys/"+id64(p.Versions[0].ID)+"/edit"), g.Text(f.T("survey.edit")))),
			h.A(h.Class("btn"), h.Href(base+"/export.csv"+suffix), h.Download(""), g.Text(f.T("survey.export_csv"))),
			h.A(h.Class("btn"), h.Href(base+"/export.xlsx"+suffix), h.Download(""), g.Text(f.T("survey.export_xlsx")))),
		h.P(h.Class("muted"), g.Text(surveyKindName(f, t.Kind)+" · "+surveyScopeName(f, t.HospitalID)+" · "+f.T("survey.results.version_shown", t.Version))),
		surveyResultFilters(f, base, p),
		h.Section(h.Class("tiles"), h.Aria("label", f.T("survey.results.summary")),
			surveyTile(f.T("survey.results.responses"), strconv.Itoa(tot.Responses), ""),
			surveyTile(f.T("survey.results.response_rate"), surveyRate(tot), "",
				h.Span(h.Class("small muted"), g.Text(f.T("survey.results.invited_n", tot.Invited)))),
			surveyTile(f.T("survey.results.csat"), surveyCSAT(f, tot), surveyCSATTone(tot),
				h.Span(h.Class("small muted"), g.Text(f.T("survey.results.scored_n", tot.Scored)))),
			surveyTile(f.T("survey.results.satisfied"), map[bool]string{true: surveyPct(tot.Satisfied), false: "—"}[tot.Scored > 0], ""),
			surveyNPSTile(f, tot),
			surveyTile(f.T("survey.results.negatives"), strconv.Itoa(tot.Negatives), map[bool]string{true: "tile-bad", false: ""}[tot.Negatives > 0]),
		),
		g.If(dated, h.P(h.Class("help"), g.Text(f.T("survey.results.weeks_note", surveyWeek(p.R.FromWeek, "…"), surveyWeek(p.R.ToWeek.AddDate(0, 0, 6), "…"))))),
		surveyTrend(f, p.R.Weeks),
		surveyBreakdown(f, "survey.results.by_hospital", "field.hospital", p.R.Hospitals, f.HospitalName, len(f.Hospitals) > 1),
		surveyBreakdown(f, "survey.results.by_department", "field.department", p.R.Depts, deptName, true),
		h.Section(h.Class("card"), h.ID("questions"),
			h.H2(g.Text(f.T("survey.results.questions"))),
			g.If(dated, h.P(h.Class("help"), g.Text(f.T("survey.results.answers_all_dates")))),
			g.If(len(p.R.Questions) == 0, h.P(h.Class("empty"), g.Text(f.T("list.empty")))),
			g.Map(p.R.Questions, func(q surveys.QuestionResult) g.Node { return surveyQuestionResult(f, q) }),
		),
		surveyResponsesCard(f, p, deptName),
	)
}

func surveyCSATTone(t surveys.Tally) string {
	switch {
	case t.Scored == 0:
		return ""
	case t.CSAT >= surveys.SatisfiedScore:
		return "tile-ok"
	case t.CSAT < 60:
		return "tile-bad"
	}
	return "tile-warn"
}

func surveyNPSTile(f Frame, t surveys.Tally) g.Node {
	if !t.NPSReportable {
		return h.Div(h.Class("tile"), h.Span(h.Class("tile-label"), g.Text(f.T("survey.results.nps"))),
			h.Span(h.Class("tile-note"), g.Text(surveyNPS(f, t))))
	}
	return surveyTile(f.T("survey.results.nps"), signedNPS(t.NPS), "",
		h.Span(h.Class("small muted"), g.Text(f.T("survey.results.n", t.NPSN))))
}

func surveyWeek(w time.Time, none string) string {
	if w.IsZero() || w.Year() < 2 {
		return none
	}
	return w.Format(time.DateOnly)
}

// surveyResultFilters is the results page's filter bar: hospital, department, dates.
func surveyResultFilters(f Frame, base string, p SurveyResultsPage) g.Node {
	x := p.Filter.Extra
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		opts := []g.Node{h.Option(h.Value(""), g.Text(f.T("filter.all_hospitals")))}
		for _, hs := range f.Hospitals {
			opts = append(opts, h.Option(h.Value(id64(hs.ID)), g.If(p.Filter.HospitalID == hs.ID, h.Selected()),
				g.Text(app.Name(f.Lang, hs.NameEN, hs.NameAR))))
		}
		hospital = h.Div(h.Class("field"), h.Label(h.For("filter-hospital"), g.Text(f.T("field.hospital"))),
			h.Select(h.ID("filter-hospital"), h.Name("hospital"), g.Group(opts)))
	}
	depOpts := []g.Node{h.Option(h.Value(""), g.Text(f.T("survey.filter.all_departments")))}
	for _, d := range p.Depts {
		v := id64(d.ID)
		depOpts = append(depOpts, h.Option(h.Value(v), g.If(x.Get("department") == v, h.Selected()),
			g.Text(f.HospitalCode(d.HospitalID)+" · "+app.Name(f.Lang, d.NameEN, d.NameAR))))
	}
	date := func(name, label string) g.Node {
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Input(h.ID("filter-"+name), h.Type("date"), h.Name(name), h.Dir("ltr"), h.Value(x.Get(name))))
	}
	return h.Form(h.Class("filters"), h.Method("get"), h.Action(base), h.Role("search"),
		hospital,
		h.Div(h.Class("field"), h.Label(h.For("filter-department"), g.Text(f.T("field.department"))),
			h.Select(h.ID("filter-department"), h.Name("department"), g.Group(depOpts))),
		date("from", "survey.filter.from"),
		date("to", "survey.filter.to"),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
	)
}

func surveyTrend(f Frame, weeks []surveys.WeekResult) g.Node {
	most := 0
	for _, w := range weeks {
		most = max(most, w.Responses)
	}
	var rows []g.Node
	for i := len(weeks) - 1; i >= 0; i-- { // newest first
		w := weeks[i]
		share := 0.0
		if most > 0 {
			share = float64(w.Responses) * 100 / float64(most)
		}
		rows = append(rows, h.Tr(
			h.Th(h.Scope("row"), h.Time(h.DateTime(w.Week.Format(time.DateOnly)), h.Dir("ltr"), g.Text(w.Week.Format(time.DateOnly)))),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(w.Responses))),
			h.Td(h.Class("bar-cell"), surveyBar(share)),
			h.Td(h.Class("num"), g.Text(surveyCSAT(f, w.Tally))),
			h.Td(g.Text(surveyNPS(f, w.Tally))),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(w.Negatives))),
		))
	}
	return h.Section(h.Class("card"), h.ID("trend"),
		h.H2(g.Text(f.T("survey.results.trend"))),
		g.If(len(rows) == 0, h.P(h.Class("empty"), g.Text(f.T("list.empty")))),
		g.If(len(rows) > 0, h.Div(h.Class("table-wrap trend"), h.Table(h.Class("table"),
			h.Caption(h.Class("visually-hidden"), g.Text(f.T("survey.results.trend"))),
			h.THead(h.Tr(
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.week"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.responses"))),
				h.Th(h.Scope("col"), h.Span(h.Class("visually-hidden"), g.Text(f.T("survey.results.chart")))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.csat"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.nps"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.negatives"))))),
			h.TBody(rows...)))),
	)
}

func surveyBreakdown(f Frame, title, col string, groups []surveys.GroupResult, name func(int64) string, show bool) g.Node {
	if !show || len(groups) == 0 {
		return nil
	}
	var rows []g.Node
	for _, x := range groups {
		rows = append(rows, h.Tr(
			h.Th(h.Scope("row"), g.Text(name(x.ID))),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(x.Responses))),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(x.Invited))),
			h.Td(h.Class("num"), g.Text(surveyRate(x.Tally))),
			h.Td(h.Class("num"), g.Text(surveyCSAT(f, x.Tally))),
			h.Td(h.Class("num"), g.Text(map[bool]string{true: surveyPct(x.Satisfied), false: "—"}[x.Scored > 0])),
			h.Td(g.Text(surveyNPS(f, x.Tally))),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(x.Negatives))),
		))
	}
	return h.Section(h.Class("card"),
		h.H2(g.Text(f.T(title))),
		h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.THead(h.Tr(
				h.Th(h.Scope("col"), g.Text(f.T(col))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.responses"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.invited"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.response_rate"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.csat"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.satisfied"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.nps"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.negatives"))))),
			h.TBody(rows...))),
	)
}

// surveyQuestionResult is one question's answers: a table of counts and shares, each row with
// a bar (hidden from screen readers: the table says it all).
func surveyQuestionResult(f Frame, q surveys.QuestionResult) g.Node {
	id := "qr-" + q.Question.ID
	var rows []g.Node
	for _, v := range q.Values {
		rows = append(rows, h.Tr(
			h.Th(h.Scope("row"), surveyAnswerLabel(f, q.Question, v)),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(v.Count))),
			h.Td(h.Class("num"), g.Text(surveyPct(v.Percent))),
			h.Td(h.Class("bar-cell"), surveyBar(v.Percent)),
		))
	}
	summary := f.T("survey.results.answers_n", q.Total)
	if q.HasMean {
		summary += " · " + f.T("survey.results.mean", surveyNumber(q.Mean))
	}
	return h.Div(h.Class("question-result"), h.ID(id),
		h.H3(h.ID(id+"-title"), h.Dir("auto"), g.Text(surveyQuestionText(f, q.Question))),
		h.P(h.Class("small muted"), g.Text(f.T("survey.type."+string(q.Question.Type))+" · "+summary)),
		h.Div(h.Class("table-wrap"), h.Table(h.Class("table distribution"), h.Aria("labelledby", id+"-title"),
			h.THead(h.Tr(
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.answer"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.count"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.results.share"))),
				h.Th(h.Scope("col"), h.Span(h.Class("visually-hidden"), g.Text(f.T("survey.results.chart")))))),
			h.TBody(rows...))),
	)
}

// surveyResponseText joins a response's free-text answers.
func surveyResponseText(def app.SurveyDefinition, a app.Answers) string {
	var parts []string
	for _, p := range def.Sections {
		for _, q := range p.Questions {
			if q.Type.Text() {
				if v := a.Get(q.ID); v != "" {
					parts = append(parts, v)
				}
			}
		}
	}
	s := strings.Join(parts, " · ")
	if r := []rune(s); len(r) > 280 {
		s = string(r[:280]) + "…"
	}
	return s
}

func surveyResponsesCard(f Frame, p SurveyResultsPage, deptName func(int64) string) g.Node {
	def := p.R.Template.Def
	return h.Section(h.Class("card"), h.ID("responses"),
		h.H2(g.Text(f.T("survey.results.latest"))),
		table(f, p.Responses.Items, []Column[app.SurveyResponse]{
			{Key: "survey.results.date", Cell: func(r app.SurveyResponse) g.Node { return f.DateTime(r.CreatedAt) }},
			{Key: "field.hospital", Cell: func(r app.SurveyResponse) g.Node { return g.Text(f.HospitalCode(r.HospitalID)) }},
			{Key: "field.department", Cell: func(r app.SurveyResponse) g.Node { return g.Text(deptName(r.DepartmentID)) }},
			{Key: "survey.results.language", Cell: func(r app.SurveyResponse) g.Node {
				return g.Text(map[string]string{"ar": "العربية", "en": "English"}[r.Lang])
			}},
			{Key: "survey.results.score", Num: true, Cell: func(r app.SurveyResponse) g.Node {
				if !r.Score.HasScore {
					return g.Text("—")
				}
				return g.Text(surveyNumber(r.Score.Score))
			}},
			{Key: "survey.results.nps_answer", Num: true, Cell: func(r app.SurveyResponse) g.Node {
				if !r.Score.HasNPS {
					return g.Text("—")
				}
				return g.Text(strconv.Itoa(r.Score.NPS))
			}},
			{Key: "survey.results.negative", Cell: func(r app.SurveyResponse) g.Node {
				if !r.Score.Negative {
					return h.Span(h.Class("muted"), g.Text(f.T("survey.answer.no")))
				}
				return h.Span(h.Class("badge badge-bad"), g.Text(f.T("survey.results.negative_badge")))
			}},
			{Key: "survey.results.comments", Cell: func(r app.SurveyResponse) g.Node {
				return h.Span(h.Dir("auto"), g.Text(surveyResponseText(def, r.Answers)))
			}},
		}, nil),
		pager(f, "/surveys/"+id64(p.Family), p.Filter, p.Responses),
	)
}
