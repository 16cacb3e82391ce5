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

// RCAWhys is how many "why" inputs each root cause has (the five whys).
const RCAWhys = 5

// RCABlankRows is how many empty rows the editor adds to root causes and corrective
// actions (save, and two more appear).
const RCABlankRows = 2

// RCAHistoryEntry is one status change of an RCA.
type RCAHistoryEntry struct {
	At       time.Time
	Actor    string
	From, To string
	Note     string
}

// RCARecord is everything an RCA's page and report show.
type RCARecord struct {
	R        app.RCA
	Names    map[string]string // user names by id (team, owners)
	Users    []app.User        // the hospital's users: team members and owners to choose from
	Files    []app.Attachment
	History  []RCAHistoryEntry
	Editable bool  // the reader manages RCAs and the RCA is not closed
	Form     Form  // the editor, with input and errors after a refusal
	Move     Form  // the status form
	Upload   Form  // the upload form
	MaxFile  int64 // the largest file accepted
	Conflict string
}

func rcaURL(id int64) string { return "/rcas/" + id64(id) }

var rcaStatusTone = map[string]string{"review": "badge-warn", "closed": "badge-muted"}

func rcaStatusBadge(f Frame, s string) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge "+rcaStatusTone[s])), g.Text(f.T("rca.status."+s)))
}

var rcaBandTone = map[string]string{"low": "badge-ok", "high": "badge-warn", "extreme": "badge-bad"}

// rcaRisk shows likelihood × impact with its band ("16 · Extreme"), or a dash when unset.
func rcaRisk(f Frame, r app.RCA) g.Node {
	if r.Risk() == 0 {
		return h.Span(h.Class("muted"), g.Text(f.T("rca.risk_unset")))
	}
	band := app.RiskBand(r.Risk())
	return h.Span(h.Class(strings.TrimSpace("badge "+rcaBandTone[band])),
		g.Text(f.T("rca.risk_value", r.Risk(), f.T("rca.band."+band))))
}

// RCAList lists root cause analyses, newest first.
func RCAList(f Frame, p app.Page[app.RCA], fl Filter) g.Node {
	title := f.T("rca.list_title")
	return Page(f, title,
		pageHeader(title, g.If(f.Can(app.PermActionManage), linkButton("/rcas/new", f.T("rca.new")))),
		table(f, p.Items, []Column[app.RCA]{
			{Key: "action.field.ref", Cell: func(x app.RCA) g.Node { return ltr("#" + id64(x.ID)) }},
			{Key: "rca.field.title", Cell: func(x app.RCA) g.Node { return h.Span(h.Dir("auto"), g.Text(x.Title)) }},
			{Key: "field.hospital", Cell: func(x app.RCA) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
			{Key: "field.status", Cell: func(x app.RCA) g.Node { return rcaStatusBadge(f, x.Status) }},
			{Key: "rca.field.risk", Cell: func(x app.RCA) g.Node { return rcaRisk(f, x) }},
			{Key: "complaint.field.created", Cell: func(x app.RCA) g.Node { return f.DateTime(x.CreatedAt) }},
			{Key: "rca.field.updated", Cell: func(x app.RCA) g.Node { return f.DateTime(x.UpdatedAt) }},
		}, func(x app.RCA) string { return rcaURL(x.ID) }),
		pager(f, "/rcas", fl, p),
	)
}

func rcaScoreOptions() []Option {
	var opts []Option
	for i := 1; i <= 5; i++ {
		opts = append(opts, Option{strconv.Itoa(i), strconv.Itoa(i)})
	}
	return opts
}

// rcaTopFields are the analysis' own fields (the new-RCA form adds the hospital).
func rcaTopFields() []Field {
	return []Field{
		{Name: "title", Label: "rca.field.title", Required: true},
		{Name: "problem", Label: "rca.field.problem", Kind: "textarea", Help: "rca.help.problem"},
		{Name: "likelihood", Label: "rca.field.likelihood", Kind: "select", Options: rcaScoreOptions(), Help: "rca.help.likelihood"},
		{Name: "impact", Label: "rca.field.impact", Kind: "select", Options: rcaScoreOptions(), Help: "rca.help.impact"},
		{Name: "links", Label: "rca.field.links", Kind: "textarea", Dir: "ltr", Help: "rca.help.links"},
	}
}

// RCANewFields are the new-RCA form's fields.
func RCANewFields(f Frame) []Field {
	return append([]Field{{Name: "hospital", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)}},
		rcaTopFields()...)
}

