package views

import (
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// OptOut is what the patients' opt-out page shows for one link: never more of the
// contact than its last digits.
type OptOut struct {
	Token    string
	Hospital string
	Channel  app.Channel
	Contact  string // masked
	Survey   bool   // opted out of survey messages on this channel
	Service  bool   // opted out of service messages on this channel
	Alert    string // catalog key (rate limiting)
}

// channelPhrase is "by SMS", "on WhatsApp", "by e-mail" in the reader's language.
func channelPhrase(f Frame, c app.Channel) string {
	return f.tOr("notify.optout.by."+string(c), string(c))
}

// OptOutPage lets a patient stop survey or service messages on the channel a message
// reached them on. It works without JavaScript.
func OptOutPage(f Frame, p OptOut) g.Node {
	title := f.T("notify.optout.title")
	check := func(name, label, help string, on bool) g.Node {
		id := "f-" + name
		return h.Div(h.Class("field optout-choice"),
			h.Label(h.Class("check"), h.For(id),
				h.Input(h.Type("checkbox"), h.ID(id), h.Name(name), h.Value("1"), g.If(on, h.Checked()), h.Aria("describedby", id+"-help")),
				g.Text(f.T(label))),
			h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T(help))))
	}
	return PublicPage(f, title,
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(title)),
			g.If(p.Hospital != "", h.P(h.Class("lead"), g.Text(p.Hospital))),
			g.If(p.Alert != "", h.Div(h.Class("alert"), h.Role("alert"), g.Text(f.T(p.Alert)))),
			h.P(g.Text(f.T("notify.optout.intro", channelPhrase(f, p.Channel))+" "), ltr(p.Contact)),
			h.Form(h.Class("form"), h.Method("post"), h.Action("/o/"+p.Token),
				h.FieldSet(h.Legend(g.Text(f.T("notify.optout.legend"))),
					check("survey", "notify.optout.survey", "notify.optout.survey_help", p.Survey),
					check("service", "notify.optout.service", "notify.optout.service_help", p.Service)),
				h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("notify.optout.submit")))),
			),
			h.P(h.Class("muted small public-aside"), g.Text(f.T("notify.optout.other_channels"))),
		),
	)
}

// OptOutDone confirms the patient's choices in plain words.
func OptOutDone(f Frame, p OptOut) g.Node {
	title := f.T("notify.optout.done_title")
	line := func(stopped bool, stopKey, getKey string) g.Node {
		if stopped {
			return h.Li(g.Text(f.T(stopKey, channelPhrase(f, p.Channel))))
		}
		return h.Li(g.Text(f.T(getKey, channelPhrase(f, p.Channel))))
	}
	return PublicPage(f, title,
		h.Div(h.Class("card public-card"),
			h.H1(g.Text(title)),
			g.If(p.Hospital != "", h.P(h.Class("lead"), g.Text(p.Hospital))),
			h.Div(h.Class("track-status track-status-resolved"), h.Role("status"),
				h.P(g.Text(f.T("notify.optout.saved"))),
				h.Ul(h.Class("plain-steps"),
					line(p.Survey, "notify.optout.stopped_survey", "notify.optout.getting_survey"),
					line(p.Service, "notify.optout.stopped_service", "notify.optout.getting_service"))),
			h.P(h.A(h.Href("/o/"+p.Token), g.Text(f.T("notify.optout.change")))),
		),
	)
}
