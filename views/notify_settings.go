package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// NotifyHospitalFields are the contact rules fields of the hospital settings form (the
// channel checkboxes, route.<key>, are a table of their own).
func NotifyHospitalFields() []Field {
	return []Field{
		{Name: "quiet_start", Label: "notify.field.quiet_start", Kind: "time", Required: true, Dir: "ltr"},
		{Name: "quiet_end", Label: "notify.field.quiet_end", Kind: "time", Required: true, Dir: "ltr", Help: "notify.help.quiet"},
		{Name: "cap_count", Label: "notify.field.cap_count", Kind: "number", Required: true, Dir: "ltr", Help: "notify.help.cap_count"},
		{Name: "cap_hours", Label: "notify.field.cap_hours", Kind: "number", Required: true, Dir: "ltr"},
	}
}

// NotifyHospitalSettings is a hospital's notification settings page: the channels each
// notification goes out on and the limits on messages to patients.
func NotifyHospitalSettings(f Frame, hospitalID int64, form Form) g.Node {
	title := f.T("notify.hospital_title")
	var rows []g.Node
	for _, k := range NotifyKinds() {
		name := "route." + string(k.Key)
		var boxes []g.Node
		for _, ch := range NotifyChannels(k) {
			id := "f-" + name + "-" + string(ch)
			boxes = append(boxes, h.Label(h.Class("check"), h.For(id),
				h.Input(h.Type("checkbox"), h.ID(id), h.Name(name), h.Value(string(ch)), g.If(routeChecked(form, k.Key, ch), h.Checked())),
				g.Text(channelName(f, ch))))
		}
		errKey, hasErr := form.Errors[string(k.Key)]
		rows = append(rows, h.Tr(
			h.Th(h.Scope("row"), g.Text(NotifyKeyName(f, k.Key))),
			h.Td(g.Text(f.T("notify.audience."+string(k.Audience)))),
			h.Td(h.FieldSet(h.Class("route-choices"), h.Legend(h.Class("visually-hidden"), g.Text(NotifyKeyName(f, k.Key))),
				g.Group(boxes),
				g.If(hasErr, h.P(h.Class("field-error"), g.Text(f.T(errKey)))))),
		))
	}
	fields := NotifyHospitalFields()
	return Page(f, title,
		pageHeader(title),
		notifyTabs(f, "/admin/notifications/hospitals"),
		hospitalPicker(f, "/admin/notifications/hospitals", "id", hospitalID, false),
		h.Form(h.Class("form form-wide"), h.Method("post"), h.Action("/admin/notifications/hospitals/"+id64(hospitalID)), g.Attr("novalidate"),
			errorSummary(f, form, fields),
			h.Section(h.Class("card"),
				h.H2(g.Text(f.HospitalName(hospitalID))),
				h.H3(g.Text(f.T("notify.channels_title"))),
				h.P(h.Class("help"), g.Text(f.T("notify.help.routes"))),
				h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
					h.THead(h.Tr(h.Th(h.Scope("col"), g.Text(f.T("notify.field.key"))), h.Th(h.Scope("col"), g.Text(f.T("notify.field.audience"))),
						h.Th(h.Scope("col"), g.Text(f.T("notify.field.channels"))))),
					h.TBody(rows...))),
			),
			h.Section(h.Class("card"),
				h.H3(g.Text(f.T("notify.rules_title"))),
				h.P(h.Class("help"), g.Text(f.T("notify.help.rules"))),
				g.Map(fields, func(fl Field) g.Node { return fl.render(f, form) }),
			),
			h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("form.save")))),
		),
	)
}

// NotifyProviderRow is one outbound channel on the providers page.
type NotifyProviderRow struct {
	Channel    app.Channel
	Kind       string
	Enabled    bool
	Configured bool
}

// NotifyProviderList shows the provider of each outbound channel and the public address
// that links in messages start with.
func NotifyProviderList(f Frame, rows []NotifyProviderRow, publicURL string, form Form) g.Node {
	title := f.T("notify.providers_title")
	urlFields := []Field{{Name: "public_url", Label: "notify.field.public_url", Kind: "url", Dir: "ltr", Help: "notify.help.public_url"}}
	if form.Values == nil {
		form = Form{Values: map[string][]string{"public_url": {publicURL}}}
	}
	return Page(f, title,
		pageHeader(title),
		notifyTabs(f, "/admin/notifications/providers"),
		table(f, rows, []Column[NotifyProviderRow]{
			{Key: "notify.field.channel", Cell: func(r NotifyProviderRow) g.Node { return g.Text(channelName(f, r.Channel)) }},
			{Key: "notify.field.provider", Cell: func(r NotifyProviderRow) g.Node {
				if !r.Configured {
					return h.Span(h.Class("muted"), g.Text(f.T("notify.not_configured")))
				}
				return g.Text(providerKindName(f, r.Kind))
			}},
			{Key: "field.status", Cell: func(r NotifyProviderRow) g.Node {
				return badge(r.Configured && r.Enabled, f.T("notify.enabled"), f.T("notify.disabled"))
			}},
		}, func(r NotifyProviderRow) string { return "/admin/notifications/providers/" + string(r.Channel) }),
		h.Section(h.Class("card"),
			h.H2(g.Text(f.T("notify.public_url_title"))),
			h.P(g.Text(f.T("notify.public_url_now")+" "), ltr(publicURL)),
			FormView(f, "/admin/notifications/public-url", "form.save", form, urlFields),
		),
	)
}

