package views

import (
	"net/url"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// honeypot is a field people never see or reach; a robot filling every field fills it.
func honeypot() g.Node {
	return h.Div(h.Class("hp"), h.Aria("hidden", "true"),
		h.Label(h.For("f-website"), g.Text("Website")),
		h.Input(h.ID("f-website"), h.Type("text"), h.Name("website"), h.TabIndex("-1"), h.AutoComplete("off"), h.Value("")))
}

func publicHospitalOptions(f Frame, hospitals []app.Hospital) []Option {
	var hs []Option
	for _, x := range hospitals {
		hs = append(hs, Option{x.Code, app.Name(f.Lang, x.NameEN, x.NameAR)})
	}
	return hs
}

// PublicFeedbackFields are the public feedback form's fields; their names are the
// service's and the public API's.
func PublicFeedbackFields(f Frame, hospitals []app.Hospital) []Field {
	return []Field{
		{Name: "hospital", Label: "track.field.hospital", Kind: "select", Required: true, Options: publicHospitalOptions(f, hospitals)},
		{Name: "type", Label: "feedback.public.type", Kind: "select", Required: true, Options: feedbackTypeOptions(f)},
		{Name: "text", Label: "feedback.public.text", Kind: "textarea", Required: true, Help: "feedback.public.text_help"},
		{Name: "patient_name", Label: "track.field.name", Auto: "name"},
		{Name: "patient_phone", Label: "track.field.phone", Kind: "tel", Dir: "ltr", Auto: "tel", Help: "feedback.public.contact_help"},
		{Name: "patient_email", Label: "track.field.email", Kind: "email", Dir: "ltr", Auto: "email"},
		{Name: "language", Label: "track.field.language", Kind: "select", Required: true, Options: languageOptions()},
	}
}

// PublicFeedbackForm is the feedback form for patients and families (no sign-in).
// hospital names the hospital a link chose ("" when none); alert is a catalog key shown
// above the form (rate limiting).
func PublicFeedbackForm(f Frame, form Form, hospitals []app.Hospital, hospital, alert string) g.Node {
	heading := f.T("feedback.public.title")
	return PublicPage(f, heading,
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(heading)),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(hospital))),
			h.P(g.Text(f.T("feedback.public.intro"))),
			h.P(h.Class("muted"), g.Text(f.T("feedback.public.privacy"))),
			g.If(alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(alert)))),
			FormView(f, "/feedback/new", "feedback.public.submit", form, PublicFeedbackFields(f, hospitals), honeypot()),
			h.P(h.Class("muted small public-aside"), g.Text(f.T("feedback.public.complaint_instead")+" "),
				h.A(h.Href("/complaint"), g.Text(f.T("track.form_title")))),
		),
	)
}

// PublicFeedbackThanks confirms feedback (or a report: trackPath is where its code is
// looked up) and shows the tracking code.
func PublicFeedbackThanks(f Frame, code, hospital, trackPath string) g.Node {
	return PublicPage(f, f.T("feedback.public.thanks_title"),
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(f.T("feedback.public.thanks_title"))),
			g.If(hospital != "", h.P(h.Class("lead"), g.Text(hospital))),
			h.P(g.Text(f.T("feedback.public.thanks_text"))),
			trackingCodeBlock(f, code, trackPath),
		),
	)
}

// trackingCodeBlock shows a new tracking code with a copy button and where to use it.
func trackingCodeBlock(f Frame, code, trackPath string) g.Node {
	return g.Group{
		h.P(h.Class("tracking-label"), g.Text(f.T("track.your_code"))),
		h.P(h.ID("tracking-code"), h.Class("tracking-code"), h.Dir("ltr"), g.Text(code)),
		h.Button(h.Type("button"), h.Class("btn"), h.Data("copy", "tracking-code"), h.Data("copied", f.T("user.copied")),
			g.Text(f.T("track.copy"))),
		h.P(g.Text(f.T("track.how_keep")+" "), h.A(h.Href(trackPath+"?code="+url.QueryEscape(code)), g.Text(f.T("feedback.track.title")))),
	}
}

// PublicTracked is what the public tracking page shows of feedback or an observation.
type PublicTracked struct {
	Kind         string // "feedback" or "observation": the message family of its statuses
	TrackingCode string
	Status       string
	Hospital     string
	CreatedAt    time.Time
	Updates      []app.RecordLogEntry // public entries only, oldest first, without actors
}

// PublicTrackPage asks for a tracking code (the form posts to path) and shows what a
// code finds. result is nil when no code was looked up; notFound says a looked-up code
// matched nothing (unknown and malformed codes alike); alert is a catalog key.
func PublicTrackPage(f Frame, kind, path string, result *PublicTracked, notFound bool, alert string) g.Node {
	var body g.Node
	if result != nil {
		body = publicTrackResult(f, path, *result)
	} else {
		body = g.Group{
			g.If(alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(alert)))),
			g.If(notFound, h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T("err.feedback_tracking_unknown")))),
			h.P(g.Text(f.T(kind + ".track.intro"))),
			h.Form(h.Class("form track-form"), h.Method("get"), h.Action(path),
				h.Div(h.Class("field"),
					h.Label(h.For("track-code"), g.Text(f.T("track.code_label"))),
					h.Input(h.ID("track-code"), h.Name("code"), h.Type("text"), h.Dir("ltr"), h.Class("code-input"), h.Required(),
						h.AutoComplete("off"), g.Attr("autocapitalize", "characters"), g.Attr("spellcheck", "false"),
						h.Placeholder("XXXX-XXXX-XXXX-XXXX"), h.Aria("describedby", "track-code-help"),
						g.If(notFound, h.Aria("invalid", "true"))),
					h.P(h.ID("track-code-help"), h.Class("help"), g.Text(f.T("track.code_help")))),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("track.submit"))))),
		}
	}
	title := f.T(kind + ".track.title")
	return PublicPage(f, title, h.Div(h.Class("card public-card"), h.H1(g.Text(title)), body))
}

func publicTrackResult(f Frame, path string, t PublicTracked) g.Node {
	var items []g.Node
	for i := len(t.Updates) - 1; i >= 0; i-- {
		e := t.Updates[i]
		var what string
		switch e.Kind {
		case "created":
			what = f.T("track.update.created")
		case "status":
			what = f.T("track.update.status", f.T(t.Kind+".status."+e.ToStatus))
		case "response":
			what = f.T("feedback.track.reply")
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
		h.Div(h.Class("track-status"), h.Role("status"),
			h.P(h.Class("track-status-label"), g.Text(f.T(t.Kind+".status."+t.Status)))),
		h.P(h.Class("muted"), g.Text(f.T("track.received_on")+" "), f.DateTime(t.CreatedAt)),
		h.H2(g.Text(f.T("track.updates"))),
		h.Ol(h.Class("timeline"), g.Group(items)),
		h.P(h.A(h.Href(path), g.Text(f.T("track.another")))),
	}
}
