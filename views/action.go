package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// ActionRow is an improvement action as lists and its record page show it.
type ActionRow struct {
	A         app.Action
	OwnerName string       // the owner's name; "" when the action waits in a queue
	Due       app.SLAState // on_time, due_soon or breached; "" when nothing is due any more
	Remaining time.Duration
}

// actURL is the record page of action id.
func actURL(id int64) string { return "/actions/" + id64(id) }

// actTitle is an action's title in the reader's language (the other one when it has only one).
func actTitle(f Frame, a app.Action) string { return app.Name(f.Lang, a.TitleEN, a.TitleAR) }

// actStatusTone is the badge colour of each status; the words always say the status too.
var actStatusTone = map[app.ActionStatus]string{app.ActionPendingApproval: "badge-warn", app.ActionApproved: "badge-ok",
	app.ActionRejected: "badge-bad", app.ActionClosed: "badge-muted", app.ActionCancelled: "badge-muted"}

func actStatusBadge(f Frame, s app.ActionStatus) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge act-status act-status-"+string(s)+" "+actStatusTone[s])),
		g.Text(f.T("action.status."+string(s))))
}

// actDueChip shows the due time's state in colour, icon (CSS) and words, with the time
// left or overdue.
func actDueChip(f Frame, st app.SLAState, remaining time.Duration) g.Node {
	if st == "" {
		return h.Span(h.Class("muted"), g.Text("—"))
	}
	text := f.T("action.due." + string(st))
	switch {
	case st == app.SLABreached:
		text += " · " + f.T("complaint.sla_overdue", f.span(-remaining))
	case remaining > 0:
		text += " · " + f.T("complaint.sla_left", f.span(remaining))
	}
	return h.Span(h.Class("sla sla-"+string(st)), g.Text(text))
}

// actOwner names who holds an action: its owner, or the queue it waits in.
func actOwner(f Frame, x ActionRow) g.Node {
	switch {
	case x.A.OwnerUserID != "" && x.OwnerName != "":
		return h.Span(h.Dir("auto"), g.Text(x.OwnerName))
	case x.A.OwnerUserID != "":
		return ltr(x.A.OwnerUserID)
	case x.A.OwnerRole != "":
		return h.Span(h.Class("muted"), g.Text(f.T("action.queue", f.T("role."+string(x.A.OwnerRole)))))
	}
	return h.Span(h.Class("muted"), g.Text("—"))
}

// actSourceComplaint returns the complaint an action came from, when it did.
func actSourceComplaint(a app.Action) (int64, bool) {
	if a.Source != app.ActionFromComplaint && a.Source != app.ActionFromResolution {
		return 0, false
	}
	id, err := strconv.ParseInt(a.SourceID, 10, 64)
	return id, err == nil && id > 0
}

// actSource names an action's source, linking to the complaint it came from.
func actSource(f Frame, a app.Action) g.Node {
	label := f.T("action.source." + string(a.Source))
	if id, ok := actSourceComplaint(a); ok {
		return h.A(h.Href("/complaints/"+id64(id)), g.Text(label+" "), ltr("#"+id64(id)))
	}
	if a.SourceID != "" {
		return g.Group{g.Text(label + " "), ltr(a.SourceID)}
	}
	return g.Text(label)
}

