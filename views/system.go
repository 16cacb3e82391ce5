package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// SystemProps describe the installation's health for PX admins.
type SystemProps struct {
	Version       string
	SchemaVersion int
	DataDir       string
	Pending       int
	Failed        app.Page[app.Event]
	LastBackup    string // file name, "" when none
	SearchStatus  string // catalog key
}

// System shows versions, the outbox (failed events can be retried) and backups.
func System(f Frame, p SystemProps) g.Node {
	return Page(f, f.T("nav.system"),
		pageHeader(f.T("nav.system")),
		h.Section(h.Class("card"), h.Dl(h.Class("details"),
			h.Dt(g.Text(f.T("system.version"))), h.Dd(ltr(p.Version)),
			h.Dt(g.Text(f.T("system.schema"))), h.Dd(ltr(strconv.Itoa(p.SchemaVersion))),
			h.Dt(g.Text(f.T("system.data_dir"))), h.Dd(ltr(p.DataDir)),
			h.Dt(g.Text(f.T("system.last_backup"))), h.Dd(g.If(p.LastBackup == "", g.Text("—")), g.If(p.LastBackup != "", ltr(p.LastBackup))),
			h.Dt(g.Text(f.T("system.search"))), h.Dd(g.Text(f.T(p.SearchStatus))),
			h.Dt(g.Text(f.T("system.outbox_pending"))), h.Dd(ltr(strconv.Itoa(p.Pending))),
		)),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("system.backups"))),
			h.P(g.Text(f.T("system.backups_help"))),
			h.Form(h.Method("post"), h.Action("/admin/system/backup"),
				h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("system.backup_now")))),
		),
		h.Section(h.Class("card"), h.H2(g.Text(f.T("system.outbox_failed"))),
			table(f, p.Failed.Items, []Column[app.Event]{
				{Key: "field.event", Cell: func(e app.Event) g.Node { return ltr(e.Kind) }},
				{Key: "field.time", Cell: func(e app.Event) g.Node { return f.DateTime(e.CreatedAt) }},
				{Key: "field.attempts", Num: true, Cell: func(e app.Event) g.Node { return g.Text(strconv.Itoa(e.Attempts)) }},
				{Key: "field.error", Cell: func(e app.Event) g.Node { return h.Code(g.Text(trim(e.LastError, 200))) }},
				{Key: "field.actions", Cell: func(e app.Event) g.Node {
					return h.Form(h.Method("post"), h.Action("/admin/system/outbox/"+strconv.FormatInt(e.Seq, 10)+"/retry"),
						h.Button(h.Type("submit"), h.Class("btn btn-small"), g.Text(f.T("system.retry"))))
				}},
			}, nil),
		),
	)
}
