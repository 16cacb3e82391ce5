package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// HospitalList lists the hospitals in the user's scope.
func HospitalList(f Frame, hs []app.Hospital) g.Node {
	return Page(f, f.T("nav.hospitals"),
		pageHeader(f.T("nav.hospitals"), g.If(f.Can(app.PermHospitalManage), linkButton("/admin/hospitals/new", f.T("hospital.new")))),
		table(f, hs, []Column[app.Hospital]{
			{Key: "field.code", Cell: func(x app.Hospital) g.Node { return ltr(x.Code) }},
			{Key: "field.name_en", Cell: func(x app.Hospital) g.Node { return g.Text(x.NameEN) }},
			{Key: "field.name_ar", Cell: func(x app.Hospital) g.Node { return h.Span(h.Lang("ar"), h.Dir("rtl"), g.Text(x.NameAR)) }},
			{Key: "field.time_zone", Cell: func(x app.Hospital) g.Node { return ltr(x.TimeZone) }},
			{Key: "field.status", Cell: func(x app.Hospital) g.Node { return badge(x.Active, f.T("status.active"), f.T("status.inactive")) }},
		}, func(x app.Hospital) string {
			if f.Can(app.PermHospitalManage) {
				return "/admin/hospitals/" + id64(x.ID)
			}
			return ""
		}),
	)
}

// HospitalFields are the hospital form's fields.
func HospitalFields() []Field {
	return []Field{
		{Name: "code", Label: "field.code", Required: true, Help: "help.code", Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		{Name: "time_zone", Label: "field.time_zone", Help: "help.time_zone", Dir: "ltr"},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
}

// HospitalForm creates (id 0) or edits a hospital.
func HospitalForm(f Frame, id int64, form Form) g.Node {
	title, action := f.T("hospital.new"), "/admin/hospitals"
	if id != 0 {
		title, action = f.T("hospital.edit"), "/admin/hospitals/"+id64(id)
	}
	return Page(f, title, pageHeader(title), h.Section(h.Class("card"), FormView(f, action, "form.save", form, HospitalFields())))
}
