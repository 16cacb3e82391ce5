package views

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// SLAEscalationRows is how many escalation steps the rule form offers (one per level).
const SLAEscalationRows = 3

// SLARuleRow is one rule on the rules page.
type SLARuleRow struct {
	Rule     app.SLARule
	Active   bool
	Editable bool // the viewer may change it (group-wide rules need a PX admin)
}

// SLACalendar is a hospital with its working calendar; Saved is false for the default week.
type SLACalendar struct {
	Hospital app.Hospital
	Calendar app.Calendar
	Saved    bool
}

// hoursText writes a number of hours the way people read it: "72 h", "1.5 h".
func hoursText(f Frame, hours float64) string {
	return f.T("sla.hours_n", strconv.FormatFloat(hours, 'f', -1, 64))
}

func (f Frame) slaAny(v, key string) string {
	if v == "" {
		return f.T("sla.any")
	}
	return f.T(key + v)
}

func slaHospital(f Frame, id int64) string {
	if id == 0 {
		return f.T("sla.every_hospital")
	}
	return f.HospitalName(id)
}

func slaAllowance(f Frame, r app.SLARule) string {
	mode := "sla.mode.calendar"
	if r.BusinessHours {
		mode = "sla.mode.business"
	}
	return hoursText(f, r.Hours) + " · " + f.T(mode)
}

// slaReminderHours lists a rule's reminders ("8 h, 2 h"), "" when it has none.
func slaReminderHours(f Frame, r app.SLARule) string {
	var hs []string
	for _, v := range []float64{r.Reminder1Hours, r.Reminder2Hours} {
		if v > 0 {
			hs = append(hs, hoursText(f, v))
		}
	}
	return strings.Join(hs, f.T("sla.list_sep"))
}

func slaReminders(f Frame, r app.SLARule) string {
	if hs := slaReminderHours(f, r); hs != "" {
		return f.T("sla.before_due", hs)
	}
	return f.T("sla.none")
}

// slaEscalations lists the chain in order, each step with its level and when it fires.
func slaEscalations(f Frame, steps []app.EscalationStep) g.Node {
	if len(steps) == 0 {
		return g.Text(f.T("sla.none"))
	}
	return h.Ol(h.Class("small"), g.Map(steps, func(e app.EscalationStep) g.Node {
		when := f.T("sla.at_breach")
		switch {
		case e.HoursAfterBreach > 0:
			when = f.T("sla.after_breach", hoursText(f, e.HoursAfterBreach))
		case e.HoursAfterBreach < 0:
			when = f.T("sla.before_due", hoursText(f, -e.HoursAfterBreach))
		}
		return h.Li(g.Text(f.T("sla.level."+string(e.Level)) + " · " + when))
	}))
}

// SLARuleList lists the rules the user manages or that apply to their hospitals.
func SLARuleList(f Frame, rows []SLARuleRow) g.Node {
	def := app.DefaultSLARule()
	return Page(f, f.T("sla.rules"),
		pageHeader(f.T("sla.rules"), h.A(h.Class("btn"), h.Href("/admin/sla/calendars"), g.Text(f.T("sla.calendars"))),
			linkButton("/admin/sla/rules/new", f.T("sla.rule_new"))),
		h.Section(h.Class("card"),
			h.P(g.Text(f.T("sla.rules_help"))),
			h.P(h.Class("help"), g.Text(f.T("sla.default_rule")+" "+slaAllowance(f, def)+"; "+
				f.T("sla.reminders_before", slaReminderHours(f, def))+".")),
		),
		table(f, rows, []Column[SLARuleRow]{
			{Key: "field.hospital", Cell: func(x SLARuleRow) g.Node { return g.Text(slaHospital(f, x.Rule.HospitalID)) }},
			{Key: "sla.field.source", Cell: func(x SLARuleRow) g.Node {
				if x.Rule.SourceCode == "" {
					return g.Text(f.T("sla.any"))
				}
				return ltr(x.Rule.SourceCode)
			}},
			{Key: "sla.field.severity", Cell: func(x SLARuleRow) g.Node {
				return g.Text(f.slaAny(string(x.Rule.Severity), "sla.severity."))
			}},
			{Key: "sla.field.priority", Cell: func(x SLARuleRow) g.Node {
				return g.Text(f.slaAny(string(x.Rule.Priority), "sla.priority."))
			}},
			{Key: "sla.field.allowance", Cell: func(x SLARuleRow) g.Node { return g.Text(slaAllowance(f, x.Rule)) }},
			{Key: "sla.field.reminders", Cell: func(x SLARuleRow) g.Node { return g.Text(slaReminders(f, x.Rule)) }},
			{Key: "sla.field.escalations", Cell: func(x SLARuleRow) g.Node { return slaEscalations(f, x.Rule.Escalations) }},
			{Key: "field.status", Cell: func(x SLARuleRow) g.Node { return badge(x.Active, f.T("status.active"), f.T("status.inactive")) }},
		}, func(x SLARuleRow) string { return "/admin/sla/rules/" + id64(x.Rule.ID) }),
	)
}

