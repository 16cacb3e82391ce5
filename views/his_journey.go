package views

import (
	"slices"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// JourneyBlankRows is how many empty stage rows the journey editor adds for new stages.
const JourneyBlankRows = 3

// JourneyStageColumns are the form names of a stage row's inputs, stage_<name>_<row>.
var JourneyStageColumns = []string{"code", "name_en", "name_ar", "trigger", "survey", "delay", "start", "end"}

// JourneyEditor is the journey editor's state.
type JourneyEditor struct {
	Template app.JourneyTemplate // as stored (ID 0 for a new journey)
	Editable bool                // the user may change it (group-wide journeys need a group-wide user)
	Group    bool                // the user may create group-wide journeys
	Form     Form                // code, name_en, name_ar, patient_classes, active, hospital_id, stage_<column>_<row>
	Rows     int                 // stage rows on the form
	Surveys  []Option            // survey families a stage may send (value: family id)
	Problem  string              // a message-catalog key shown above the form
}

// journeyHospital names a journey's hospital.
func journeyHospital(f Frame, id int64) string {
	if id == 0 {
		return f.T("his.journey.every_hospital")
	}
	return f.HospitalName(id)
}

// eventLabel names an ADT event: its code and what it means.
func eventLabel(f Frame, code string) string {
	if code == "" {
		return "—"
	}
	return code + tOr(f, "his.event."+strings.ToLower(code), "", " · ")
}

// tOr translates key (after sep) when the catalog has it, else returns fallback: for
// codes that come from outside (HIS classes, statuses) and may be unknown.
func tOr(f Frame, key, fallback, sep string) string {
	if _, ok := catalog[key]; ok {
		return sep + f.T(key)
	}
	return fallback
}

// JourneyList lists the journeys of a hospital with the group-wide ones; hospitalID 0
// shows the group-wide ones alone.
func JourneyList(f Frame, ts []app.JourneyTemplate, hospitalID int64, group bool) g.Node {
	var opts []g.Node
	if group {
		opts = append(opts, h.Option(h.Value(""), g.Text(f.T("his.journey.group_only"))))
	}
	for _, x := range f.Hospitals {
		opts = append(opts, h.Option(h.Value(id64(x.ID)), g.If(x.ID == hospitalID, h.Selected()), g.Text(app.Name(f.Lang, x.NameEN, x.NameAR))))
	}
	newHref := "/admin/journeys/new"
	if hospitalID != 0 {
		newHref += "?hospital=" + id64(hospitalID)
	}
	return Page(f, f.T("nav.journeys"),
		pageHeader(f.T("nav.journeys"), linkButton(newHref, f.T("his.journey.new"))),
		h.P(g.Text(f.T("his.journey.list_help"))),
		h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
			h.Div(h.Class("field"), h.Label(h.For("filter-hospital"), g.Text(f.T("field.hospital"))),
				h.Select(h.ID("filter-hospital"), h.Name("hospital"), g.Group(opts))),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply")))),
		table(f, ts, []Column[app.JourneyTemplate]{
			{Key: "field.code", Cell: func(x app.JourneyTemplate) g.Node { return ltr(x.Code) }},
			{Key: "field.name", Cell: func(x app.JourneyTemplate) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.hospital", Cell: func(x app.JourneyTemplate) g.Node { return g.Text(journeyHospital(f, x.HospitalID)) }},
			{Key: "his.journey.field.classes", Cell: func(x app.JourneyTemplate) g.Node { return ltr(strings.Join(x.PatientClasses, ", ")) }},
			{Key: "his.journey.field.stages", Num: true, Cell: func(x app.JourneyTemplate) g.Node { return g.Text(strconv.Itoa(len(x.Stages))) }},
			{Key: "field.status", Cell: func(x app.JourneyTemplate) g.Node {
				return badge(x.Active, f.T("status.active"), f.T("status.inactive"))
			}},
		}, func(x app.JourneyTemplate) string { return "/admin/journeys/" + id64(x.ID) }),
	)
}

// journeyFields are the journey form's fields above the stages table.
func journeyFields(f Frame, e JourneyEditor) []Field {
	var fields []Field
	if e.Template.ID == 0 {
		hospitals := hospitalOptions(f)
		if e.Group {
			hospitals = append([]Option{{"", f.T("his.journey.every_hospital")}}, hospitals...)
			fields = append(fields, Field{Name: "hospital_id", Label: "field.hospital", Kind: "anyselect", Options: hospitals,
				Help: "his.journey.help.hospital"})
		} else {
			fields = append(fields, Field{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitals})
		}
		fields = append(fields, Field{Name: "code", Label: "field.code", Required: true, Help: "his.journey.help.code", Dir: "ltr", Auto: "off"})
	}
	return append(fields,
		Field{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		Field{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		Field{Name: "patient_classes", Label: "his.journey.field.classes", Required: true, Help: "his.journey.help.classes", Dir: "ltr", Auto: "off"},
		Field{Name: "active", Label: "field.active", Kind: "checkbox"},
	)
}

// triggerOptions are the ADT events a stage may wait for, in code order.
func triggerOptions(f Frame) []Option {
	codes := make([]string, 0, len(app.HISEvents))
	for c := range app.HISEvents {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	out := make([]Option, len(codes))
	for i, c := range codes {
		out[i] = Option{c, eventLabel(f, c)}
	}
	return out
}

// stageErrorKey is the form error of stage row i.
func stageErrorKey(i int) string { return "stages." + strconv.Itoa(i) }

// journeyErrorSummary lists the journey form's errors, stage rows by their number.
func journeyErrorSummary(f Frame, form Form, fields []Field, rows int) g.Node {
	if len(form.Errors) == 0 {
		return nil
	}
	var items []g.Node
	for _, fl := range fields {
		if key, ok := form.Errors[fl.Name]; ok {
			items = append(items, h.Li(h.A(h.Href("#f-"+fl.Name), g.Text(f.T(fl.Label)+": "+f.T(key)))))
		}
	}
	if key, ok := form.Errors["stages"]; ok {
		items = append(items, h.Li(h.A(h.Href("#stages-title"), g.Text(f.T("his.journey.field.stages")+": "+f.T(key)))))
	}
	for i := range rows {
		if key, ok := form.Errors[stageErrorKey(i)]; ok {
			items = append(items, h.Li(h.A(h.Href("#stage_code_"+strconv.Itoa(i)), g.Text(f.T("his.journey.stage_n", i+1)+": "+f.T(key)))))
		}
	}
	return h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"), h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(items...))
}

// stageRow renders stage row i of the editor; a row with an error says so beneath it.
func stageRow(f Frame, e JourneyEditor, i int, triggers, surveys []Option) g.Node {
	n := strconv.Itoa(i)
	errKey, hasErr := e.Form.Errors[stageErrorKey(i)]
	errID := "stage-" + n + "-error"
	val := func(col string) string { return e.Form.Values.Get("stage_" + col + "_" + n) }
	common := func(col, label string) g.Node {
		return g.Group{h.ID("stage_" + col + "_" + n), h.Name("stage_" + col + "_" + n),
			h.Aria("label", f.T("his.journey.stage_n", i+1)+" · "+f.T(label)),
			g.If(hasErr, g.Group{h.Aria("invalid", "true"), h.Aria("describedby", errID)})}
	}
	text := func(col, label, dir string) g.Node {
		return h.Td(h.Input(common(col, label), h.Type("text"), h.Value(val(col)), g.If(dir != "", h.Dir(dir)), h.AutoComplete("off")))
	}
	sel := func(col, label string, opts []Option, none string) g.Node {
		v := val(col)
		nodes := []g.Node{h.Option(h.Value(""), g.Text(f.T(none)))}
		known := false
		for _, o := range opts {
			known = known || o.Value == v
			nodes = append(nodes, h.Option(h.Value(o.Value), g.If(o.Value == v, h.Selected()), g.Text(o.Label)))
		}
		if v != "" && !known {
			nodes = append(nodes, h.Option(h.Value(v), h.Selected(), g.Text("#"+v)))
		}
		return h.Td(h.Select(common(col, label), g.Group(nodes)))
	}
	row := h.Tr(g.If(hasErr, h.Class("has-error")),
		h.Th(h.Scope("row"), g.El("bdi", g.Text(strconv.Itoa(i+1)))),
		text("code", "field.code", "ltr"),
		text("name_en", "field.name_en", "ltr"),
		text("name_ar", "field.name_ar", "rtl"),
		sel("trigger", "his.journey.field.trigger", triggers, "form.choose"),
		sel("survey", "his.journey.field.survey", surveys, "his.journey.no_survey"),
		h.Td(h.Input(common("delay", "his.journey.field.delay"), h.Type("text"), g.Attr("inputmode", "numeric"), h.Dir("ltr"),
			h.Class("his-narrow"), h.Value(val("delay")))),
		h.Td(h.Input(common("start", "his.journey.field.window_start"), h.Type("time"), h.Dir("ltr"), h.Value(val("start")))),
		h.Td(h.Input(common("end", "his.journey.field.window_end"), h.Type("time"), h.Dir("ltr"), h.Value(val("end")))),
	)
	if !hasErr {
		return row
	}
	return g.Group{row, h.Tr(h.Class("stage-error"), h.Td(h.ColSpan("9"),
		h.P(h.ID(errID), h.Class("field-error"), g.Text(f.T("his.journey.stage_n", i+1)+": "+f.T(errKey)))))}
}

// JourneyForm is the journey editor (no JavaScript): the journey's fields, then a table
// of stages in order with blank rows to add more; a row without a code is dropped.
func JourneyForm(f Frame, e JourneyEditor) g.Node {
	t := e.Template
	title, action := f.T("his.journey.new"), "/admin/journeys"
	if t.ID != 0 {
		title, action = app.Name(f.Lang, t.NameEN, t.NameAR), "/admin/journeys/"+id64(t.ID)
	}
	back := h.A(h.Class("btn"), h.Href(journeysHref(t.HospitalID)), g.Text(f.T("nav.journeys")))
	if !e.Editable {
		return Page(f, title, pageHeader(title, back),
			g.If(e.Problem != "", h.Div(h.Class("alert"), h.Role("alert"), h.P(g.Text(f.T(e.Problem))))),
			journeyReadOnly(f, t, e.Surveys))
	}
	fields := journeyFields(f, e)
	triggers := triggerOptions(f)
	var about g.Node
	if t.ID != 0 {
		about = h.Dl(h.Class("details"),
			h.Dt(g.Text(f.T("field.code"))), h.Dd(ltr(t.Code)),
			h.Dt(g.Text(f.T("field.hospital"))), h.Dd(g.Text(journeyHospital(f, t.HospitalID))))
	}
	heads := []string{"his.journey.col.n", "field.code", "field.name_en", "field.name_ar", "his.journey.field.trigger",
		"his.journey.field.survey", "his.journey.field.delay", "his.journey.field.window_start", "his.journey.field.window_end"}
	stagesErr, hasStagesErr := e.Form.Errors["stages"]
	rows := make([]g.Node, e.Rows)
	for i := range e.Rows {
		rows[i] = stageRow(f, e, i, triggers, e.Surveys)
	}
	return Page(f, title, pageHeader(title, back),
		g.If(e.Problem != "", h.Div(h.Class("alert"), h.Role("alert"), h.P(g.Text(f.T(e.Problem))))),
		h.Section(h.Class("card"), about,
			h.Form(h.Class("form journey-form"), h.Method("post"), h.Action(action), g.Attr("novalidate"),
				journeyErrorSummary(f, e.Form, fields, e.Rows),
				g.Map(fields, func(fl Field) g.Node { return slaFieldNode(f, e.Form, fl) }),
				h.Input(h.Type("hidden"), h.Name("rows"), h.Value(strconv.Itoa(e.Rows))),
				h.FieldSet(h.Class("journey-stages"),
					h.Legend(h.ID("stages-title"), g.Text(f.T("his.journey.field.stages"))),
					h.P(h.Class("help"), g.Text(f.T("his.journey.help.stages"))),
					g.If(hasStagesErr, h.P(h.Class("field-error"), g.Text(f.T(stagesErr)))),
					h.Div(h.Class("table-wrap"), h.Table(h.Class("table journey-stage-table"),
						h.THead(h.Tr(g.Map(heads, func(k string) g.Node { return h.Th(h.Scope("col"), g.Text(f.T(k))) }))),
						h.TBody(rows...))),
				),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("form.save")))),
			)),
	)
}

func journeysHref(hospitalID int64) string {
	if hospitalID == 0 {
		return "/admin/journeys"
	}
	return "/admin/journeys?hospital=" + id64(hospitalID)
}

// journeyReadOnly shows a journey the user may not change.
func journeyReadOnly(f Frame, t app.JourneyTemplate, surveys []Option) g.Node {
	surveyName := func(id int64) string {
		if id == 0 {
			return f.T("his.journey.no_survey")
		}
		for _, o := range surveys {
			if o.Value == id64(id) {
				return o.Label
			}
		}
		return "#" + id64(id)
	}
	return g.Group{
		h.Section(h.Class("card"),
			h.P(h.Class("notice"), g.Text(f.T("his.journey.group_wide_readonly"))),
			h.Dl(h.Class("details"),
				h.Dt(g.Text(f.T("field.code"))), h.Dd(ltr(t.Code)),
				h.Dt(g.Text(f.T("field.hospital"))), h.Dd(g.Text(journeyHospital(f, t.HospitalID))),
				h.Dt(g.Text(f.T("his.journey.field.classes"))), h.Dd(ltr(strings.Join(t.PatientClasses, ", "))),
				h.Dt(g.Text(f.T("field.status"))), h.Dd(badge(t.Active, f.T("status.active"), f.T("status.inactive"))),
			)),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("his.journey.field.stages"))),
			table(f, t.Stages, []Column[app.JourneyStage]{
				{Key: "field.code", Cell: func(s app.JourneyStage) g.Node { return ltr(s.Code) }},
				{Key: "field.name", Cell: func(s app.JourneyStage) g.Node { return g.Text(app.Name(f.Lang, s.NameEN, s.NameAR)) }},
				{Key: "his.journey.field.trigger", Cell: func(s app.JourneyStage) g.Node { return g.Text(eventLabel(f, s.TriggerEvent)) }},
				{Key: "his.journey.field.survey", Cell: func(s app.JourneyStage) g.Node { return g.Text(surveyName(s.SurveyFamily)) }},
				{Key: "his.journey.field.delay", Num: true, Cell: func(s app.JourneyStage) g.Node { return g.Text(strconv.Itoa(s.DelayMinutes)) }},
				{Key: "his.journey.field.window", Cell: func(s app.JourneyStage) g.Node { return ltr(windowText(f, s)) }},
			}, nil)),
	}
}

