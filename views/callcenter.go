package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// callURL is the record page of call id.
func callURL(id int64) string { return "/calls/" + id64(id) }

// Duration formats seconds as m:ss, or h:mm:ss past an hour.
func Duration(sec int) string {
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec%3600/60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

func callTypeOptions(f Frame) []Option {
	var opts []Option
	for _, t := range app.CallTypes {
		opts = append(opts, Option{string(t), f.T("call.type." + string(t))})
	}
	return opts
}

// ratingOptions are the satisfaction choices, best first, with words beside the number.
func ratingOptions(f Frame) []Option {
	opts := []Option{{"", f.T("call.rating.none")}}
	for n := 5; n >= 1; n-- {
		opts = append(opts, Option{strconv.Itoa(n), f.T("call.rating." + strconv.Itoa(n))})
	}
	return opts
}

// ccAttrs are the attributes every control of the call forms carries: id and name, and
// the error and help it is described by.
func ccAttrs(form Form, name, help string) g.Group {
	id := "f-" + name
	_, hasErr := form.Errors[name]
	describedBy := ""
	if help != "" {
		describedBy = id + "-help"
	}
	if hasErr {
		describedBy = strings.TrimSpace(describedBy + " " + id + "-error")
	}
	return g.Group{h.ID(id), h.Name(name), g.If(hasErr, h.Aria("invalid", "true")),
		g.If(describedBy != "", h.Aria("describedby", describedBy))}
}

// ccField wraps a control of the call forms with its label above, help and error.
func ccField(f Frame, form Form, name, label, help string, required bool, control g.Node) g.Node {
	id := "f-" + name
	errKey, hasErr := form.Errors[name]
	return h.Div(h.Class(fieldClass(hasErr)),
		h.Label(h.For(id), g.Text(f.T(label)), g.If(required, h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *")))),
		control,
		g.If(help != "", h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T(help)))),
		g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))),
	)
}

func ccSelect(form Form, name, help string, opts []Option, extra ...g.Node) g.Node {
	v := form.Values.Get(name)
	return h.Select(ccAttrs(form, name, help), g.Group(extra), g.Map(opts, func(o Option) g.Node {
		return h.Option(h.Value(o.Value), g.If(o.Value == v, h.Selected()), g.Text(o.Label))
	}))
}

func ccText(form Form, name, help, kind string, extra ...g.Node) g.Node {
	return h.Input(ccAttrs(form, name, help), h.Type(kind), h.Value(form.Values.Get(name)), g.Group(extra))
}

