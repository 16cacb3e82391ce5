package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// SetupPage is the first-run wizard's state.
type SetupPage struct {
	Form          Form
	Code          string   // the setup code the visitor gave (kept in the form)
	Zones         []string // the time zones offered for the first hospital
	SMTPSaved     bool     // the SMTP settings are stored (a blank password keeps the stored one)
	TestSent      string   // the address a test message went to
	TestError     string   // what the mail server answered to the test
	SettingsError string   // why the SMTP settings cannot work
}

// setupSections are the wizard's parts: each a legend and its fields.
func setupSections(p SetupPage) []struct {
	Legend, Help string
	Fields       []Field
} {
	zones := make([]Option, len(p.Zones))
	for i, z := range p.Zones {
		zones[i] = Option{Value: z, Label: z}
	}
	smtpPasswordHelp := ""
	if p.SMTPSaved {
		smtpPasswordHelp = "setup.help.smtp_password_saved"
	}
	return []struct {
		Legend, Help string
		Fields       []Field
	}{
		{"setup.organization", "setup.help.organization", []Field{
			{Name: "org_name_en", Label: "setup.field.org_name_en", Required: true, Dir: "ltr", Auto: "organization"},
			{Name: "org_name_ar", Label: "setup.field.org_name_ar", Required: true, Dir: "rtl"},
		}},
		{"setup.hospital", "", []Field{
			{Name: "hospital_code", Label: "field.code", Required: true, Dir: "ltr", Help: "help.code"},
			{Name: "hospital_name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
			{Name: "hospital_name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
			{Name: "hospital_time_zone", Label: "field.time_zone", Kind: "anyselect", Options: zones, Dir: "ltr"},
			{Name: "weekend", Label: "sla.field.weekend", Kind: "weekdays", Help: "setup.help.weekend"},
		}},
		{"setup.admin", "setup.help.admin", []Field{
			{Name: "admin_name", Label: "field.name", Required: true, Auto: "name"},
			{Name: "admin_email", Label: "field.email", Kind: "email", Required: true, Dir: "ltr", Auto: "username"},
			{Name: "admin_password", Label: "field.password", Kind: "password", Required: true, Dir: "ltr", Help: "help.password", Auto: "new-password"},
			{Name: "admin_password2", Label: "setup.field.password2", Kind: "password", Required: true, Dir: "ltr", Auto: "new-password"},
		}},
		{"setup.smtp", "setup.help.smtp", []Field{
			{Name: "smtp_host", Label: "notify.pfield.host", Dir: "ltr"},
			{Name: "smtp_port", Label: "notify.pfield.port", Kind: "number", Dir: "ltr"},
			{Name: "smtp_security", Label: "notify.pfield.security", Kind: "anyselect", Options: []Option{
				{Value: "starttls", Label: "STARTTLS"}, {Value: "tls", Label: "TLS"}, {Value: "none", Label: "—"}}, Dir: "ltr"},
			{Name: "smtp_username", Label: "notify.pfield.username", Dir: "ltr", Auto: "off"},
			{Name: "smtp_password", Label: "notify.pfield.password", Kind: "password", Dir: "ltr", Help: smtpPasswordHelp, Auto: "off"},
			{Name: "smtp_from", Label: "notify.pfield.from", Kind: "email", Dir: "ltr"},
			{Name: "test_to", Label: "setup.field.test_to", Kind: "email", Dir: "ltr", Help: "setup.help.test_to"},
		}},
	}
}

// Setup is the first-run wizard: one page that works without JavaScript, in four parts
// (organisation, first hospital, PX admin, e-mail server), with a test of the e-mail
// settings that keeps everything typed except the passwords.
func Setup(f Frame, p SetupPage) g.Node {
	var all []Field
	var parts []g.Node
	for _, sec := range setupSections(p) {
		all = append(all, sec.Fields...)
		var nodes []g.Node
		for _, fl := range sec.Fields {
			nodes = append(nodes, slaFieldNode(f, p.Form, fl))
		}
		var result g.Node
		if sec.Legend == "setup.smtp" {
			result = setupTestResult(f, p)
			nodes = append(nodes, h.Div(h.Class("form-actions"),
				h.Button(h.Type("submit"), h.Name("action"), h.Value("test"), h.Class("btn"), h.ID("setup-test"),
					g.Text(f.T("setup.send_test")))))
		}
		parts = append(parts, h.FieldSet(h.Legend(g.Text(f.T(sec.Legend))),
			g.If(sec.Help != "", h.P(h.Class("help"), g.Text(f.T(sec.Help)))), result, g.Group(nodes)))
	}
	return PublicPage(f, f.T("setup.title"),
		h.Div(h.Class("card"),
			h.H1(g.Text(f.T("setup.title"))),
			h.P(g.Text(f.T("setup.intro"))),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/setup"), g.Attr("novalidate"), h.ID("setup-form"),
				// The first submit button is the one Enter presses: finishing, not the test.
				h.Button(h.Type("submit"), h.Name("action"), h.Value("finish"), h.Class("visually-hidden"),
					h.TabIndex("-1"), h.Aria("hidden", "true"), g.Text(f.T("setup.finish"))),
				g.If(p.Code != "", h.Input(h.Type("hidden"), h.Name("code"), h.Value(p.Code))),
				errorSummary(f, p.Form, all),
				g.Group(parts),
				h.Div(h.Class("form-actions"),
					h.Button(h.Type("submit"), h.Name("action"), h.Value("finish"), h.Class("btn btn-primary"), h.ID("setup-finish"),
						g.Text(f.T("setup.finish")))),
			),
		),
	)
}

func setupTestResult(f Frame, p SetupPage) g.Node {
	switch {
	case p.SettingsError != "":
		return h.Div(h.Class("alert"), h.Role("alert"), h.ID("setup-test-result"),
			h.P(g.Text(f.T("setup.smtp_refused"))), h.P(h.Dir("ltr"), g.Text(p.SettingsError)))
	case p.TestError != "":
		return h.Div(h.Class("alert"), h.Role("alert"), h.ID("setup-test-result"),
			h.P(g.Text(f.T("setup.test_failed"))), h.P(h.Dir("ltr"), g.Text(p.TestError)))
	case p.TestSent != "":
		return h.Div(h.Class("flash"), h.Role("status"), h.ID("setup-test-result"),
			g.Text(f.T("setup.test_sent")+" "), ltr(p.TestSent))
	}
	return nil
}

// SetupForbidden explains to a visitor from the network where the setup code is.
func SetupForbidden(f Frame, wrongCode bool) g.Node {
	return PublicPage(f, f.T("setup.forbidden_title"),
		h.Div(h.Class("card auth-card"),
			h.H1(g.Text(f.T("setup.forbidden_title"))),
			g.If(wrongCode, h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T("setup.err.wrong_code")))),
			h.P(g.Text(f.T("setup.forbidden_text"))),
			h.Ul(
				h.Li(g.Text(f.T("setup.where_status")+" "), h.Code(h.Dir("ltr"), g.Text("px360 status")), g.Text(" "+f.T("setup.where_windows"))),
				h.Li(g.Text(f.T("setup.where_journal")+" "), h.Code(h.Dir("ltr"), g.Text("journalctl -u px360"))),
			),
			h.Form(h.Class("form"), h.Method("get"), h.Action("/setup"),
				h.Div(h.Class("field"), h.Label(h.For("code"), g.Text(f.T("setup.field.code"))),
					h.Input(h.ID("code"), h.Name("code"), h.Type("text"), h.Dir("ltr"), h.Required(), h.AutoComplete("off"),
						g.Attr("spellcheck", "false"))),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("setup.continue")))),
			),
		),
	)
}