// ClockMinutes writes minutes after midnight as HH:MM.
func ClockMinutes(m int) string { return ClockText(time.Duration(m) * time.Minute) }

func windowText(f Frame, s app.JourneyStage) string {
	if s.WindowStart == s.WindowEnd {
		return f.T("his.journey.any_time")
	}
	return ClockMinutes(s.WindowStart) + "–" + ClockMinutes(s.WindowEnd)
}

// VisitCard is one visit on a patient's visits page.
type VisitCard struct {
	Visit      app.Visit
	Hospital   app.Hospital
	Department string // its name, "" when unknown
	Events     []app.VisitEvent
	Journey    *JourneyCard
}

// JourneyCard is a visit's journey: the template, how far it went and its surveys.
type JourneyCard struct {
	Template app.JourneyTemplate
	Instance app.JourneyInstance
	Progress int
	Surveys  []JourneySurveyRow
}

// JourneySurveyRow is a survey a journey stage scheduled.
type JourneySurveyRow struct {
	StageID int64
	DueAt   time.Time
	Status  string // scheduled, sent, skipped, cancelled
	Reason  string
}

// journeyBadge shows a journey's or a scheduled survey's status as a badge with its name.
func journeyBadge(f Frame, prefix, status string) g.Node {
	class := "badge"
	switch status {
	case "completed", "sent":
		class += " badge-ok"
	case "cancelled", "skipped":
		class += " badge-muted"
	case "scheduled":
		class += " badge-warn"
	}
	return h.Span(h.Class(class), g.Text(tOr(f, prefix+status, status, "")))
}

