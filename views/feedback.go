package views

import (
	"net/url"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// fbURL is the address of a feedback's record page.
func fbURL(id int64) string { return "/feedback/" + id64(id) }

var feedbackTone = map[app.FeedbackStatus]string{app.FeedbackSubmitted: "", app.FeedbackReviewed: "badge-warn",
	app.FeedbackAcknowledged: "badge-ok", app.FeedbackClosed: "badge-muted"}

func feedbackStatusBadge(f Frame, s app.FeedbackStatus) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge "+feedbackTone[s])), g.Text(f.T("feedback.status."+string(s))))
}

func feedbackClassName(f Frame, c app.FeedbackClass) g.Node {
	if c == "" {
		return h.Span(h.Class("muted"), g.Text(f.T("feedback.unclassified")))
	}
	return g.Text(f.T("feedback.class." + string(c)))
}

// excerpt shortens text to n characters for a list.
func excerpt(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// selectFilter is one select of a list's filter bar: "any" and the options.
func selectFilter(f Frame, name, label, current string, opts []Option) g.Node {
	nodes := []g.Node{h.Option(h.Value(""), g.Text(f.T("feedback.filter.any")))}
	for _, o := range opts {
		nodes = append(nodes, h.Option(h.Value(o.Value), g.If(current == o.Value, h.Selected()), g.Text(o.Label)))
	}
	return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
		h.Select(h.ID("filter-"+name), h.Name(name), g.Group(nodes)))
}

func feedbackTypeOptions(f Frame) []Option {
	var opts []Option
	for _, t := range app.FeedbackTypes {
		opts = append(opts, Option{string(t), f.T("feedback.type." + string(t))})
	}
	return opts
}

func feedbackClassOptions(f Frame) []Option {
	var opts []Option
	for _, c := range app.FeedbackClasses {
		opts = append(opts, Option{string(c), f.T("feedback.class." + string(c))})
	}
	return opts
}

// FeedbackList is the staff feedback list with its filters.
func FeedbackList(f Frame, p app.Page[app.Feedback], fl Filter) g.Node {
	var statuses []Option
	for _, s := range app.FeedbackStatuses {
		statuses = append(statuses, Option{string(s), f.T("feedback.status." + string(s))})
	}
	x := fl.Extra
	return Page(f, f.T("feedback.list_title"),
		pageHeader(f.T("feedback.list_title"), h.A(h.Class("btn"), h.Href("/feedback/new"), g.Text(f.T("feedback.public_form_link")))),
		filterBar(f, fl, "feedback.filter.search",
			selectFilter(f, "status", "field.status", x.Get("status"), statuses),
			selectFilter(f, "type", "feedback.field.type", x.Get("type"), feedbackTypeOptions(f)),
			selectFilter(f, "classification", "feedback.field.classification", x.Get("classification"), feedbackClassOptions(f))),
		table(f, p.Items, []Column[app.Feedback]{
			{Key: "feedback.field.tracking_code", Cell: func(x app.Feedback) g.Node { return ltr(x.TrackingCode) }},
			{Key: "feedback.field.type", Cell: func(x app.Feedback) g.Node { return g.Text(f.T("feedback.type." + string(x.Type))) }},
			{Key: "feedback.field.text", Cell: func(x app.Feedback) g.Node { return h.Span(h.Dir("auto"), g.Text(excerpt(x.Text, 80))) }},
			{Key: "field.hospital", Cell: func(x app.Feedback) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
			{Key: "feedback.field.classification", Cell: func(x app.Feedback) g.Node { return feedbackClassName(f, x.Classification) }},
			{Key: "field.status", Cell: func(x app.Feedback) g.Node { return feedbackStatusBadge(f, x.Status) }},
			{Key: "feedback.field.received", Cell: func(x app.Feedback) g.Node { return f.DateTime(x.CreatedAt) }},
		}, func(x app.Feedback) string { return fbURL(x.ID) }),
		pager(f, "/feedback", fl, p),
	)
}

// FeedbackRecord is everything the feedback page shows.
type FeedbackRecord struct {
	F           app.Feedback
	Departments []app.Department // of the feedback's hospital
	Log         []app.RecordLogEntry
	Responses   []app.FeedbackResponse
	Actions     []app.Action // the action plan
	Files       []app.Attachment
	MaxFile     int64
	// The forms, with input and errors after a refusal.
	Move, Classify, Respond, Link, Upload Form
	Conflict                              string // catalog key of a refused change
}

// FeedbackPage is a feedback's record: the text and details, answers, action plan, files
// and history beside the forms that work on it.
func FeedbackPage(f Frame, p FeedbackRecord) g.Node {
	fb := p.F
	title := f.T("feedback.record_title")
	manage := f.Can(app.PermFeedbackManage)
	return Page(f, title+" "+fb.TrackingCode,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title+" "), ltr(fb.TrackingCode)),
			h.Div(h.Class("record-status"), feedbackStatusBadge(f, fb.Status),
				h.Span(h.Class("muted"), g.Text(f.T("feedback.type."+string(fb.Type)))))),
		g.If(p.Conflict != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Conflict)))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.field.text"))),
					h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(fb.Text))),
				feedbackDetails(f, p),
				feedbackResponses(f, p.Responses),
				feedbackActionPlan(f, p),
				filesCard(f, fbURL(fb.ID)+"/files/", p.Files),
				recordLog(f, "feedback", p.Log),
			),
			h.Div(
				g.If(manage, feedbackMoveCard(f, fb, p.Move)),
				g.If(manage, h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.classify_title"))),
					FormView(f, fbURL(fb.ID)+"/classify", "feedback.classify_submit", p.Classify, []Field{
						{Name: "classification", Label: "feedback.field.classification", Kind: "select", Options: feedbackClassOptions(f)},
						{Name: "department", Label: "field.department", Kind: "select", Options: ownDepartmentOptions(f, p.Departments)},
					}))),
				g.If(manage, feedbackRespondCard(f, fb, p.Respond)),
				g.If(manage, h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.link_title"))),
					FormView(f, fbURL(fb.ID)+"/actions", "feedback.link_submit", p.Link, []Field{
						{Name: "action", Label: "feedback.field.action", Help: "feedback.help.action", Dir: "ltr", Auto: "off"},
					}),
					g.If(f.Can(app.PermActionManage), h.P(h.A(h.Class("btn"), h.Href("/actions/new?"+url.Values{
						"source": {string(app.ActionFromFeedback)}, "source_id": {id64(fb.ID)}, "hospital": {id64(fb.HospitalID)}}.Encode()),
						g.Text(f.T("feedback.start_action"))))))),
				g.If(manage, recordUploadCard(f, fbURL(fb.ID)+"/files", p.Upload, p.MaxFile)),
			),
		),
	)
}