// callFields are the fields of the quick-entry and edit forms, in the order an agent
// fills them during a call: what the call is about, who called, how long, how it ended.
// The first control takes the focus on the quick-entry page.
func callFields(f Frame, form Form, ds []app.Department, quick bool) g.Node {
	choose := Option{"", f.T("form.choose")}
	var hospital g.Node
	switch {
	case len(f.Hospitals) == 1 || !quick:
		hospital = h.Input(h.Type("hidden"), h.Name("hospital"), h.Value(form.Values.Get("hospital")))
	default:
		hospital = ccField(f, form, "hospital", "field.hospital", "", true,
			ccSelect(form, "hospital", "", append([]Option{choose}, hospitalOptions(f)...), h.Required()))
	}
	return g.Group{
		hospital,
		ccField(f, form, "call_type", "call.field.call_type", "", true,
			ccSelect(form, "call_type", "", append([]Option{choose}, callTypeOptions(f)...), h.Required(), g.If(quick, h.AutoFocus()),
				g.Attr("accesskey", "t"))),
		h.Div(h.Class("field-row"),
			ccField(f, form, "caller_phone", "call.field.caller_phone", "", false,
				ccText(form, "caller_phone", "", "tel", h.Dir("ltr"), g.Attr("inputmode", "tel"), h.AutoComplete("off"))),
			ccField(f, form, "caller_name", "call.field.caller_name", "", false,
				ccText(form, "caller_name", "", "text", h.Dir("auto"), h.AutoComplete("off"))),
		),
		h.Div(h.Class("field-row"),
			ccField(f, form, "patient_mrn", "call.field.patient_mrn", "call.help.patient_mrn", false,
				ccText(form, "patient_mrn", "call.help.patient_mrn", "text", h.Dir("ltr"), h.AutoComplete("off"))),
			ccField(f, form, "department", "field.department", "", false,
				ccSelect(form, "department", "", append([]Option{choose}, departmentOptions(f, ds)...))),
		),
		h.Div(h.Class("field-row"),
			ccField(f, form, "wait_seconds", "call.field.wait", "call.help.duration", false,
				ccText(form, "wait_seconds", "call.help.duration", "text", h.Dir("ltr"), g.Attr("inputmode", "numeric"),
					h.Placeholder("0:30"), h.AutoComplete("off"))),
			ccField(f, form, "talk_seconds", "call.field.talk", "call.help.duration", false,
				ccText(form, "talk_seconds", "call.help.duration", "text", h.Dir("ltr"), g.Attr("inputmode", "numeric"),
					h.Placeholder("3:15"), h.AutoComplete("off"))),
			ccField(f, form, "satisfaction", "call.field.satisfaction", "", false, ccSelect(form, "satisfaction", "", ratingOptions(f))),
		),
		h.Div(h.Class("field"), h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.ID("f-resolved"), h.Name("resolved"), h.Value("1"),
			g.If(form.Values.Get("resolved") == "1", h.Checked())), g.Text(f.T("call.field.resolved")))),
		ccField(f, form, "resolution", "call.field.resolution", "", false,
			h.Textarea(ccAttrs(form, "resolution", ""), h.Rows("2"), h.Dir("auto"), g.Text(form.Values.Get("resolution")))),
		ccField(f, form, "notes", "call.field.notes", "call.help.notes", false,
			h.Textarea(ccAttrs(form, "notes", "call.help.notes"), h.Rows("3"), h.Dir("auto"), g.Text(form.Values.Get("notes")))),
		h.Div(h.Class("field-row"),
			ccField(f, form, "agent_email", "call.field.agent", "call.help.agent", false,
				ccText(form, "agent_email", "call.help.agent", "email", h.Dir("ltr"), h.AutoComplete("off"))),
			ccField(f, form, "started_at", "call.field.started_at", "call.help.started_at", false,
				ccText(form, "started_at", "call.help.started_at", "datetime-local", h.Dir("ltr"))),
		),
	}
}

// callSummaryFields name the call forms' fields in their error summary, in form order.
var callSummaryFields = []Field{{Name: "hospital", Label: "field.hospital"}, {Name: "call_type", Label: "call.field.call_type"},
	{Name: "caller_phone", Label: "call.field.caller_phone"}, {Name: "caller_name", Label: "call.field.caller_name"},
	{Name: "patient_mrn", Label: "call.field.patient_mrn"}, {Name: "department", Label: "field.department"},
	{Name: "wait_seconds", Label: "call.field.wait"}, {Name: "talk_seconds", Label: "call.field.talk"},
	{Name: "satisfaction", Label: "call.field.satisfaction"}, {Name: "resolution", Label: "call.field.resolution"},
	{Name: "notes", Label: "call.field.notes"}, {Name: "agent_email", Label: "call.field.agent"},
	{Name: "started_at", Label: "call.field.started_at"}}

// CallForm is the agents' quick-entry page: the focus starts on the call type, Tab
// walks the fields in the order of a call, Enter in any field saves and opens a fresh
// form ("save and new" is the form's first button), Alt+Shift+S (the browser's
// access key) saves and opens the call.
func CallForm(f Frame, form Form, ds []app.Department) g.Node {
	title := f.T("call.new_title")
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/calls"), g.Text(f.T("call.list_title")))),
		h.Section(h.Class("card"),
			h.Form(h.Class("form quick-entry"), h.Method("post"), h.Action("/calls"), g.Attr("novalidate"),
				errorSummary(f, form, callSummaryFields),
				callFields(f, form, ds, true),
				h.Div(h.Class("form-actions"),
					h.Button(h.Type("submit"), h.Name("next"), h.Value("new"), h.Class("btn btn-primary"), g.Attr("accesskey", "n"),
						g.Text(f.T("call.save_new"))),
					h.Button(h.Type("submit"), h.Name("next"), h.Value("open"), h.Class("btn"), g.Attr("accesskey", "s"),
						g.Text(f.T("call.save"))),
				),
				h.P(h.Class("help kbd-help"), g.Text(f.T("call.help.keyboard"))),
			),
		),
	)
}

