package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// ErrorPage is the bilingual page for 403, 404, 429 and 500 answers; signed-in users
// keep their navigation.
func ErrorPage(f Frame, status int) g.Node {
	key := "error." + strconv.Itoa(status)
	if _, ok := catalog[key+".title"]; !ok {
		key = "error.500"
	}
	body := h.Div(h.Class("error-page"),
		h.P(h.Class("error-code"), g.Text(strconv.Itoa(status))),
		h.H1(g.Text(f.T(key+".title"))),
		h.P(g.Text(f.T(key+".text"))),
		h.P(h.A(h.Href("/"), g.Text(f.T("error.home")))),
	)
	if f.User != nil {
		return Page(f, f.T(key+".title"), body)
	}
	return PublicPage(f, f.T(key+".title"), h.Div(h.Class("card auth-card"), body))
}
