package views

import (
	"net/url"
	"slices"
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// NotifyKinds are the notifications admins configure: every kind but the providers'
// test message, which always uses the product's own text.
func NotifyKinds() []app.NotificationKind {
	var out []app.NotificationKind
	for _, k := range app.NotificationKinds {
		if k.Key != app.NotifyTest {
			out = append(out, k)
		}
	}
	return out
}

// NotifyChannels are the channels a kind may use, in the order they are tried: patients
// by SMS, WhatsApp or e-mail (they do not sign in), staff in the app or by e-mail.
func NotifyChannels(k app.NotificationKind) []app.Channel {
	if k.Audience == app.AudiencePatient {
		return []app.Channel{app.ChannelSMS, app.ChannelWhatsApp, app.ChannelEmail}
	}
	return []app.Channel{app.ChannelInApp, app.ChannelEmail}
}

// NotifyTemplateRow is the template in force for one key on one channel.
type NotifyTemplateRow struct {
	Key     app.NotificationKey
	Channel app.Channel
	Origin  string // "builtin", "system" or "hospital"
}

// NotifyTemplateList is the templates page of one hospital (0: the group defaults).
type NotifyTemplateList struct {
	HospitalID int64
	System     bool // the user may edit the group defaults
	Rows       []NotifyTemplateRow
}

// templateBase is the URL of the template of key on ch in hospital.
func templateBase(hospitalID int64, key app.NotificationKey, ch app.Channel) string {
	return "/admin/notifications/templates/" + strconv.FormatInt(hospitalID, 10) + "/" + url.PathEscape(string(key)) + "/" + string(ch)
}

func originBadge(f Frame, origin string) g.Node {
	tone := map[string]string{"builtin": "badge-muted", "system": "", "hospital": "badge-ok"}[origin]
	return h.Span(h.Class("badge "+tone), g.Text(f.tOr("notify.origin."+origin, origin)))
}

// hospitalPicker is a GET form choosing the hospital a settings page is about; the
// group defaults (value 0) are offered when system is set.
func hospitalPicker(f Frame, action, name string, current int64, system bool) g.Node {
	if len(f.Hospitals) < 2 && !system {
		return nil
	}
	var opts []g.Node
	if system {
		opts = append(opts, h.Option(h.Value("0"), g.If(current == 0, h.Selected()), g.Text(f.T("notify.group_defaults"))))
	}
	for _, x := range f.Hospitals {
		opts = append(opts, h.Option(h.Value(id64(x.ID)), g.If(current == x.ID, h.Selected()), g.Text(app.Name(f.Lang, x.NameEN, x.NameAR))))
	}
	return h.Form(h.Class("filters"), h.Method("get"), h.Action(action),
		h.Div(h.Class("field"), h.Label(h.For("pick-hospital"), g.Text(f.T("field.hospital"))),
			h.Select(h.ID("pick-hospital"), h.Name(name), g.Group(opts))),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("notify.show"))))
}

// NotifyTemplates is the matrix of every notification and channel with where its text
// comes from, each cell leading to the template's editor.
func NotifyTemplates(f Frame, p NotifyTemplateList) g.Node {
	byKey := map[app.NotificationKey]map[app.Channel]string{}
	for _, r := range p.Rows {
		if byKey[r.Key] == nil {
			byKey[r.Key] = map[app.Channel]string{}
		}
		byKey[r.Key][r.Channel] = r.Origin
	}
	heading := f.T("notify.templates_title")
	scope := f.T("notify.group_defaults")
	if p.HospitalID != 0 {
		scope = f.HospitalName(p.HospitalID)
	}
	var rows []g.Node
	for _, k := range NotifyKinds() {
		origins, ok := byKey[k.Key]
		if !ok {
			continue
		}
		cells := []g.Node{
			h.Th(h.Scope("row"), g.Text(NotifyKeyName(f, k.Key)), h.Br(), ltr(string(k.Key))),
			h.Td(g.Text(f.T("notify.audience." + string(k.Audience)))),
			h.Td(g.Text(f.T("notify.purpose." + string(k.Purpose)))),
		}
		for _, ch := range app.Channels {
			origin, ok := origins[ch]
			if !ok {
				cells = append(cells, h.Td(dash()))
				continue
			}
			cells = append(cells, h.Td(
				h.A(h.Href(templateBase(p.HospitalID, k.Key, ch)),
					h.Aria("label", f.T("notify.edit_template_of", channelName(f, ch), NotifyKeyName(f, k.Key))),
					g.Text(f.T("notify.edit"))),
				g.Text(" "), originBadge(f, origin)))
		}
		rows = append(rows, h.Tr(g.Group(cells)))
	}
	head := []g.Node{h.Th(h.Scope("col"), g.Text(f.T("notify.field.key"))), h.Th(h.Scope("col"), g.Text(f.T("notify.field.audience"))),
		h.Th(h.Scope("col"), g.Text(f.T("notify.field.purpose")))}
	for _, ch := range app.Channels {
		head = append(head, h.Th(h.Scope("col"), g.Text(channelName(f, ch))))
	}
	return Page(f, heading,
		pageHeader(heading),
		notifyTabs(f, "/admin/notifications/templates"),
		hospitalPicker(f, "/admin/notifications/templates", "hospital", p.HospitalID, p.System),
		h.Section(h.Class("card"),
			h.H2(g.Text(scope)),
			h.P(h.Class("help"), g.Text(f.T("notify.help.templates"))),
			h.Div(h.Class("table-wrap"), h.Table(h.Class("table template-matrix"), h.THead(h.Tr(head...)), h.TBody(rows...))),
		),
	)
}

