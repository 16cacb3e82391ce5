package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// AppreciationItem is an appreciation as the feed, its page and the wall show it.
type AppreciationItem struct {
	A         app.Appreciation
	Recipient app.Staff
	Category  app.AppreciationCategory // zero when none
	Mine      bool                     // the reader wrote it
}

func appreciationURL(id int64) string { return "/appreciation/" + id64(id) }

func staffName(f Frame, x app.Staff) string { return app.Name(f.Lang, x.NameEN, x.NameAR) }

var appreciationStatusTone = map[app.AppreciationStatus]string{app.AppreciationDraft: "badge-muted",
	app.AppreciationSent: "badge-warn", app.AppreciationAcknowledged: "badge-ok"}

func appreciationStatus(f Frame, s app.AppreciationStatus) g.Node {
	return h.Span(h.Class("badge "+appreciationStatusTone[s]), g.Text(f.T("appreciation.status."+string(s))))
}

// appreciationSender names who sent a thank-you: "Anonymous" when they chose so
// (with "you" for its own writer), "A patient" where the public wall leaves the name
// out, else the name and whether a patient, a family member or a colleague.
func appreciationSender(f Frame, it AppreciationItem) g.Node {
	kind := f.T("appreciation.kind." + string(it.A.SenderKind))
	if !it.A.Anonymous && it.A.SenderName == "" { // a name the public wall leaves out
		return g.Text(f.T("appreciation.from_kind." + string(it.A.SenderKind)))
	}
	if it.A.Anonymous {
		text := f.T("appreciation.sender_anonymous") + " (" + kind + ")"
		if it.Mine {
			text += " · " + f.T("appreciation.sent_by_you")
		}
		return g.Text(text)
	}
	return g.Group{h.Span(h.Dir("auto"), g.Text(it.A.SenderName)), g.Text(" (" + kind + ")")}
}

// BadgeChip shows an earned badge; monthly ones say their month.
func BadgeChip(f Frame, b app.Badge) g.Node {
	text := f.T("badge." + string(b.Code))
	if b.Period != "" {
		return h.Span(h.Class("badge badge-ok award"), g.Text(text+" · "), ltr(b.Period))
	}
	return h.Span(h.Class("badge badge-ok award"), g.Text(text))
}

func badgeChips(f Frame, bs []app.Badge) g.Node {
	if len(bs) == 0 {
		return nil
	}
	return h.Span(h.Class("awards"), g.Map(bs, func(b app.Badge) g.Node { return BadgeChip(f, b) }))
}

// appreciationCard is one thank-you: to whom, for what, the message in its own
// language and direction, from whom and when. public leaves out what only staff see.
func appreciationCard(f Frame, it AppreciationItem, link, public bool) g.Node {
	a := it.A
	to := g.Node(h.Strong(h.Dir("auto"), g.Text(staffName(f, it.Recipient))))
	if link {
		to = h.A(h.Href(appreciationURL(a.ID)), to)
	}
	when := a.SentAt
	if when.IsZero() {
		when = a.CreatedAt
	}
	return h.Article(h.Class("card thanks"),
		h.P(h.Class("thanks-head"), g.Text(f.T("appreciation.to")+" "), to,
			g.If(it.Category.ID != 0, h.Span(h.Class("badge badge-muted"), g.Text(app.Name(f.Lang, it.Category.NameEN, it.Category.NameAR)))),
			g.If(!public, appreciationStatus(f, a.Status))),
		h.BlockQuote(h.Class("thanks-message"), textDir(a.Language), g.Text(a.Message)),
		h.P(h.Class("small muted"),
			g.Text(f.T("appreciation.from")+" "), appreciationSender(f, it), g.Text(" · "), f.DateTime(when),
			g.If(!public, g.Text(" · "+f.T("appreciation.visibility."+string(a.Visibility))))),
	)
}

// AppreciationHomeProps is the appreciation page: the send form (with the recipient
// search) and the feed.
type AppreciationHomeProps struct {
	Form       Form
	StaffQuery string
	Recipients []app.Staff
	Categories []app.AppreciationCategory
	Box        string // "", "received" or "sent"
	Feed       app.Page[AppreciationItem]
	Filter     Filter
}

