package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// Login is the sign-in page. errKey is a catalog key ("" for none).
func Login(f Frame, email, next, errKey string) g.Node {
	return PublicPage(f, f.T("login.title"),
		h.Div(h.Class("card auth-card"),
			h.H1(g.Text(f.T("login.title"))),
			g.If(errKey != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(errKey)))),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/login"),
				h.Input(h.Type("hidden"), h.Name("next"), h.Value(next)),
				h.Div(h.Class("field"), h.Label(h.For("email"), g.Text(f.T("field.email"))),
					h.Input(h.ID("email"), h.Name("email"), h.Type("email"), h.Dir("ltr"), h.Value(email), h.Required(),
						h.AutoComplete("username"), h.AutoFocus())),
				h.Div(h.Class("field"), h.Label(h.For("password"), g.Text(f.T("field.password"))),
					h.Input(h.ID("password"), h.Name("password"), h.Type("password"), h.Dir("ltr"), h.Required(),
						h.AutoComplete("current-password"))),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("login.submit")))),
			),
			h.P(h.Class("muted small"), g.Text(f.T("login.help"))),
		),
	)
}

// ResetPassword is the page behind a one-time reset link.
func ResetPassword(f Frame, token string, form Form, valid, done bool) g.Node {
	var body g.Node
	switch {
	case done:
		body = g.Group{h.Div(h.Class("flash"), h.Role("status"), g.Text(f.T("reset.done"))),
			h.P(h.A(h.Href("/login"), g.Text(f.T("login.title"))))}
	case !valid:
		body = h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T("err.reset_link_invalid")))
	default:
		body = FormView(f, "/password/reset/"+token, "reset.submit", form, []Field{
			{Name: "password", Label: "field.new_password", Kind: "password", Required: true, Help: "help.password", Auto: "new-password", Dir: "ltr"},
		})
	}
	return PublicPage(f, f.T("reset.title"), h.Div(h.Class("card auth-card"), h.H1(g.Text(f.T("reset.title"))), body))
}
