package views

import (
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// ImportRowError is one rejected CSV row, ready to show.
type ImportRowError struct {
	Line    int
	Reasons []string // "column: message key"
}

// ImportResult is the outcome of a CSV upload.
type ImportResult struct {
	Kind             string // "staff" or "patients"
	Created, Updated int
	Errors           []ImportRowError
}

// Import is the CSV import page, with the last result if any.
func Import(f Frame, form Form, staffColumns, patientColumns []string, res *ImportResult) g.Node {
	var result g.Node
	if res != nil {
		var rows []g.Node
		for _, e := range res.Errors {
			var reasons []string
			for _, r := range e.Reasons {
				col, key, _ := strings.Cut(r, ": ")
				reasons = append(reasons, col+": "+f.T(key))
			}
			rows = append(rows, h.Tr(h.Td(h.Class("num"), g.Text(strconv.Itoa(e.Line))), h.Td(g.Text(strings.Join(reasons, "; ")))))
		}
		result = h.Section(h.Class("card"), h.Role("status"),
			h.H2(g.Text(f.T("import.result"))),
			h.P(g.Text(f.T("import.summary", res.Created, res.Updated, len(res.Errors)))),
			g.If(len(rows) > 0, h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
				h.THead(h.Tr(h.Th(g.Text(f.T("import.line"))), h.Th(g.Text(f.T("import.reasons"))))),
				h.TBody(rows...)))),
		)
	}
	fields := []Field{
		{Name: "kind", Label: "import.kind", Kind: "select", Required: true,
			Options: []Option{{"staff", f.T("nav.staff")}, {"patients", f.T("nav.patients")}}},
		{Name: "file", Label: "import.file", Kind: "file", Required: true, Help: "import.help"},
	}
	return Page(f, f.T("nav.import"), pageHeader(f.T("nav.import")), result,
		h.Section(h.Class("card"), FormView(f, "/admin/import", "import.submit", form, fields),
			h.P(h.Class("small muted"), g.Text(f.T("import.columns_staff")+" "), ltr(strings.Join(staffColumns, ","))),
			h.P(h.Class("small muted"), g.Text(f.T("import.columns_patients")+" "), ltr(strings.Join(patientColumns, ","))),
		))
}