// SLARuleFields are the rule form's fields, escalation steps last
// (escalation_level_1, escalation_hours_1, ...).
func SLARuleFields(f Frame) []Field {
	hospitals := hospitalOptions(f)
	hospital := Field{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitals}
	if f.Can(app.PermHospitalManage) {
		hospital = Field{Name: "hospital_id", Label: "field.hospital", Kind: "anyselect",
			Options: append([]Option{{"", f.T("sla.every_hospital")}}, hospitals...)}
	}
	severities := []Option{{"", f.T("sla.any")}}
	for _, s := range app.Severities {
		severities = append(severities, Option{string(s), f.T("sla.severity." + string(s))})
	}
	priorities := []Option{{"", f.T("sla.any")}}
	for _, p := range app.Priorities {
		priorities = append(priorities, Option{string(p), f.T("sla.priority." + string(p))})
	}
	fields := []Field{
		hospital,
		{Name: "source_code", Label: "sla.field.source", Help: "sla.help.source", Dir: "ltr"},
		{Name: "severity", Label: "sla.field.severity", Kind: "anyselect", Options: severities},
		{Name: "priority", Label: "sla.field.priority", Kind: "anyselect", Options: priorities},
		{Name: "hours", Label: "sla.field.hours", Required: true, Help: "sla.help.hours", Dir: "ltr"},
		{Name: "mode", Label: "sla.field.mode", Kind: "select", Required: true, Options: []Option{
			{"calendar", f.T("sla.mode_option.calendar")}, {"business", f.T("sla.mode_option.business")}}, Help: "sla.help.mode"},
		{Name: "reminder1_hours", Label: "sla.field.reminder1", Help: "sla.help.reminder", Dir: "ltr"},
		{Name: "reminder2_hours", Label: "sla.field.reminder2", Help: "sla.help.reminder2", Dir: "ltr"},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
	levels := []Option{{"", f.T("sla.none")}}
	for _, l := range app.EscalationLevels {
		levels = append(levels, Option{string(l), f.T("sla.level." + string(l))})
	}
	for i := 1; i <= SLAEscalationRows; i++ {
		n := strconv.Itoa(i)
		fields = append(fields,
			Field{Name: "escalation_level_" + n, Label: "sla.field.escalation_level_" + n, Kind: "anyselect", Options: levels},
			Field{Name: "escalation_hours_" + n, Label: "sla.field.escalation_hours_" + n, Dir: "ltr"})
	}
	return fields
}

// slaForm renders a form whose fields may include the kinds only SLA forms use:
// "anyselect" (a select whose first option, value "", means any) and "weekdays".
// Fields named escalation_* are grouped into one fieldset per step.
func slaForm(f Frame, action, submit string, form Form, fields []Field) g.Node {
	var body, steps []g.Node
	for _, fl := range fields {
		if n, ok := strings.CutPrefix(fl.Name, "escalation_level_"); ok {
			hours := slices.IndexFunc(fields, func(x Field) bool { return x.Name == "escalation_hours_"+n })
			steps = append(steps, h.FieldSet(h.Legend(g.Text(f.T("sla.step_n", n))),
				slaFieldNode(f, form, fl), g.If(hours >= 0, slaFieldNode(f, form, fields[max(hours, 0)]))))
			continue
		}
		if strings.HasPrefix(fl.Name, "escalation_hours_") {
			continue
		}
		body = append(body, slaFieldNode(f, form, fl))
	}
	return h.Form(h.Class("form"), h.Method("post"), h.Action(action), g.Attr("novalidate"),
		errorSummary(f, form, fields),
		g.Group(body),
		g.If(len(steps) > 0, h.FieldSet(h.Legend(g.Text(f.T("sla.field.escalations"))),
			h.P(h.Class("help"), g.Text(f.T("sla.help.escalations"))), g.Group(steps))),
		h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T(submit)))),
	)
}

