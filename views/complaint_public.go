package views

import (
	"net/url"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// PublicComplaintFields are the public form's fields, in the order a patient fills them.
// hospitals are the active hospitals, offered by name; the value is the hospital's code.
func PublicComplaintFields(f Frame, hospitals []app.Hospital) []Field {
	var hs []Option
	for _, x := range hospitals {
		hs = append(hs, Option{x.Code, app.Name(f.Lang, x.NameEN, x.NameAR)})
	}
	var types []Option
	for _, t := range app.ComplaintTypes {
		types = append(types, Option{string(t), f.T("track.type." + string(t))})
	}
	return []Field{
		{Name: "hospital", Label: "track.field.hospital", Kind: "select", Required: true, Options: hs},
		{Name: "type", Label: "track.field.type", Kind: "select", Required: true, Options: types},
		{Name: "description", Label: "track.field.description", Kind: "textarea", Required: true, Help: "track.help.description"},
		{Name: "contact_name", Label: "track.field.name", Auto: "name"},
		{Name: "contact_phone", Label: "track.field.phone", Kind: "tel", Dir: "ltr", Auto: "tel", Help: "track.help.phone"},
		{Name: "contact_email", Label: "track.field.email", Kind: "email", Dir: "ltr", Auto: "email"},
		{Name: "preferred_language", Label: "track.field.language", Kind: "select", Required: true, Options: languageOptions()},
	}
}

// PublicComplaintForm is the complaint form for patients and families (no sign-in).
// hospital is the hospital the link named ("" when none); alert is a catalog key shown
// above the form (rate limiting).
func PublicComplaintForm(f Frame, form Form, hospitals []app.Hospital, hospital string, alert string) g.Node {
	heading := f.T("track.form_title")
	if hospital != "" {
		heading = hospital
	}
	// The honeypot: people never see or reach it; a robot filling every field fills it.
	honeypot := h.Div(h.Class("hp"), h.Aria("hidden", "true"),
		h.Label(h.For("f-website"), g.Text("Website")),
		h.Input(h.ID("f-website"), h.Type("text"), h.Name("website"), h.TabIndex("-1"), h.AutoComplete("off"), h.Value("")))
	return PublicPage(f, f.T("track.form_title"),
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(heading)),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(f.T("track.form_title")))),
			h.P(g.Text(f.T("track.form_intro"))),
			h.P(h.Class("muted"), g.Text(f.T("track.form_privacy"))),
			g.If(alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(alert)))),
			FormView(f, "/complaint", "track.form_submit", form, PublicComplaintFields(f, hospitals), honeypot),
			h.P(h.Class("muted small public-aside"), g.Text(f.T("track.have_code")+" "), h.A(h.Href("/track"), g.Text(f.T("track.title")))),
		),
	)
}

// PublicComplaintThanks confirms a public complaint and shows its tracking code.
func PublicComplaintThanks(f Frame, code, hospital string) g.Node {
	return PublicPage(f, f.T("track.thanks_title"),
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(f.T("track.thanks_title"))),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(hospital))),
			h.P(g.Text(f.T("track.thanks_text"))),
			h.P(h.Class("tracking-label"), g.Text(f.T("track.your_code"))),
			h.P(h.ID("tracking-code"), h.Class("tracking-code"), h.Dir("ltr"), g.Text(code)),
			h.Button(h.Type("button"), h.Class("btn"), h.Data("copy", "tracking-code"), h.Data("copied", f.T("user.copied")),
				g.Text(f.T("track.copy"))),
			h.H2(g.Text(f.T("track.how_title"))),
			h.Ul(h.Class("plain-steps"),
				h.Li(g.Text(f.T("track.how_keep"))),
				h.Li(g.Text(f.T("track.how_check")+" "), h.A(h.Href("/track?code="+url.QueryEscape(code)), g.Text(f.T("track.title")))),
				h.Li(g.Text(f.T("track.how_phone"))),
			),
		),
	)
}

// Tracked is what the tracking page shows of a complaint: never staff names or internal notes.
type Tracked struct {
	TrackingCode string
	Status       app.ComplaintStatus
	Type         app.ComplaintType
	Hospital     string
	CreatedAt    time.Time
	Updates      []app.TimelineEntry // public entries only, oldest first
}

// TrackPage asks for a tracking code and shows what a code finds. result is nil when no
// code was looked up; notFound says a looked-up code matched nothing (unknown and
// malformed codes get this same page); alert is a catalog key (rate limiting).
func TrackPage(f Frame, result *Tracked, notFound bool, alert string) g.Node {
	form := h.Form(h.Class("form track-form"), h.Method("get"), h.Action("/track"),
		h.Div(h.Class("field"),
			h.Label(h.For("track-code"), g.Text(f.T("track.code_label"))),
			h.Input(h.ID("track-code"), h.Name("code"), h.Type("text"), h.Dir("ltr"), h.Class("code-input"), h.Required(),
				h.AutoComplete("off"), g.Attr("autocapitalize", "characters"), g.Attr("spellcheck", "false"),
				h.Placeholder("XXXX-XXXX-XXXX-XXXX"), h.Aria("describedby", "track-code-help"),
				g.If(notFound, h.Aria("invalid", "true"))),
			h.P(h.ID("track-code-help"), h.Class("help"), g.Text(f.T("track.code_help")))),
		h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("track.submit")))),
	)
	var body g.Node
	if result != nil {
		body = trackResult(f, *result)
	} else {
		body = g.Group{
			g.If(alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(alert)))),
			g.If(notFound, h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T("err.tracking_unknown")))),
			h.P(g.Text(f.T("track.intro"))),
			form,
			h.P(h.Class("muted small public-aside"), g.Text(f.T("track.no_code")+" "), h.A(h.Href("/complaint"), g.Text(f.T("track.form_title")))),
		}
	}
	return PublicPage(f, f.T("track.title"), h.Div(h.Class("card public-card"), h.H1(g.Text(f.T("track.title"))), body))
}

func trackResult(f Frame, t Tracked) g.Node {
	var items []g.Node
	for i := len(t.Updates) - 1; i >= 0; i-- {
		e := t.Updates[i]
		var what string
		switch e.Kind {
		case "created":
			what = f.T("track.update.created")
		case "status":
			what = f.T("track.update.status", f.T("track.status."+string(e.ToStatus)))
		default:
			what = f.T("track.update.note")
		}
		items = append(items, h.Li(h.Class("timeline-entry"),
			h.Div(h.Class("timeline-meta"), f.DateTime(e.At)),
			h.P(h.Class("timeline-what"), g.Text(what)),
			g.If(e.Note != "", h.P(h.Class("timeline-note"), h.Dir("auto"), g.Text(e.Note)))))
	}
	return g.Group{
		g.If(t.Hospital != "", h.P(h.Class("lead"), g.Text(t.Hospital))),
		h.P(h.Class("tracking-label"), g.Text(f.T("track.your_code"))),
		h.P(h.Class("tracking-code tracking-code-small"), h.Dir("ltr"), g.Text(t.TrackingCode)),
		h.Div(h.Class("track-status track-status-"+string(t.Status)), h.Role("status"),
			h.P(h.Class("track-status-label"), g.Text(f.T("track.status."+string(t.Status)))),
			h.P(g.Text(f.T("track.explain."+string(t.Status))))),
		h.P(h.Class("muted"), g.Text(f.T("track.received_on")+" "), f.DateTime(t.CreatedAt)),
		h.H2(g.Text(f.T("track.updates"))),
		h.Ol(h.Class("timeline"), g.Group(items)),
		h.P(h.A(h.Href("/track"), g.Text(f.T("track.another")))),
	}
}
