package views

import (
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// known reports whether key has a catalog entry.
func known(key string) bool {
	_, ok := catalog[key]
	return ok
}

// tOr translates key, or shows raw when the catalog does not know it (a value written
// by a newer or older version).
func (f Frame) tOr(key, raw string) string {
	if known(key) {
		return f.T(key)
	}
	return raw
}

// NotifyKeyName names a notification key in the reader's language.
func NotifyKeyName(f Frame, k app.NotificationKey) string {
	return f.tOr("notify.key."+string(k), string(k))
}

func channelName(f Frame, c app.Channel) string { return f.tOr("notify.channel."+string(c), string(c)) }

func providerKindName(f Frame, kind string) string { return f.tOr("notify.kind."+kind, kind) }

// messageTone is the badge colour of each delivery status; the label always says it too.
var messageTone = map[app.MessageStatus]string{
	app.MessageDelivered: "badge-ok", app.MessageFailed: "badge-bad", app.MessageBounced: "badge-bad",
	app.MessageSuppressed: "badge-muted", app.MessagePending: "badge-warn",
}

func messageStatusBadge(f Frame, s app.MessageStatus) g.Node {
	return h.Span(h.Class(strings.TrimSpace("badge msg-status msg-status-"+string(s)+" "+messageTone[s])),
		g.Text(f.tOr("notify.status."+string(s), string(s))))
}

// notifyTabs links the notification admin pages to each other.
func notifyTabs(f Frame, current string) g.Node {
	tabs := []struct{ href, key string }{
		{"/admin/notifications", "notify.tab.log"},
		{"/admin/notifications/templates", "notify.tab.templates"},
		{"/admin/notifications/hospitals", "notify.tab.hospitals"},
	}
	if f.Can(app.PermSystemManage) {
		tabs = append(tabs, struct{ href, key string }{"/admin/notifications/providers", "notify.tab.providers"})
	}
	var items []g.Node
	for _, t := range tabs {
		items = append(items, h.Li(h.A(h.Href(t.href), g.If(t.href == current, h.Aria("current", "page")), g.Text(f.T(t.key)))))
	}
	return h.Nav(h.Class("tabs"), h.Aria("label", f.T("nav.notifications")), h.Ul(items...))
}

// textDir is the direction and language attributes of a text written in lang.
func textDir(lang string) g.Node {
	if lang == "ar" {
		return g.Group{h.Dir("rtl"), h.Lang("ar")}
	}
	return g.Group{h.Dir("ltr"), h.Lang("en")}
}

func dash() g.Node { return h.Span(h.Class("muted"), g.Text("—")) }

// NotifyLog is the delivery log: every outbound message, newest first, with filters.
func NotifyLog(f Frame, p app.Page[app.Message], fl Filter) g.Node {
	return Page(f, f.T("notify.log_title"),
		pageHeader(f.T("notify.log_title")),
		notifyTabs(f, "/admin/notifications"),
		notifyLogFilters(f, fl),
		table(f, p.Items, []Column[app.Message]{
			{Key: "field.time", Cell: func(m app.Message) g.Node { return f.DateTime(m.CreatedAt) }},
			{Key: "field.hospital", Cell: func(m app.Message) g.Node {
				if m.HospitalID == 0 {
					return dash()
				}
				return g.Text(f.HospitalName(m.HospitalID))
			}},
			{Key: "notify.field.key", Cell: func(m app.Message) g.Node { return g.Text(NotifyKeyName(f, m.Key)) }},
			{Key: "notify.field.channel", Cell: func(m app.Message) g.Node { return g.Text(channelName(f, m.Channel)) }},
			{Key: "notify.field.recipient", Cell: func(m app.Message) g.Node { return ltr(m.Recipient) }},
			{Key: "field.status", Cell: func(m app.Message) g.Node { return messageStatusBadge(f, m.Status) }},
			{Key: "notify.field.attempts", Num: true, Cell: func(m app.Message) g.Node { return g.Text(strconv.Itoa(m.Attempts)) }},
			{Key: "notify.field.last_error", Cell: func(m app.Message) g.Node {
				if m.LastError == "" {
					return dash()
				}
				return h.Span(h.Class("small"), h.Dir("auto"), h.Title(trim(m.LastError, 500)), g.Text(trim(m.LastError, 80)))
			}},
		}, func(m app.Message) string { return "/admin/notifications/messages/" + id64(m.ID) }),
		pager(f, "/admin/notifications", fl, p),
	)
}

// notifyLogFilters is the log's filter bar: status, channel, notification, exact
// recipient, hospital and the creation date range.
func notifyLogFilters(f Frame, fl Filter) g.Node {
	x := fl.Extra
	sel := func(name, label string, opts []Option) g.Node {
		nodes := []g.Node{h.Option(h.Value(""), g.Text(f.T("notify.filter.any")))}
		for _, o := range opts {
			nodes = append(nodes, h.Option(h.Value(o.Value), g.If(x.Get(name) == o.Value, h.Selected()), g.Text(o.Label)))
		}
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Select(h.ID("filter-"+name), h.Name(name), g.Group(nodes)))
	}
	var statuses, channels, keys []Option
	for _, s := range app.MessageStatuses {
		statuses = append(statuses, Option{string(s), f.T("notify.status." + string(s))})
	}
	for _, c := range app.OutboundChannels {
		channels = append(channels, Option{string(c), channelName(f, c)})
	}
	for _, k := range app.NotificationKinds {
		keys = append(keys, Option{string(k.Key), NotifyKeyName(f, k.Key)})
	}
	var hospital g.Node
	if len(f.Hospitals) > 1 {
		opts := []g.Node{h.Option(h.Value(""), g.Text(f.T("filter.all_hospitals")))}
		for _, hs := range f.Hospitals {
			opts = append(opts, h.Option(h.Value(id64(hs.ID)), g.If(fl.HospitalID == hs.ID, h.Selected()),
				g.Text(app.Name(f.Lang, hs.NameEN, hs.NameAR))))
		}
		hospital = h.Div(h.Class("field"), h.Label(h.For("filter-hospital"), g.Text(f.T("field.hospital"))),
			h.Select(h.ID("filter-hospital"), h.Name("hospital"), g.Group(opts)))
	}
	date := func(name, label string) g.Node {
		return h.Div(h.Class("field"), h.Label(h.For("filter-"+name), g.Text(f.T(label))),
			h.Input(h.ID("filter-"+name), h.Type("date"), h.Name(name), h.Dir("ltr"), h.Value(x.Get(name))))
	}
	return h.Form(h.Class("filters"), h.Method("get"), h.Action("/admin/notifications"), h.Role("search"),
		sel("status", "field.status", statuses),
		sel("channel", "notify.field.channel", channels),
		sel("key", "notify.field.key", keys),
		h.Div(h.Class("field"), h.Label(h.For("filter-recipient"), g.Text(f.T("notify.field.recipient"))),
			h.Input(h.ID("filter-recipient"), h.Type("search"), h.Name("recipient"), h.Dir("ltr"), h.Value(x.Get("recipient")),
				h.Aria("describedby", "filter-recipient-help")),
			h.P(h.ID("filter-recipient-help"), h.Class("help"), g.Text(f.T("notify.help.recipient_filter")))),
		hospital,
		date("from", "notify.filter.from"),
		date("to", "notify.filter.to"),
		h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
	)
}