func slaFieldNode(f Frame, form Form, fl Field) g.Node {
	switch fl.Kind {
	case "anyselect":
		return anySelect(f, form, fl)
	case "weekdays":
		return weekdayChecks(f, form, fl)
	}
	return fl.render(f, form)
}

// describedBy returns the ids of a field's help and error texts.
func describedBy(id string, help, hasErr bool) string {
	var ids []string
	if help {
		ids = append(ids, id+"-help")
	}
	if hasErr {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

func fieldNotes(f Frame, fl Field, id, errKey string, hasErr bool) g.Node {
	return g.Group{
		g.If(fl.Help != "", h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T(fl.Help)))),
		g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))),
	}
}

// anySelect is a select without the "Choose" prompt: its options start with the "any" choice.
func anySelect(f Frame, form Form, fl Field) g.Node {
	id := "f-" + fl.Name
	errKey, hasErr := form.Errors[fl.Name]
	value := form.Values.Get(fl.Name)
	desc := describedBy(id, fl.Help != "", hasErr)
	return h.Div(h.Class(fieldClass(hasErr)),
		h.Label(h.For(id), g.Text(f.T(fl.Label))),
		h.Select(h.ID(id), h.Name(fl.Name), g.If(hasErr, h.Aria("invalid", "true")), g.If(desc != "", h.Aria("describedby", desc)),
			g.Map(fl.Options, func(o Option) g.Node {
				return h.Option(h.Value(o.Value), g.If(o.Value == value, h.Selected()), g.Text(o.Label))
			})),
		fieldNotes(f, fl, id, errKey, hasErr),
	)
}

// weekdayChecks is one checkbox per day of the week, Sunday first (the Saudi week).
func weekdayChecks(f Frame, form Form, fl Field) g.Node {
	id := "f-" + fl.Name
	errKey, hasErr := form.Errors[fl.Name]
	desc := describedBy(id, fl.Help != "", hasErr)
	checked := form.Values[fl.Name]
	var boxes []g.Node
	for d := time.Sunday; d <= time.Saturday; d++ {
		v := strconv.Itoa(int(d))
		boxes = append(boxes, h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name(fl.Name), h.Value(v),
			g.If(d == time.Sunday, h.ID(id)), g.If(slices.Contains(checked, v), h.Checked())), g.Text(f.T("sla.day."+v))))
	}
	return h.Div(h.Class(fieldClass(hasErr)),
		h.FieldSet(g.If(hasErr, h.Aria("invalid", "true")), g.If(desc != "", h.Aria("describedby", desc)),
			h.Legend(g.Text(f.T(fl.Label))), g.Group(boxes), fieldNotes(f, fl, id, errKey, hasErr)))
}