// ActionList is the list of improvement actions with its filters.
func ActionList(f Frame, p app.Page[ActionRow], fl Filter) g.Node {
	title := f.T("action.list_title")
	return Page(f, title,
		pageHeader(title, g.If(f.Can(app.PermActionManage), linkButton("/actions/new", f.T("action.new")))),
		actFilters(f, fl),
		table(f, p.Items, []Column[ActionRow]{
			{Key: "action.field.ref", Cell: func(x ActionRow) g.Node { return ltr("#" + id64(x.A.ID)) }},
			{Key: "action.field.title", Cell: func(x ActionRow) g.Node { return h.Span(h.Dir("auto"), g.Text(actTitle(f, x.A))) }},
			{Key: "action.field.source", Cell: func(x ActionRow) g.Node { return actSource(f, x.A) }},
			{Key: "action.field.owner", Cell: func(x ActionRow) g.Node { return actOwner(f, x) }},
			{Key: "complaint.field.priority", Cell: func(x ActionRow) g.Node { return g.Text(f.T("complaint.priority." + string(x.A.Priority))) }},
			{Key: "action.field.due", Cell: func(x ActionRow) g.Node {
				return g.Group{f.DateTime(x.A.DueAt), h.Br(), actDueChip(f, x.Due, x.Remaining)}
			}},
			{Key: "field.status", Cell: func(x ActionRow) g.Node { return actStatusBadge(f, x.A.Status) }},
			{Key: "action.field.signals", Num: true, Cell: func(x ActionRow) g.Node { return g.Text(strconv.Itoa(x.A.SignalCount)) }},
		}, func(x ActionRow) string { return actURL(x.A.ID) }),
		pager(f, "/actions", fl, p),
	)
}

// actFilters is the list's filter bar: hospital, status, source, and "mine only".
func actFilters(f Frame, fl Filter) g.Node {
	x := fl.Extra
	sel := func(name, label string, opts []Option) g.Node {
		nodes := []g.Node{h.Option(h.Value(""), g.Text(f.T("complaint.filter.any")))}
		for _, o := range opts {
			nodes = append(nodes, h.Option(h.Value(o.Value), g.If(x.Get(name) == o.Value, h.Selected()), g.Text(o.Label)))
		}
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Select(h.ID("filter-"+name), h.Name(name), g.Group(nodes)))
	}
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		hospital = h.Div(h.Class("field"), h.Label(h.For("filter-hospital"), g.Text(f.T("field.hospital"))),
			h.Select(h.ID("filter-hospital"), h.Name("hospital"),
				h.Option(h.Value(""), g.Text(f.T("filter.all_hospitals"))),
				g.Map(hospitalOptions(f), func(o Option) g.Node {
					return h.Option(h.Value(o.Value), g.If(o.Value == id64(fl.HospitalID), h.Selected()), g.Text(o.Label))
				})))
	}
	return h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
		hospital,
		sel("status", "field.status", actStatusOptions(f)),
		sel("source", "action.field.source", actSourceOptions(f)),
		h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name("owner"), h.Value("me"), g.If(x.Get("owner") == "me", h.Checked())),
			g.Text(f.T("action.filter.mine"))),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
	)
}

func actStatusOptions(f Frame) []Option {
	var opts []Option
	for _, s := range app.ActionStatuses {
		opts = append(opts, Option{string(s), f.T("action.status." + string(s))})
	}
	return opts
}

func actSourceOptions(f Frame) []Option {
	var opts []Option
	for _, s := range app.ActionSources {
		opts = append(opts, Option{string(s), f.T("action.source." + string(s))})
	}
	return opts
}

// userOptions lists users by name (with their e-mail, which tells two Mohammeds apart).
func userOptions(users []app.User) []Option {
	var opts []Option
	for _, u := range users {
		opts = append(opts, Option{u.ID, u.Name + " · " + u.Email})
	}
	return opts
}