func appreciationTabs(f Frame, box string) g.Node {
	var items []g.Node
	for _, t := range []struct{ box, key string }{{"", "appreciation.tab.all"}, {"received", "appreciation.tab.received"},
		{"sent", "appreciation.tab.sent"}} {
		href := "/appreciation"
		if t.box != "" {
			href += "?box=" + t.box
		}
		items = append(items, h.Li(h.A(h.Href(href), g.If(t.box == box, h.Aria("current", "page")), g.Text(f.T(t.key)))))
	}
	return h.Nav(h.Class("tabs"), h.Aria("label", f.T("appreciation.feed")), h.Ul(items...))
}

// AppreciationFields are the send form's fields; their names are the service's.
func AppreciationFields(f Frame, recipients []app.Staff, cats []app.AppreciationCategory) []Field {
	var people, kinds, categories, vis []Option
	for _, x := range recipients {
		label := staffName(f, x)
		if x.JobTitle != "" {
			label += " · " + x.JobTitle
		}
		people = append(people, Option{id64(x.ID), label + " · " + f.HospitalCode(x.HospitalID)})
	}
	for _, k := range app.SenderKinds {
		kinds = append(kinds, Option{string(k), f.T("appreciation.kind." + string(k))})
	}
	for _, c := range cats {
		categories = append(categories, Option{id64(c.ID), app.Name(f.Lang, c.NameEN, c.NameAR)})
	}
	for _, v := range app.Visibilities {
		vis = append(vis, Option{string(v), f.T("appreciation.visibility."+string(v)) + " – " + f.T("appreciation.visibility_help."+string(v))})
	}
	return []Field{
		{Name: "recipient", Label: "appreciation.field.recipient", Kind: "select", Required: true, Options: people, Help: "appreciation.help.recipient"},
		{Name: "category", Label: "appreciation.field.category", Kind: "select", Options: categories},
		{Name: "message", Label: "appreciation.field.message", Kind: "textarea", Required: true, Dir: "auto", Help: "appreciation.help.message"},
		{Name: "sender_kind", Label: "appreciation.field.sender_kind", Kind: "select", Required: true, Options: kinds},
		{Name: "sender_name", Label: "appreciation.field.sender_name", Dir: "auto", Help: "appreciation.help.sender_name"},
		{Name: "visibility", Label: "appreciation.field.visibility", Kind: "select", Required: true, Options: vis},
		{Name: "anonymous", Label: "appreciation.field.anonymous", Kind: "checkbox"},
	}
}

// AppreciationHome is the page to thank someone and read the thank-yous one may see.
func AppreciationHome(f Frame, p AppreciationHomeProps) g.Node {
	title := f.T("appreciation.title")
	fields := AppreciationFields(f, p.Recipients, p.Categories)
	search := h.Form(h.Class("filters"), h.Method("get"), h.Action("/appreciation"), h.Role("search"),
		h.Div(h.Class("field"), h.Label(h.For("staff-q"), g.Text(f.T("appreciation.find_staff"))),
			h.Input(h.ID("staff-q"), h.Type("search"), h.Name("staff_q"), h.Value(p.StaffQuery), h.AutoComplete("off"))),
		g.If(p.Box != "", h.Input(h.Type("hidden"), h.Name("box"), h.Value(p.Box))),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("appreciation.find"))),
	)
	send := h.Form(h.Class("form"), h.Method("post"), h.Action("/appreciation"), g.Attr("novalidate"),
		errorSummary(f, p.Form, fields),
		g.Map(fields, func(fl Field) g.Node { return fl.render(f, p.Form) }),
		h.Div(h.Class("form-actions"),
			h.Button(h.Type("submit"), h.Name("action"), h.Value("send"), h.Class("btn btn-primary"), g.Text(f.T("appreciation.send"))),
			h.Button(h.Type("submit"), h.Name("action"), h.Value("draft"), h.Class("btn"), g.Text(f.T("appreciation.save_draft"))),
		),
	)
	var feed []g.Node
	for _, it := range p.Feed.Items {
		feed = append(feed, appreciationCard(f, it, true, false))
	}
	if len(feed) == 0 {
		feed = append(feed, h.P(h.Class("empty"), g.Text(f.T("appreciation.feed_empty"))))
	}
	var walls []g.Node
	for _, x := range f.Hospitals {
		walls = append(walls, h.A(h.Class("btn"), h.Href("/appreciation/wall/"+x.Code),
			g.Text(f.T("appreciation.wall_link", app.Name(f.Lang, x.NameEN, x.NameAR)))))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/appreciation/leaderboard"), g.Text(f.T("leaderboard.title")))),
		h.Div(h.Class("split"),
			h.Div(
				appreciationTabs(f, p.Box),
				g.Group(feed),
				pager(f, "/appreciation", p.Filter, p.Feed),
			),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("appreciation.send_title"))), search, send),
				g.If(len(walls) > 0, h.Section(h.Class("card"), h.H2(g.Text(f.T("appreciation.wall_title"))),
					h.P(h.Class("help"), g.Text(f.T("appreciation.wall_help"))), g.Group(walls))),
			),
		),
	)
}