// RCANewForm starts an analysis; causes, actions and the team follow in the editor.
func RCANewForm(f Frame, form Form) g.Node {
	title := f.T("rca.new")
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, "/rcas", "rca.create_submit", form, RCANewFields(f))))
}

// rcaRows is how many rows of a repeated group the editor shows: the count the form
// carries (what was shown before an error), within 1–50.
func rcaRows(form Form, name string) int {
	n, err := strconv.Atoi(form.Values.Get(name))
	if err != nil || n < 1 {
		return RCABlankRows
	}
	return min(n, 50)
}

// rcaCauseFields are the fields of root-cause row i: category, text and the whys.
func rcaCauseFields(f Frame, i int) []Field {
	var cats []Option
	for _, c := range app.RootCauseCategories {
		cats = append(cats, Option{string(c), f.T("rca.category." + string(c))})
	}
	n := strconv.Itoa(i)
	fields := []Field{
		{Name: "cause_category_" + n, Label: "rca.field.category", Kind: "select", Options: cats},
		{Name: "cause_text_" + n, Label: "rca.field.cause", Kind: "textarea"},
	}
	for w := 1; w <= RCAWhys; w++ {
		fields = append(fields, Field{Name: "cause_why_" + n + "_" + strconv.Itoa(w), Label: "rca.field.why_" + strconv.Itoa(w)})
	}
	return fields
}

// rcaActionFields are the fields of corrective-action row i.
func rcaActionFields(f Frame, users []app.User, i int) []Field {
	n := strconv.Itoa(i)
	effect := []Option{}
	for _, o := range rcaScoreOptions() {
		effect = append(effect, Option{o.Value, f.T("rca.effect." + o.Value)})
	}
	return []Field{
		{Name: "ca_text_" + n, Label: "rca.field.corrective", Kind: "textarea"},
		{Name: "ca_owner_" + n, Label: "rca.field.owner", Kind: "select", Options: userOptions(users)},
		{Name: "ca_due_" + n, Label: "rca.field.due", Kind: "date", Dir: "ltr"},
		{Name: "ca_status_" + n, Label: "field.status", Kind: "select",
			Options: []Option{{"open", f.T("rca.task.open")}, {"done", f.T("rca.task.done")}}},
		{Name: "ca_effect_" + n, Label: "rca.field.effectiveness", Kind: "select", Options: effect, Help: "rca.help.effectiveness"},
	}
}

// RCAPage is an RCA: the editor for those who may change it (one form with everything,
// no JavaScript), else the analysis as text; then files, status and history.
func RCAPage(f Frame, p RCARecord) g.Node {
	r := p.R
	title := f.T("rca.record_title") + " #" + id64(r.ID)
	var body g.Node
	if p.Editable {
		body = rcaEditor(f, p)
	} else {
		body = rcaReadOnly(f, p)
	}
	return Page(f, title,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(f.T("rca.record_title")+" "), ltr("#"+id64(r.ID))),
			h.Div(h.Class("record-status"), rcaStatusBadge(f, r.Status), rcaRisk(f, r)),
			h.Div(h.Class("page-actions"), h.A(h.Class("btn"), h.Href(rcaURL(r.ID)+"/report"), g.Text(f.T("rca.report")))),
		),
		g.If(p.Conflict != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Conflict)))),
		h.Div(h.Class("split"),
			h.Div(body),
			h.Div(
				rcaMoveCard(f, p),
				h.Section(h.Class("card"), h.ID("files"), h.H2(g.Text(f.T("rca.files_title"))),
					g.If(len(p.Files) == 0, h.P(h.Class("muted"), g.Text(f.T("action.evidence.none")))),
					g.If(len(p.Files) > 0, fileTable(f, rcaURL(r.ID)+"/files/", p.Files))),
				g.If(f.Can(app.PermActionManage), uploadCard(f, rcaURL(r.ID)+"/files", "rca.files_add", "action.evidence.submit", p.Upload, p.MaxFile)),
				rcaHistory(f, p.History),
			),
		),
	)
}

