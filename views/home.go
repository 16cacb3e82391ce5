package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// HomeProps are the counts on the home dashboard.
type HomeProps struct {
	Hospitals, Departments, Staff, Patients int
	RecentAudit                             []app.AuditEntry // empty for users without audit access
}

// Home is the signed-in start page.
func Home(f Frame, p HomeProps) g.Node {
	tile := func(key string, n int, href string) g.Node {
		return h.Div(h.Class("tile"), h.A(h.Href(href), h.Span(h.Class("tile-label"), g.Text(f.T(key)))),
			h.Span(h.Class("tile-value"), g.Text(countText(n))))
	}
	return Page(f, f.T("nav.home"),
		pageHeader(f.T("home.welcome", f.User.Name)),
		h.Div(h.Class("tiles"),
			tile("nav.hospitals", p.Hospitals, "/admin/hospitals"),
			tile("nav.departments", p.Departments, "/admin/departments"),
			g.If(f.Can(app.PermStaffView), tile("nav.staff", p.Staff, "/admin/staff")),
			g.If(f.Can(app.PermPatientView), tile("nav.patients", p.Patients, "/admin/patients")),
		),
		g.If(len(p.RecentAudit) > 0, h.Section(h.Class("card"), h.H2(g.Text(f.T("home.recent_activity"))),
			auditTable(f, p.RecentAudit))),
	)
}

func countText(n int) string {
	if n > app.CountCap {
		return strconv.Itoa(app.CountCap) + "+"
	}
	return strconv.Itoa(n)
}
