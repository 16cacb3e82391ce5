package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// Account is the signed-in user's own page: profile, password change, other sessions.
func Account(f Frame, form Form) g.Node {
	u := f.User
	return Page(f, f.T("nav.account"),
		pageHeader(f.T("nav.account")),
		h.Section(h.Class("card"),
			h.Dl(h.Class("details"),
				h.Dt(g.Text(f.T("field.name"))), h.Dd(g.Text(u.Name)),
				h.Dt(g.Text(f.T("field.email"))), h.Dd(ltr(u.Email)),
				h.Dt(g.Text(f.T("field.role"))), h.Dd(g.Text(f.T("role."+string(u.Role)))),
				h.Dt(g.Text(f.T("field.last_login"))), h.Dd(f.DateTime(u.LastLoginAt)),
			),
		),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("account.preferences"))),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/account/preferences"),
				h.Div(h.Class("field"), h.Label(h.Class("check"),
					h.Input(h.Type("checkbox"), h.Name("show_hijri"), h.Value("1"), g.If(u.ShowHijri, h.Checked())),
					g.Text(f.T("account.show_hijri")))),
				h.P(h.Class("help"), g.Text(f.T("account.show_hijri_help"))),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("form.save")))),
			),
		),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("account.change_password"))),
			FormView(f, "/account/password", "account.change_password", form, []Field{
				{Name: "current_password", Label: "field.current_password", Kind: "password", Required: true, Auto: "current-password", Dir: "ltr"},
				{Name: "new_password", Label: "field.new_password", Kind: "password", Required: true, Help: "help.password", Auto: "new-password", Dir: "ltr"},
			}),
		),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("account.sessions"))),
			h.P(g.Text(f.T("account.sessions_help"))),
			h.Form(h.Method("post"), h.Action("/account/sessions/revoke"), h.Data("confirm", f.T("account.signout_others_confirm")),
				h.Button(h.Type("submit"), h.Class("btn btn-danger"), g.Text(f.T("account.signout_others")))),
		),
	)
}