func visitStateBadge(f Frame, v app.Visit) g.Node {
	class := "badge"
	switch v.State() {
	case "discharged":
		class += " badge-ok"
	case "cancelled":
		class += " badge-muted"
	}
	return h.Span(h.Class(class), g.Text(f.T("his.visit.state."+v.State())))
}

// PatientVisits shows a patient's visits, newest first: each with its events in order
// (in the hospital's time zone), its journey's stages and the surveys they scheduled.
func PatientVisits(f Frame, p app.Patient, visits []VisitCard) g.Node {
	name := app.Name(f.Lang, p.NameEN, p.NameAR)
	title := f.T("his.visits.title", name)
	back := h.A(h.Class("btn"), h.Href("/admin/patients/"+id64(p.ID)), g.Text(f.T("his.visits.back")))
	body := []g.Node{h.P(g.Text(f.T("field.mrn")+": "), ltr(p.MRN), g.Text(" · "+f.HospitalName(p.HospitalID)))}
	if len(visits) == 0 {
		body = append(body, h.P(h.Class("empty"), g.Text(f.T("his.visits.none"))))
	}
	for _, v := range visits {
		body = append(body, visitCard(f, v))
	}
	return Page(f, title, pageHeader(title, back), g.Group(body))
}

func visitCard(f Frame, c VisitCard) g.Node {
	if loc, err := app.Location(c.Hospital.TimeZone); err == nil {
		f.Location = loc // times in the visit's hospital zone
	}
	v := c.Visit
	headID := "visit-" + id64(v.ID)
	item := func(key string, n g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(n)} }
	text := func(s string) g.Node {
		if s == "" {
			return g.Text("—")
		}
		return g.Text(s)
	}
	class := v.PatientClass
	if class != "" {
		class += tOr(f, "his.class."+strings.ToLower(class), "", " · ")
	}
	events := make([]g.Node, len(c.Events))
	for i, e := range c.Events {
		events[i] = h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.OccurredAt)),
			h.P(h.Class("timeline-what"), g.Text(eventLabel(f, e.Event))))
	}
	return h.Section(h.Class("card visit-card"), h.Aria("labelledby", headID),
		h.H2(h.ID(headID), g.Text(f.T("his.visit.number")+" "), ltr(v.Number), g.Text(" "), visitStateBadge(f, v)),
		h.Dl(h.Class("details"),
			item("field.hospital", g.Text(app.Name(f.Lang, c.Hospital.NameEN, c.Hospital.NameAR))),
			item("his.visit.class", text(class)),
			item("field.department", text(c.Department)),
			item("his.visit.location", text(v.Location)),
			item("his.visit.doctor", text(v.Doctor)),
			item("his.visit.admit", f.DateTime(v.AdmitAt)),
			item("his.visit.discharge", f.DateTime(v.DischargeAt)),
		),
		h.H3(g.Text(f.T("his.visit.events"))),
		g.If(len(events) == 0, h.P(h.Class("empty"), g.Text(f.T("list.empty")))),
		g.If(len(events) > 0, h.Ol(h.Class("timeline"), g.Group(events))),
		journeyCard(f, c.Journey),
	)
}

