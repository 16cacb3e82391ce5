package views

import (
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// RoutingRuleRow is a routing rule as the rules page shows it.
type RoutingRuleRow struct {
	Rule     app.RoutingRule
	Editable bool   // group-wide rules are for PX admins
	ToUser   string // the target user's name
}

// RoutingSettingsRow is a hospital's action settings as the rules page sums them up.
type RoutingSettingsRow struct {
	Hospital app.Hospital
	Settings app.ActionSettings
}

// RoutingPage lists the routing rules in the order they are tried, and each hospital's
// approval chain and due times.
func RoutingPage(f Frame, rules []RoutingRuleRow, settings []RoutingSettingsRow, deps map[int64]app.Department) g.Node {
	title := f.T("routing.title")
	any := func() g.Node { return h.Span(h.Class("muted"), g.Text(f.T("routing.any"))) }
	dep := func(id int64) g.Node {
		if d, ok := deps[id]; ok {
			return g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
		}
		return any()
	}
	opButton := func(id int64, what, value, label string, danger bool) g.Node {
		class := "btn btn-small"
		if danger {
			class += " btn-danger"
		}
		return h.Form(h.Class("act-inline"), h.Method("post"), h.Action("/admin/routing/rules/"+id64(id)+"/"+what),
			g.If(value != "", h.Input(h.Type("hidden"), h.Name("direction"), h.Value(value))),
			h.Button(h.Type("submit"), h.Class(class), g.Text(label)))
	}
	return Page(f, title,
		pageHeader(title, linkButton("/admin/routing/rules/new", f.T("routing.new"))),
		h.P(h.Class("help"), g.Text(f.T("routing.help.order"))),
		table(f, rules, []Column[RoutingRuleRow]{
			{Key: "routing.field.position", Num: true, Cell: func(x RoutingRuleRow) g.Node { return g.Text(strconv.Itoa(x.Rule.Position)) }},
			{Key: "field.hospital", Cell: func(x RoutingRuleRow) g.Node {
				if x.Rule.HospitalID == 0 {
					return any()
				}
				return g.Text(f.HospitalName(x.Rule.HospitalID))
			}},
			{Key: "action.field.source", Cell: func(x RoutingRuleRow) g.Node {
				if x.Rule.Source == "" {
					return any()
				}
				return g.Text(f.T("action.source." + string(x.Rule.Source)))
			}},
			{Key: "field.department", Cell: func(x RoutingRuleRow) g.Node { return dep(x.Rule.DepartmentID) }},
			{Key: "action.field.category", Cell: func(x RoutingRuleRow) g.Node {
				if x.Rule.Category == "" {
					return any()
				}
				return h.Span(h.Dir("auto"), g.Text(x.Rule.Category))
			}},
			{Key: "complaint.field.severity", Cell: func(x RoutingRuleRow) g.Node {
				if x.Rule.Severity == "" {
					return any()
				}
				return severityBadge(f, x.Rule.Severity)
			}},
			{Key: "routing.field.target", Cell: func(x RoutingRuleRow) g.Node {
				var to g.Node
				switch {
				case x.Rule.ToUserID != "":
					to = h.Span(h.Dir("auto"), g.Text(x.ToUser))
				case x.Rule.ToRole != "":
					to = g.Text(f.T("action.queue", f.T("role."+string(x.Rule.ToRole))))
				}
				if x.Rule.ToDepartmentID != 0 {
					return g.Group{to, h.Br(), h.Span(h.Class("small"), g.Text(f.T("routing.in_department")+" "), dep(x.Rule.ToDepartmentID))}
				}
				return to
			}},
			{Key: "routing.field.active", Cell: func(x RoutingRuleRow) g.Node {
				return badge(x.Rule.Active, f.T("routing.active"), f.T("routing.inactive"))
			}},
			{Key: "routing.field.change", Cell: func(x RoutingRuleRow) g.Node {
				if !x.Editable {
					return h.Span(h.Class("muted small"), g.Text(f.T("routing.group_wide")))
				}
				return h.Div(h.Class("act-buttons"),
					h.A(h.Class("btn btn-small"), h.Href("/admin/routing/rules/"+id64(x.Rule.ID)), g.Text(f.T("routing.edit"))),
					opButton(x.Rule.ID, "move", "up", f.T("routing.up"), false),
					opButton(x.Rule.ID, "move", "down", f.T("routing.down"), false),
					opButton(x.Rule.ID, "delete", "", f.T("routing.delete"), true))
			}},
		}, nil),
		h.Section(h.Class("card"), h.ID("settings"), h.H2(g.Text(f.T("routing.settings_title"))),
			h.P(h.Class("help"), g.Text(f.T("routing.help.settings"))),
			table(f, settings, []Column[RoutingSettingsRow]{
				{Key: "field.hospital", Cell: func(x RoutingSettingsRow) g.Node {
					return h.A(h.Href("/admin/routing/settings/"+id64(x.Hospital.ID)), g.Text(app.Name(f.Lang, x.Hospital.NameEN, x.Hospital.NameAR)))
				}},
				{Key: "routing.field.chain", Cell: func(x RoutingSettingsRow) g.Node { return g.Text(chainText(f, x.Settings.ApprovalRoles)) }},
				{Key: "routing.field.fallback", Cell: func(x RoutingSettingsRow) g.Node {
					return g.Text(f.T("role." + string(x.Settings.FallbackRole)))
				}},
				{Key: "routing.field.due_hours", Cell: func(x RoutingSettingsRow) g.Node {
					var parts []string
					for _, p := range app.Priorities {
						parts = append(parts, f.T("complaint.priority."+string(p))+" "+strconv.Itoa(x.Settings.DueHours[p]))
					}
					return g.Text(strings.Join(parts, " · "))
				}},
			}, func(x RoutingSettingsRow) string { return "/admin/routing/settings/" + id64(x.Hospital.ID) })),
	)
}

// chainText writes an approval chain as "Department manager → Hospital admin".
func chainText(f Frame, roles []app.Role) string {
	if len(roles) == 0 {
		return f.T("routing.no_chain")
	}
	var names []string
	for _, r := range roles {
		names = append(names, f.T("role."+string(r)))
	}
	return strings.Join(names, " → ")
}

func roleOptions(f Frame, roles []app.Role) []Option {
	var opts []Option
	for _, r := range roles {
		opts = append(opts, Option{string(r), f.T("role." + string(r))})
	}
	return opts
}

// RoutingRuleFields are the rule form's fields: what an action must match (empty:
// anything), and where it goes.
func RoutingRuleFields(f Frame, ds []app.Department, users []app.User, roles []app.Role) []Field {
	var sev []Option
	for _, s := range app.Severities {
		sev = append(sev, Option{string(s), f.T("complaint.severity." + string(s))})
	}
	return []Field{
		{Name: "hospital", Label: "field.hospital", Kind: "select", Options: hospitalOptions(f), Help: "routing.help.hospital"},
		{Name: "source", Label: "action.field.source", Kind: "select", Options: actSourceOptions(f), Help: "routing.help.any"},
		{Name: "department", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds), Help: "routing.help.any"},
		{Name: "category", Label: "action.field.category", Help: "routing.help.category"},
		{Name: "severity", Label: "complaint.field.severity", Kind: "select", Options: sev, Help: "routing.help.any"},
		{Name: "to_user", Label: "routing.field.to_user", Kind: "select", Options: userOptions(users), Help: "routing.help.to"},
		{Name: "to_role", Label: "routing.field.to_role", Kind: "select", Options: roleOptions(f, roles)},
		{Name: "to_department", Label: "routing.field.to_department", Kind: "select", Options: departmentOptions(f, ds),
			Help: "routing.help.to_department"},
		{Name: "active", Label: "routing.field.active", Kind: "checkbox"},
	}
}