// rcaEditor is the whole analysis as one form: the analysis, its team and links, root
// causes with their whys and corrective actions, each list with blank rows to add.
func rcaEditor(f Frame, p RCARecord) g.Node {
	form := p.Form
	causes, acts := rcaRows(form, "cause_rows"), rcaRows(form, "ca_rows")
	all := rcaTopFields()
	var causeSets, actSets []g.Node
	for i := range causes {
		fields := rcaCauseFields(f, i)
		all = append(all, fields...)
		causeSets = append(causeSets, h.FieldSet(h.Class("rca-row"), h.Legend(g.Text(f.T("rca.cause_n", i+1))),
			fields[0].render(f, form), fields[1].render(f, form),
			h.Div(h.Class("rca-whys"), g.Map(fields[2:], func(fl Field) g.Node { return fl.render(f, form) }))))
	}
	for i := range acts {
		fields := rcaActionFields(f, p.Users, i)
		all = append(all, fields...)
		actSets = append(actSets, h.FieldSet(h.Class("rca-row"), h.Legend(g.Text(f.T("rca.corrective_n", i+1))),
			g.Map(fields, func(fl Field) g.Node { return fl.render(f, form) })))
	}
	all = append(all, Field{Name: "team", Label: "rca.field.team"})
	team := form.Values["team"]
	var members []g.Node
	for _, u := range p.Users {
		members = append(members, h.Label(h.Class("check"),
			h.Input(h.Type("checkbox"), h.Name("team"), h.Value(u.ID), g.If(slices.Contains(team, u.ID), h.Checked())),
			g.Text(u.Name)))
	}
	teamErr, hasTeamErr := form.Errors["team"]
	return h.Form(h.Class("form rca-editor"), h.Method("post"), h.Action(rcaURL(p.R.ID)), g.Attr("novalidate"),
		errorSummary(f, form, all),
		h.Input(h.Type("hidden"), h.Name("cause_rows"), h.Value(strconv.Itoa(causes))),
		h.Input(h.Type("hidden"), h.Name("ca_rows"), h.Value(strconv.Itoa(acts))),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.analysis_title"))),
			g.Map(rcaTopFields(), func(fl Field) g.Node { return fl.render(f, form) }),
			h.P(g.Text(f.T("rca.field.risk")+": "), rcaRisk(f, p.R)),
			h.FieldSet(h.ID("f-team"), h.Class(fieldClass(hasTeamErr)), h.Legend(g.Text(f.T("rca.field.team"))),
				g.If(len(members) == 0, h.P(h.Class("muted"), g.Text(f.T("list.empty")))),
				g.Group(members),
				g.If(hasTeamErr, h.P(h.Class("field-error"), g.Text(f.T(teamErr)))))),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.causes_title"))), h.P(h.Class("help"), g.Text(f.T("rca.help.causes"))),
			g.Group(causeSets)),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.corrective_title"))), h.P(h.Class("help"), g.Text(f.T("rca.help.rows"))),
			g.Group(actSets)),
		h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("rca.save")))),
	)
}

// rcaReadOnly shows the analysis as text, for readers and closed RCAs.
func rcaReadOnly(f Frame, p RCARecord) g.Node {
	return g.Group{rcaSummary(f, p), rcaCausesCard(f, p.R), rcaActionsCard(f, p)}
}

