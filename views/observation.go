package views

import (
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// obsURL is the address of an observation's record page.
func obsURL(id int64) string { return "/observations/" + id64(id) }

// ObservationRow is an observation with where its SLA clock stands.
type ObservationRow struct {
	O         app.Observation
	SLA       app.SLAState // "" once it is finished
	Remaining time.Duration
}

var observationTone = map[app.ObservationStatus]string{app.ObservationNew: "badge-warn", app.ObservationTriage: "",
	app.ObservationAssigned: "", app.ObservationInProgress: "", app.ObservationResolved: "badge-ok",
	app.ObservationClosed: "badge-muted", app.ObservationRejected: "badge-muted"}

func observationStatusBadge(f Frame, s app.ObservationStatus) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge "+observationTone[s])), g.Text(f.T("observation.status."+string(s))))
}

// categoryName names a category (and its subcategory, when set) in the reader's language.
func categoryName(f Frame, cats map[int64]app.ObservationCategory, cat, sub int64) string {
	c, ok := cats[cat]
	if !ok {
		return "—"
	}
	name := app.Name(f.Lang, c.NameEN, c.NameAR)
	if s, ok := cats[sub]; ok {
		name += " · " + app.Name(f.Lang, s.NameEN, s.NameAR)
	}
	return name
}

// ObservationList is the staff list of observations with its filters.
func ObservationList(f Frame, p app.Page[ObservationRow], fl Filter, cats map[int64]app.ObservationCategory) g.Node {
	x := fl.Extra
	var statuses, sevs, catOpts []Option
	for _, s := range app.ObservationStatuses {
		statuses = append(statuses, Option{string(s), f.T("observation.status." + string(s))})
	}
	for _, s := range app.Severities {
		sevs = append(sevs, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	for _, c := range sortedCategories(cats) {
		if c.ParentID == 0 {
			catOpts = append(catOpts, Option{id64(c.ID), app.Name(f.Lang, c.NameEN, c.NameAR)})
		}
	}
	check := func(name, label string) g.Node {
		return h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name(name), h.Value("1"), g.If(x.Get(name) == "1", h.Checked())),
			g.Text(f.T(label)))
	}
	return Page(f, f.T("observation.list_title"),
		pageHeader(f.T("observation.list_title"),
			g.If(f.Can(app.PermSLAManage), h.A(h.Class("btn"), h.Href("/observations/sla"), g.Text(f.T("observation.sla_title")))),
			h.A(h.Class("btn"), h.Href("/observe"), g.Text(f.T("observation.public_form_link")))),
		filterBar(f, fl, "feedback.filter.search",
			selectFilter(f, "status", "field.status", x.Get("status"), statuses),
			selectFilter(f, "severity", "complaint.field.severity", x.Get("severity"), sevs),
			selectFilter(f, "category", "observation.field.category", x.Get("category"), catOpts),
			check("mine", "observation.filter.mine"),
			check("overdue", "observation.filter.overdue")),
		table(f, p.Items, []Column[ObservationRow]{
			{Key: "observation.field.ref", Cell: func(r ObservationRow) g.Node { return ltr("OBS-" + id64(r.O.ID)) }},
			{Key: "observation.field.category", Cell: func(r ObservationRow) g.Node {
				return g.Text(categoryName(f, cats, r.O.CategoryID, r.O.SubcategoryID))
			}},
			{Key: "observation.field.description", Cell: func(r ObservationRow) g.Node {
				return h.Span(h.Dir("auto"), g.Text(excerpt(r.O.Description, 80)))
			}},
			{Key: "field.hospital", Cell: func(r ObservationRow) g.Node { return g.Text(f.HospitalName(r.O.HospitalID)) }},
			{Key: "complaint.field.severity", Cell: func(r ObservationRow) g.Node { return severityBadge(f, r.O.Severity) }},
			{Key: "field.status", Cell: func(r ObservationRow) g.Node { return observationStatusBadge(f, r.O.Status) }},
			{Key: "complaint.field.sla", Cell: func(r ObservationRow) g.Node { return slaChip(f, r.SLA, r.Remaining) }},
			{Key: "feedback.field.received", Cell: func(r ObservationRow) g.Node { return f.DateTime(r.O.CreatedAt) }},
		}, func(r ObservationRow) string { return obsURL(r.O.ID) }),
		pager(f, "/observations", fl, p),
	)
}

