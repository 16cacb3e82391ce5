package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

func hospitalOptions(f Frame) []Option {
	var opts []Option
	for _, x := range f.Hospitals {
		opts = append(opts, Option{id64(x.ID), x.Code + " · " + app.Name(f.Lang, x.NameEN, x.NameAR)})
	}
	return opts
}

func departmentOptions(f Frame, ds []app.Department) []Option {
	var opts []Option
	for _, d := range ds {
		opts = append(opts, Option{id64(d.ID), f.HospitalCode(d.HospitalID) + " · " + app.Name(f.Lang, d.NameEN, d.NameAR)})
	}
	return opts
}

// HospitalCode returns the code of hospital id.
func (f Frame) HospitalCode(id int64) string {
	for _, x := range f.Hospitals {
		if x.ID == id {
			return x.Code
		}
	}
	return ""
}

// DepartmentList lists departments.
func DepartmentList(f Frame, p app.Page[app.Department], fl Filter) g.Node {
	return Page(f, f.T("nav.departments"),
		pageHeader(f.T("nav.departments"), g.If(f.Can(app.PermOrgManage), linkButton("/admin/departments/new", f.T("department.new")))),
		filterBar(f, fl, "filter.search_name_code"),
		table(f, p.Items, []Column[app.Department]{
			{Key: "field.name", Cell: func(x app.Department) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.code", Cell: func(x app.Department) g.Node { return ltr(x.Code) }},
			{Key: "field.hospital", Cell: func(x app.Department) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
			{Key: "field.category", Cell: func(x app.Department) g.Node { return g.Text(f.T("category." + string(x.Category))) }},
			{Key: "field.status", Cell: func(x app.Department) g.Node { return badge(x.Active, f.T("status.active"), f.T("status.inactive")) }},
		}, func(x app.Department) string { return "/admin/departments/" + id64(x.ID) }),
		pager(f, "/admin/departments", fl, p),
	)
}

// DepartmentFields are the department form's fields.
func DepartmentFields(f Frame) []Field {
	var cats []Option
	for _, c := range app.DepartmentCategories {
		cats = append(cats, Option{string(c), f.T("category." + string(c))})
	}
	return []Field{
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "code", Label: "field.code", Required: true, Help: "help.code", Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		{Name: "category", Label: "field.category", Kind: "select", Required: true, Options: cats},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
}

// DepartmentForm creates (id 0) or edits a department; read-only users see the details.
func DepartmentForm(f Frame, id int64, form Form) g.Node {
	title, action := f.T("department.new"), "/admin/departments"
	if id != 0 {
		title, action = f.T("department.edit"), "/admin/departments/"+id64(id)
	}
	if !f.Can(app.PermOrgManage) {
		return Page(f, f.T("nav.departments"), pageHeader(form.Values.Get("name_en")), details(f, form, DepartmentFields(f)))
	}
	return Page(f, title, pageHeader(title), h.Section(h.Class("card"), FormView(f, action, "form.save", form, DepartmentFields(f))))
}

// details shows a record read-only, using its form's field labels.
func details(f Frame, form Form, fields []Field) g.Node {
	var items []g.Node
	for _, fl := range fields {
		v := form.Values.Get(fl.Name)
		for _, o := range fl.Options {
			if o.Value == v {
				v = o.Label
			}
		}
		if fl.Kind == "checkbox" {
			v = f.T("status.inactive")
			if form.Values.Get(fl.Name) == "1" {
				v = f.T("status.active")
			}
		}
		items = append(items, h.Dt(g.Text(f.T(fl.Label))), h.Dd(g.Text(v)))
	}
	return h.Section(h.Class("card"), h.Dl(h.Class("details"), g.Group(items)))
}
