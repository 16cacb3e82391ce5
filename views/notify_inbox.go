package views

import (
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// UnreadText is the bell's count: "99+" past 99.
func UnreadText(n int) string {
	if n > 99 {
		return "99+"
	}
	return id64(int64(n))
}

// bell is the top bar's link to the inbox with the unread count; the count is spoken
// through the link's label and left out at zero.
func (f Frame) bell() g.Node {
	if f.User == nil {
		return nil
	}
	label := f.T("notify.bell.none")
	switch {
	case f.Unread == 1:
		label = f.T("notify.bell.one")
	case f.Unread > 1:
		label = f.T("notify.bell.many", UnreadText(f.Unread))
	}
	return h.A(h.Class("bell"), h.Href("/inbox"), h.Aria("label", label), h.Title(label),
		g.If(f.Path == "/inbox" || strings.HasPrefix(f.Path, "/inbox?"), h.Aria("current", "page")),
		g.Raw(`<svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">`+
			`<path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/></svg>`),
		g.If(f.Unread > 0, h.Span(h.Class("bell-count"), h.Aria("hidden", "true"), g.Text(UnreadText(f.Unread)))),
	)
}

// Inbox is the signed-in user's in-app notifications, newest first; unread ones are
// marked in words and colour. Opening one marks it read and goes where it points.
func Inbox(f Frame, p app.Page[app.InboxItem], unreadOnly bool) g.Node {
	title := f.T("notify.inbox_title")
	base := "/inbox"
	q := ""
	if unreadOnly {
		q = "unread=1&"
	}
	tab := func(href, key string, current bool) g.Node {
		return h.Li(h.A(h.Href(href), g.If(current, h.Aria("current", "page")), g.Text(f.T(key))))
	}
	var items []g.Node
	for _, it := range p.Items {
		unread := it.ReadAt.IsZero()
		cls := "inbox-item"
		if unread {
			cls += " inbox-unread"
		}
		items = append(items, h.Li(h.Class(cls),
			h.Form(h.Method("post"), h.Action("/inbox/"+id64(it.ID)+"/open"),
				h.Button(h.Type("submit"), h.Class("inbox-open"),
					g.If(unread, h.Span(h.Class("badge badge-warn inbox-new"), g.Text(f.T("notify.inbox_new")))),
					h.Span(h.Class("inbox-title"), h.Dir("auto"), g.Text(it.Title)))),
			g.If(it.Body != "", h.P(h.Class("inbox-body"), h.Dir("auto"), g.Text(it.Body))),
			h.P(h.Class("inbox-meta muted small"), f.DateTime(it.CreatedAt), g.Text(" · "+NotifyKeyName(f, it.Key)),
				g.If(it.HospitalID != 0 && len(f.Hospitals) > 1, g.Text(" · "+f.HospitalName(it.HospitalID)))),
		))
	}
	var list g.Node
	if len(items) == 0 {
		key := "notify.inbox_empty"
		if unreadOnly {
			key = "notify.inbox_none_unread"
		}
		list = h.P(h.Class("empty"), g.Text(f.T(key)))
	} else {
		list = h.Ul(h.Class("inbox"), g.Group(items))
	}
	return Page(f, title,
		pageHeader(title,
			g.If(f.Unread > 0, h.Form(h.Method("post"), h.Action("/inbox/read-all"),
				h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("notify.inbox_read_all")))))),
		h.Nav(h.Class("tabs"), h.Aria("label", title), h.Ul(
			tab(base, "notify.inbox_all", !unreadOnly),
			tab(base+"?unread=1", "notify.inbox_unread", unreadOnly))),
		list,
		h.Nav(h.Class("pager"), h.Aria("label", f.T("list.pages")),
			g.If(p.Prev != 0, h.A(h.Class("btn"), h.Rel("prev"), h.Href(base+"?"+q+"before="+id64(p.Prev)), g.Text(f.T("list.prev")))),
			g.If(p.Next != 0, h.A(h.Class("btn"), h.Rel("next"), h.Href(base+"?"+q+"after="+id64(p.Next)), g.Text(f.T("list.next"))))),
	)
}