// sortedCategories orders categories for display: by parent, position, id.
func sortedCategories(cats map[int64]app.ObservationCategory) []app.ObservationCategory {
	out := make([]app.ObservationCategory, 0, len(cats))
	for _, c := range cats {
		out = append(out, c)
	}
	for i := 1; i < len(out); i++ { // small lists: insertion sort keeps this dependency-free
		for j := i; j > 0 && categoryLess(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func categoryLess(a, b app.ObservationCategory) bool {
	if a.ParentID != b.ParentID {
		return a.ParentID < b.ParentID
	}
	if a.Position != b.Position {
		return a.Position < b.Position
	}
	return a.ID < b.ID
}

// ObservationRecord is everything the observation page shows.
type ObservationRecord struct {
	ObservationRow
	Ref          string // "OBS-12"
	Categories   []app.ObservationCategory
	Departments  []app.Department // of the observation's hospital
	Assignees    []app.User       // for assignment (empty for readers who may not assign)
	AssigneeName string
	Log          []app.RecordLogEntry
	Files        []app.Attachment
	MaxFile      int64
	// The forms, with input and errors after a refusal.
	Move, Triage, Assign, Resolve, Upload Form
	Conflict                              string // catalog key of a refused change
}

// ObservationPage is an observation's record: header with reference, status and SLA
// chip; description, details, files and the status log beside the triage, assignment,
// status and resolution forms.
func ObservationPage(f Frame, p ObservationRecord) g.Node {
	o := p.O
	manage := f.Can(app.PermFeedbackManage)
	title := f.T("observation.record_title")
	return Page(f, title+" "+p.Ref,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title+" "), ltr(p.Ref)),
			h.Div(h.Class("record-status"), observationStatusBadge(f, o.Status), severityBadge(f, o.Severity), slaChip(f, p.SLA, p.Remaining))),
		g.If(p.Conflict != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Conflict)))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("observation.field.description"))),
					h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(o.Description))),
				observationDetails(f, p),
				filesCard(f, obsURL(o.ID)+"/files/", p.Files),
				recordLog(f, "observation", p.Log),
			),
			h.Div(
				g.If(manage && o.Status.Active(), observationTriageCard(f, p)),
				g.If(manage && o.Status.Active(), observationAssignCard(f, p)),
				g.If(manage, observationMoveCard(f, o, p.Move)),
				g.If(manage && o.Status.CanMoveTo(app.ObservationResolved), h.Section(h.Class("card"), h.H2(g.Text(f.T("observation.resolve_title"))),
					FormView(f, obsURL(o.ID)+"/resolve", "observation.resolve_submit", p.Resolve, []Field{
						{Name: "resolution", Label: "observation.field.resolution", Kind: "textarea", Required: true},
						{Name: "share", Label: "observation.field.share", Kind: "checkbox"},
					}))),
				g.If(manage, recordUploadCard(f, obsURL(o.ID)+"/files", p.Upload, p.MaxFile)),
			),
		),
	)
}

func observationDetails(f Frame, p ObservationRecord) g.Node {
	o := p.O
	dash := func() g.Node { return h.Span(h.Class("muted"), g.Text("—")) }
	text := func(s string) g.Node {
		if s == "" {
			return dash()
		}
		return h.Span(h.Dir("auto"), g.Text(s))
	}
	cats := map[int64]app.ObservationCategory{}
	for _, c := range p.Categories {
		cats[c.ID] = c
	}
	dep := dash()
	for _, d := range p.Departments {
		if d.ID == o.DepartmentID {
			dep = g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
		}
	}
	reporter := g.Node(h.Span(h.Class("muted"), g.Text(f.T("observation.anonymous"))))
	if o.Identified {
		reporter = text(strings.TrimSpace(o.ReporterName + " " + o.ReporterContact))
		if o.ReporterName == "" && o.ReporterContact == "" {
			reporter = h.Span(h.Class("muted"), g.Text(f.T("observation.identified_hidden")))
		}
	}
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(o.HospitalID))),
			row("field.department", dep),
			row("observation.field.category", g.Text(categoryName(f, cats, o.CategoryID, o.SubcategoryID))),
			row("complaint.field.severity", severityBadge(f, o.Severity)),
			row("observation.field.location", text(o.Location)),
			row("observation.field.reporter", reporter),
			row("observation.field.assignee", text(p.AssigneeName)),
			row("observation.field.tracking_code", ltr(o.TrackingCode)),
			row("feedback.field.received", f.DateTime(o.CreatedAt)),
			g.If(o.Status.Active(), row("complaint.field.due", f.DateTime(o.DueAt))),
			g.If(o.Resolution != "", row("observation.field.resolution", text(o.Resolution))),
			g.If(!o.ResolvedAt.IsZero(), row("complaint.field.resolved_at", f.DateTime(o.ResolvedAt))),
			g.If(!o.ClosedAt.IsZero(), row("complaint.field.closed_at", f.DateTime(o.ClosedAt))),
		))
}

// observationCategoryOptions are the categories, and the subcategories labelled with
// their category, for the selects of the triage and public forms (value: id or code).
func observationCategoryOptions(f Frame, cats []app.ObservationCategory, byCode bool) (top, sub []Option) {
	names := map[int64]string{}
	for _, c := range cats {
		if c.ParentID == 0 {
			names[c.ID] = app.Name(f.Lang, c.NameEN, c.NameAR)
		}
	}
	value := func(c app.ObservationCategory) string {
		if byCode {
			return c.Code
		}
		return id64(c.ID)
	}
	for _, c := range cats {
		if c.ParentID == 0 {
			top = append(top, Option{value(c), names[c.ID]})
		} else if parent, ok := names[c.ParentID]; ok {
			sub = append(sub, Option{value(c), parent + " · " + app.Name(f.Lang, c.NameEN, c.NameAR)})
		}
	}
	return top, sub
}

