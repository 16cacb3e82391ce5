package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// SectionList lists sections; departments names the departments shown.
func SectionList(f Frame, p app.Page[app.Section], fl Filter, departments map[int64]app.Department) g.Node {
	return Page(f, f.T("nav.sections"),
		pageHeader(f.T("nav.sections"), g.If(f.Can(app.PermOrgManage), linkButton("/admin/sections/new", f.T("section.new")))),
		filterBar(f, fl, "filter.search_name"),
		table(f, p.Items, []Column[app.Section]{
			{Key: "field.name", Cell: func(x app.Section) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.department", Cell: func(x app.Section) g.Node {
				d := departments[x.DepartmentID]
				return g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
			}},
			{Key: "field.hospital", Cell: func(x app.Section) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
			{Key: "field.status", Cell: func(x app.Section) g.Node { return badge(x.Active, f.T("status.active"), f.T("status.inactive")) }},
		}, func(x app.Section) string { return "/admin/sections/" + id64(x.ID) }),
		pager(f, "/admin/sections", fl, p),
	)
}

// SectionFields are the section form's fields.
func SectionFields(f Frame, ds []app.Department) []Field {
	return []Field{
		{Name: "department_id", Label: "field.department", Kind: "select", Required: true, Options: departmentOptions(f, ds)},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
}

// SectionForm creates (id 0) or edits a section.
func SectionForm(f Frame, id int64, form Form, ds []app.Department) g.Node {
	title, action := f.T("section.new"), "/admin/sections"
	if id != 0 {
		title, action = f.T("section.edit"), "/admin/sections/"+id64(id)
	}
	if !f.Can(app.PermOrgManage) {
		return Page(f, f.T("nav.sections"), pageHeader(form.Values.Get("name_en")), details(f, form, SectionFields(f, ds)))
	}
	return Page(f, title, pageHeader(title), h.Section(h.Class("card"), FormView(f, action, "form.save", form, SectionFields(f, ds))))
}