// CallList is the list of calls with its filters.
func CallList(f Frame, p app.Page[app.CallInteraction], fl Filter, ds []app.Department) g.Node {
	title := f.T("call.list_title")
	x := fl.Extra
	sel := func(name, label string, opts []Option) g.Node {
		nodes := []g.Node{h.Option(h.Value(""), g.Text(f.T("complaint.filter.any")))}
		for _, o := range opts {
			nodes = append(nodes, h.Option(h.Value(o.Value), g.If(x.Get(name) == o.Value, h.Selected()), g.Text(o.Label)))
		}
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Select(h.ID("filter-"+name), h.Name(name), g.Group(nodes)))
	}
	date := func(name, label string) g.Node {
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Input(h.ID("filter-"+name), h.Type("date"), h.Name(name), h.Value(x.Get(name))))
	}
	filters := filterBar(f, fl, "call.filter.phone",
		sel("call_type", "call.field.call_type", callTypeOptions(f)),
		sel("department", "field.department", departmentOptions(f, ds)),
		sel("resolved", "call.field.resolved", []Option{{"yes", f.T("call.resolved.yes")}, {"no", f.T("call.resolved.no")}}),
		date("from", "call.filter.from"), date("to", "call.filter.to"),
		h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name("low"), h.Value("1"), g.If(x.Get("low") == "1", h.Checked())),
			g.Text(f.T("call.filter.low"))),
		h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.Name("agent"), h.Value("me"), g.If(x.Get("agent") == "me", h.Checked())),
			g.Text(f.T("call.filter.mine"))),
	)
	return Page(f, title,
		pageHeader(title, linkButton("/calls/new", f.T("call.new_title"))),
		filters,
		table(f, p.Items, []Column[app.CallInteraction]{
			{Key: "call.field.ref", Cell: func(c app.CallInteraction) g.Node { return ltr("#" + id64(c.ID)) }},
			{Key: "call.field.started_at", Cell: func(c app.CallInteraction) g.Node { return f.DateTime(c.StartedAt) }},
			{Key: "call.field.call_type", Cell: func(c app.CallInteraction) g.Node { return g.Text(f.T("call.type." + string(c.Type))) }},
			{Key: "call.field.caller", Cell: func(c app.CallInteraction) g.Node { return callCaller(c) }},
			{Key: "call.field.agent", Cell: func(c app.CallInteraction) g.Node { return ltr(c.AgentEmail) }},
			{Key: "call.field.handle", Num: true, Cell: func(c app.CallInteraction) g.Node { return ltr(Duration(c.HandleSeconds())) }},
			{Key: "call.field.resolved", Cell: func(c app.CallInteraction) g.Node {
				return badge(c.Resolved, f.T("call.resolved.yes"), f.T("call.resolved.no"))
			}},
			{Key: "call.field.satisfaction", Cell: func(c app.CallInteraction) g.Node { return callRating(f, c) }},
		}, func(c app.CallInteraction) string { return callURL(c.ID) }),
		pager(f, "/calls", fl, p),
	)
}

func callCaller(c app.CallInteraction) g.Node {
	switch {
	case c.CallerName != "" && c.CallerPhone != "":
		return g.Group{h.Span(h.Dir("auto"), g.Text(c.CallerName)), g.Text(" "), ltr(c.CallerPhone)}
	case c.CallerPhone != "":
		return ltr(c.CallerPhone)
	case c.CallerName != "":
		return h.Span(h.Dir("auto"), g.Text(c.CallerName))
	}
	return dash()
}

// callRating shows a rating as a number of five, red (and said in words) when low.
func callRating(f Frame, c app.CallInteraction) g.Node {
	if c.Satisfaction == 0 {
		return h.Span(h.Class("muted"), g.Text(f.T("call.rating.none")))
	}
	text := f.T("call.rating_of", c.Satisfaction)
	if c.LowRating() {
		return h.Span(h.Class("badge badge-bad"), g.Text(text+" · "+f.T("call.rating.low")))
	}
	return h.Span(h.Class("badge badge-muted"), g.Text(text))
}

// CallRecord is what a call's page shows.
type CallRecord struct {
	C          app.CallInteraction
	Department app.Department
	Patient    app.Patient
	CanEdit    bool
	Form       Form // the edit form, with input and errors after a refusal
}