func severityOptions(f Frame) []Option {
	var opts []Option
	for _, s := range app.Severities {
		opts = append(opts, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	return opts
}

func observationTriageCard(f Frame, p ObservationRecord) g.Node {
	top, sub := observationCategoryOptions(f, p.Categories, false)
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("observation.triage_title"))),
		FormView(f, obsURL(p.O.ID)+"/triage", "observation.triage_submit", p.Triage, []Field{
			{Name: "severity", Label: "complaint.field.severity", Kind: "select", Required: true, Options: severityOptions(f),
				Help: "observation.help.triage_severity"},
			{Name: "category", Label: "observation.field.category", Kind: "select", Options: top},
			{Name: "subcategory", Label: "observation.field.subcategory", Kind: "select", Options: sub},
			{Name: "department", Label: "field.department", Kind: "select", Options: ownDepartmentOptions(f, p.Departments)},
		}))
}

func observationAssignCard(f Frame, p ObservationRecord) g.Node {
	var opts []Option
	for _, u := range p.Assignees {
		opts = append(opts, Option{u.ID, u.Name + " · " + f.T("role."+string(u.Role))})
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("observation.assign_title"))),
		FormView(f, obsURL(p.O.ID)+"/assign", "observation.assign_submit", p.Assign, []Field{
			{Name: "assignee", Label: "observation.field.assignee", Kind: "select", Required: true, Options: opts},
			{Name: "assign_note", Label: "feedback.field.note", Kind: "textarea"},
		}))
}

// observationMoveCard offers the status changes the lifecycle allows that need no other
// form: assigning and resolving have their own.
func observationMoveCard(f Frame, o app.Observation, form Form) g.Node {
	var to []Option
	for _, s := range o.Status.Next() {
		if s == app.ObservationResolved || (s == app.ObservationAssigned && o.AssignedTo == "") {
			continue
		}
		to = append(to, Option{string(s), f.T("observation.status." + string(s))})
	}
	if len(to) == 0 {
		return nil
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("observation.move_title"))),
		FormView(f, obsURL(o.ID)+"/transitions", "observation.move_submit", form, []Field{
			{Name: "to", Label: "feedback.field.move_to", Kind: "select", Required: true, Options: to},
			{Name: "note", Label: "feedback.field.note", Kind: "textarea", Help: "observation.help.move_note"},
			{Name: "public", Label: "observation.field.share_note", Kind: "checkbox"},
		}))
}

// ObservationSLAForm is the SLA page's form filled with rules.
func ObservationSLAForm(rules []app.ObservationSLARule) Form {
	form := NewForm()
	for _, r := range rules {
		form.Values.Set(string(r.Severity)+"_hours", trimFloat(r.Hours))
		form.Values.Set(string(r.Severity)+"_reminder", trimFloat(r.ReminderHours))
	}
	return form
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ObservationSLAPage edits how long observations of each severity may take in a
// hospital (hospitalID 0: the group's defaults, which hospitals without their own use).
func ObservationSLAPage(f Frame, hospitalID int64, form Form) g.Node {
	var hospitals []g.Node
	if f.User != nil && f.User.Role == app.RolePXAdmin {
		hospitals = append(hospitals, h.Option(h.Value("0"), g.If(hospitalID == 0, h.Selected()), g.Text(f.T("observation.sla_group"))))
	}
	for _, x := range f.Hospitals {
		hospitals = append(hospitals, h.Option(h.Value(id64(x.ID)), g.If(hospitalID == x.ID, h.Selected()),
			g.Text(app.Name(f.Lang, x.NameEN, x.NameAR))))
	}
	var fields []Field
	for _, s := range app.Severities {
		fields = append(fields,
			Field{Name: string(s) + "_hours", Label: "observation.sla_hours_" + string(s), Kind: "number", Required: true, Dir: "ltr"},
			Field{Name: string(s) + "_reminder", Label: "observation.sla_reminder_" + string(s), Kind: "number", Dir: "ltr",
				Help: "observation.help.sla_reminder"})
	}
	title := f.T("observation.sla_title")
	return Page(f, title, pageHeader(title),
		h.Form(h.Class("filters"), h.Method("get"), h.Action("/observations/sla"),
			h.Div(h.Class("field"), h.Label(h.For("sla-hospital"), g.Text(f.T("field.hospital"))),
				h.Select(h.ID("sla-hospital"), h.Name("hospital"), g.Group(hospitals))),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply")))),
		h.Section(h.Class("card"),
			h.P(h.Class("help"), g.Text(f.T("observation.sla_intro"))),
			FormView(f, "/observations/sla", "observation.sla_submit", form, fields,
				h.Input(h.Type("hidden"), h.Name("hospital"), h.Value(id64(hospitalID))))),
	)
}