func rcaSummary(f Frame, p RCARecord) g.Node {
	r := p.R
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	var team []string
	for _, id := range r.Team {
		team = append(team, nameOr(p.Names, id))
	}
	teamNode := g.Node(h.Span(h.Class("muted"), g.Text("—")))
	if len(team) > 0 {
		teamNode = h.Span(h.Dir("auto"), g.Text(strings.Join(team, "، ")))
	}
	var links []g.Node
	for i, l := range r.Links {
		if i > 0 {
			links = append(links, g.Text(" · "))
		}
		links = append(links, rcaLink(f, l))
	}
	return h.Section(h.Class("card"), h.H2(h.Dir("auto"), g.Text(r.Title)),
		g.If(r.Problem != "", h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(r.Problem))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(r.HospitalID))),
			row("field.status", rcaStatusBadge(f, r.Status)),
			row("rca.field.likelihood", g.Text(rcaScoreText(r.Likelihood))),
			row("rca.field.impact", g.Text(rcaScoreText(r.Impact))),
			row("rca.field.risk", rcaRisk(f, r)),
			row("rca.field.team", teamNode),
			row("rca.field.links", g.Group{g.If(len(links) == 0, g.Text("—")), g.Group(links)}),
			row("complaint.field.created", g.Group{f.DateTime(r.CreatedAt), g.Text(" · "), actorName(f, r.CreatedBy)}),
			g.If(!r.ClosedAt.IsZero(), row("complaint.field.closed_at", f.DateTime(r.ClosedAt))),
		))
}

func rcaScoreText(n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.Itoa(n) + " / 5"
}

// rcaLink names a record an RCA analyses, linking to the ones with pages.
func rcaLink(f Frame, l app.RCALink) g.Node {
	text := f.T("rca.link."+l.Type) + " "
	switch l.Type {
	case "complaint":
		return h.A(h.Href("/complaints/"+id64(l.ID)), g.Text(text), ltr("#"+id64(l.ID)))
	case "action":
		return h.A(h.Href(actURL(l.ID)), g.Text(text), ltr("#"+id64(l.ID)))
	}
	return h.Span(g.Text(text), ltr("#"+id64(l.ID)))
}

func rcaCausesCard(f Frame, r app.RCA) g.Node {
	var items []g.Node
	for _, c := range r.RootCauses {
		items = append(items, h.Li(
			h.P(h.Span(h.Class("badge"), g.Text(f.T("rca.category."+string(c.Category)))), g.Text(" "), h.Span(h.Dir("auto"), g.Text(c.Text))),
			g.If(len(c.Whys) > 0, h.Ol(h.Class("rca-why-list"), g.Map(c.Whys, func(w string) g.Node {
				return h.Li(h.Dir("auto"), g.Text(w))
			})))))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.causes_title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("rca.none")))),
		g.If(len(items) > 0, h.Ol(items...)))
}

func rcaActionsCard(f Frame, p RCARecord) g.Node {
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.corrective_title"))),
		g.If(len(p.R.CorrectiveActions) == 0, h.P(h.Class("muted"), g.Text(f.T("rca.none")))),
		g.If(len(p.R.CorrectiveActions) > 0, table(f, p.R.CorrectiveActions, []Column[app.CorrectiveAction]{
			{Key: "rca.field.corrective", Cell: func(c app.CorrectiveAction) g.Node { return h.Span(h.Dir("auto"), g.Text(c.Text)) }},
			{Key: "rca.field.owner", Cell: func(c app.CorrectiveAction) g.Node {
				if c.OwnerUserID == "" {
					return g.Text("—")
				}
				return h.Span(h.Dir("auto"), g.Text(nameOr(p.Names, c.OwnerUserID)))
			}},
			{Key: "rca.field.due", Cell: func(c app.CorrectiveAction) g.Node { return f.DateTime(c.DueAt) }},
			{Key: "field.status", Cell: func(c app.CorrectiveAction) g.Node { return g.Text(f.T("rca.task." + c.Status)) }},
			{Key: "rca.field.effectiveness", Cell: func(c app.CorrectiveAction) g.Node {
				if c.Effectiveness == 0 {
					return g.Text("—")
				}
				return g.Text(f.T("rca.effect." + strconv.Itoa(c.Effectiveness)))
			}},
		}, nil)))
}

