package views

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// Field describes one form field; forms are rendered from a list of them.
type Field struct {
	Name     string
	Label    string // catalog key
	Kind     string // text, email, password, date, select, multiselect, checkbox, textarea, file, hidden
	Required bool
	Help     string // catalog key, optional
	Options  []Option
	Dir      string // "ltr" for codes, e-mails, phone numbers; "rtl" for Arabic names
	Auto     string // autocomplete hint
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// Form is a rendered form's state: the user's input and the errors to show beside it.
type Form struct {
	Values url.Values
	Errors app.FieldErrors
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: url.Values{}} }

// errorSummary lists every field error at the top of the form, linking to the field.
func errorSummary(f Frame, form Form, fields []Field) g.Node {
	if len(form.Errors) == 0 {
		return nil
	}
	// Errors in the order of the fields on the page, then any not tied to a field.
	var items []g.Node
	seen := map[string]bool{}
	for _, fl := range fields {
		if key, ok := form.Errors[fl.Name]; ok {
			seen[fl.Name] = true
			items = append(items, h.Li(h.A(h.Href("#f-"+fl.Name), g.Text(f.T(fl.Label)+": "+f.T(key)))))
		}
	}
	for _, name := range form.Errors.Names() {
		if !seen[name] {
			items = append(items, h.Li(g.Text(f.T(form.Errors[name]))))
		}
	}
	return h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"),
		h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(items...))
}

func (fl Field) render(f Frame, form Form) g.Node {
	id := "f-" + fl.Name
	errKey, hasErr := form.Errors[fl.Name]
	value := form.Values.Get(fl.Name)
	describedBy := ""
	if fl.Help != "" {
		describedBy = id + "-help"
	}
	if hasErr {
		describedBy += " " + id + "-error"
	}
	common := g.Group{h.ID(id), h.Name(fl.Name),
		g.If(fl.Required, h.Required()),
		g.If(hasErr, h.Aria("invalid", "true")),
		g.If(describedBy != "", h.Aria("describedby", describedBy)),
		g.If(fl.Dir != "", h.Dir(fl.Dir)),
		g.If(fl.Auto != "", h.AutoComplete(fl.Auto)),
	}
	var input g.Node
	switch fl.Kind {
	case "hidden":
		return h.Input(h.Type("hidden"), h.Name(fl.Name), h.Value(value))
	case "checkbox":
		return h.Div(h.Class("field"),
			h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.ID(id), h.Name(fl.Name), h.Value("1"),
				g.If(value == "1" || value == "on", h.Checked())), g.Text(f.T(fl.Label))))
	case "select", "multiselect":
		selected := form.Values[fl.Name]
		opts := []g.Node{}
		if fl.Kind == "select" {
			opts = append(opts, h.Option(h.Value(""), g.Text(f.T("form.choose"))))
		}
		for _, o := range fl.Options {
			opts = append(opts, h.Option(h.Value(o.Value), g.If(slices.Contains(selected, o.Value), h.Selected()), g.Text(o.Label)))
		}
		input = h.Select(common, g.If(fl.Kind == "multiselect", h.Multiple()), g.Group(opts))
	case "textarea":
		input = h.Textarea(common, h.Rows("4"), g.Text(value))
	case "file":
		input = h.Input(common, h.Type("file"), h.Accept(".csv,text/csv"))
	default:
		kind := fl.Kind
		if kind == "" {
			kind = "text"
		}
		input = h.Input(common, h.Type(kind), g.If(kind != "password", h.Value(value)))
	}
	return h.Div(h.Class(fieldClass(hasErr)),
		h.Label(h.For(id), g.Text(f.T(fl.Label)), g.If(fl.Required, h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *")))),
		input,
		g.If(fl.Help != "", h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T(fl.Help)))),
		g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))),
	)
}

// FormView renders a form: error summary, fields, and a submit button.
func FormView(f Frame, action, submit string, form Form, fields []Field, extra ...g.Node) g.Node {
	enctype := ""
	for _, fl := range fields {
		if fl.Kind == "file" {
			enctype = "multipart/form-data"
		}
	}
	return h.Form(h.Class("form"), h.Method("post"), h.Action(action), g.If(enctype != "", h.EncType(enctype)), g.Attr("novalidate"),
		errorSummary(f, form, fields),
		g.Map(fields, func(fl Field) g.Node { return fl.render(f, form) }),
		g.Group(extra),
		h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T(submit)))),
	)
}

// pageHeader is a page title with action links.
func pageHeader(title string, actions ...g.Node) g.Node {
	return h.Div(h.Class("page-header"), h.H1(g.Text(title)), g.If(len(actions) > 0, h.Div(h.Class("page-actions"), g.Group(actions))))
}

func linkButton(href, label string) g.Node {
	return h.A(h.Class("btn btn-primary"), h.Href(href), g.Text(label))
}

