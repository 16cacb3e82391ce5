package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// StaffList lists staff members.
func StaffList(f Frame, p app.Page[app.Staff], fl Filter, departments map[int64]app.Department) g.Node {
	return Page(f, f.T("nav.staff"),
		pageHeader(f.T("nav.staff"), g.If(f.Can(app.PermStaffManage), exportLink(f, "/admin/staff/export.csv", fl)),
			g.If(f.Can(app.PermStaffManage), linkButton("/admin/staff/new", f.T("staff.new")))),
		filterBar(f, fl, "filter.search_name_employee"),
		table(f, p.Items, []Column[app.Staff]{
			{Key: "field.name", Cell: func(x app.Staff) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.employee_no", Cell: func(x app.Staff) g.Node { return ltr(x.EmployeeNo) }},
			{Key: "field.kind", Cell: func(x app.Staff) g.Node { return g.Text(f.T("staff_kind." + string(x.Kind))) }},
			{Key: "field.job_title", Cell: func(x app.Staff) g.Node { return g.Text(x.JobTitle) }},
			{Key: "field.department", Cell: func(x app.Staff) g.Node {
				d := departments[x.DepartmentID]
				return g.Text(app.Name(f.Lang, d.NameEN, d.NameAR))
			}},
			{Key: "field.hospital", Cell: func(x app.Staff) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
		}, func(x app.Staff) string { return "/admin/staff/" + id64(x.ID) }),
		pager(f, "/admin/staff", fl, p),
	)
}

// StaffFields are the staff form's fields.
func StaffFields(f Frame, ds []app.Department) []Field {
	var kinds []Option
	for _, k := range app.StaffKinds {
		kinds = append(kinds, Option{string(k), f.T("staff_kind." + string(k))})
	}
	return []Field{
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "employee_no", Label: "field.employee_no", Required: true, Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Dir: "rtl"},
		{Name: "kind", Label: "field.kind", Kind: "select", Required: true, Options: kinds},
		{Name: "job_title", Label: "field.job_title"},
		{Name: "department_id", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds)},
		{Name: "reports_to", Label: "field.reports_to", Help: "help.reports_to", Dir: "ltr"},
		{Name: "email", Label: "field.email", Kind: "email", Dir: "ltr"},
		{Name: "phone", Label: "field.phone", Kind: "tel", Dir: "ltr"},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
}

// StaffForm creates (id 0) or edits a staff member.
func StaffForm(f Frame, id int64, form Form, ds []app.Department) g.Node {
	title, action := f.T("staff.new"), "/admin/staff"
	if id != 0 {
		title, action = f.T("staff.edit"), "/admin/staff/"+id64(id)
	}
	if !f.Can(app.PermStaffManage) {
		return Page(f, f.T("nav.staff"), pageHeader(form.Values.Get("name_en")), details(f, form, StaffFields(f, ds)))
	}
	return Page(f, title, pageHeader(title), h.Section(h.Class("card"), FormView(f, action, "form.save", form, StaffFields(f, ds))))
}