// rcaMoveCard offers the next and the previous step (an RCA closes only with a root
// cause and a corrective action).
func rcaMoveCard(f Frame, p RCARecord) g.Node {
	head := h.H2(g.Text(f.T("rca.move_title")))
	i := slices.Index(app.RCAStatuses, p.R.Status)
	if !f.Can(app.PermActionManage) || p.R.Status == "closed" || i < 0 {
		return h.Section(h.Class("card"), head, h.P(h.Class("muted"), g.Text(f.T("rca.no_moves"))))
	}
	var buttons []g.Node
	if i+1 < len(app.RCAStatuses) {
		next := app.RCAStatuses[i+1]
		buttons = append(buttons, h.Button(h.Type("submit"), h.Name("to"), h.Value(next), h.Class("btn btn-primary"),
			g.Text(f.T("rca.move."+next))))
	}
	if i > 0 {
		prev := app.RCAStatuses[i-1]
		buttons = append(buttons, h.Button(h.Type("submit"), h.Name("to"), h.Value(prev), h.Class("btn"),
			g.Text(f.T("rca.move_back", f.T("rca.status."+prev)))))
	}
	fields := []Field{{Name: "note", Label: "action.field.note", Kind: "textarea"}}
	return h.Section(h.Class("card"), head,
		h.Form(h.Class("form"), h.Method("post"), h.Action(rcaURL(p.R.ID)+"/transitions"), g.Attr("novalidate"),
			errorSummary(f, p.Move, fields), fields[0].render(f, p.Move),
			h.Div(h.Class("form-actions act-buttons"), g.Group(buttons))))
}

func rcaHistory(f Frame, entries []RCAHistoryEntry) g.Node {
	var items []g.Node
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		what := f.T("rca.history.created")
		if e.From != "" {
			what = f.T("rca.history.moved", f.T("rca.status."+e.From), f.T("rca.status."+e.To))
		}
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.At), g.Text(" · "), actorName(f, e.Actor)),
			h.P(h.Class("timeline-what"), g.Text(what)),
			g.If(e.Note != "", h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(e.Note)))))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.history_title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("list.empty")))),
		g.If(len(items) > 0, h.Ol(h.Class("timeline"), g.Group(items))))
}

// RCAReport is the printable analysis: everything on the RCA's page as text, one
// section after the other (the print stylesheet drops the navigation and buttons).
func RCAReport(f Frame, p RCARecord) g.Node {
	r := p.R
	title := f.T("rca.report_title", r.ID)
	return Page(f, title,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(f.T("rca.report_title", r.ID))),
			h.Div(h.Class("record-status"), rcaStatusBadge(f, r.Status), rcaRisk(f, r)),
			h.Div(h.Class("page-actions"), h.A(h.Class("btn"), h.Href(rcaURL(r.ID)), g.Text(f.T("rca.back"))))),
		h.Div(h.Class("rca-report"),
			rcaSummary(f, p),
			rcaCausesCard(f, r),
			rcaActionsCard(f, p),
			h.Section(h.Class("card"), h.H2(g.Text(f.T("rca.files_title"))),
				g.If(len(p.Files) == 0, h.P(h.Class("muted"), g.Text(f.T("action.evidence.none")))),
				g.If(len(p.Files) > 0, fileTable(f, rcaURL(r.ID)+"/files/", p.Files))),
			rcaHistory(f, p.History),
			h.P(h.Class("muted small"), g.Text(f.T("rca.report_printed")+" "), f.DateTime(time.Now())),
		))
}