func ownDepartmentOptions(f Frame, ds []app.Department) []Option {
	var opts []Option
	for _, d := range ds {
		opts = append(opts, Option{id64(d.ID), app.Name(f.Lang, d.NameEN, d.NameAR)})
	}
	return opts
}

func feedbackDetails(f Frame, p FeedbackRecord) g.Node {
	fb := p.F
	dash := func() g.Node { return h.Span(h.Class("muted"), g.Text("—")) }
	text := func(s string) g.Node {
		if s == "" {
			return dash()
		}
		return g.Text(s)
	}
	code := func(s string) g.Node {
		if s == "" {
			return dash()
		}
		return ltr(s)
	}
	dep := dash()
	for _, d := range p.Departments {
		if d.ID == fb.DepartmentID {
			dep = g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
		}
	}
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(fb.HospitalID))),
			row("field.department", dep),
			row("feedback.field.type", g.Text(f.T("feedback.type."+string(fb.Type)))),
			row("feedback.field.classification", feedbackClassName(f, fb.Classification)),
			row("feedback.field.patient_name", text(fb.PatientName)),
			row("feedback.field.patient_phone", code(fb.PatientPhone)),
			row("feedback.field.patient_email", code(fb.PatientEmail)),
			row("field.language", text(map[string]string{"ar": "العربية", "en": "English"}[fb.Language])),
			row("feedback.field.received", f.DateTime(fb.CreatedAt)),
			g.If(!fb.ClosedAt.IsZero(), row("feedback.field.closed", f.DateTime(fb.ClosedAt))),
		))
}

func feedbackResponses(f Frame, rs []app.FeedbackResponse) g.Node {
	var items []g.Node
	for _, r := range rs {
		how := f.T("feedback.response.not_sent")
		if r.Channel != "" {
			how = f.T("feedback.response.sent_by", f.T("notify.channel."+string(r.Channel)))
		}
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(r.At), g.Text(" · "), ltr(r.SentBy), g.Text(" · "+how)),
			h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(r.Text))))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.responses_title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("feedback.responses_none")))),
		g.If(len(items) > 0, h.Ol(h.Class("timeline"), g.Group(items))))
}

func feedbackActionPlan(f Frame, p FeedbackRecord) g.Node {
	return h.Section(h.Class("card"), h.ID("action-plan"), h.H2(g.Text(f.T("feedback.actions_title"))),
		g.If(len(p.Actions) == 0, h.P(h.Class("muted"), g.Text(f.T("feedback.actions_none")))),
		g.If(len(p.Actions) > 0, table(f, p.Actions, []Column[app.Action]{
			{Key: "feedback.field.action", Cell: func(a app.Action) g.Node { return ltr("#" + id64(a.ID)) }},
			{Key: "feedback.field.action_title", Cell: func(a app.Action) g.Node {
				return h.Span(h.Dir("auto"), g.Text(app.Name(f.Lang, a.TitleEN, a.TitleAR)))
			}},
			{Key: "field.status", Cell: func(a app.Action) g.Node { return g.Text(f.T("action.status." + string(a.Status))) }},
		}, func(a app.Action) string { return "/actions/" + id64(a.ID) })))
}

