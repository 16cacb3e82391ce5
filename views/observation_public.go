package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// PublicObservationFields are the anonymous report form's fields (the identification
// and file fields are drawn apart); their names are the service's and the public API's.
// Categories and subcategories are offered by code; departments by code too, labelled
// with their hospital when the form is not for one hospital.
func PublicObservationFields(f Frame, hospitals []app.Hospital, departments []app.Department, cats []app.ObservationCategory) []Field {
	top, sub := observationCategoryOptions(f, cats, true)
	var deps []Option
	one := len(departments) > 0
	for _, d := range departments {
		one = one && d.HospitalID == departments[0].HospitalID
	}
	for _, d := range departments {
		label := app.Name(f.Lang, d.NameEN, d.NameAR)
		if !one {
			for _, x := range hospitals {
				if x.ID == d.HospitalID {
					label = x.Code + " · " + label
				}
			}
		}
		deps = append(deps, Option{d.Code, label})
	}
	return []Field{
		{Name: "hospital", Label: "track.field.hospital", Kind: "select", Required: true, Options: publicHospitalOptions(f, hospitals)},
		{Name: "department", Label: "observation.public.department", Kind: "select", Options: deps},
		{Name: "category", Label: "observation.field.category", Kind: "select", Required: true, Options: top},
		{Name: "subcategory", Label: "observation.field.subcategory", Kind: "select", Options: sub},
		{Name: "severity", Label: "observation.public.severity", Kind: "select", Required: true, Options: severityOptions(f),
			Help: "observation.public.severity_help"},
		{Name: "description", Label: "observation.public.description", Kind: "textarea", Required: true,
			Help: "observation.public.description_help"},
		{Name: "location", Label: "observation.field.location", Help: "observation.public.location_help"},
	}
}

// identityFields are the optional name and contact, kept only with "identify me".
var identityFields = []Field{
	{Name: "reporter_name", Label: "observation.public.name", Auto: "off"},
	{Name: "reporter_contact", Label: "observation.public.contact", Auto: "off", Help: "observation.public.contact_help"},
}

// PublicObservationForm is the anonymous staff observation form (no sign-in). The
// reporter stays anonymous unless they tick "identify me": the name fields are optional,
// with a note that they are kept only when the box is ticked (no script needed).
// hospital names the hospital a link chose ("" when none).
func PublicObservationForm(f Frame, form Form, hospitals []app.Hospital, hospital string, departments []app.Department,
	cats []app.ObservationCategory, alert string) g.Node {
	fields := PublicObservationFields(f, hospitals, departments, cats)
	all := append(append(append([]Field{}, fields...), identityFields...), Field{Name: "file", Label: "observation.public.files"})
	fileErr, hasFileErr := form.Errors["file"]
	const fileID = "f-file"
	describedBy := fileID + "-help"
	if hasFileErr {
		describedBy += " " + fileID + "-error"
	}
	identify := form.Values.Get("identify") != ""
	return PublicPage(f, f.T("observation.public.title"),
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(f.T("observation.public.title"))),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(hospital))),
			h.P(g.Text(f.T("observation.public.intro"))),
			h.P(h.Class("notice"), h.Role("note"), g.Text(f.T("observation.public.anonymous"))),
			g.If(alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(alert)))),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/observe"), h.EncType("multipart/form-data"), g.Attr("novalidate"),
				errorSummary(f, form, all),
				g.Map(fields, func(fl Field) g.Node { return fl.render(f, form) }),
				h.Div(h.Class(fieldClass(hasFileErr)),
					h.Label(h.For(fileID), g.Text(f.T("observation.public.files"))),
					h.Input(h.ID(fileID), h.Name("file"), h.Type("file"), h.Multiple(), h.Accept(photoAccept),
						h.Aria("describedby", describedBy), g.If(hasFileErr, h.Aria("invalid", "true"))),
					h.P(h.ID(fileID+"-help"), h.Class("help"), g.Text(f.T("observation.public.files_help"))),
					g.If(hasFileErr, h.P(h.ID(fileID+"-error"), h.Class("field-error"), g.Text(f.T(fileErr))))),
				h.FieldSet(h.Class("identify"),
					h.Legend(g.Text(f.T("observation.public.identify_legend"))),
					h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.ID("f-identify"), h.Name("identify"), h.Value("1"),
						g.If(identify, h.Checked()), h.Aria("describedby", "f-identify-help")),
						g.Text(f.T("observation.public.identify"))),
					h.P(h.ID("f-identify-help"), h.Class("help"), g.Text(f.T("observation.public.identify_help"))),
					h.Div(h.Class("identify-fields"), g.Map(identityFields, func(fl Field) g.Node { return fl.render(f, form) })),
				),
				honeypot(),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("observation.public.submit")))),
			),
			h.P(h.Class("muted small public-aside"), g.Text(f.T("track.have_code")+" "),
				h.A(h.Href("/observe/track"), g.Text(f.T("observation.track.title")))),
		),
	)
}

// PublicObservationThanks confirms a report and shows its tracking code.
func PublicObservationThanks(f Frame, code, hospital string) g.Node {
	return PublicPage(f, f.T("observation.public.thanks_title"),
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(f.T("observation.public.thanks_title"))),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(hospital))),
			h.P(g.Text(f.T("observation.public.thanks_text"))),
			trackingCodeBlock(f, code, "/observe/track"),
		),
	)
}
