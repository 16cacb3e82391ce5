package views

import (
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"
)

// WorkItem is one thing on a person's "my work" list.
type WorkItem struct {
	Kind  string // complaint, action, approval, rca_task, explanation
	Title string
	Due   time.Time
	State string // the record's status
	Link  string
}

// myworkState names a work item's state: complaint statuses for complaints and explanation
// requests, action statuses for actions and approvals, task states for RCA tasks.
func myworkState(f Frame, it WorkItem) string {
	key := map[string]string{"complaint": "complaint.status.", "explanation": "complaint.status.", "action": "action.status.",
		"approval": "action.status.", "rca_task": "rca.task."}[it.Kind] + it.State
	if _, ok := catalog[key]; ok {
		return f.T(key)
	}
	return it.State
}

// MyWork lists everything assigned to the reader, soonest due first: complaints,
// actions, approvals waiting for them, RCA tasks and explanation requests.
func MyWork(f Frame, items []WorkItem, now time.Time) g.Node {
	title := f.T("mywork.title")
	return Page(f, title,
		pageHeader(title),
		h.P(h.Class("help"), g.Text(f.T("mywork.help"))),
		table(f, items, []Column[WorkItem]{
			{Key: "mywork.field.kind", Cell: func(it WorkItem) g.Node { return g.Text(f.T("mywork.kind." + it.Kind)) }},
			{Key: "mywork.field.title", Cell: func(it WorkItem) g.Node { return h.Span(h.Dir("auto"), g.Text(it.Title)) }},
			{Key: "mywork.field.due", Cell: func(it WorkItem) g.Node {
				if it.Due.IsZero() {
					return h.Span(h.Class("muted"), g.Text("—"))
				}
				return g.Group{f.DateTime(it.Due), g.If(it.Due.Before(now), g.Group{g.Text(" "),
					h.Span(h.Class("sla sla-breached"), g.Text(f.T("action.due.breached")))})}
			}},
			{Key: "field.status", Cell: func(it WorkItem) g.Node { return g.Text(myworkState(f, it)) }},
			{Key: "mywork.field.open", Cell: func(it WorkItem) g.Node { return h.A(h.Href(it.Link), g.Text(f.T("mywork.open"))) }},
		}, func(it WorkItem) string { return it.Link }),
	)
}