// ActionFields are the new-action form's fields; their names are the service's field
// names, so each error lands beside its field.
func ActionFields(f Frame, ds []app.Department, users []app.User) []Field {
	var sev, pri []Option
	for _, s := range app.Severities {
		sev = append(sev, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	for _, p := range app.Priorities {
		pri = append(pri, Option{string(p), f.T("complaint.priority." + string(p))})
	}
	return []Field{
		{Name: "hospital", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "department", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds)},
		{Name: "owner", Label: "action.field.owner", Kind: "select", Options: userOptions(users), Help: "action.help.owner"},
		{Name: "title_en", Label: "action.field.title_en", Help: "action.help.title"},
		{Name: "title_ar", Label: "action.field.title_ar", Dir: "rtl"},
		{Name: "description_en", Label: "action.field.description_en", Kind: "textarea"},
		{Name: "description_ar", Label: "action.field.description_ar", Kind: "textarea", Dir: "rtl"},
		{Name: "category", Label: "action.field.category", Help: "action.help.category"},
		{Name: "severity", Label: "complaint.field.severity", Kind: "select", Required: true, Options: sev},
		{Name: "priority", Label: "complaint.field.priority", Kind: "select", Required: true, Options: pri, Help: "action.help.priority"},
		{Name: "source", Label: "action.field.source", Kind: "select", Options: actSourceOptions(f)},
		{Name: "source_id", Label: "action.field.source_id", Dir: "ltr", Auto: "off", Help: "action.help.source_id"},
	}
}

// ActionForm is the new-action form.
func ActionForm(f Frame, form Form, ds []app.Department, users []app.User) g.Node {
	title := f.T("action.new")
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, "/actions", "action.create_submit", form, ActionFields(f, ds, users))))
}

// ActionRecord is everything an action's page shows.
type ActionRecord struct {
	ActionRow
	Department app.Department
	Names      map[string]string // user names by id (owner, approvers, assignees)
	Timeline   []app.ActionEntry
	Evidence   []app.Attachment
	Assignees  []app.User // users of the action's hospital, for assignment
	// What the reader may do (the service decides each call again).
	CanWork, CanDecide, CanComment bool
	Move, Decide, Assign, Note     Form // the forms, with input and errors after a refusal
	Upload                         Form
	MaxEvidence                    int64
	Conflict                       string // catalog key of a refused change, shown at the top
}

// ActionPage is an action's record: header with reference, status and due chip; details,
// evidence, approvals and the timeline beside the work, decision, assignment and
// comment forms.
func ActionPage(f Frame, p ActionRecord) g.Node {
	a := p.A
	title := f.T("action.record_title")
	return Page(f, title+" #"+id64(a.ID),
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title+" "), ltr("#"+id64(a.ID))),
			h.Div(h.Class("record-status"), actStatusBadge(f, a.Status), g.If(p.Due != "", actDueChip(f, p.Due, p.Remaining))),
		),
		g.If(p.Conflict != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Conflict)))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"), h.H2(h.Dir("auto"), g.Text(actTitle(f, a))),
					g.If(app.Name(f.Lang, a.DescriptionEN, a.DescriptionAR) != "",
						h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(app.Name(f.Lang, a.DescriptionEN, a.DescriptionAR))))),
				actDetails(f, p),
				actEvidenceCard(f, p),
				actApprovalsCard(f, p),
				actTimeline(f, p),
			),
			h.Div(
				actWorkCard(f, p),
				g.If(p.CanDecide, actDecideCard(f, p)),
				g.If(f.Can(app.PermActionManage) && !a.Status.Finished(), actAssignCard(f, p)),
				g.If(p.CanWork && actEvidenceOpen(a.Status), uploadCard(f, actURL(a.ID)+"/evidence", "action.evidence.add_title",
					"action.evidence.submit", p.Upload, p.MaxEvidence)),
				g.If(p.CanComment, h.Section(h.Class("card"), h.H2(g.Text(f.T("action.comment_title"))),
					FormView(f, actURL(a.ID)+"/comments", "action.comment_submit", p.Note,
						[]Field{{Name: "comment", Label: "action.field.comment", Kind: "textarea", Required: true}}))),
			),
		),
	)
}

// actEvidenceOpen reports whether evidence may still be added in status s.
func actEvidenceOpen(s app.ActionStatus) bool {
	return s == app.ActionOpen || s == app.ActionInProgress || s == app.ActionRejected
}

