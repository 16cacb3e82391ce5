package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// SearchResults are the records a people search found, best first.
type SearchResults struct {
	Staff    []app.Staff
	Patients []app.Patient
}

// Search shows people-search results.
func Search(f Frame, q string, res SearchResults) g.Node {
	var body g.Node
	switch {
	case q == "":
		body = h.P(h.Class("muted"), g.Text(f.T("search.help")))
	case len(res.Staff) == 0 && len(res.Patients) == 0:
		body = h.P(h.Class("empty"), g.Text(f.T("search.none")))
	default:
		body = g.Group{
			g.If(len(res.Patients) > 0, h.Section(h.Class("card"), h.H2(g.Text(f.T("nav.patients"))),
				table(f, res.Patients, []Column[app.Patient]{
					{Key: "field.name", Cell: func(x app.Patient) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
					{Key: "field.mrn", Cell: func(x app.Patient) g.Node { return ltr(x.MRN) }},
					{Key: "field.hospital", Cell: func(x app.Patient) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
				}, func(x app.Patient) string { return "/admin/patients/" + id64(x.ID) }))),
			g.If(len(res.Staff) > 0, h.Section(h.Class("card"), h.H2(g.Text(f.T("nav.staff"))),
				table(f, res.Staff, []Column[app.Staff]{
					{Key: "field.name", Cell: func(x app.Staff) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
					{Key: "field.employee_no", Cell: func(x app.Staff) g.Node { return ltr(x.EmployeeNo) }},
					{Key: "field.job_title", Cell: func(x app.Staff) g.Node { return g.Text(x.JobTitle) }},
					{Key: "field.hospital", Cell: func(x app.Staff) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
				}, func(x app.Staff) string { return "/admin/staff/" + id64(x.ID) }))),
		}
	}
	return Page(f, f.T("search.title"), pageHeader(f.T("search.title")),
		h.Form(h.Class("filters"), h.Method("get"), h.Action("/search"), h.Role("search"),
			h.Div(h.Class("field"), h.Label(h.For("search-q"), g.Text(f.T("search.label"))),
				h.Input(h.ID("search-q"), h.Type("search"), h.Name("q"), h.Value(q), h.AutoFocus())),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("search.submit")))),
		body)
}