// Column is one table column: a header key and a cell renderer.
type Column[T any] struct {
	Key  string
	Num  bool
	Cell func(T) g.Node
}

// table renders rows; href gives each row's link (the first cell holds a real link too).
func table[T any](f Frame, rows []T, cols []Column[T], href func(T) string) g.Node {
	if len(rows) == 0 {
		return h.P(h.Class("empty"), g.Text(f.T("list.empty")))
	}
	return h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
		h.THead(h.Tr(g.Map(cols, func(c Column[T]) g.Node { return h.Th(h.Scope("col"), g.Text(f.T(c.Key))) }))),
		h.TBody(g.Map(rows, func(r T) g.Node {
			link := ""
			if href != nil {
				link = href(r)
			}
			var cells []g.Node
			for i, c := range cols {
				content := c.Cell(r)
				if i == 0 && link != "" {
					content = h.A(h.Href(link), content)
				}
				cells = append(cells, h.Td(g.If(c.Num, h.Class("num")), content))
			}
			return h.Tr(g.If(link != "", g.Group{h.Class("clickable"), h.Data("href", link)}), g.Group(cells))
		})),
	))
}

// Filter is a list page's filter state, kept in the URL.
type Filter struct {
	Search     string
	HospitalID int64
	Extra      url.Values // other filters (role, action ...)
}

func (fl Filter) query() url.Values {
	v := url.Values{}
	for k, vs := range fl.Extra {
		v[k] = vs
	}
	if fl.Search != "" {
		v.Set("q", fl.Search)
	}
	if fl.HospitalID != 0 {
		v.Set("hospital", strconv.FormatInt(fl.HospitalID, 10))
	}
	return v
}

// filterBar renders the search box and hospital filter (for users of several hospitals).
func filterBar(f Frame, fl Filter, searchLabel string, more ...g.Node) g.Node {
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		opts := []g.Node{h.Option(h.Value(""), g.Text(f.T("filter.all_hospitals")))}
		for _, x := range f.Hospitals {
			opts = append(opts, h.Option(h.Value(strconv.FormatInt(x.ID, 10)), g.If(fl.HospitalID == x.ID, h.Selected()),
				g.Text(app.Name(f.Lang, x.NameEN, x.NameAR))))
		}
		hospital = h.Div(h.Class("field"), h.Label(h.For("filter-hospital"), g.Text(f.T("field.hospital"))),
			h.Select(h.ID("filter-hospital"), h.Name("hospital"), g.Group(opts)))
	}
	return h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
		h.Div(h.Class("field"), h.Label(h.For("filter-q"), g.Text(f.T(searchLabel))),
			h.Input(h.ID("filter-q"), h.Type("search"), h.Name("q"), h.Value(fl.Search))),
		hospital,
		g.Group(more),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
	)
}

// pager renders keyset Previous/Next links and the capped count.
func pager[T any](f Frame, base string, fl Filter, p app.Page[T]) g.Node {
	link := func(key string, cursor int64) string {
		v := fl.query()
		v.Set(key, strconv.FormatInt(cursor, 10))
		return base + "?" + v.Encode()
	}
	count := strconv.Itoa(p.Count)
	if p.Capped {
		count = fmt.Sprintf("%d+", app.CountCap)
	}
	return h.Nav(h.Class("pager"), h.Aria("label", f.T("list.pages")),
		g.If(p.Prev != 0, h.A(h.Class("btn"), h.Rel("prev"), h.Href(link("before", p.Prev)), g.Text(f.T("list.prev")))),
		g.If(p.Next != 0, h.A(h.Class("btn"), h.Rel("next"), h.Href(link("after", p.Next)), g.Text(f.T("list.next")))),
		h.Span(h.Class("count"), g.Text(f.T("list.count")+" "), g.El("bdi", g.Text(count))),
	)
}

// ltr wraps codes, MRNs, phone numbers and e-mails so they stay left-to-right in Arabic.
func ltr(s string) g.Node { return g.El("bdi", h.Class("ltr"), h.Dir("ltr"), g.Text(s)) }

func badge(ok bool, yes, no string) g.Node {
	if ok {
		return h.Span(h.Class("badge badge-ok"), g.Text(yes))
	}
	return h.Span(h.Class("badge badge-muted"), g.Text(no))
}

func id64(id int64) string { return strconv.FormatInt(id, 10) }

func fieldClass(hasErr bool) string {
	if hasErr {
		return "field has-error"
	}
	return "field"
}

// exportLink downloads exactly the rows the filter shows.
func exportLink(f Frame, href string, fl Filter) g.Node {
	if q := fl.query().Encode(); q != "" {
		href += "?" + q
	}
	return h.A(h.Class("btn"), h.Href(href), h.Download(""), g.Text(f.T("list.export")))
}