// SLARuleForm creates (id 0) or edits a rule; a rule the user may not change is shown read-only.
func SLARuleForm(f Frame, id int64, form Form, row SLARuleRow) g.Node {
	title, action := f.T("sla.rule_new"), "/admin/sla/rules/new"
	if id != 0 {
		title, action = f.T("sla.rule_edit"), "/admin/sla/rules/"+id64(id)
	}
	back := h.A(h.Class("btn"), h.Href("/admin/sla"), g.Text(f.T("sla.rules")))
	if id != 0 && !row.Editable {
		r := row.Rule
		source := g.Text(f.T("sla.any"))
		if r.SourceCode != "" {
			source = ltr(r.SourceCode)
		}
		items := []g.Node{
			h.Dt(g.Text(f.T("field.hospital"))), h.Dd(g.Text(slaHospital(f, r.HospitalID))),
			h.Dt(g.Text(f.T("sla.field.source"))), h.Dd(source),
			h.Dt(g.Text(f.T("sla.field.severity"))), h.Dd(g.Text(f.slaAny(string(r.Severity), "sla.severity."))),
			h.Dt(g.Text(f.T("sla.field.priority"))), h.Dd(g.Text(f.slaAny(string(r.Priority), "sla.priority."))),
			h.Dt(g.Text(f.T("sla.field.allowance"))), h.Dd(g.Text(slaAllowance(f, r))),
			h.Dt(g.Text(f.T("sla.field.reminders"))), h.Dd(g.Text(slaReminders(f, r))),
			h.Dt(g.Text(f.T("sla.field.escalations"))), h.Dd(slaEscalations(f, r.Escalations)),
			h.Dt(g.Text(f.T("field.status"))), h.Dd(badge(row.Active, f.T("status.active"), f.T("status.inactive"))),
		}
		return Page(f, f.T("sla.rule"), pageHeader(f.T("sla.rule"), back),
			h.Section(h.Class("card"), h.P(h.Class("notice"), g.Text(f.T("sla.group_wide_readonly"))), h.Dl(h.Class("details"), g.Group(items))))
	}
	var deactivate g.Node
	if id != 0 && row.Active {
		deactivate = h.Section(h.Class("card"), h.H2(g.Text(f.T("sla.deactivate"))), h.P(g.Text(f.T("sla.deactivate_help"))),
			h.Form(h.Method("post"), h.Action("/admin/sla/rules/"+id64(id)+"/deactivate"),
				h.Button(h.Type("submit"), h.Class("btn btn-danger"), h.Data("confirm", f.T("sla.deactivate_confirm")),
					g.Text(f.T("sla.deactivate")))))
	}
	return Page(f, title, pageHeader(title, back),
		h.Section(h.Class("card"), slaForm(f, action, "form.save", form, SLARuleFields(f))), deactivate)
}