// CallPage is a call's record: its details and, for its agent and managers, the edit form.
func CallPage(f Frame, p CallRecord, ds []app.Department) g.Node {
	c := p.C
	title := f.T("call.record_title")
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	dep := dash()
	if p.Department.ID != 0 {
		dep = g.Text(app.Name(f.Lang, p.Department.NameEN, p.Department.NameAR))
	}
	patient := dash()
	if p.Patient.ID != 0 {
		patient = g.Group{g.Text(app.Name(f.Lang, p.Patient.NameEN, p.Patient.NameAR) + " "), ltr(p.Patient.MRN)}
		if f.Can(app.PermPatientView) {
			patient = h.A(h.Href("/admin/patients/"+id64(p.Patient.ID)), patient)
		}
	}
	text := func(s string) g.Node {
		if s == "" {
			return dash()
		}
		return h.P(h.Class("complaint-description"), h.Dir("auto"), g.Text(s))
	}
	details := h.Section(h.Class("card"), h.H2(g.Text(f.T("call.details"))),
		h.Dl(h.Class("details"),
			row("field.hospital", g.Text(f.HospitalName(c.HospitalID))),
			row("call.field.started_at", f.DateTime(c.StartedAt)),
			row("call.field.call_type", g.Text(f.T("call.type."+string(c.Type)))),
			row("call.field.caller", callCaller(c)),
			row("call.field.patient", patient),
			row("field.department", dep),
			row("call.field.agent", ltr(c.AgentEmail)),
			row("call.field.wait", ltr(Duration(c.WaitSeconds))),
			row("call.field.talk", ltr(Duration(c.TalkSeconds))),
			row("call.field.resolved", badge(c.Resolved, f.T("call.resolved.yes"), f.T("call.resolved.no"))),
			row("call.field.satisfaction", callRating(f, c)),
			row("call.field.resolution", text(c.Resolution)),
			row("call.field.notes", text(c.Notes)),
			row("call.field.recorded", g.Group{f.DateTime(c.CreatedAt), g.Text(" · "), ltr(c.CreatedBy)}),
			g.If(c.ImportID != 0, row("call.field.import", ltr("#"+id64(c.ImportID)))),
		),
		g.If(c.LowRatingEmitted, h.P(h.Class("notice"), g.Text(f.T("call.low_rating_action")+" "),
			g.If(f.Can(app.PermActionView), h.A(h.Href("/actions?source=call_center"), g.Text(f.T("call.see_actions")))))),
	)
	var edit g.Node
	if p.CanEdit {
		edit = h.Section(h.Class("card"), h.H2(g.Text(f.T("call.edit_title"))),
			h.Form(h.Class("form"), h.Method("post"), h.Action(callURL(c.ID)), g.Attr("novalidate"),
				errorSummary(f, p.Form, callSummaryFields),
				callFields(f, p.Form, ds, false),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("call.save")))),
			))
	}
	return Page(f, title+" #"+id64(c.ID),
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title+" "), ltr("#"+id64(c.ID))),
			h.Div(h.Class("record-status"), callRating(f, c)),
		),
		h.Div(h.Class("split"), h.Div(details), h.Div(edit)),
	)
}

// CallImportRowError is a refused row of a call file, ready to show.
type CallImportRowError struct {
	Line    int
	Reasons app.FieldErrors // our field name -> message key
}

// CallImportResult is the outcome of a call file.
type CallImportResult struct {
	Rows, Good int
	Errors     []CallImportRowError
}

// CallImportProps is the import page: the upload form with its column mapping, the
// columns found in a file whose mapping failed, the last result and recent imports.
type CallImportProps struct {
	Form       Form     // hospital, file and map_<field> values; errors by hospital, file and our field names
	Error      string   // message key of a file-level refusal ("err.csv_malformed"), "" when none
	ErrorLine  int      // the line a malformed file broke at, 0 when unknown
	Columns    []string // our fields, in form order
	Required   []string
	FileHeader []string
	Result     *CallImportResult
	Imports    []app.CallImport
}

// callFieldLabel is the label of one of our call fields (or of "row" for whole-row problems).
func callFieldLabel(f Frame, field string) string {
	switch field {
	case "row":
		return f.T("call.import.row")
	case "department":
		return f.T("field.department")
	}
	return f.tOr("call.column."+field, field)
}

