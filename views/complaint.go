package views

import (
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// ComplaintRow is a complaint with where its SLA clock stands, for lists and the record page.
type ComplaintRow struct {
	C         app.Complaint
	SLA       app.SLAState // "" when the complaint is finished
	Remaining time.Duration
}

// ComplaintList is the staff complaint list. notice is a catalog key shown above the
// table ("" for none).
func ComplaintList(f Frame, p app.Page[ComplaintRow], fl Filter, departments []app.Department, notice string) g.Node {
	dep := map[int64]app.Department{}
	for _, d := range departments {
		dep[d.ID] = d
	}
	return Page(f, f.T("complaint.list_title"),
		pageHeader(f.T("complaint.list_title"),
			g.If(f.Can(app.PermComplaintManage), exportLink(f, "/complaints/export.csv", fl)),
			ComplaintXLSXLink(f, fl),
			g.If(f.Can(app.PermComplaintCreate), linkButton("/complaints/new", f.T("complaint.new")))),
		complaintFilters(f, fl, departments),
		g.If(notice != "", h.P(h.Class("notice"), h.Role("status"), g.Text(f.T(notice)))),
		table(f, p.Items, []Column[ComplaintRow]{
			{Key: "complaint.field.tracking_code", Cell: func(x ComplaintRow) g.Node { return ltr(x.C.TrackingCode) }},
			{Key: "complaint.field.title", Cell: func(x ComplaintRow) g.Node { return h.Span(h.Dir("auto"), g.Text(x.C.Title)) }},
			{Key: "field.hospital", Cell: func(x ComplaintRow) g.Node { return g.Text(f.HospitalName(x.C.HospitalID)) }},
			{Key: "field.department", Cell: func(x ComplaintRow) g.Node {
				if d, ok := dep[x.C.DepartmentID]; ok {
					return g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
				}
				return h.Span(h.Class("muted"), g.Text("—"))
			}},
			{Key: "field.status", Cell: func(x ComplaintRow) g.Node { return statusBadge(f, x.C.Status) }},
			{Key: "complaint.field.severity", Cell: func(x ComplaintRow) g.Node { return severityBadge(f, x.C.Severity) }},
			{Key: "complaint.field.sla", Cell: func(x ComplaintRow) g.Node { return slaChip(f, x.SLA, x.Remaining) }},
			{Key: "complaint.field.created", Cell: func(x ComplaintRow) g.Node { return f.DateTime(x.C.CreatedAt) }},
		}, func(x ComplaintRow) string { return "/complaints/" + id64(x.C.ID) }),
		pager(f, "/complaints", fl, p),
	)
}

// complaintFilters is the list's filter bar: tracking code, hospital, department,
// statuses, severity, breached only, and the creation date range.
func complaintFilters(f Frame, fl Filter, departments []app.Department) g.Node {
	x := fl.Extra
	depOpts := []g.Node{h.Option(h.Value(""), g.Text(f.T("complaint.filter.all_departments")))}
	for _, d := range departments {
		v := id64(d.ID)
		depOpts = append(depOpts, h.Option(h.Value(v), g.If(x.Get("department") == v, h.Selected()),
			g.Text(f.HospitalCode(d.HospitalID)+" · "+app.Name(f.Lang, d.NameEN, d.NameAR))))
	}
	sevOpts := []g.Node{h.Option(h.Value(""), g.Text(f.T("complaint.filter.any")))}
	for _, s := range app.Severities {
		sevOpts = append(sevOpts, h.Option(h.Value(string(s)), g.If(x.Get("severity") == string(s), h.Selected()),
			g.Text(f.T("complaint.severity."+string(s)))))
	}
	var statuses []g.Node
	for _, s := range app.ComplaintStatuses {
		checked := false
		for _, v := range x["status"] {
			checked = checked || v == string(s)
		}
		statuses = append(statuses, h.Label(h.Class("check"),
			h.Input(h.Type("checkbox"), h.Name("status"), h.Value(string(s)), g.If(checked, h.Checked())),
			g.Text(f.T("complaint.status."+string(s)))))
	}
	date := func(name, label string) g.Node {
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Input(h.ID("filter-"+name), h.Type("date"), h.Name(name), h.Dir("ltr"), h.Value(x.Get(name))))
	}
	return filterBar(f, fl, "complaint.filter.search",
		h.Div(h.Class("field"), h.Label(h.For("filter-department"), g.Text(f.T("field.department"))),
			h.Select(h.ID("filter-department"), h.Name("department"), g.Group(depOpts))),
		h.Div(h.Class("field"), h.Label(h.For("filter-severity"), g.Text(f.T("complaint.field.severity"))),
			h.Select(h.ID("filter-severity"), h.Name("severity"), g.Group(sevOpts))),
		date("from", "complaint.filter.from"),
		date("to", "complaint.filter.to"),
		h.Div(h.Class("field"), h.Label(h.For("filter-sort"), g.Text(f.T("complaint.filter.sort"))),
			h.Select(h.ID("filter-sort"), h.Name("sort"),
				h.Option(h.Value(""), g.Text(f.T("complaint.sort.newest"))),
				h.Option(h.Value("oldest"), g.If(x.Get("sort") == "oldest", h.Selected()), g.Text(f.T("complaint.sort.oldest"))))),
		h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name("breached"), h.Value("1"), g.If(x.Get("breached") == "1", h.Checked())),
			g.Text(f.T("complaint.filter.breached"))),
		h.FieldSet(h.Class("status-filter"), h.Legend(g.Text(f.T("field.status"))), g.Group(statuses)),
	)
}