// NotifyProviderField is one setting of a provider kind on its form. Secrets are never
// sent back: Masked shows the end of the saved value as a placeholder.
type NotifyProviderField struct {
	Name    string
	Type    string // text, number, select, textarea, checkbox
	Options []string
	Secret  bool
	Needed  bool
	Set     bool   // a secret is saved
	Masked  string // "••••1234"
}

// NotifyWebhook is an address to give the provider for its callbacks.
type NotifyWebhook struct {
	Label string // catalog key
	URL   string
}

// NotifyProviderPage is a channel's provider form and the test message form.
type NotifyProviderPage struct {
	Channel       app.Channel
	Kind          string
	Kinds         []string
	SavedKind     string // "" when nothing is saved
	Enabled       bool
	Fields        []NotifyProviderField
	Form          Form // plain values and errors; secrets are never in it
	SettingsError string
	Webhooks      []NotifyWebhook
	Test          Form
	TestError     string       // what the provider said when it refused the test message
	TestSent      *app.Message // the test message just sent
}

func providerField(f Frame, form Form, fl NotifyProviderField) g.Node {
	id := "f-" + fl.Name
	errKey, hasErr := form.Errors[fl.Name]
	help := fl.Secret && fl.Set
	desc := describedBy(id, help, hasErr)
	label := f.tOr("notify.pfield."+fl.Name, fl.Name)
	value := form.Values.Get(fl.Name)
	common := g.Group{h.ID(id), h.Name(fl.Name), g.If(hasErr, h.Aria("invalid", "true")), g.If(desc != "", h.Aria("describedby", desc))}
	var input g.Node
	switch {
	case fl.Type == "checkbox":
		return h.Div(h.Class(fieldClass(hasErr)),
			h.Label(h.Class("check"), h.Input(h.Type("checkbox"), common, h.Value("1"),
				g.If(value == "1" || value == "on" || value == "true", h.Checked())), g.Text(label)),
			g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))))
	case fl.Secret && fl.Type == "textarea":
		input = h.Textarea(common, h.Rows("3"), h.Dir("ltr"), h.AutoComplete("off"), g.Attr("spellcheck", "false"),
			g.If(fl.Set, h.Placeholder(fl.Masked)))
	case fl.Secret:
		input = h.Input(common, h.Type("password"), h.Dir("ltr"), h.AutoComplete("new-password"), g.If(fl.Set, h.Placeholder(fl.Masked)))
	case fl.Type == "select":
		opts := []g.Node{h.Option(h.Value(""), g.Text(f.T("form.choose")))}
		for _, o := range fl.Options {
			opts = append(opts, h.Option(h.Value(o), g.If(value == o, h.Selected()), g.Text(f.tOr("notify.option."+o, o))))
		}
		input = h.Select(common, g.Group(opts))
	case fl.Type == "textarea":
		input = h.Textarea(common, h.Rows("4"), h.Dir("ltr"), g.Attr("spellcheck", "false"), g.Text(value))
	case fl.Type == "number":
		input = h.Input(common, h.Type("number"), h.Dir("ltr"), g.Attr("inputmode", "numeric"), h.Value(value))
	default:
		input = h.Input(common, h.Type("text"), h.Dir("ltr"), g.Attr("spellcheck", "false"), h.Value(value))
	}
	return h.Div(h.Class(fieldClass(hasErr)),
		h.Label(h.For(id), g.Text(label), g.If(fl.Needed, h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *")))),
		input,
		g.If(known("notify.phelp."+fl.Name), h.P(h.Class("help"), g.Text(f.tOr("notify.phelp."+fl.Name, "")))),
		g.If(help, h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T("notify.help.secret_keep")))),
		g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(f.T(errKey)))),
	)
}