// CallImport is the call-file import page.
func CallImport(f Frame, p CallImportProps) g.Node {
	title := f.T("call.import_title")
	form := p.Form
	var result g.Node
	if res := p.Result; res != nil {
		var rows []g.Node
		for _, e := range res.Errors {
			var reasons []string
			for _, col := range e.Reasons.Names() {
				reasons = append(reasons, callFieldLabel(f, col)+": "+f.T(e.Reasons[col]))
			}
			rows = append(rows, h.Tr(h.Td(h.Class("num"), g.Text(strconv.Itoa(e.Line))), h.Td(g.Text(strings.Join(reasons, "; ")))))
		}
		result = h.Section(h.Class("card"), h.Role("status"), h.ID("import-result"),
			h.H2(g.Text(f.T("import.result"))),
			h.P(g.Text(f.T("call.import.summary", res.Rows, res.Good, len(res.Errors)))),
			g.If(len(rows) > 0, h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
				h.THead(h.Tr(h.Th(h.Scope("col"), g.Text(f.T("import.line"))), h.Th(h.Scope("col"), g.Text(f.T("import.reasons"))))),
				h.TBody(rows...)))),
		)
	}
	var mapping []g.Node
	for _, col := range p.Columns {
		name := "map_" + col
		required := false
		for _, r := range p.Required {
			required = required || r == col
		}
		errKey, hasErr := form.Errors[col]
		mapping = append(mapping, h.Div(h.Class(fieldClass(hasErr)),
			h.Label(h.For("f-"+name), g.Text(callFieldLabel(f, col)+" "), ltr("("+col+")"),
				g.If(required, h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *")))),
			h.Input(h.ID("f-"+name), h.Name(name), h.Type("text"), h.Dir("ltr"), h.Value(form.Values.Get(name)),
				g.If(hasErr, g.Group{h.Aria("invalid", "true"), h.Aria("describedby", "f-"+name+"-error")}),
				g.If(len(p.FileHeader) > 0, h.List("file-columns"))),
			g.If(hasErr, h.P(h.ID("f-"+name+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))),
		))
	}
	fileErr, fileHasErr := form.Errors["file"]
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		hospital = ccField(f, form, "hospital", "field.hospital", "", true,
			ccSelect(form, "hospital", "", append([]Option{{"", f.T("form.choose")}}, hospitalOptions(f)...), h.Required()))
	} else {
		hospital = h.Input(h.Type("hidden"), h.Name("hospital"), h.Value(form.Values.Get("hospital")))
	}
	var recent g.Node
	if len(p.Imports) > 0 {
		recent = h.Section(h.Class("card"), h.H2(g.Text(f.T("call.import.recent"))),
			table(f, p.Imports, []Column[app.CallImport]{
				{Key: "call.import.at", Cell: func(im app.CallImport) g.Node { return f.DateTime(im.CreatedAt) }},
				{Key: "field.hospital", Cell: func(im app.CallImport) g.Node { return g.Text(f.HospitalName(im.HospitalID)) }},
				{Key: "call.import.file", Cell: func(im app.CallImport) g.Node { return h.Span(h.Dir("auto"), g.Text(im.FileName)) }},
				{Key: "call.import.rows", Num: true, Cell: func(im app.CallImport) g.Node { return g.Text(strconv.Itoa(im.Rows)) }},
				{Key: "call.import.good", Num: true, Cell: func(im app.CallImport) g.Node { return g.Text(strconv.Itoa(im.Good)) }},
				{Key: "call.import.bad", Num: true, Cell: func(im app.CallImport) g.Node { return g.Text(strconv.Itoa(im.Bad)) }},
				{Key: "call.import.by", Cell: func(im app.CallImport) g.Node { return ltr(im.CreatedBy) }},
			}, nil))
	}
	return Page(f, title, pageHeader(title), result,
		h.Section(h.Class("card"),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/calls/import"), h.EncType("multipart/form-data"), g.Attr("novalidate"),
				callImportSummary(f, p),
				hospital,
				h.Div(h.Class(fieldClass(fileHasErr)),
					h.Label(h.For("f-file"), g.Text(f.T("import.file")), h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *"))),
					h.Input(h.ID("f-file"), h.Name("file"), h.Type("file"), h.Accept(".csv,text/csv"), h.Required(),
						h.Aria("describedby", "f-file-help"), g.If(fileHasErr, h.Aria("invalid", "true"))),
					h.P(h.ID("f-file-help"), h.Class("help"), g.Text(f.T("call.import.help"))),
					g.If(fileHasErr, h.P(h.Class("field-error"), g.Text(f.T(fileErr)))),
				),
				h.FieldSet(h.Class("mapping"),
					h.Legend(g.Text(f.T("call.import.mapping"))),
					h.P(h.Class("help"), g.Text(f.T("call.import.mapping_help"))),
					g.If(len(p.FileHeader) > 0, g.Group{
						h.P(h.Class("notice"), g.Text(f.T("call.import.file_columns")+" "), ltr(strings.Join(p.FileHeader, ", "))),
						h.DataList(h.ID("file-columns"), g.Map(p.FileHeader, func(c string) g.Node { return h.Option(h.Value(c)) })),
					}),
					h.Div(h.Class("field-row"), g.Group(mapping)),
				),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("call.import.submit")))),
			),
		),
		recent,
	)
}