// statusTone is the badge colour of each status; the label always says the status too.
var statusTone = map[app.ComplaintStatus]string{
	app.StatusOpen: "", app.StatusInProgress: "", app.StatusReopened: "badge-bad",
	app.StatusOnHold: "badge-warn", app.StatusPartiallyResolved: "badge-warn",
	app.StatusResolved: "badge-ok", app.StatusClosed: "badge-muted", app.StatusCancelled: "badge-muted",
}

func statusBadge(f Frame, s app.ComplaintStatus) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge status-badge status-"+string(s)+" "+statusTone[s])),
		g.Text(f.T("complaint.status."+string(s))))
}

var severityTone = map[app.Severity]string{app.SeverityLow: "badge-muted", app.SeverityMedium: "",
	app.SeverityHigh: "badge-warn", app.SeverityCritical: "badge-bad"}

func severityBadge(f Frame, s app.Severity) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge "+severityTone[s])), g.Text(f.T("complaint.severity."+string(s))))
}

// slaChip shows where the SLA clock stands, in colour, icon (CSS) and words, with the
// time left or overdue.
func slaChip(f Frame, st app.SLAState, remaining time.Duration) g.Node {
	if st == "" {
		return h.Span(h.Class("muted"), g.Text("—"))
	}
	text := f.T("complaint.sla." + string(st))
	switch {
	case st == app.SLABreached:
		text += " · " + f.T("complaint.sla_overdue", f.span(-remaining))
	case remaining > 0:
		text += " · " + f.T("complaint.sla_left", f.span(remaining))
	}
	return h.Span(h.Class("sla sla-"+string(st)), g.Text(text))
}

// span writes a duration as days and hours, hours and minutes, or minutes.
func (f Frame) span(d time.Duration) string {
	d = d.Abs().Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return f.T("complaint.span_days", days, hours)
	case hours > 0:
		return f.T("complaint.span_hours", hours, mins)
	}
	return f.T("complaint.span_minutes", mins)
}

func complaintTypeOptions(f Frame) []Option {
	var opts []Option
	for _, t := range app.ComplaintTypes {
		opts = append(opts, Option{string(t), f.T("complaint.type." + string(t))})
	}
	return opts
}

func languageOptions() []Option { return []Option{{"ar", "العربية"}, {"en", "English"}} }