// AppreciationRecord is what an appreciation's page shows and allows.
type AppreciationRecord struct {
	AppreciationItem
	Badges     []app.Badge // the recipient's
	CanAck     bool        // the reader is the recipient and it waits for acknowledgement
	CanSend    bool        // the reader's own draft
	Department app.Department
}

// AppreciationPage is one thank-you with the recipient's badges and, for the recipient,
// the acknowledge button (for its writer, "send" while it is a draft).
func AppreciationPage(f Frame, p AppreciationRecord) g.Node {
	title := f.T("appreciation.record_title")
	a := p.A
	var actions []g.Node
	if p.CanAck {
		actions = append(actions, h.Form(h.Method("post"), h.Action(appreciationURL(a.ID)+"/acknowledge"),
			h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("appreciation.acknowledge")))))
	}
	if p.CanSend {
		actions = append(actions, h.Form(h.Method("post"), h.Action(appreciationURL(a.ID)+"/send"),
			h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("appreciation.send")))))
	}
	dep := dash()
	if p.Department.ID != 0 {
		dep = g.Text(app.Name(f.Lang, p.Department.NameEN, p.Department.NameAR))
	}
	return Page(f, title,
		h.Div(h.Class("page-header record-header"), h.H1(g.Text(title)), h.Div(h.Class("record-status"), appreciationStatus(f, a.Status))),
		h.Div(h.Class("split"),
			h.Div(appreciationCard(f, p.AppreciationItem, false, false)),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("appreciation.recipient"))),
					h.Dl(h.Class("details"),
						h.Dt(g.Text(f.T("appreciation.field.recipient"))), h.Dd(h.Span(h.Dir("auto"), g.Text(staffName(f, p.Recipient)))),
						h.Dt(g.Text(f.T("field.department"))), h.Dd(dep),
						h.Dt(g.Text(f.T("appreciation.badges"))), h.Dd(g.If(len(p.Badges) == 0, dash()), badgeChips(f, p.Badges)),
						g.If(!a.AcknowledgedAt.IsZero(), g.Group{h.Dt(g.Text(f.T("appreciation.acknowledged_at"))), h.Dd(f.DateTime(a.AcknowledgedAt))}),
					),
					g.Group(actions),
				),
			),
		),
	)
}

// LeaderboardProps is a month's leaderboard of one hospital.
type LeaderboardProps struct {
	HospitalID   int64
	Month        string // "2026-03"
	PrevMonth    string
	NextMonth    string
	DepartmentID int64
	Departments  []app.Department // of the hospitals the reader sees
	Rows         []app.LeaderboardRow
	Badges       map[int64][]app.Badge
	Errors       app.FieldErrors
}

