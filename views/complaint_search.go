package views

import (
	"strconv"
	"strings"
	"unicode/utf8"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// ComplaintSearchPage is what the complaint search page shows.
type ComplaintSearchPage struct {
	Filter      Filter             // the words (Search), hospital and the other filters (Extra), kept in the URL
	Categories  []app.CategoryNode // the category filter's choices: what the reader may see
	Departments []app.Department   // for the department column
	Rows        []ComplaintRow     // best match first; newest first when there are no words
	Total       uint64             // index hits for every filter but the SLA state
	SLAFiltered bool               // an SLA state was asked for, so Rows were checked hit by hit
	Partial     bool               // the SLA check stopped before it filled the page
	Start, End  int                // the hits [Start, End) were examined for this page
	More        bool               // hits after End can be browsed
	Deeper      bool               // hits after End exist but lie beyond what the index pages to
	Unavailable bool               // no search index: the form and a notice only
}

// ComplaintSearch is the complaint search page: words in English or Arabic and the
// filters, then the matching complaints in the list's table with Previous / Next.
func ComplaintSearch(f Frame, p ComplaintSearchPage) g.Node {
	title := f.T("complaint.search.title")
	var body g.Node
	switch {
	case p.Unavailable:
		body = h.P(h.Class("notice"), h.Role("status"), g.Text(f.T("complaint.search.unavailable")))
	case len(p.Rows) == 0 && !p.More && p.Start == 0:
		body = h.P(h.Class("empty"), g.Text(f.T("complaint.search.none")))
	default:
		body = g.Group{
			g.If(p.Partial, h.P(h.Class("notice"), h.Role("status"), g.Text(f.T("complaint.search.partial")))),
			g.If(len(p.Rows) > 0, complaintTable(f, p.Rows, p.Departments)),
			searchPager(f, p),
			g.If(p.Deeper, h.P(h.Class("notice"), g.Text(f.T("complaint.search.depth")))),
		}
	}
	return Page(f, title, pageHeader(title), complaintSearchFilters(f, p), body)
}

// ComplaintXLSXLink is the list page's "Export Excel" button: the filtered list as a
// spreadsheet (shown to those who may export, beside "Export CSV").
func ComplaintXLSXLink(f Frame, fl Filter) g.Node {
	if !f.Can(app.PermComplaintManage) {
		return nil
	}
	href := "/complaints/export.xlsx"
	if q := fl.query().Encode(); q != "" {
		href += "?" + q
	}
	return h.A(h.Class("btn"), h.Href(href), h.Download(""), g.Text(f.T("list.export_xlsx")))
}

// complaintTable is the complaint list's table: tracking code (linking to the record),
// title (or the start of the description when there is none), hospital, department,
// status, severity, SLA chip and creation time.
func complaintTable(f Frame, rows []ComplaintRow, departments []app.Department) g.Node {
	dep := make(map[int64]app.Department, len(departments))
	for _, d := range departments {
		dep[d.ID] = d
	}
	return table(f, rows, []Column[ComplaintRow]{
		{Key: "complaint.field.tracking_code", Cell: func(x ComplaintRow) g.Node { return ltr(x.C.TrackingCode) }},
		{Key: "complaint.field.title", Cell: func(x ComplaintRow) g.Node { return h.Span(h.Dir("auto"), g.Text(headline(x.C))) }},
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
	}, func(x ComplaintRow) string { return "/complaints/" + id64(x.C.ID) })
}

// headline is a complaint's title, or the first words of its description when it has none
// (complaints from the public form often have no title), so a search hit shows why it matched.
func headline(c app.Complaint) string {
	if t := strings.TrimSpace(c.Title); t != "" {
		return t
	}
	d := strings.Join(strings.Fields(c.Description), " ")
	const maxRunes = 120
	if utf8.RuneCountInString(d) <= maxRunes {
		return d
	}
	r := []rune(d)[:maxRunes]
	return strings.TrimSpace(string(r)) + "…"
}

// complaintSearchFilters is the search form: the words, hospital, category, creation
// dates, and statuses, severities and SLA states (any of those ticked).
func complaintSearchFilters(f Frame, p ComplaintSearchPage) g.Node {
	x := p.Filter.Extra
	var statuses, severities, states []Option
	for _, s := range app.ComplaintStatuses {
		statuses = append(statuses, Option{string(s), f.T("complaint.status." + string(s))})
	}
	for _, s := range app.Severities {
		severities = append(severities, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	for _, s := range app.SLAStates {
		states = append(states, Option{string(s), f.T("complaint.sla." + string(s))})
	}
	date := func(name, label string) g.Node {
		return h.Div(h.Class("field"), h.Label(h.For("search-"+name), g.Text(f.T(label))),
			h.Input(h.ID("search-"+name), h.Type("date"), h.Name(name), h.Dir("ltr"), h.Value(x.Get(name))))
	}
	return g.Group{
		filterBar(f, p.Filter, "complaint.search.label",
			h.Div(h.Class("field"), h.Label(h.For("search-category"), g.Text(f.T("complaint.filter.category"))),
				h.Select(h.ID("search-category"), h.Name("category"), g.Group(categoryChoices(f, p.Categories, x.Get("category"))))),
			date("from", "complaint.filter.from"),
			date("to", "complaint.filter.to"),
			checkGroup(f, "status", "field.status", statuses, x["status"]),
			checkGroup(f, "severity", "complaint.field.severity", severities, x["severity"]),
			checkGroup(f, "sla", "complaint.filter.sla", states, x["sla"]),
		),
		h.P(h.Class("help"), g.Text(f.T("complaint.search.help"))),
	}
}

// checkGroup is a fieldset of checkboxes named name, ticked for the values in selected.
func checkGroup(f Frame, name, legend string, opts []Option, selected []string) g.Node {
	var boxes []g.Node
	for _, o := range opts {
		checked := false
		for _, v := range selected {
			checked = checked || v == o.Value
		}
		boxes = append(boxes, h.Label(h.Class("check"),
			h.Input(h.Type("checkbox"), h.Name(name), h.Value(o.Value), g.If(checked, h.Checked())), g.Text(o.Label)))
	}
	return h.FieldSet(h.Class("status-filter"), h.Legend(g.Text(f.T(legend))), g.Group(boxes))
}

// categoryChoices are the category filter's options: "any", then every node depth first
// in the reader's language, indented by level, with hospital-limited and inactive nodes
// marked in words.
func categoryChoices(f Frame, nodes []app.CategoryNode, selected string) []g.Node {
	opts := []g.Node{h.Option(h.Value(""), g.Text(f.T("complaint.filter.any_category")))}
	var walk func(nodes []app.CategoryNode, depth int)
	walk = func(nodes []app.CategoryNode, depth int) {
		for _, n := range nodes {
			label := strings.Repeat("\u00a0\u00a0\u00a0", depth) + app.Name(f.Lang, n.NameEN, n.NameAR)
			if n.HospitalID != 0 {
				label += " · " + f.HospitalCode(n.HospitalID)
			}
			if !n.Active {
				label += " (" + f.T("status.inactive") + ")"
			}
			v := id64(n.ID)
			opts = append(opts, h.Option(h.Value(v), g.If(v == selected, h.Selected()), g.Text(label)))
			walk(n.Children, depth+1)
		}
	}
	walk(nodes, 0)
	return opts
}

// searchPager links to the hits before Start and after End, with the number of hits.
func searchPager(f Frame, p ComplaintSearchPage) g.Node {
	link := func(key string, at int) string {
		v := p.Filter.query()
		v.Set(key, strconv.Itoa(at))
		return "/complaints/search?" + v.Encode()
	}
	count := strconv.FormatUint(p.Total, 10)
	if p.Total > app.CountCap {
		count = strconv.Itoa(app.CountCap) + "+"
	}
	key := "complaint.search.count"
	if p.SLAFiltered {
		key = "complaint.search.count_sla"
	}
	return h.Nav(h.Class("pager"), h.Aria("label", f.T("list.pages")),
		g.If(p.Start > 0, h.A(h.Class("btn"), h.Rel("prev"), h.Href(link("before", p.Start)), g.Text(f.T("list.prev")))),
		g.If(p.More, h.A(h.Class("btn"), h.Rel("next"), h.Href(link("offset", p.End)), g.Text(f.T("list.next")))),
		h.Span(h.Class("count"), g.Text(f.T(key, "\u2068"+count+"\u2069"))),
	)
}