func feedbackMoveCard(f Frame, fb app.Feedback, form Form) g.Node {
	next := fb.Status.Next()
	if len(next) == 0 {
		return nil
	}
	var to []Option
	for _, s := range next {
		to = append(to, Option{string(s), f.T("feedback.status." + string(s))})
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.move_title"))),
		FormView(f, fbURL(fb.ID)+"/transitions", "feedback.move_submit", form, []Field{
			{Name: "to", Label: "feedback.field.move_to", Kind: "select", Required: true, Options: to},
			{Name: "note", Label: "feedback.field.note", Kind: "textarea"},
			{Name: "public", Label: "feedback.field.public", Kind: "checkbox"},
		}))
}

func feedbackRespondCard(f Frame, fb app.Feedback, form Form) g.Node {
	body := []g.Node{h.H2(g.Text(f.T("feedback.respond_title")))}
	if fb.PatientPhone == "" && fb.PatientEmail == "" {
		body = append(body, h.P(h.Class("muted"), g.Text(f.T("feedback.respond_no_contact"))))
	} else {
		body = append(body, FormView(f, fbURL(fb.ID)+"/responses", "feedback.respond_submit", form, []Field{
			{Name: "response", Label: "feedback.field.response", Kind: "textarea", Required: true, Help: "feedback.help.response"},
		}))
	}
	return h.Section(append([]g.Node{h.Class("card")}, body...)...)
}

// filesCard lists a record's files; each name downloads the file (base + file id).
func filesCard(f Frame, base string, files []app.Attachment) g.Node {
	return h.Section(h.Class("card"), h.ID("files"), h.H2(g.Text(f.T("complaint.attachments.title"))),
		g.If(len(files) == 0, h.P(h.Class("muted"), g.Text(f.T("complaint.attachments.none")))),
		g.If(len(files) > 0, fileTable(f, base, files)))
}

// recordUploadCard is the upload form of feedback and observations: photos and PDFs.
func recordUploadCard(f Frame, action string, form Form, maxSize int64) g.Node {
	const id = "f-file"
	key, hasErr := form.Errors["file"]
	describedBy := id + "-help"
	if hasErr {
		describedBy += " " + id + "-error"
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("complaint.attachments.add_title"))),
		h.Form(h.Class("form"), h.Method("post"), h.Action(action), h.EncType("multipart/form-data"), g.Attr("novalidate"),
			h.Div(h.Class(fieldClass(hasErr)),
				h.Label(h.For(id), g.Text(f.T("complaint.attachments.file"))),
				h.Input(h.ID(id), h.Name("file"), h.Type("file"), h.Required(), h.Accept(photoAccept),
					h.Aria("describedby", describedBy), g.If(hasErr, h.Aria("invalid", "true"))),
				h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T("feedback.help.file", megabytes(maxSize)))),
				g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), h.Role("alert"), g.Text(f.T(key)))),
			),
			h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("complaint.attachments.submit")))),
		))
}

// photoAccept is the file-picker hint of feedback and observation files.
const photoAccept = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"

// recordLog is the history of a feedback or an observation (prefix names the message
// family), newest first, with who and when; entries shown on the public tracking page
// are marked.
func recordLog(f Frame, prefix string, entries []app.RecordLogEntry) g.Node {
	var items []g.Node
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		what := f.T("feedback.log." + e.Kind)
		if !known("feedback.log." + e.Kind) {
			what = e.Kind
		}
		note := e.Note
		switch e.Kind {
		case "status":
			what = f.T("feedback.log.status", f.T(prefix+".status."+e.ToStatus))
		case "classified":
			if c := app.FeedbackClass(note); c.Valid() {
				note = f.T("feedback.class." + note)
			}
		case "triaged":
			if from, to, ok := strings.Cut(note, " → "); ok && app.Severity(from).Valid() && app.Severity(to).Valid() {
				note = f.T("complaint.severity."+from) + " → " + f.T("complaint.severity."+to)
			}
		}
		actor := g.Node(ltr(e.Actor))
		switch e.Actor {
		case "", "system":
			actor = g.Text(f.T("complaint.actor.system"))
		case "public-form":
			actor = g.Text(f.T("complaint.actor.public"))
		case app.AnonymousActor:
			actor = g.Text(f.T("feedback.actor.anonymous"))
		case "reporter":
			actor = g.Text(f.T("feedback.actor.reporter"))
		}
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.At), g.Text(" · "), actor,
				g.If(e.Public, h.Span(h.Class("badge badge-ok timeline-public"), g.Text(f.T("feedback.log.public"))))),
			h.P(h.Class("timeline-what"), g.Text(what)),
			g.If(note != "", h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(note)))))
	}
	return h.Section(h.Class("card"), h.H2(g.Text(f.T("feedback.log_title"))),
		g.If(len(items) == 0, h.P(h.Class("muted"), g.Text(f.T("list.empty")))),
		g.If(len(items) > 0, h.Ol(h.Class("timeline"), g.Group(items))))
}