// NotifyMessage is one logged message for the detail page.
type NotifyMessage struct {
	M        app.Message
	Attempts []app.MessageAttempt
	Alert    string // catalog key of an error to show (a refused resend)
}

// resendable reports whether the log offers to send m again: not to someone who opted
// out, and not a message that never had a text (an unusable number).
func resendable(m app.Message) bool { return m.Status != app.MessageSuppressed && m.Body != "-" }

// NotifyMessagePage shows one message: its text in its language, where it stands, and
// every attempt to hand it to the provider.
func NotifyMessagePage(f Frame, p NotifyMessage) g.Node {
	m := p.M
	title := f.T("notify.message_title", id64(m.ID))
	row := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	code := func(s string) g.Node {
		if s == "" {
			return dash()
		}
		return ltr(s)
	}
	hospital := dash()
	if m.HospitalID != 0 {
		hospital = g.Text(f.HospitalName(m.HospitalID))
	}
	provider := dash()
	if m.Provider != "" {
		provider = g.Text(providerKindName(f, m.Provider))
	}
	lang := map[string]string{"ar": "العربية", "en": "English"}[m.Lang]
	var body g.Node
	if m.Body == "-" {
		body = h.P(h.Class("muted"), g.Text(f.T("notify.no_text")))
	} else {
		body = g.Group{
			g.If(m.Subject != "", h.H3(h.Class("msg-subject"), textDir(m.Lang), g.Text(m.Subject))),
			h.Div(h.Class("msg-body"), textDir(m.Lang), g.Text(m.Body)),
		}
	}
	var side g.Node
	if resendable(m) {
		side = h.Section(h.Class("card"), h.H2(g.Text(f.T("notify.resend"))),
			h.P(h.Class("help"), g.Text(f.T("notify.help.resend"))),
			h.Form(h.Method("post"), h.Action("/admin/notifications/messages/"+id64(m.ID)+"/resend"),
				h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("notify.resend")))))
	} else {
		side = h.Section(h.Class("card"), h.H2(g.Text(f.T("notify.resend"))), h.P(h.Class("muted"), g.Text(f.T("err.resend_not_possible"))))
	}
	return Page(f, title,
		h.Div(h.Class("page-header record-header"),
			h.H1(g.Text(title)),
			h.Div(h.Class("record-status"), messageStatusBadge(f, m.Status),
				h.Span(h.Class("muted"), g.Text(channelName(f, m.Channel)+" · "+NotifyKeyName(f, m.Key)))),
		),
		h.P(h.A(h.Href("/admin/notifications"), g.Text(f.T("notify.back_to_log")))),
		g.If(p.Alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Alert)))),
		h.Div(h.Class("split"),
			h.Div(
				h.Section(h.Class("card"), h.H2(g.Text(f.T("notify.field.text"))), body),
				h.Section(h.Class("card"), h.H2(g.Text(f.T("field.summary"))),
					h.Dl(h.Class("details"),
						row("field.hospital", hospital),
						row("notify.field.key", g.Text(NotifyKeyName(f, m.Key))),
						row("notify.field.channel", g.Text(channelName(f, m.Channel))),
						row("notify.field.audience", g.Text(f.tOr("notify.audience."+string(m.Audience), string(m.Audience)))),
						row("notify.field.purpose", g.Text(f.tOr("notify.purpose."+string(m.Purpose), string(m.Purpose)))),
						row("notify.field.recipient", code(m.Recipient)),
						row("notify.field.language", g.Text(lang)),
						row("field.status", messageStatusBadge(f, m.Status)),
						row("notify.field.provider", provider),
						row("notify.field.provider_id", code(m.ProviderID)),
						g.If(m.Template != "", row("notify.field.whatsapp_template", code(m.Template))),
						g.If(len(m.Params) > 0, row("notify.field.params", h.Ol(h.Class("small"),
							g.Map(m.Params, func(s string) g.Node { return h.Li(h.Dir("auto"), g.Text(s)) })))),
						row("notify.field.attempts", g.Text(strconv.Itoa(m.Attempts))),
						row("notify.field.created", f.DateTime(m.CreatedAt)),
						row("notify.field.sent", f.DateTime(m.SentAt)),
						row("notify.field.delivered", f.DateTime(m.DeliveredAt)),
						g.If(m.Status == app.MessagePending && !m.NextAt.IsZero(), row("notify.field.next_at", f.DateTime(m.NextAt))),
						row("notify.field.updated", f.DateTime(m.UpdatedAt)),
						g.If(m.ResentFrom != 0, row("notify.field.resent_from",
							h.A(h.Href("/admin/notifications/messages/"+id64(m.ResentFrom)), ltr("#"+id64(m.ResentFrom))))),
						row("notify.field.last_error", func() g.Node {
							if m.LastError == "" {
								return dash()
							}
							return h.Span(h.Dir("auto"), g.Text(m.LastError))
						}()),
					)),
				h.Section(h.Class("card"), h.H2(g.Text(f.T("notify.attempts"))), attemptsTable(f, p.Attempts)),
			),
			h.Div(side),
		),
	)
}

