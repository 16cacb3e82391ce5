// Package views renders PX360's HTML with gomponents: the staff frame with role-based
// navigation, the public pages patients see, shared components (forms with field
// errors, keyset pagers, tables), one file per domain, and the English/Arabic message
// catalog. Views take plain props and never see an *http.Request.
package views

import (
	"fmt"
	"strings"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// Frame is what every page needs besides its own content.
type Frame struct {
	Lang      string         // "en" or "ar"
	Path      string         // current request URI, for the nav and the language switch
	User      *app.User      // nil on public pages
	Hospitals []app.Hospital // the user's hospitals, for names in tables
	Flash     string         // one-time success message key
	CSSURL    string
	JSURL     string
	Hijri     bool           // show the Umm al-Qura date beside the Gregorian one
	Location  *time.Location // display time zone (the hospital's), default Asia/Riyadh
	Unread    int            // the user's unread in-app notifications, for the bell (at most 100)
}

// T translates key into the frame's language.
func (f Frame) T(key string, args ...any) string { return T(f.Lang, key, args...) }

// Dir is the text direction of the frame's language.
func (f Frame) Dir() string {
	if f.Lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Can reports whether the signed-in user holds perm.
func (f Frame) Can(perm app.Perm) bool { return f.User != nil && f.User.Role.Can(perm) }

// HospitalName returns the name of hospital id in the frame's language.
func (f Frame) HospitalName(id int64) string {
	for _, x := range f.Hospitals {
		if x.ID == id {
			return app.Name(f.Lang, x.NameEN, x.NameAR)
		}
	}
	return fmt.Sprint(id)
}

func (f Frame) head(title string) g.Node {
	return h.Head(
		h.Meta(h.Charset("utf-8")),
		h.Meta(h.Name("viewport"), h.Content("width=device-width, initial-scale=1")),
		h.TitleEl(g.Text(title+" · PX360")),
		h.Link(h.Rel("stylesheet"), h.Href(f.CSSURL)),
		h.Script(h.Src(f.JSURL), h.Defer()),
	)
}

// langSwitch is a form (works without JavaScript) that switches to the other language.
func (f Frame) langSwitch() g.Node {
	other, label := "ar", "العربية"
	if f.Lang == "ar" {
		other, label = "en", "English"
	}
	return h.Form(h.Class("lang-switch"), h.Method("post"), h.Action("/language"),
		h.Input(h.Type("hidden"), h.Name("lang"), h.Value(other)),
		h.Input(h.Type("hidden"), h.Name("next"), h.Value(f.Path)),
		h.Button(h.Type("submit"), h.Class("link"), h.Lang(other), g.Attr("hreflang", other), g.Text(label)),
	)
}

// Page renders a staff page inside the frame: side navigation by role, top bar, content.
func Page(f Frame, title string, body ...g.Node) g.Node {
	return h.Doctype(h.HTML(h.Lang(f.Lang), h.Dir(f.Dir()),
		f.head(title),
		h.Body(h.Class("staff"),
			h.A(h.Class("skip-link"), h.Href("#main"), g.Text(f.T("nav.skip"))),
			h.Div(h.Class("shell"),
				f.sidenav(),
				h.Div(h.Class("page"),
					h.Header(h.Class("topbar"),
						h.Button(h.Type("button"), h.Class("nav-toggle"), h.Aria("expanded", "false"),
							h.Aria("controls", "sidenav"), g.Text(f.T("nav.menu"))),
						h.Span(h.Class("topbar-title"), g.Text(title)),
						g.If(f.Can(app.PermStaffView), h.Form(h.Class("topbar-search"), h.Method("get"), h.Action("/search"), h.Role("search"),
							h.Label(h.For("topbar-q"), h.Class("visually-hidden"), g.Text(f.T("search.label"))),
							h.Input(h.ID("topbar-q"), h.Type("search"), h.Name("q"), h.Placeholder(f.T("search.placeholder"))))),
						f.bell(),
						f.langSwitch(),
						f.userMenu(),
					),
					h.Main(h.ID("main"), h.Class("content"), h.TabIndex("-1"),
						g.If(f.Flash != "", h.Div(h.Class("flash"), h.Role("status"), g.Text(f.T(f.Flash)))),
						g.Group(body),
					),
				),
			),
		),
	))
}

func (f Frame) userMenu() g.Node {
	if f.User == nil {
		return nil
	}
	return h.Div(h.Class("user-menu"),
		h.A(h.Href("/account"), g.Text(f.User.Name)),
		h.Span(h.Class("muted small"), g.Text(f.T("role."+string(f.User.Role)))),
		h.Form(h.Method("post"), h.Action("/logout"),
			h.Button(h.Type("submit"), h.Class("link"), g.Text(f.T("nav.signout")))),
	)
}

type navItem struct {
	href, key string
	perm      app.Perm
}

type navGroup struct {
	key   string
	items []navItem
}

var navigation = []navGroup{
	{"nav.group.work", []navItem{{"/my-work", "nav.my_work", ""}, {"/", "nav.home", app.PermDashboard}, {"/insights", "nav.insights", app.PermDashboard},
		{"/account", "nav.account", ""}}},
	{"nav.group.organization", []navItem{
		{"/admin/hospitals", "nav.hospitals", app.PermOrgView},
		{"/admin/departments", "nav.departments", app.PermOrgView},
		{"/admin/sections", "nav.sections", app.PermOrgView},
		{"/admin/staff", "nav.staff", app.PermStaffView},
		{"/admin/patients", "nav.patients", app.PermPatientView},
		{"/admin/import", "nav.import", app.PermStaffManage},
	}},
	{"nav.group.complaints", []navItem{
		{"/complaints", "nav.complaints", app.PermComplaintView},
		{"/complaints/search", "complaint.search.nav", app.PermComplaintView},
		{"/complaints/new", "nav.complaint_new", app.PermComplaintCreate},
		{"/admin/taxonomy", "nav.taxonomy", app.PermTaxonomyManage},
		{"/admin/sources", "nav.sources", app.PermTaxonomyManage},
		{"/admin/sla", "nav.sla", app.PermSLAManage},
	}},
	{"nav.group.surveys", []navItem{
		{"/surveys", "nav.surveys", app.PermSurveyView},
		{"/surveys/invitations", "nav.survey_invitations", app.PermSurveySend},
		{"/surveys/locations", "nav.survey_locations", app.PermSurveyManage},
		{"/surveys/settings", "nav.survey_settings", app.PermSurveyManage},
	}},
	{"nav.group.actions", []navItem{
		{"/actions", "nav.actions", app.PermActionView},
		{"/rcas", "nav.rcas", app.PermActionView},
		{"/admin/routing", "nav.routing", app.PermRoutingManage},
	}},
	{"nav.group.feedback", []navItem{
		{"/feedback", "nav.feedback", app.PermFeedbackView},
		{"/observations", "nav.observations", app.PermFeedbackView},
	}},
	{"nav.group.callcenter", []navItem{
		{"/calls/new", "nav.calls_new", app.PermCallCenter},
		{"/calls", "nav.calls", app.PermCallCenter},
		{"/calls/performance", "nav.calls_performance", app.PermCallCenterManage},
		{"/calls/import", "nav.calls_import", app.PermCallCenterManage},
	}},
	{"nav.group.appreciation", []navItem{
		{"/appreciation", "nav.appreciation", app.PermAppreciationSend},
		{"/appreciation/leaderboard", "nav.leaderboard", app.PermAppreciationSend},
	}},
	{"nav.group.admin", []navItem{
		{"/admin/users", "nav.users", app.PermUserManage},
		{"/admin/audit", "nav.audit", app.PermAuditView},
		{"/admin/notifications", "nav.notifications", app.PermNotifyManage},
		{"/admin/integrations", "nav.integrations", app.PermSystemManage},
		{"/admin/journeys", "nav.journeys", app.PermSurveyManage},
		{"/admin/analysis", "nav.analysis", app.PermSystemManage},
		{"/admin/system", "nav.system", app.PermSystemManage},
	}},
}

func (f Frame) sidenav() g.Node {
	path, _, _ := strings.Cut(f.Path, "?")
	// The current item is the one whose address matches the most of the path, so
	// /surveys/invitations marks "Invitations" and not "Surveys" as well.
	best := ""
	for _, grp := range navigation {
		for _, it := range grp.items {
			if (path == it.href || (it.href != "/" && strings.HasPrefix(path, it.href+"/"))) && len(it.href) > len(best) {
				best = it.href
			}
		}
	}
	var groups []g.Node
	for _, grp := range navigation {
		var items []g.Node
		for _, it := range grp.items {
			if it.perm != "" && !f.Can(it.perm) {
				continue
			}
			current := it.href == best
			items = append(items, h.Li(h.A(h.Href(it.href), g.If(current, h.Aria("current", "page")), g.Text(f.T(it.key)))))
		}
		if len(items) > 0 {
			groups = append(groups, h.Section(h.Class("nav-group"), h.H2(h.Class("nav-group-title"), g.Text(f.T(grp.key))), h.Ul(items...)))
		}
	}
	return h.Nav(h.ID("sidenav"), h.Class("sidenav"), h.Aria("label", f.T("nav.label")),
		h.Div(h.Class("brand"), g.Text("PX360")), g.Group(groups))
}

// PublicPage renders a page for people who are not signed in (sign-in, reset, errors).
func PublicPage(f Frame, title string, body ...g.Node) g.Node {
	return h.Doctype(h.HTML(h.Lang(f.Lang), h.Dir(f.Dir()),
		f.head(title),
		h.Body(h.Class("public"),
			h.Header(h.Class("public-header"), h.Div(h.Class("brand"), g.Text("PX360")), f.langSwitch()),
			h.Main(h.ID("main"), h.Class("public-main"), g.Group(body)),
		),
	))
}