// RoutingRuleForm adds (id 0) or edits a rule.
func RoutingRuleForm(f Frame, id int64, form Form, ds []app.Department, users []app.User, roles []app.Role) g.Node {
	title, action := f.T("routing.new"), "/admin/routing/rules/new"
	if id != 0 {
		title, action = f.T("routing.edit_title"), "/admin/routing/rules/"+id64(id)
	}
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, action, "form.save", form, RoutingRuleFields(f, ds, users, roles))))
}

// ActionSettingsFields are a hospital's approval chain and due times.
func ActionSettingsFields(f Frame, approvers, queues []app.Role) []Field {
	var fields []Field
	for i := 1; i <= 3; i++ {
		fl := Field{Name: "approval_role_" + strconv.Itoa(i), Label: "routing.field.level_" + strconv.Itoa(i), Kind: "select",
			Options: roleOptions(f, approvers)}
		if i == 1 {
			fl.Help = "routing.help.chain"
		}
		fields = append(fields, fl)
	}
	fields = append(fields, Field{Name: "fallback_role", Label: "routing.field.fallback", Kind: "select", Required: true,
		Options: roleOptions(f, queues), Help: "routing.help.fallback"})
	for _, p := range app.Priorities {
		fields = append(fields, Field{Name: "due_hours_" + string(p), Label: "routing.field.due_" + string(p), Required: true,
			Dir: "ltr", Auto: "off"})
	}
	return append(fields, Field{Name: "due_soon_hours", Label: "routing.field.due_soon", Required: true, Dir: "ltr", Auto: "off",
		Help: "routing.help.due_soon"})
}

// ActionSettingsForm edits a hospital's action settings.
func ActionSettingsForm(f Frame, hospital app.Hospital, form Form, approvers, queues []app.Role) g.Node {
	title := f.T("routing.settings_for", app.Name(f.Lang, hospital.NameEN, hospital.NameAR))
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, "/admin/routing/settings/"+id64(hospital.ID), "form.save", form,
			ActionSettingsFields(f, approvers, queues))))
}