// NotifyTemplateEdit is the editor of one template.
type NotifyTemplateEdit struct {
	HospitalID int64
	Key        app.NotificationKey
	Channel    app.Channel
	Origin     string
	Form       Form
	Preview    map[string][2]string // language → subject and body with sample values; nil when not previewing
}

// NotifyTemplateFields are the editor's fields for a channel: subjects only where there
// is one (e-mail subject, in-app title), the WhatsApp template name only on WhatsApp.
func NotifyTemplateFields(ch app.Channel) []Field {
	var fields []Field
	if ch == app.ChannelEmail || ch == app.ChannelInApp {
		fields = append(fields, Field{Name: "subject_en", Label: "notify.field.subject_en", Dir: "ltr"},
			Field{Name: "subject_ar", Label: "notify.field.subject_ar", Dir: "rtl"})
	}
	fields = append(fields, Field{Name: "body_en", Label: "notify.field.body_en", Kind: "textarea", Dir: "ltr"},
		Field{Name: "body_ar", Label: "notify.field.body_ar", Kind: "textarea", Dir: "rtl"})
	if ch == app.ChannelWhatsApp {
		fields = append(fields, Field{Name: "whatsapp", Label: "notify.field.whatsapp_template", Dir: "ltr", Help: "notify.help.whatsapp_template"})
	}
	return fields
}

// textField renders a text input or textarea whose language is set by its direction
// (Arabic fields get lang="ar"), with its error beside it.
func textField(f Frame, form Form, fl Field) g.Node {
	id := "f-" + fl.Name
	errKey, hasErr := form.Errors[fl.Name]
	desc := describedBy(id, fl.Help != "", hasErr)
	lang := "en"
	if fl.Dir == "rtl" {
		lang = "ar"
	}
	common := g.Group{h.ID(id), h.Name(fl.Name), h.Dir(fl.Dir), h.Lang(lang),
		g.If(hasErr, h.Aria("invalid", "true")), g.If(desc != "", h.Aria("describedby", desc))}
	var input g.Node
	if fl.Kind == "textarea" {
		input = h.Textarea(common, h.Rows("7"), g.Text(form.Values.Get(fl.Name)))
	} else {
		input = h.Input(common, h.Type("text"), h.Value(form.Values.Get(fl.Name)))
	}
	return h.Div(h.Class(fieldClass(hasErr)),
		h.Label(h.For(id), g.Text(f.T(fl.Label))),
		input,
		fieldNotes(f, fl, id, errKey, hasErr))
}