func actDetails(f Frame, p ActionRecord) g.Node {
	a := p.A
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	dep := h.Span(h.Class("muted"), g.Text("—"))
	if p.Department.ID != 0 {
		dep = h.Span(g.Text(app.Name(f.Lang, p.Department.NameEN, p.Department.NameAR)))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(a.HospitalID))),
			row("field.department", dep),
			row("action.field.owner", actOwner(f, p.ActionRow)),
			row("action.field.source", actSource(f, a)),
			g.If(a.Category != "", row("action.field.category", h.Span(h.Dir("auto"), g.Text(a.Category)))),
			row("complaint.field.severity", severityBadge(f, a.Severity)),
			row("complaint.field.priority", g.Text(f.T("complaint.priority."+string(a.Priority)))),
			row("action.field.signals", g.Text(strconv.Itoa(a.SignalCount))),
			row("complaint.field.created", g.Group{f.DateTime(a.CreatedAt), g.If(a.CreatedBy != "", g.Group{g.Text(" · "), actorName(f, a.CreatedBy)})}),
			row("action.field.due", f.DateTime(a.DueAt)),
			g.If(!a.ClosedAt.IsZero(), row("complaint.field.closed_at", f.DateTime(a.ClosedAt))),
		))
}

// actEvidenceCard lists the action's evidence; each name downloads the file.
func actEvidenceCard(f Frame, p ActionRecord) g.Node {
	base := actURL(p.A.ID) + "/evidence/"
	return h.Section(h.Class("card"), h.ID("evidence"), h.H2(g.Text(f.T("action.evidence.title"))),
		g.If(len(p.Evidence) == 0, h.P(h.Class("muted"), g.Text(f.T("action.evidence.none")))),
		g.If(len(p.Evidence) > 0, fileTable(f, base, p.Evidence)))
}

// fileTable lists files (name, size, who, when) whose names download them from base+id.
func fileTable(f Frame, base string, files []app.Attachment) g.Node {
	return table(f, files, []Column[app.Attachment]{
		{Key: "complaint.attachments.name", Cell: func(a app.Attachment) g.Node {
			return h.A(h.Href(base+id64(a.ID)), h.Download(""), h.Dir("auto"), g.Text(a.Name))
		}},
		{Key: "complaint.attachments.size", Num: true, Cell: func(a app.Attachment) g.Node { return g.Text(fileSize(f, a.Size)) }},
		{Key: "complaint.attachments.by", Cell: func(a app.Attachment) g.Node { return ltr(a.UploadedBy) }},
		{Key: "complaint.attachments.when", Cell: func(a app.Attachment) g.Node { return f.DateTime(a.CreatedAt) }},
	}, nil)
}

// uploadCard is a one-file upload form posting to action (field "file").
func uploadCard(f Frame, action, titleKey, submitKey string, form Form, maxSize int64) g.Node {
	const id = "f-file"
	key, hasErr := form.Errors["file"]
	msg := f.T(key)
	if key == "err.attachment_too_large" {
		msg = f.T(key, megabytes(maxSize))
	}
	describedBy := id + "-help"
	if hasErr {
		describedBy += " " + id + "-error"
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T(titleKey))),
		h.Form(h.Class("form"), h.Method("post"), h.Action(action), h.EncType("multipart/form-data"), g.Attr("novalidate"),
			g.If(hasErr, h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"),
				h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(h.Li(h.A(h.Href("#"+id), g.Text(msg)))))),
			h.Div(h.Class(fieldClass(hasErr)),
				h.Label(h.For(id), g.Text(f.T("complaint.attachments.file")), h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *"))),
				h.Input(h.ID(id), h.Name("file"), h.Type("file"), h.Required(), h.Accept(attachmentAccept),
					h.Aria("describedby", describedBy), g.If(hasErr, h.Aria("invalid", "true"))),
				h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T("complaint.attachments.help", megabytes(maxSize)))),
				g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(msg))),
			),
			h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T(submitKey)))),
		))
}

// actMoveLabel is the button of a move: "Take it" for an action waiting in a queue.
func actMoveLabel(f Frame, a app.Action, to app.ActionStatus) string {
	if to == app.ActionInProgress {
		switch {
		case a.OwnerUserID == "":
			return f.T("action.take")
		case a.Status != app.ActionOpen:
			return f.T("action.move.reopen")
		}
	}
	return f.T("action.move." + string(to))
}