// ClockText writes a working-hours offset from midnight as HH:MM (24:00 for midnight at the end of the day).
func ClockText(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

func weekendText(f Frame, days []time.Weekday) string {
	if len(days) == 0 {
		return f.T("sla.none")
	}
	sorted := slices.Clone(days)
	slices.Sort(sorted)
	names := make([]string, len(sorted))
	for i, d := range sorted {
		names[i] = f.T("sla.day." + strconv.Itoa(int(d)))
	}
	return strings.Join(names, f.T("sla.list_sep"))
}

func zoneName(c app.Calendar) string {
	if c.Location == nil {
		return "Asia/Riyadh"
	}
	return c.Location.String()
}

// SLACalendarList lists the hospitals' working calendars.
func SLACalendarList(f Frame, cals []SLACalendar, year int) g.Node {
	return Page(f, f.T("sla.calendars"),
		pageHeader(f.T("sla.calendars"), h.A(h.Class("btn"), h.Href("/admin/sla"), g.Text(f.T("sla.rules")))),
		h.P(g.Text(f.T("sla.calendars_help"))),
		table(f, cals, []Column[SLACalendar]{
			{Key: "field.hospital", Cell: func(x SLACalendar) g.Node { return g.Text(app.Name(f.Lang, x.Hospital.NameEN, x.Hospital.NameAR)) }},
			{Key: "field.code", Cell: func(x SLACalendar) g.Node { return ltr(x.Hospital.Code) }},
			{Key: "field.time_zone", Cell: func(x SLACalendar) g.Node { return ltr(zoneName(x.Calendar)) }},
			{Key: "sla.field.weekend", Cell: func(x SLACalendar) g.Node { return g.Text(weekendText(f, x.Calendar.Weekend)) }},
			{Key: "sla.field.hours_of_work", Cell: func(x SLACalendar) g.Node {
				return ltr(ClockText(x.Calendar.Open) + "–" + ClockText(x.Calendar.Close))
			}},
			{Key: "sla.field.holidays_year", Num: true, Cell: func(x SLACalendar) g.Node {
				n := 0
				for _, d := range x.Calendar.Holidays {
					if d.Date.Year() == year {
						n++
					}
				}
				return g.Text(strconv.Itoa(n))
			}},
			{Key: "field.status", Cell: func(x SLACalendar) g.Node {
				return badge(x.Saved, f.T("sla.calendar_custom"), f.T("sla.calendar_default"))
			}},
		}, func(x SLACalendar) string { return "/admin/sla/calendars/" + id64(x.Hospital.ID) }),
	)
}

// SLACalendarFields are the working-week form's fields.
func SLACalendarFields() []Field {
	return []Field{
		{Name: "weekend", Label: "sla.field.weekend", Kind: "weekdays", Help: "sla.help.weekend"},
		{Name: "open", Label: "sla.field.open", Kind: "time", Required: true, Help: "sla.help.clock", Dir: "ltr"},
		{Name: "close", Label: "sla.field.close", Kind: "time", Required: true, Help: "sla.help.close", Dir: "ltr"},
	}
}

// SLAHolidayFields are the add-holidays form's fields.
func SLAHolidayFields() []Field {
	return []Field{
		{Name: "from", Label: "sla.field.from", Kind: "date", Required: true, Dir: "ltr"},
		{Name: "to", Label: "sla.field.to", Kind: "date", Help: "sla.help.to", Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
	}
}

// SLACalendarPage shows a hospital's working week (form), its holidays of year with
// remove buttons, and the form that adds holidays.
func SLACalendarPage(f Frame, c SLACalendar, form Form, holidays []app.Holiday, year int, holidayForm Form) g.Node {
	base := "/admin/sla/calendars/" + id64(c.Hospital.ID)
	name := app.Name(f.Lang, c.Hospital.NameEN, c.Hospital.NameAR)
	title := f.T("sla.calendar_of", name)
	yearLink := func(y int) g.Node {
		return h.A(h.Class("btn btn-small"), h.Href(base+"?year="+strconv.Itoa(y)), g.El("bdi", g.Text(strconv.Itoa(y))))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/admin/sla/calendars"), g.Text(f.T("sla.calendars")))),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("sla.working_week"))),
			h.P(g.Text(f.T("field.time_zone")+": "), ltr(zoneName(c.Calendar)), g.Text(" · "),
				badge(c.Saved, f.T("sla.calendar_custom"), f.T("sla.calendar_default"))),
			slaForm(f, base, "form.save", form, SLACalendarFields())),
		h.Section(h.Class("card"), h.Aria("labelledby", "holidays-title"),
			h.H2(h.ID("holidays-title"), g.Text(f.T("sla.holidays_of", strconv.Itoa(year)))),
			h.Nav(h.Class("page-actions"), h.Aria("label", f.T("sla.years")), yearLink(year-1), yearLink(year+1)),
			slaHolidayTable(f, base, holidays)),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("sla.holiday_add"))),
			h.P(h.Class("help"), g.Text(f.T("sla.holiday_add_help"))),
			FormView(f, base+"/holidays", "sla.holiday_add", holidayForm, SLAHolidayFields())),
	)
}

func slaHolidayTable(f Frame, base string, holidays []app.Holiday) g.Node {
	return table(f, holidays, []Column[app.Holiday]{
		{Key: "sla.field.date", Cell: func(x app.Holiday) g.Node {
			return h.Time(h.DateTime(x.Date.Format("2006-01-02")), h.Dir("ltr"), g.Text(x.Date.Format("2006-01-02")))
		}},
		{Key: "sla.field.day", Cell: func(x app.Holiday) g.Node { return g.Text(f.T("sla.day." + strconv.Itoa(int(x.Date.Weekday())))) }},
		{Key: "sla.field.hijri", Cell: func(x app.Holiday) g.Node { return g.Text(HijriDate(f.Lang, x.Date)) }},
		{Key: "field.name", Cell: func(x app.Holiday) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
		{Key: "field.actions", Cell: func(x app.Holiday) g.Node {
			day := x.Date.Format("2006-01-02")
			return h.Form(h.Method("post"), h.Action(base+"/holidays/remove"),
				h.Input(h.Type("hidden"), h.Name("day"), h.Value(day)),
				h.Button(h.Type("submit"), h.Class("btn btn-small btn-danger"), h.Aria("label", f.T("sla.holiday_remove_day", day)),
					h.Data("confirm", f.T("sla.holiday_remove_confirm", day)), g.Text(f.T("sla.holiday_remove"))))
		}},
	}, nil)
}
