package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// PatientList lists patients.
func PatientList(f Frame, p app.Page[app.Patient], fl Filter) g.Node {
	return Page(f, f.T("nav.patients"),
		pageHeader(f.T("nav.patients"), g.If(f.Can(app.PermPatientManage), exportLink(f, "/admin/patients/export.csv", fl)),
			g.If(f.Can(app.PermPatientManage), linkButton("/admin/patients/new", f.T("patient.new")))),
		filterBar(f, fl, "filter.search_name_mrn"),
		table(f, p.Items, []Column[app.Patient]{
			{Key: "field.name", Cell: func(x app.Patient) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.mrn", Cell: func(x app.Patient) g.Node { return ltr(x.MRN) }},
			{Key: "field.phone", Cell: func(x app.Patient) g.Node { return ltr(x.Phone) }},
			{Key: "field.hospital", Cell: func(x app.Patient) g.Node { return g.Text(f.HospitalName(x.HospitalID)) }},
			{Key: "field.updated", Cell: func(x app.Patient) g.Node { return f.DateTime(x.UpdatedAt) }},
		}, func(x app.Patient) string { return "/admin/patients/" + id64(x.ID) }),
		pager(f, "/admin/patients", fl, p),
	)
}

// PatientFields are the patient form's fields.
func PatientFields() []Field {
	return []Field{
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true},
		{Name: "mrn", Label: "field.mrn", Required: true, Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Dir: "rtl"},
		{Name: "national_id", Label: "field.national_id", Help: "help.national_id", Dir: "ltr", Auto: "off"},
		{Name: "phone", Label: "field.phone", Kind: "tel", Dir: "ltr"},
		{Name: "email", Label: "field.email", Kind: "email", Dir: "ltr"},
		{Name: "language", Label: "field.language", Kind: "select"},
		{Name: "birth_date", Label: "field.birth_date", Kind: "date", Dir: "ltr"},
	}
}

func patientFields(f Frame) []Field {
	fields := PatientFields()
	fields[0].Options = hospitalOptions(f)
	fields[7].Options = []Option{{"ar", "العربية"}, {"en", "English"}}
	return fields
}

// PatientForm creates (id 0) or edits a patient. maskedNID is shown on edit: the full
// national ID is never sent back to the browser.
func PatientForm(f Frame, id int64, form Form, maskedNID string) g.Node {
	title, action := f.T("patient.new"), "/admin/patients"
	if id != 0 {
		title, action = f.T("patient.edit"), "/admin/patients/"+id64(id)
	}
	var current g.Node
	if maskedNID != "" {
		current = h.P(h.Class("notice"), g.Text(f.T("patient.national_id_on_file")+" "), ltr(maskedNID))
	}
	var visits []g.Node // the HIS visits and journeys of a saved patient
	if id != 0 {
		visits = append(visits, h.A(h.Class("btn"), h.Href("/admin/patients/"+id64(id)+"/visits"), g.Text(f.T("his.visits.link"))))
	}
	if !f.Can(app.PermPatientManage) {
		return Page(f, f.T("nav.patients"), pageHeader(form.Values.Get("name_en"), visits...), current, details(f, form, patientFields(f)))
	}
	return Page(f, title, pageHeader(title, visits...), h.Section(h.Class("card"), current, FormView(f, action, "form.save", form, patientFields(f))))
}