// actWorkCard offers the moves the workflow allows next, as buttons of one form with an
// optional note (a reason is required to cancel, which managers alone may do).
func actWorkCard(f Frame, p ActionRecord) g.Node {
	a := p.A
	var buttons []g.Node
	for _, to := range a.Status.Moves() {
		if to == app.ActionCancelled && !f.Can(app.PermActionManage) {
			continue
		}
		class := "btn btn-primary"
		if to == app.ActionCancelled {
			class = "btn btn-danger"
		}
		buttons = append(buttons, h.Button(h.Type("submit"), h.Name("to"), h.Value(string(to)), h.Class(class),
			g.Text(actMoveLabel(f, a, to))))
	}
	head := h.H2(g.Text(f.T("action.work_title")))
	if !p.CanWork || len(buttons) == 0 {
		text := "action.no_moves"
		if a.Status == app.ActionPendingApproval {
			text = "action.waiting_approval"
		}
		return h.Section(h.Class("card"), head, h.P(h.Class("muted"), g.Text(f.T(text))))
	}
	fields := []Field{{Name: "note", Label: "action.field.note", Kind: "textarea", Help: "action.help.note"}}
	return h.Section(h.Class("card"), head,
		g.If(a.Status == app.ActionInProgress || a.Status == app.ActionRejected,
			h.P(h.Class("help"), g.Text(f.T("action.help.submit")))),
		h.Form(h.Class("form"), h.Method("post"), h.Action(actURL(a.ID)+"/transitions"), g.Attr("novalidate"),
			errorSummary(f, p.Move, fields),
			fields[0].render(f, p.Move),
			h.Div(h.Class("form-actions act-buttons"), g.Group(buttons)),
		))
}

// actDecideCard is the approval decision: a comment (required to reject) and two buttons.
func actDecideCard(f Frame, p ActionRecord) g.Node {
	fields := []Field{{Name: "decision_comment", Label: "action.field.decision_comment", Kind: "textarea", Help: "action.help.decision"}}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("action.decide_title", p.A.PendingLevel()))),
		h.Form(h.Class("form"), h.Method("post"), h.Action(actURL(p.A.ID)+"/decision"), g.Attr("novalidate"),
			errorSummary(f, p.Decide, fields),
			fields[0].render(f, p.Decide),
			h.Div(h.Class("form-actions act-buttons"),
				h.Button(h.Type("submit"), h.Name("decision"), h.Value("approve"), h.Class("btn btn-primary"), g.Text(f.T("action.approve"))),
				h.Button(h.Type("submit"), h.Name("decision"), h.Value("reject"), h.Class("btn btn-danger"), g.Text(f.T("action.reject"))),
			),
		))
}

func actAssignCard(f Frame, p ActionRecord) g.Node {
	opts := append([]Option{{"queue", f.T("action.assign_queue")}}, userOptions(p.Assignees)...)
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("action.assign_title"))),
		FormView(f, actURL(p.A.ID)+"/assign", "action.assign_submit", p.Assign,
			[]Field{{Name: "owner", Label: "action.field.owner", Kind: "select", Required: true, Options: opts}}))
}