// ComplaintFields are the staff intake form's fields; their names are the service's
// field names, so each error lands beside its field. sources are the active sources from
// the taxonomy service (the service checks that the one chosen suits the type).
func ComplaintFields(f Frame, ds []app.Department, sources []app.Source, categories []app.CategoryNode) []Field {
	var sev, pri, src []Option
	for _, s := range app.Severities {
		sev = append(sev, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	for _, p := range app.Priorities {
		pri = append(pri, Option{string(p), f.T("complaint.priority." + string(p))})
	}
	for _, s := range sources {
		src = append(src, Option{s.Code, app.Name(f.Lang, s.NameEN, s.NameAR)})
	}
	return []Field{
		{Name: "type", Label: "complaint.field.type", Kind: "select", Required: true, Options: complaintTypeOptions(f)},
		{Name: "hospital", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "department", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds)},
		{Name: "staff_involved", Label: "complaint.field.staff_involved", Help: "complaint.help.staff_involved", Dir: "ltr", Auto: "off"},
		{Name: "patient_mrn", Label: "field.mrn", Help: "complaint.help.patient_mrn", Dir: "ltr", Auto: "off"},
		{Name: "encounter_id", Label: "complaint.field.encounter_id", Dir: "ltr", Auto: "off"},
		{Name: "severity", Label: "complaint.field.severity", Kind: "select", Required: true, Options: sev},
		{Name: "priority", Label: "complaint.field.priority", Kind: "select", Required: true, Options: pri},
		{Name: "source", Label: "complaint.field.source", Kind: "select", Required: true, Options: src},
		{Name: "category", Label: "complaint.field.category", Kind: "select", Options: CategoryOptions(f, categories),
			Help: "complaint.help.category"},
		{Name: "title", Label: "complaint.field.title", Help: "complaint.help.title"},
		{Name: "description", Label: "complaint.field.description", Kind: "textarea", Required: true},
		{Name: "contact_name", Label: "complaint.field.contact_name"},
		{Name: "contact_phone", Label: "complaint.field.contact_phone", Kind: "tel", Dir: "ltr", Auto: "off"},
		{Name: "contact_email", Label: "complaint.field.contact_email", Kind: "email", Dir: "ltr", Auto: "off"},
		{Name: "preferred_language", Label: "field.language", Kind: "select", Options: languageOptions()},
		{Name: "moh_ref", Label: "complaint.field.moh_ref", Dir: "ltr", Auto: "off"},
		{Name: "chi_ref", Label: "complaint.field.chi_ref", Dir: "ltr", Auto: "off"},
	}
}

// ComplaintForm is the staff intake form.
func ComplaintForm(f Frame, form Form, ds []app.Department, sources []app.Source, categories []app.CategoryNode) g.Node {
	title := f.T("complaint.new")
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, "/complaints", "complaint.submit", form, ComplaintFields(f, ds, sources, categories))))
}

// ComplaintRecord is everything the complaint page shows.
type ComplaintRecord struct {
	ComplaintRow
	Source        app.Source     // zero when the source is no longer known
	Department    app.Department // zero when unassigned
	Assignee      app.Staff      // zero when none
	StaffInvolved app.Staff      // zero when none
	PatientMRN    string         // "" when not a registered patient or not visible to the reader
	Timeline      []app.TimelineEntry
	Departments   []app.Department // of the complaint's hospital, for assignment
	Move          Form             // the status form (input kept after an error)
	Assign        Form
	Note          Form
	Conflict      string            // catalog key of a refused move, shown at the top
	Refs          map[string]string // external references by authority ("moh", "chi")
	Category      []app.Category    // the classification's path, domain first (empty when unclassified)
	Main          []g.Node          // further sections under the details (attachments, duplicates, explanations)
	Side          []g.Node          // further cards beside them
}

// ComplaintPage is the complaint record: header with reference, status and SLA chip;
// details and the timeline (newest first) beside the actions.
func ComplaintPage(f Frame, p ComplaintRecord) g.Node {
	c := p.C
	title := f.T("complaint.record_title")
	return Page(f, title+" "+c.TrackingCode,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title+" "), ltr(c.TrackingCode)),
			h.Div(h.Class("record-status"), statusBadge(f, c.Status), slaChip(f, p.SLA, p.Remaining),
				h.Span(h.Class("muted"), g.Text(f.T("complaint.type."+string(c.Type))))),
		),
		g.If(p.Conflict != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Conflict)))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"), h.H2(h.Dir("auto"), g.Text(c.Title)),
					h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(c.Description))),
				complaintDetails(f, p),
				g.Group(p.Main),
				timeline(f, p.Timeline),
			),
			h.Div(
				g.If(f.Can(app.PermComplaintManage), moveCard(f, c, p.Move)),
				g.If(f.Can(app.PermComplaintManage), assignCard(f, c, p)),
				g.If(f.Can(app.PermComplaintCreate), noteCard(f, c, p.Note)),
				ComplaintActionLink(f, c),
				g.Group(p.Side),
			),
		),
	)
}