// NotifyProvider is the settings form of one channel's provider, with the provider kinds
// as tabs (plain links, so it works without JavaScript) and a test message form.
func NotifyProvider(f Frame, p NotifyProviderPage) g.Node {
	title := f.T("notify.provider_title", channelName(f, p.Channel))
	base := "/admin/notifications/providers/" + string(p.Channel)
	var kinds []g.Node
	for _, k := range p.Kinds {
		kinds = append(kinds, h.Li(h.A(h.Href(base+"?kind="+k), g.If(k == p.Kind, h.Aria("current", "page")), g.Text(providerKindName(f, k)))))
	}
	summary := make([]Field, 0, len(p.Fields)+1)
	for _, fl := range p.Fields {
		summary = append(summary, Field{Name: fl.Name, Label: "notify.pfield." + fl.Name})
	}
	summary = append(summary, Field{Name: "kind", Label: "notify.field.provider"})
	testKind, testHelp := "tel", "notify.help.test_phone"
	if p.Channel == app.ChannelEmail {
		testKind, testHelp = "email", "notify.help.test_email"
	}
	testFields := []Field{{Name: "to", Label: "notify.field.test_to", Kind: testKind, Required: true, Dir: "ltr", Help: testHelp}}
	var sent g.Node
	if p.TestSent != nil {
		sent = h.Div(h.Class("notice"), h.Role("status"),
			h.P(g.Text(f.T("notify.test_sent")+" "), g.Text(f.T("notify.field.provider_id")+": "), ltr(p.TestSent.ProviderID)),
			h.P(h.A(h.Href("/admin/notifications/messages/"+id64(p.TestSent.ID)), g.Text(f.T("notify.test_in_log")))))
	}
	var current g.Node
	switch {
	case p.SavedKind == "":
		current = h.P(h.Class("muted"), g.Text(f.T("notify.not_configured")))
	case p.SavedKind != p.Kind:
		current = h.P(h.Class("notice"), g.Text(f.T("notify.kind_switch", providerKindName(f, p.SavedKind))))
	default:
		current = h.P(g.Text(f.T("notify.kind_saved")+" "), badge(p.Enabled, f.T("notify.enabled"), f.T("notify.disabled")))
	}
	return Page(f, title,
		pageHeader(title),
		notifyTabs(f, "/admin/notifications/providers"),
		h.P(h.A(h.Href("/admin/notifications/providers"), g.Text(f.T("notify.back_to_providers")))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"),
					h.H2(g.Text(f.T("notify.settings_title"))),
					g.If(len(p.Kinds) > 1, h.Nav(h.Class("tabs"), h.Aria("label", f.T("notify.field.provider")), h.Ul(kinds...))),
					current,
					g.If(p.SettingsError != "", h.Div(h.Class("alert"), h.Role("alert"),
						h.P(g.Text(f.T("err.provider_settings"))), h.P(h.Dir("ltr"), h.Lang("en"), g.Text(p.SettingsError)))),
					h.Form(h.Class("form"), h.Method("post"), h.Action(base), g.Attr("novalidate"), h.AutoComplete("off"),
						errorSummary(f, p.Form, summary),
						h.Input(h.Type("hidden"), h.Name("kind"), h.Value(p.Kind)),
						g.Map(p.Fields, func(fl NotifyProviderField) g.Node { return providerField(f, p.Form, fl) }),
						h.Div(h.Class("field"), h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.ID("f-enabled"), h.Name("enabled"),
							h.Value("1"), g.If(p.Form.Values.Get("enabled") == "1", h.Checked())), g.Text(f.T("notify.field.enabled")))),
						h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("form.save")))),
					),
				),
			),
			h.Div(
				h.Section(h.Class("card"),
					h.H2(g.Text(f.T("notify.test_title"))),
					h.P(h.Class("help"), g.Text(f.T("notify.help.test"))),
					sent,
					g.If(p.TestError != "", h.Div(h.Class("alert"), h.Role("alert"),
						h.P(g.Text(f.T("notify.test_refused"))), h.P(h.Dir("ltr"), h.Lang("en"), g.Text(p.TestError)))),
					FormView(f, base+"/test", "notify.send_test", p.Test, testFields),
				),
				g.If(len(p.Webhooks) > 0, h.Section(h.Class("card"),
					h.H2(g.Text(f.T("notify.webhooks_title"))),
					h.P(h.Class("help"), g.Text(f.T("notify.help.webhooks"))),
					h.Dl(h.Class("details"), g.Map(p.Webhooks, func(w NotifyWebhook) g.Node {
						return g.Group{h.Dt(g.Text(f.T(w.Label))), h.Dd(h.Code(h.Dir("ltr"), g.Text(w.URL)))}
					})))),
			),
		),
	)
}