// actApprovalsCard shows the approval chain: each level's role, decision, who, when and
// comment; levels of earlier rounds (before a rejection) are greyed.
func actApprovalsCard(f Frame, p ActionRecord) g.Node {
	head := h.H2(g.Text(f.T("action.approvals.title")))
	if len(p.A.Approvals) == 0 {
		return h.Section(h.Class("card"), head, h.P(h.Class("muted"), g.Text(f.T("action.approvals.none"))))
	}
	pending := p.A.PendingLevel()
	th := func(key string) g.Node { return h.Th(h.Scope("col"), g.Text(f.T(key))) }
	var rows []g.Node
	for _, ap := range p.A.Approvals {
		var decision g.Node
		switch {
		case !ap.DecidedAt.IsZero() && ap.Approved:
			decision = h.Span(h.Class("badge badge-ok"), g.Text(f.T("action.approvals.approved")))
		case !ap.DecidedAt.IsZero():
			decision = h.Span(h.Class("badge badge-bad"), g.Text(f.T("action.approvals.rejected")))
		case ap.Superseded:
			decision = h.Span(h.Class("badge badge-muted"), g.Text(f.T("action.approvals.not_reached")))
		case ap.Level == pending && p.A.Status == app.ActionPendingApproval:
			decision = h.Span(h.Class("badge badge-warn"), g.Text(f.T("action.approvals.waiting")))
		default:
			decision = h.Span(h.Class("badge badge-muted"), g.Text(f.T("action.approvals.later")))
		}
		who := g.Node(g.Text("—"))
		if ap.DecidedBy != "" {
			who = h.Span(h.Dir("auto"), g.Text(nameOr(p.Names, ap.DecidedBy)))
		}
		rows = append(rows, h.Tr(g.If(ap.Superseded, h.Class("act-superseded")),
			h.Td(g.Text(strconv.Itoa(ap.Level)), g.If(ap.Superseded, h.Span(h.Class("small"), g.Text(" · "+f.T("action.approvals.earlier"))))),
			h.Td(g.Text(f.T("role."+string(ap.Role)))),
			h.Td(decision),
			h.Td(who),
			h.Td(f.DateTime(ap.DecidedAt)),
			h.Td(h.Dir("auto"), g.Text(ap.Comment)),
		))
	}
	return h.Section(h.Class("card"), h.ID("approvals"), head,
		h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.THead(h.Tr(th("action.approvals.level"), th("action.approvals.role"), th("action.approvals.decision"),
				th("action.approvals.by"), th("action.approvals.when"), th("action.approvals.comment"))),
			h.TBody(rows...))))
}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// actTimeline lists every change of the action, newest first, with who and when.
func actTimeline(f Frame, p ActionRecord) g.Node {
	var items []g.Node
	for i := len(p.Timeline) - 1; i >= 0; i-- {
		e := p.Timeline[i]
		what, note := actTimelineText(f, p, e)
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.At), g.Text(" · "), actorName(f, e.Actor)),
			h.P(h.Class("timeline-what"), g.Text(what)),
			g.If(note != "", h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(note))),
		))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.timeline.title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("list.empty")))),
		g.If(len(items) > 0, h.Ol(h.Class("timeline"), g.Group(items))))
}

// actTimelineText says what a timeline entry records, and the note to show under it.
func actTimelineText(f Frame, p ActionRecord, e app.ActionEntry) (string, string) {
	status := func(s app.ActionStatus) string { return f.T("action.status." + string(s)) }
	switch e.Kind {
	case "created":
		if role, ok := strings.CutPrefix(e.Note, "queue:"); ok {
			return f.T("action.timeline.created_queue", f.T("role."+role)), ""
		}
		return f.T("action.timeline.created"), e.Note
	case "status":
		return f.T("action.timeline.status", status(e.From), status(e.To)), e.Note
	case "assign":
		if e.Note == "" {
			return f.T("action.timeline.unassigned"), ""
		}
		return f.T("action.timeline.assigned", nameOr(p.Names, e.Note)), ""
	case "approved", "rejected", "comment", "evidence", "signal", "overdue":
		return f.T("action.timeline." + e.Kind), e.Note
	}
	return e.Kind, e.Note
}

// ComplaintActionLink is the complaint page's way to start an improvement action from it.
func ComplaintActionLink(f Frame, c app.Complaint) g.Node {
	if !f.Can(app.PermActionManage) {
		return nil
	}
	v := url.Values{"source": {string(app.ActionFromComplaint)}, "source_id": {id64(c.ID)}, "hospital": {id64(c.HospitalID)}}
	if c.DepartmentID != 0 {
		v.Set("department", id64(c.DepartmentID))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("action.from_complaint_title"))),
		h.P(h.Class("help"), g.Text(f.T("action.from_complaint_help"))),
		h.A(h.Class("btn"), h.Href("/actions/new?"+v.Encode()), g.Text(f.T("action.from_complaint"))))
}