// callImportSummary lists why a file was refused: the file-level reason, then each
// field of the form or of the mapping that needs fixing.
func callImportSummary(f Frame, p CallImportProps) g.Node {
	if p.Error == "" && len(p.Form.Errors) == 0 {
		return nil
	}
	var items []g.Node
	if p.Error != "" {
		msg := f.T(p.Error)
		if p.ErrorLine > 0 {
			msg = f.T("err.csv_malformed_line", strconv.Itoa(p.ErrorLine))
		}
		items = append(items, h.Li(g.Text(msg)))
	}
	for _, k := range p.Form.Errors.Names() {
		label := callFieldLabel(f, k)
		switch k {
		case "file":
			label = f.T("import.file")
		case "hospital":
			label = f.T("field.hospital")
		}
		items = append(items, h.Li(g.Text(label+": "+f.T(p.Form.Errors[k]))))
	}
	return h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"), h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(items...))
}

// CallPerformanceProps is the agent performance page.
type CallPerformanceProps struct {
	Form   Form // hospital, from, to (dates in the hospital's time zone, both included)
	Agents []app.AgentPerformance
	Total  app.AgentPerformance
}

func percent(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }

// CallPerformance is the table of agents' numbers over a period.
func CallPerformance(f Frame, p CallPerformanceProps) g.Node {
	title := f.T("call.performance_title")
	form := p.Form
	rating := func(a app.AgentPerformance) g.Node {
		if a.Rated == 0 {
			return dash()
		}
		return ltr(strconv.FormatFloat(a.AvgRating, 'f', 1, 64))
	}
	cells := func(a app.AgentPerformance) []g.Node {
		return []g.Node{
			h.Td(h.Class("num"), g.Text(strconv.Itoa(a.Calls))),
			h.Td(h.Class("num"), ltr(Duration(int(math.Round(a.AvgHandleSeconds))))),
			h.Td(h.Class("num"), ltr(percent(a.ResolutionRate()))),
			h.Td(h.Class("num"), rating(a)),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(a.LowRatings))),
		}
	}
	var body g.Node = h.P(h.Class("empty"), g.Text(f.T("call.performance_empty")))
	if len(p.Agents) > 0 {
		var rows []g.Node
		for _, a := range p.Agents {
			name := a.AgentName
			if name == "" {
				name = a.AgentEmail
			}
			rows = append(rows, h.Tr(h.Th(h.Scope("row"), h.Span(h.Dir("auto"), g.Text(name)), h.Br(), h.Span(h.Class("small muted"), ltr(a.AgentEmail))),
				g.Group(cells(a))))
		}
		head := []string{"call.perf.agent", "call.perf.calls", "call.perf.handle", "call.perf.resolution", "call.perf.rating", "call.perf.low"}
		body = h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.THead(h.Tr(g.Map(head, func(k string) g.Node { return h.Th(h.Scope("col"), g.Text(f.T(k))) }))),
			h.TBody(rows...),
			h.TFoot(h.Tr(h.Th(h.Scope("row"), g.Text(f.T("call.perf.total"))), g.Group(cells(p.Total)))),
		))
	}
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		hospital = ccField(f, form, "hospital", "field.hospital", "", false, ccSelect(form, "hospital", "", hospitalOptions(f)))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/calls/import"), g.Text(f.T("call.import_title")))),
		h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
			hospital,
			ccField(f, form, "from", "call.filter.from", "", false, ccText(form, "from", "", "date")),
			ccField(f, form, "to", "call.filter.to", "", false, ccText(form, "to", "", "date")),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
		),
		g.If(len(form.Errors) > 0, h.Div(h.Class("alert"), h.Role("alert"), g.Map(form.Errors.Names(), func(k string) g.Node {
			return h.P(g.Text(f.T(form.Errors[k])))
		}))),
		h.Section(h.Class("card"), body),
	)
}

// CallStartValue formats a call's start for the datetime-local field, in loc.
func CallStartValue(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}