func complaintDetails(f Frame, p ComplaintRecord) g.Node {
	c := p.C
	none := func() g.Node { return h.Span(h.Class("muted"), g.Text("—")) }
	text := func(s string) g.Node {
		if s == "" {
			return none()
		}
		return g.Text(s)
	}
	code := func(s string) g.Node {
		if s == "" {
			return none()
		}
		return ltr(s)
	}
	staff := func(x app.Staff) g.Node {
		if x.ID == 0 {
			return none()
		}
		return g.Group{g.Text(app.Name(f.Lang, x.NameEN, x.NameAR) + " "), ltr("(" + x.EmployeeNo + ")")}
	}
	dep := none()
	if p.Department.ID != 0 {
		dep = g.Text(app.Name(f.Lang, p.Department.NameEN, p.Department.NameAR))
	}
	lang := map[string]string{"ar": "العربية", "en": "English"}[c.PreferredLanguage]
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(c.HospitalID))),
			row("field.department", dep),
			row("complaint.detail.assignee", staff(p.Assignee)),
			row("complaint.detail.staff_involved", staff(p.StaffInvolved)),
			row("complaint.field.severity", severityBadge(f, c.Severity)),
			row("complaint.field.priority", g.Text(f.T("complaint.priority."+string(c.Priority)))),
			row("complaint.field.source", g.Text(sourceLabel(f, p.Source, c.SourceCode))),
			g.If(len(p.Category) > 0, row("complaint.field.category", g.Text(app.CategoryPathName(f.Lang, p.Category)))),
			row("field.mrn", code(p.PatientMRN)),
			row("complaint.field.encounter_id", code(c.EncounterID)),
			g.If(p.Refs["moh"] != "", row("complaint.field.moh_ref", code(p.Refs["moh"]))),
			g.If(p.Refs["chi"] != "", row("complaint.field.chi_ref", code(p.Refs["chi"]))),
			row("complaint.field.contact_name", text(c.ContactName)),
			row("complaint.field.contact_phone", code(c.ContactPhone)),
			row("complaint.field.contact_email", code(c.ContactEmail)),
			row("field.language", text(lang)),
			row("complaint.field.created", f.DateTime(c.CreatedAt)),
			g.If(c.Status.Active(), row("complaint.field.due", f.DateTime(c.DueAt))),
			g.If(c.HoldReason != "", row("complaint.field.hold_reason", g.Text(f.T("complaint.hold."+string(c.HoldReason))))),
			g.If(c.Resolution != "", row("complaint.field.resolution", g.Text(f.T("complaint.resolution."+string(c.Resolution))))),
			g.If(!c.ResolvedAt.IsZero(), row("complaint.field.resolved_at", f.DateTime(c.ResolvedAt))),
			g.If(!c.ClosedAt.IsZero(), row("complaint.field.closed_at", f.DateTime(c.ClosedAt))),
		))
}

// sourceLabel names a complaint's source; a code the taxonomy no longer knows is shown as is.
func sourceLabel(f Frame, s app.Source, code string) string {
	if s.Code == "" {
		return code
	}
	return app.Name(f.Lang, s.NameEN, s.NameAR)
}

// MoveFields are the fields of the status form for a complaint now in status from: only
// the statuses the workflow allows next, a resolution when resolving is possible, a hold
// reason when putting on hold is possible.
func MoveFields(f Frame, from app.ComplaintStatus) []Field {
	next := from.Next()
	var to []Option
	canResolve, canHold := false, false
	for _, s := range next {
		to = append(to, Option{string(s), f.T("complaint.status." + string(s))})
		canResolve = canResolve || s == app.StatusResolved
		canHold = canHold || s == app.StatusOnHold
	}
	fields := []Field{{Name: "to", Label: "complaint.field.move_to", Kind: "select", Required: true, Options: to}}
	if canResolve {
		var res []Option
		for _, r := range app.ResolutionCategories {
			res = append(res, Option{string(r), f.T("complaint.resolution." + string(r))})
		}
		fields = append(fields, Field{Name: "resolution", Label: "complaint.field.resolution", Kind: "select", Options: res,
			Help: "complaint.help.resolution"})
	}
	if canHold {
		fields = append(fields, Field{Name: "hold_reason", Label: "complaint.field.hold_reason", Kind: "select",
			Options: []Option{{string(app.HoldPatient), f.T("complaint.hold." + string(app.HoldPatient))},
				{string(app.HoldThirdParty), f.T("complaint.hold." + string(app.HoldThirdParty))}},
			Help: "complaint.help.hold_reason"})
	}
	return append(fields,
		Field{Name: "note", Label: "complaint.field.note", Kind: "textarea", Help: "complaint.help.move_note"},
		Field{Name: "public", Label: "complaint.field.public", Kind: "checkbox"})
}

func moveCard(f Frame, c app.Complaint, form Form) g.Node {
	if len(c.Status.Next()) == 0 {
		return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.move_title"))), h.P(h.Class("muted"), g.Text(f.T("complaint.no_moves"))))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.move_title"))),
		FormView(f, "/complaints/"+id64(c.ID)+"/transitions", "complaint.move_submit", form, MoveFields(f, c.Status)))
}

