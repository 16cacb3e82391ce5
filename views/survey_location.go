package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// SurveyLocationRow is one ward or kiosk link of the list.
type SurveyLocationRow struct {
	L        app.SurveyLocation
	URL      string
	Template string // the template's name in the reader's language
	Dept     string
}

// SurveyLocations lists the ward and kiosk links with their QR code and poster.
func SurveyLocations(f Frame, rows []SurveyLocationRow) g.Node {
	title := f.T("survey.locations_title")
	return Page(f, title,
		pageHeader(title, linkButton("/surveys/locations/new", f.T("survey.location_new"))),
		h.P(h.Class("help"), g.Text(f.T("survey.locations_help"))),
		table(f, rows, []Column[SurveyLocationRow]{
			{Key: "survey.field.location_name", Cell: func(x SurveyLocationRow) g.Node { return g.Text(app.Name(f.Lang, x.L.NameEN, x.L.NameAR)) }},
			{Key: "field.hospital", Cell: func(x SurveyLocationRow) g.Node { return g.Text(f.HospitalName(x.L.HospitalID)) }},
			{Key: "field.department", Cell: func(x SurveyLocationRow) g.Node { return g.Text(x.Dept) }},
			{Key: "survey.field.template", Cell: func(x SurveyLocationRow) g.Node { return g.Text(x.Template) }},
			{Key: "survey.field.kiosk", Cell: func(x SurveyLocationRow) g.Node {
				return g.Text(f.T(map[bool]string{true: "survey.location.kiosk", false: "survey.location.ward"}[x.L.Kiosk]))
			}},
			{Key: "survey.field.link", Cell: func(x SurveyLocationRow) g.Node { return ltr(x.URL) }},
			{Key: "field.status", Cell: func(x SurveyLocationRow) g.Node {
				return badge(x.L.Active, f.T("status.active"), f.T("status.inactive"))
			}},
			{Key: "survey.field.print", Cell: func(x SurveyLocationRow) g.Node { return surveyLocationDownloads(f, x.L) }},
		}, func(x SurveyLocationRow) string { return "/surveys/locations/" + id64(x.L.ID) + "/edit" }),
	)
}

func surveyLocationDownloads(f Frame, l app.SurveyLocation) g.Node {
	name := app.Name(f.Lang, l.NameEN, l.NameAR)
	return h.Span(h.Class("actions-inline"),
		h.A(h.Href("/surveys/locations/"+id64(l.ID)+"/qr.png"), h.Download(""), h.Aria("label", f.T("survey.download_qr_of", name)),
			g.Text(f.T("survey.download_qr"))),
		h.A(h.Href("/surveys/locations/"+id64(l.ID)+"/poster.pdf"), h.Download(""), h.Aria("label", f.T("survey.download_poster_of", name)),
			g.Text(f.T("survey.download_poster"))))
}

// SurveyLocationFields are the link form's fields.
func SurveyLocationFields(f Frame, ds []app.Department, secs []app.Section, ts []app.SurveyTemplate) []Field {
	var sections []Option
	for _, s := range secs {
		sections = append(sections, Option{id64(s.ID), f.HospitalCode(s.HospitalID) + " · " + app.Name(f.Lang, s.NameEN, s.NameAR)})
	}
	var templates []Option
	for _, t := range ts {
		label := surveyTemplateName(f, t)
		if t.HospitalID != 0 {
			label = f.HospitalCode(t.HospitalID) + " · " + label
		}
		templates = append(templates, Option{id64(t.Family), label})
	}
	return []Field{
		{Name: "name_en", Label: "survey.field.location_name_en", Required: true, Dir: "ltr", Help: "survey.help.location_name"},
		{Name: "name_ar", Label: "survey.field.location_name_ar", Required: true, Dir: "rtl"},
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "department_id", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds)},
		{Name: "section_id", Label: "survey.field.section", Kind: "select", Options: sections},
		{Name: "family", Label: "survey.field.template", Kind: "select", Required: true, Options: templates, Help: "survey.help.location_template"},
		{Name: "kiosk", Label: "survey.field.kiosk_device", Kind: "checkbox"},
		{Name: "active", Label: "field.active", Kind: "checkbox"},
	}
}

// SurveyLocationForm creates (id 0) or edits a ward or kiosk link.
func SurveyLocationForm(f Frame, l app.SurveyLocation, url string, form Form, ds []app.Department, secs []app.Section, ts []app.SurveyTemplate) g.Node {
	title, action := f.T("survey.location_new"), "/surveys/locations"
	if l.ID != 0 {
		title, action = f.T("survey.location_edit"), "/surveys/locations/"+id64(l.ID)+"/edit"
	}
	return Page(f, title,
		pageHeader(title),
		g.If(l.ID != 0, h.Section(h.Class("card"),
			h.H2(g.Text(f.T("survey.field.link"))),
			h.P(ltr(url)),
			h.P(h.Class("help"), g.Text(f.T("survey.location_code_help"))),
			h.P(surveyLocationDownloads(f, l)),
		)),
		h.Section(h.Class("card"), FormView(f, action, "form.save", form, SurveyLocationFields(f, ds, secs, ts))),
	)
}

// SurveySettingsPage is a hospital's fatigue and exclusion rules.
func SurveySettingsPage(f Frame, hospitalID int64, form Form, ds []app.Department) g.Node {
	title := f.T("survey.settings_title")
	fields := []Field{
		{Name: "fatigue_days", Label: "survey.field.fatigue_days", Kind: "number", Required: true, Dir: "ltr", Help: "survey.help.fatigue_days"},
		{Name: "min_age", Label: "survey.field.min_age", Kind: "number", Required: true, Dir: "ltr", Help: "survey.help.min_age"},
	}
	excluded := map[string]bool{}
	for _, v := range form.Values["excluded"] {
		excluded[v] = true
	}
	var boxes []g.Node
	for _, d := range ds {
		if d.HospitalID != hospitalID {
			continue
		}
		id := "f-excluded-" + id64(d.ID)
		boxes = append(boxes, h.Label(h.Class("check"), h.For(id),
			h.Input(h.Type("checkbox"), h.ID(id), h.Name("excluded"), h.Value(id64(d.ID)), g.If(excluded[id64(d.ID)], h.Checked())),
			g.Text(app.Name(f.Lang, d.NameEN, d.NameAR)+" "), h.Span(h.Class("muted small"), ltr(d.Code))))
	}
	errKey, hasErr := form.Errors["excluded_departments"]
	return Page(f, title,
		pageHeader(title),
		hospitalPicker(f, "/surveys/settings", "hospital", hospitalID, false),
		h.Section(h.Class("card"),
			h.H2(g.Text(f.HospitalName(hospitalID))),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/surveys/settings?hospital="+strconv.FormatInt(hospitalID, 10)), g.Attr("novalidate"),
				errorSummary(f, form, append(fields, Field{Name: "excluded_departments", Label: "survey.field.excluded"})),
				g.Map(fields, func(fl Field) g.Node { return fl.render(f, form) }),
				h.FieldSet(h.Class(surveyErrClass("field excluded-departments", hasErr)), h.ID("f-excluded_departments"),
					h.Legend(g.Text(f.T("survey.field.excluded"))),
					h.P(h.Class("help"), g.Text(f.T("survey.help.excluded"))),
					g.If(len(boxes) == 0, h.P(h.Class("empty"), g.Text(f.T("list.empty")))),
					h.Div(h.Class("checks-grid"), g.Group(boxes)),
					g.If(hasErr, h.P(h.Class("field-error"), g.Text(f.T(errKey))))),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("form.save")))),
			)),
	)
}
