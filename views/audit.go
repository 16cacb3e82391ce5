package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

func auditTable(f Frame, rows []app.AuditEntry) g.Node {
	return table(f, rows, []Column[app.AuditEntry]{
		{Key: "field.time", Cell: func(e app.AuditEntry) g.Node { return f.DateTime(e.At) }},
		{Key: "field.actor", Cell: func(e app.AuditEntry) g.Node { return ltr(e.ActorEmail) }},
		{Key: "field.action", Cell: func(e app.AuditEntry) g.Node { return g.Text(actionLabel(f, e.Action)) }},
		{Key: "field.record", Cell: func(e app.AuditEntry) g.Node {
			if e.EntityID == "" {
				return g.Text(entityLabel(f, e.Entity))
			}
			return g.Group{g.Text(entityLabel(f, e.Entity) + " "), ltr("#" + trim(e.EntityID, 8))}
		}},
		{Key: "field.hospital", Cell: func(e app.AuditEntry) g.Node {
			if e.HospitalID == 0 {
				return g.Text("—")
			}
			return g.Text(f.HospitalName(e.HospitalID))
		}},
		{Key: "field.ip", Cell: func(e app.AuditEntry) g.Node { return ltr(e.IP) }},
		{Key: "field.summary", Cell: func(e app.AuditEntry) g.Node { return h.Code(h.Class("small"), g.Text(trim(e.Summary, 160))) }},
	}, nil)
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// AuditList is the audit-log browser.
func AuditList(f Frame, p app.Page[app.AuditEntry], fl Filter) g.Node {
	return Page(f, f.T("nav.audit"),
		pageHeader(f.T("nav.audit")),
		filterBar(f, Filter{HospitalID: fl.HospitalID}, "filter.action",
			h.Div(h.Class("field"), h.Label(h.For("filter-actor"), g.Text(f.T("field.actor"))),
				h.Input(h.ID("filter-actor"), h.Type("email"), h.Name("actor"), h.Dir("ltr"), h.Value(fl.Extra.Get("actor"))))),
		auditTable(f, p.Items),
		pager(f, "/admin/audit", fl, p),
	)
}

// actionLabel names an audit action in the reader's language (the code when unknown).
func actionLabel(f Frame, action string) string {
	if _, ok := catalog["audit."+action]; ok {
		return f.T("audit." + action)
	}
	return action
}

func entityLabel(f Frame, entity string) string {
	if _, ok := catalog["entity."+entity]; ok {
		return f.T("entity." + entity)
	}
	return entity
}