// AssignFields are the assignment form's fields (department of the complaint's hospital,
// responsible staff member by employee number).
func AssignFields(f Frame, ds []app.Department) []Field {
	var opts []Option
	for _, d := range ds {
		opts = append(opts, Option{id64(d.ID), app.Name(f.Lang, d.NameEN, d.NameAR)})
	}
	return []Field{
		{Name: "department", Label: "field.department", Kind: "select", Options: opts},
		{Name: "assignee", Label: "complaint.field.assignee", Help: "complaint.help.assignee", Dir: "ltr", Auto: "off"},
		{Name: "assign_note", Label: "complaint.field.note", Kind: "textarea"},
	}
}

func assignCard(f Frame, c app.Complaint, p ComplaintRecord) g.Node {
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.assign_title"))),
		FormView(f, "/complaints/"+id64(c.ID)+"/assign", "complaint.assign_submit", p.Assign, AssignFields(f, p.Departments)))
}

// NoteFields are the note form's fields.
func NoteFields() []Field {
	return []Field{
		{Name: "comment", Label: "complaint.field.note", Kind: "textarea", Required: true},
		{Name: "comment_public", Label: "complaint.field.public", Kind: "checkbox"},
	}
}

func noteCard(f Frame, c app.Complaint, form Form) g.Node {
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.note_title"))),
		FormView(f, "/complaints/"+id64(c.ID)+"/notes", "complaint.note_submit", form, NoteFields()))
}

// timeline lists every change, newest first, with who and when; entries the patient
// sees on the tracking page are marked.
func timeline(f Frame, entries []app.TimelineEntry) g.Node {
	var items []g.Node
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.At), g.Text(" · "), actorName(f, e.ActorName),
				g.If(e.Public, h.Span(h.Class("badge badge-ok timeline-public"), g.Text(f.T("complaint.timeline.public"))))),
			h.P(h.Class("timeline-what"), g.Text(timelineText(f, e))),
			g.If(e.Note != "" && e.Kind != "sla_reminder" && e.Kind != "sla_breached" && e.Kind != "escalated",
				h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(e.Note))),
		))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.timeline.title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("list.empty")))),
		g.If(len(items) > 0, h.Ol(h.Class("timeline"), g.Group(items))))
}

func actorName(f Frame, name string) g.Node {
	switch name {
	case "", "system":
		return g.Text(f.T("complaint.actor.system"))
	case "public-form":
		return g.Text(f.T("complaint.actor.public"))
	}
	return ltr(name)
}

// timelineText says what a staff timeline entry records.
func timelineText(f Frame, e app.TimelineEntry) string {
	switch e.Kind {
	case "created":
		return f.T("complaint.timeline.created")
	case "status":
		return f.T("complaint.timeline.status", f.T("complaint.status."+string(e.FromStatus)), f.T("complaint.status."+string(e.ToStatus)))
	case "assigned":
		return f.T("complaint.timeline.assigned")
	case "note":
		return f.T("complaint.timeline.note")
	case "sla_reminder":
		return f.T("complaint.timeline.sla_reminder")
	case "sla_breached":
		return f.T("complaint.timeline.sla_breached")
	case "explanation_requested", "explanation_answered", "attachment":
		return f.T("complaint.timeline." + e.Kind)
	case "escalated":
		level := strings.TrimPrefix(e.Note, app.MilestoneEscalation)
		if app.EscalationLevel(level).Valid() {
			return f.T("complaint.timeline.escalated", f.T("complaint.escalation."+level))
		}
		return f.T("complaint.timeline.escalated", level)
	}
	if text, ok := duplicateTimelineText(f, e); ok {
		return text
	}
	return e.Kind
}

// CategoryOptions lists taxonomy nodes depth first in the reader's language, indented by
// level (the Domain › Category › Subcategory › Classification path reads top to bottom).
func CategoryOptions(f Frame, nodes []app.CategoryNode) []Option {
	var opts []Option
	var walk func(nodes []app.CategoryNode, depth int)
	walk = func(nodes []app.CategoryNode, depth int) {
		for _, n := range nodes {
			label := strings.Repeat("\u00a0\u00a0\u00a0", depth) + app.Name(f.Lang, n.NameEN, n.NameAR)
			if n.HospitalID != 0 {
				label += " · " + f.HospitalCode(n.HospitalID)
			}
			opts = append(opts, Option{id64(n.ID), label})
			walk(n.Children, depth+1)
		}
	}
	walk(nodes, 0)
	return opts
}