// LeaderboardPage ranks a hospital's staff by the thank-yous they received in a month.
func LeaderboardPage(f Frame, p LeaderboardProps) g.Node {
	title := f.T("leaderboard.title")
	depName := map[int64]string{}
	for _, d := range p.Departments {
		depName[d.ID] = app.Name(f.Lang, d.NameEN, d.NameAR)
	}
	link := func(month string) string {
		v := "/appreciation/leaderboard?hospital=" + id64(p.HospitalID) + "&month=" + month
		if p.DepartmentID != 0 {
			v += "&department=" + id64(p.DepartmentID)
		}
		return v
	}
	form := Form{Values: map[string][]string{"hospital": {id64(p.HospitalID)}, "month": {p.Month}, "department": {idOrEmpty(p.DepartmentID)}},
		Errors: p.Errors}
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		hospital = ccField(f, form, "hospital", "field.hospital", "", false, ccSelect(form, "hospital", "", hospitalOptions(f)))
	}
	var rows []g.Node
	for _, r := range p.Rows {
		rows = append(rows, h.Tr(
			h.Td(h.Class("num"), g.Text(strconv.Itoa(r.Rank))),
			h.Th(h.Scope("row"), h.Span(h.Dir("auto"), g.Text(app.Name(f.Lang, r.NameEN, r.NameAR)))),
			h.Td(g.Text(depName[r.DepartmentID])),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(r.Count))),
			h.Td(badgeChips(f, p.Badges[r.StaffID])),
		))
	}
	var body g.Node = h.P(h.Class("empty"), g.Text(f.T("leaderboard.empty")))
	if len(rows) > 0 {
		head := []string{"leaderboard.rank", "leaderboard.staff", "field.department", "leaderboard.count", "appreciation.badges"}
		body = h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.Caption(h.Class("visually-hidden"), g.Text(f.T("leaderboard.caption", p.Month))),
			h.THead(h.Tr(g.Map(head, func(k string) g.Node { return h.Th(h.Scope("col"), g.Text(f.T(k))) }))),
			h.TBody(rows...)))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/appreciation"), g.Text(f.T("appreciation.title")))),
		h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
			hospital,
			ccField(f, form, "month", "leaderboard.month", "", false, ccText(form, "month", "", "month", h.Dir("ltr"), h.Placeholder("2026-03"))),
			ccField(f, form, "department", "field.department", "", false,
				ccSelect(form, "department", "", append([]Option{{"", f.T("leaderboard.all_departments")}}, departmentOptions(f, p.Departments)...))),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
		),
		h.Section(h.Class("card"),
			h.H2(g.Text(f.T("leaderboard.month_of")+" "), ltr(p.Month)),
			body,
			h.Nav(h.Class("pager"), h.Aria("label", f.T("leaderboard.months")),
				g.If(p.PrevMonth != "", h.A(h.Class("btn"), h.Rel("prev"), h.Href(link(p.PrevMonth)), g.Text(f.T("leaderboard.prev")))),
				g.If(p.NextMonth != "", h.A(h.Class("btn"), h.Rel("next"), h.Href(link(p.NextMonth)), g.Text(f.T("leaderboard.next")))),
			),
		),
	)
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return id64(id)
}

// WallProps is a hospital's public thank-you wall.
type WallProps struct {
	Hospital app.Hospital
	Items    []AppreciationItem
	Next     int64 // cursor of older thank-yous, 0 when none
}

// WallPage is the public wall: thank-yous whose senders chose to share them, with the
// staff member's name and never an anonymous sender's.
func WallPage(f Frame, p WallProps) g.Node {
	name := app.Name(f.Lang, p.Hospital.NameEN, p.Hospital.NameAR)
	title := f.T("appreciation.wall_title")
	var items []g.Node
	for _, it := range p.Items {
		items = append(items, appreciationCard(f, it, false, true))
	}
	if len(items) == 0 {
		items = append(items, h.P(h.Class("empty"), g.Text(f.T("appreciation.wall_empty"))))
	}
	return PublicPage(f, title+" · "+name,
		h.Div(h.Class("wall"),
			h.H1(g.Text(title)),
			h.P(h.Class("muted"), g.Text(name)),
			g.Group(items),
			g.If(p.Next != 0, h.Nav(h.Class("pager"), h.A(h.Class("btn"), h.Rel("next"),
				h.Href("/appreciation/wall/"+p.Hospital.Code+"?after="+id64(p.Next)), g.Text(f.T("appreciation.wall_older"))))),
		),
	)
}