// NotifyTemplateEditor is the template editor with the variables it may use and, after
// "Preview", the text in both languages with sample values.
func NotifyTemplateEditor(f Frame, p NotifyTemplateEdit) g.Node {
	kind, _ := p.Key.Kind()
	title := f.T("notify.template_title", NotifyKeyName(f, p.Key), channelName(f, p.Channel))
	scope := f.T("notify.group_defaults")
	if p.HospitalID != 0 {
		scope = f.HospitalName(p.HospitalID)
	}
	base := templateBase(p.HospitalID, p.Key, p.Channel)
	fields := NotifyTemplateFields(p.Channel)
	resettable := p.Origin == "hospital" || (p.HospitalID == 0 && p.Origin == "system")
	resetLabel, originHelp := "notify.reset_to_system", "notify.help.origin_"+p.Origin
	if p.HospitalID == 0 {
		resetLabel, originHelp = "notify.reset_to_builtin", "notify.help.group_origin_"+p.Origin
	}
	var preview g.Node
	if p.Preview != nil {
		card := func(lang, heading string) g.Node {
			sub, body := p.Preview[lang][0], p.Preview[lang][1]
			return h.Div(h.Class("preview-pane"), textDir(lang),
				h.H3(g.Text(heading)),
				g.If(sub != "", h.P(h.Class("msg-subject"), g.Text(sub))),
				h.Div(h.Class("msg-body"), g.Text(body)),
				h.P(h.Class("muted small"), g.Text(T(lang, "notify.chars_n", strconv.Itoa(len([]rune(body)))))))
		}
		preview = h.Section(h.Class("card preview"), h.Aria("labelledby", "preview-title"), h.Role("status"),
			h.H2(h.ID("preview-title"), g.Text(f.T("notify.preview_title"))),
			h.P(h.Class("help"), g.Text(f.T("notify.help.preview"))),
			h.Div(h.Class("preview-grid"), card("en", "English"), card("ar", "العربية")))
	}
	return Page(f, title,
		pageHeader(title),
		h.P(h.A(h.Href("/admin/notifications/templates?hospital="+id64(p.HospitalID)), g.Text(f.T("notify.back_to_templates")))),
		h.Div(h.Class("split"),
			h.Div(
				preview,
				h.Section(h.Class("card"),
					h.H2(g.Text(scope)),
					h.P(g.Text(f.T("notify.origin_now")+" "), originBadge(f, p.Origin)),
					h.P(h.Class("help"), g.Text(f.tOr(originHelp, ""))),
					h.Form(h.Class("form"), h.Method("post"), h.Action(base), g.Attr("novalidate"),
						errorSummary(f, p.Form, fields),
						g.Map(fields, func(fl Field) g.Node { return textField(f, p.Form, fl) }),
						h.Div(h.Class("form-actions"),
							h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("form.save"))),
							h.Button(h.Type("submit"), h.Name("preview"), h.Value("1"), h.Class("btn"), g.Text(f.T("notify.preview"))),
						),
					),
					g.If(resettable, h.Form(h.Class("form-inline"), h.Method("post"), h.Action(base+"/reset"),
						h.Data("confirm", f.T("notify.reset_confirm")),
						h.Button(h.Type("submit"), h.Class("btn btn-danger"), g.Text(f.T(resetLabel))))),
				),
			),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("notify.variables"))),
					h.P(h.Class("help"), g.Text(f.T("notify.help.variables"))),
					h.Ul(h.Class("var-chips"), g.Map(kind.AllVars(), func(v string) g.Node {
						return h.Li(h.Code(h.Dir("ltr"), g.Text("{{"+v+"}}")), g.Text(" "),
							h.Span(h.Class("muted small"), g.Text(f.tOr("notify.var."+v, ""))))
					}))),
				h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
					h.Dl(h.Class("details"),
						h.Dt(g.Text(f.T("notify.field.audience"))), h.Dd(g.Text(f.T("notify.audience."+string(kind.Audience)))),
						h.Dt(g.Text(f.T("notify.field.purpose"))), h.Dd(g.Text(f.T("notify.purpose."+string(kind.Purpose)))),
						h.Dt(g.Text(f.T("notify.field.channel"))), h.Dd(g.Text(channelName(f, p.Channel))),
						h.Dt(g.Text(f.T("notify.field.key"))), h.Dd(ltr(string(p.Key))),
					)),
			),
		),
	)
}

// TemplateValues are a template's texts as the editor's form values.
func TemplateValues(t app.Template) url.Values {
	return url.Values{"subject_en": {t.SubjectEN}, "subject_ar": {t.SubjectAR}, "body_en": {t.BodyEN}, "body_ar": {t.BodyAR},
		"whatsapp": {t.WhatsApp}}
}

// routeChecked reports whether the hospital settings form has ch ticked for key.
func routeChecked(form Form, key app.NotificationKey, ch app.Channel) bool {
	return slices.Contains(form.Values["route."+string(key)], string(ch))
}