func attemptsTable(f Frame, atts []app.MessageAttempt) g.Node {
	return table(f, atts, []Column[app.MessageAttempt]{
		{Key: "field.time", Cell: func(a app.MessageAttempt) g.Node { return f.DateTime(a.At) }},
		{Key: "notify.field.attempt", Num: true, Cell: func(a app.MessageAttempt) g.Node { return g.Text(strconv.Itoa(a.Attempt)) }},
		{Key: "notify.field.outcome", Cell: func(a app.MessageAttempt) g.Node {
			return g.Text(f.tOr("notify.outcome."+strings.ReplaceAll(a.Outcome, ":", "_"), a.Outcome))
		}},
		{Key: "notify.field.http_status", Num: true, Cell: func(a app.MessageAttempt) g.Node {
			if a.HTTPStatus == 0 {
				return dash()
			}
			return ltr(strconv.Itoa(a.HTTPStatus))
		}},
		{Key: "notify.field.error", Cell: func(a app.MessageAttempt) g.Node {
			if a.Error == "" {
				return dash()
			}
			return h.Span(h.Class("small"), h.Dir("auto"), g.Text(a.Error))
		}},
		{Key: "notify.field.ms", Num: true, Cell: func(a app.MessageAttempt) g.Node { return ltr(strconv.FormatInt(a.Millis, 10)) }},
	}, nil)
}