func journeyCard(f Frame, j *JourneyCard) g.Node {
	if j == nil {
		return h.P(h.Class("muted"), g.Text(f.T("his.journey.none")))
	}
	t := j.Template
	stageName := map[int64]string{}
	stages := make([]g.Node, len(t.Stages))
	for i, s := range t.Stages {
		name := app.Name(f.Lang, s.NameEN, s.NameAR)
		stageName[s.ID] = name
		at, done := j.Instance.Completed[s.ID]
		mark, class, state := "○", "journey-stage", badge(false, "", f.T("his.journey.stage_pending"))
		if done {
			mark, class, state = "✓", "journey-stage is-done", badge(true, f.T("his.journey.stage_done"), "")
		}
		stages[i] = h.Li(h.Class(class),
			h.Span(h.Class("journey-mark"), h.Aria("hidden", "true"), g.Text(mark)),
			h.Span(h.Class("journey-stage-name"), g.Text(name)),
			state,
			h.Span(h.Class("muted small"), g.Text(eventLabel(f, s.TriggerEvent))),
			g.If(done, f.DateTime(at)),
		)
	}
	pct := strconv.Itoa(j.Progress)
	return h.Div(h.Class("journey"),
		h.H3(g.Text(f.T("his.journey.of", app.Name(f.Lang, t.NameEN, t.NameAR))+" "), journeyBadge(f, "his.journey.status.", j.Instance.Status)),
		h.P(h.Class("journey-progress"),
			h.Label(h.For("progress-"+id64(j.Instance.ID)), g.Text(f.T("his.journey.progress")+" ")),
			h.Progress(h.ID("progress-"+id64(j.Instance.ID)), h.Max("100"), h.Value(pct), g.Text(pct+"%")),
			g.Text(" "), g.El("bdi", g.Text(pct+"%"))),
		h.Ol(h.Class("journey-stages-list"), g.Group(stages)),
		g.If(len(j.Surveys) > 0, g.Group{
			h.H3(g.Text(f.T("his.journey.surveys"))),
			table(f, j.Surveys, []Column[JourneySurveyRow]{
				{Key: "his.journey.field.stage", Cell: func(x JourneySurveyRow) g.Node { return g.Text(stageName[x.StageID]) }},
				{Key: "his.journey.field.due", Cell: func(x JourneySurveyRow) g.Node { return f.DateTime(x.DueAt) }},
				{Key: "field.status", Cell: func(x JourneySurveyRow) g.Node { return journeyBadge(f, "his.journey.survey_status.", x.Status) }},
				{Key: "his.journey.field.reason", Cell: func(x JourneySurveyRow) g.Node {
					if x.Reason == "" {
						return g.Text("—")
					}
					return h.Span(h.Dir("auto"), g.Text(x.Reason))
				}},
			}, nil),
		}),
	)
}
