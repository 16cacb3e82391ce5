package views

import (
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// UserList lists user accounts.
func UserList(f Frame, p app.Page[app.User], fl Filter) g.Node {
	return Page(f, f.T("nav.users"),
		pageHeader(f.T("nav.users"), linkButton("/admin/users/new", f.T("user.new"))),
		filterBar(f, fl, "filter.search_user"),
		table(f, p.Items, []Column[app.User]{
			{Key: "field.name", Cell: func(u app.User) g.Node { return g.Text(u.Name) }},
			{Key: "field.email", Cell: func(u app.User) g.Node { return ltr(u.Email) }},
			{Key: "field.role", Cell: func(u app.User) g.Node { return g.Text(f.T("role." + string(u.Role))) }},
			{Key: "field.hospitals", Cell: func(u app.User) g.Node {
				var codes []string
				for _, id := range u.HospitalIDs {
					codes = append(codes, f.HospitalCode(id))
				}
				if u.Role == app.RolePXAdmin {
					return g.Text(f.T("filter.all_hospitals"))
				}
				return ltr(strings.Join(codes, ", "))
			}},
			{Key: "field.status", Cell: func(u app.User) g.Node { return badge(u.Active, f.T("status.active"), f.T("status.disabled")) }},
			{Key: "field.last_login", Cell: func(u app.User) g.Node { return f.DateTime(u.LastLoginAt) }},
		}, func(u app.User) string { return "/admin/users/" + u.ID }),
		pager(f, "/admin/users", fl, p),
	)
}

// UserFields are the user form's fields; creating adds the initial password.
func UserFields(f Frame, creating bool, ds []app.Department) []Field {
	var roles []Option
	for _, r := range app.Roles {
		if r == app.RolePXAdmin && !f.Can(app.PermHospitalManage) {
			continue
		}
		roles = append(roles, Option{string(r), f.T("role." + string(r))})
	}
	fields := []Field{
		{Name: "email", Label: "field.email", Kind: "email", Required: true, Dir: "ltr", Auto: "off"},
		{Name: "name", Label: "field.name", Required: true},
		{Name: "role", Label: "field.role", Kind: "select", Required: true, Options: roles},
		{Name: "hospitals", Label: "field.hospitals", Kind: "multiselect", Options: hospitalOptions(f), Help: "help.user_hospitals"},
		{Name: "departments", Label: "field.departments", Kind: "multiselect", Options: departmentOptions(f, ds)},
		{Name: "language", Label: "field.language", Kind: "select", Options: []Option{{"en", "English"}, {"ar", "العربية"}}},
	}
	if creating {
		return append(fields, Field{Name: "password", Label: "field.initial_password", Kind: "password", Required: true,
			Help: "help.password", Auto: "new-password", Dir: "ltr"})
	}
	return append(fields, Field{Name: "active", Label: "field.active", Kind: "checkbox"})
}

// UserForm creates (id "") or edits a user. resetLink, when set, is a one-time link just issued.
func UserForm(f Frame, id string, form Form, ds []app.Department, resetLink string) g.Node {
	title, action := f.T("user.new"), "/admin/users"
	if id != "" {
		title, action = f.T("user.edit"), "/admin/users/"+id
	}
	var reset g.Node
	if id != "" {
		reset = h.Section(h.Class("card"), h.H2(g.Text(f.T("user.reset_title"))),
			g.If(resetLink != "", g.Group{
				h.P(g.Text(f.T("user.reset_issued"))),
				h.P(h.ID("reset-link"), h.Class("code-box"), h.Dir("ltr"), g.Text(resetLink)),
				h.Button(h.Type("button"), h.Class("btn btn-small"), h.Data("copy", "reset-link"), h.Data("copied", f.T("user.copied")), g.Text(f.T("user.copy"))),
			}),
			h.Form(h.Method("post"), h.Action("/admin/users/"+id+"/reset-link"),
				h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("user.reset_issue")))),
		)
	}
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"), FormView(f, action, "form.save", form, UserFields(f, id == "", ds))), reset)
}
