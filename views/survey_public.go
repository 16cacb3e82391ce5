package views

import (
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// The survey pages patients fill in on their phone (or a ward kiosk). They load the one
// stylesheet and no script: every control is plain HTML that works without JavaScript,
// and a page stays far below 50 KB on a weak mobile connection.

// SurveyTake is one page of a survey as the patient sees it.
type SurveyTake struct {
	Token    string
	Hospital string // the hospital's name in the page language
	Name     string // the survey's name in the page language
	Intro    string // shown on the first page only
	Page     app.SurveyPage
	Index    int // the page's index among Count pages shown
	Count    int
	Values   app.Answers     // saved answers, or the ones just posted
	Errors   app.FieldErrors // by question id
}

// surveyDoc is the document of every survey page: never indexed, one stylesheet, the
// language switch. head adds to <head> (the kiosk's restart). brand is the hospital's
// name when the page may show it.
func surveyDoc(f Frame, title, brand string, head g.Node, body ...g.Node) g.Node {
	if brand == "" {
		brand = "PX360"
	}
	return h.Doctype(h.HTML(h.Lang(f.Lang), h.Dir(f.Dir()),
		h.Head(
			h.Meta(h.Charset("utf-8")),
			h.Meta(h.Name("viewport"), h.Content("width=device-width, initial-scale=1")),
			h.Meta(h.Name("robots"), h.Content("noindex")),
			head,
			h.TitleEl(g.Text(title)),
			h.Link(h.Rel("stylesheet"), h.Href(f.CSSURL)),
		),
		h.Body(h.Class("public survey"),
			h.Header(h.Class("public-header"), h.Div(h.Class("brand"), g.Text(brand)), f.langSwitch()),
			h.Main(h.ID("main"), h.Class("public-main"), h.Div(h.Class("card public-card"), g.Group(body))),
		),
	))
}

// TakeSurvey renders one page of a survey: progress, the page's questions, Back and
// Next (Submit on the last page). Errors are shown beside their question and listed at
// the top, where the focus goes.
func TakeSurvey(f Frame, s SurveyTake) g.Node {
	count := max(s.Count, 1)
	last := s.Index >= count-1
	progress := f.T("survey.take.progress", s.Index+1, count)
	required := false
	for _, q := range s.Page.Questions {
		required = required || q.Required
	}
	next := "survey.take.next"
	if last {
		next = "survey.take.submit"
	}
	return surveyDoc(f, s.Name+" · "+s.Hospital, s.Hospital, nil,
		h.H1(g.Text(s.Name)),
		g.If(s.Index == 0 && s.Intro != "", h.P(g.Text(s.Intro))),
		h.P(h.Class("muted"), g.Text(f.T("survey.take.confidential"))),
		h.Div(h.Class("survey-progress"),
			h.P(h.ID("survey-progress"), g.Text(progress)),
			h.Progress(h.Max(strconv.Itoa(count)), h.Value(strconv.Itoa(s.Index+1)), h.Aria("labelledby", "survey-progress"))),
		h.Form(h.Class("form survey-form"), h.Method("post"), h.Action("/s/"+s.Token), g.Attr("novalidate"),
			s.errorSummary(f),
			h.Input(h.Type("hidden"), h.Name("page"), h.Value(strconv.Itoa(s.Index))),
			g.If(s.Page.TitleEN != "" || s.Page.TitleAR != "", h.H2(g.Text(app.Name(f.Lang, s.Page.TitleEN, s.Page.TitleAR)))),
			g.If(required, h.P(h.Class("help"), g.Text(f.T("survey.take.required_note")))),
			g.Map(s.Page.Questions, func(q app.Question) g.Node { return s.question(f, q) }),
			// Next comes first so that Enter in a text box goes forward; the stylesheet
			// shows Back at the start of the row.
			h.Div(h.Class("form-actions survey-actions"),
				h.Button(h.Type("submit"), h.Name("action"), h.Value("next"), h.Class("btn btn-primary"), g.Text(f.T(next))),
				g.If(s.Index > 0, h.Button(h.Type("submit"), h.Name("action"), h.Value("back"), h.Class("btn"), g.Text(f.T("survey.take.back")))),
			),
		),
	)
}

// surveyError is the message for a question's error: plain words for a missing answer.
func surveyError(f Frame, key string) string {
	if key == "err.required" {
		key = "survey.take.answer_required"
	}
	return f.T(key)
}

// surveyTarget is the element the error summary links to: the question's first control.
func surveyTarget(q app.Question) string {
	if q.Type.Text() {
		return "q-" + q.ID
	}
	return "q-" + q.ID + "-0"
}

func (s SurveyTake) errorSummary(f Frame) g.Node {
	if len(s.Errors) == 0 {
		return nil
	}
	var items []g.Node
	for _, q := range s.Page.Questions {
		if key, ok := s.Errors[q.ID]; ok {
			items = append(items, h.Li(h.A(h.Href("#"+surveyTarget(q)),
				g.Text(app.Name(f.Lang, q.TextEN, q.TextAR)+" — "+surveyError(f, key)))))
		}
	}
	// autofocus, not script: the summary is read out first and the page has no JavaScript.
	return h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"), h.AutoFocus(),
		h.H2(g.Text(f.T("survey.take.fix"))), h.Ul(items...))
}

// surveyChoice is one option of a question.
type surveyChoice struct{ value, label string }

// surveyChoices returns a choice question's options and whether they sit in a row of buttons
// (numbers, yes/no) rather than a column of long labels.
func surveyChoices(f Frame, q app.Question) ([]surveyChoice, bool) {
	var out []surveyChoice
	switch q.Type {
	case app.QRating, app.QNPS:
		lo, hi, _ := q.Type.Scale()
		for n := lo; n <= hi; n++ {
			out = append(out, surveyChoice{strconv.Itoa(n), strconv.Itoa(n)})
		}
		return out, true
	case app.QLikert:
		for n := 1; n <= 5; n++ {
			out = append(out, surveyChoice{strconv.Itoa(n), f.T("survey.take.likert." + strconv.Itoa(n))})
		}
	case app.QYesNo:
		return []surveyChoice{{"yes", f.T("survey.take.yes")}, {"no", f.T("survey.take.no")}}, true
	default:
		for _, o := range q.Options {
			out = append(out, surveyChoice{o.Value, app.Name(f.Lang, o.LabelEN, o.LabelAR)})
		}
	}
	return out, false
}

func (s SurveyTake) question(f Frame, q app.Question) g.Node {
	id := "q-" + q.ID
	errKey, bad := s.Errors[q.ID]
	text := g.Text(app.Name(f.Lang, q.TextEN, q.TextAR))
	mark := g.If(q.Required, h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text("*")))
	errNode := g.If(bad, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(surveyError(f, errKey))))
	if q.Type.Text() {
		max, hint := app.MaxShortAnswer, ""
		if q.Type == app.QLongText {
			max, hint = app.MaxLongAnswer, id+"-hint"
		}
		describedBy := hint
		if bad {
			describedBy = strings.TrimSpace(describedBy + " " + id + "-error")
		}
		common := g.Group{h.ID(id), h.Name(q.ID), h.MaxLength(strconv.Itoa(max)), h.Dir("auto"),
			g.If(q.Required, g.Group{h.Required(), h.Aria("required", "true")}),
			g.If(bad, h.Aria("invalid", "true")),
			g.If(describedBy != "", h.Aria("describedby", describedBy))}
		var input g.Node
		if q.Type == app.QLongText {
			input = h.Textarea(common, h.Rows("4"), g.Text(s.Values.Get(q.ID)))
		} else {
			input = h.Input(common, h.Type("text"), h.Value(s.Values.Get(q.ID)))
		}
		return h.Div(h.Class(fieldClass(bad)),
			h.Label(h.For(id), text, mark),
			input,
			g.If(hint != "", h.P(h.ID(hint), h.Class("help"), g.Text(f.T("survey.take.max_chars", max)))),
			errNode)
	}

	opts, row := surveyChoices(f, q)
	kind, role := "radio", "radiogroup"
	if q.Type == app.QMultiple {
		kind, role = "checkbox", "group"
	}
	var anchors g.Node
	var describedBy []string
	if q.Type == app.QRating || q.Type == app.QNPS {
		describedBy = append(describedBy, id+"-scale")
		anchors = h.P(h.ID(id+"-scale"), h.Class("scale"),
			h.Span(g.Text(f.T("survey.take."+string(q.Type)+"_low"))), h.Span(g.Text(f.T("survey.take."+string(q.Type)+"_high"))))
	}
	if bad {
		describedBy = append(describedBy, id+"-error")
	}
	chosen := map[string]bool{}
	for _, v := range s.Values[q.ID] {
		chosen[v] = true
	}
	inputs := make([]g.Node, 0, 2*len(opts))
	for i, o := range opts {
		oid := id + "-" + strconv.Itoa(i)
		inputs = append(inputs,
			h.Input(h.Type(kind), h.ID(oid), h.Name(q.ID), h.Value(o.value), g.If(chosen[o.value], h.Checked()),
				g.If(q.Required && kind == "radio", h.Required())),
			h.Label(h.For(oid), g.Text(o.label)))
	}
	layout := "opts"
	if row {
		layout = "opts opts-row"
	}
	class := "q"
	if bad {
		class = "q has-error"
	}
	return h.FieldSet(h.Class(class), h.Role(role),
		g.If(q.Required && kind == "radio", h.Aria("required", "true")),
		g.If(bad, h.Aria("invalid", "true")),
		g.If(len(describedBy) > 0, h.Aria("describedby", strings.Join(describedBy, " "))),
		h.Legend(text, mark),
		errNode,
		h.Div(h.Class(layout), g.Group(inputs)),
		anchors,
	)
}

// SurveyThanks is the page after the last one. On a kiosk (kioskCode set) it offers to
// start again and starts again by itself after ten seconds (a meta refresh, not script).
func SurveyThanks(f Frame, hospital, kioskCode string) g.Node {
	var head g.Node
	if kioskCode != "" {
		head = h.Meta(g.Attr("http-equiv", "refresh"), h.Content("10;url=/w/"+kioskCode))
	}
	return surveyDoc(f, f.T("survey.take.thanks_title")+" · "+hospital, hospital, head,
		h.H1(g.Text(f.T("survey.take.thanks_title"))),
		h.P(h.Class("lead"), g.Text(f.T("survey.take.thanks_text"))),
		g.If(kioskCode == "", h.P(g.Text(f.T("survey.take.thanks_close")))),
		g.If(kioskCode != "", g.Group{
			h.P(h.Class("muted"), g.Text(f.T("survey.take.restart_note"))),
			h.P(h.A(h.Class("btn btn-primary"), h.Href("/w/"+kioskCode), g.Text(f.T("survey.take.start_again")))),
		}),
	)
}

// SurveyProblem answers a link that shows no survey: unknown or altered (404), closed
// (410), too many attempts (429). It shows nothing of any survey, patient or hospital,
// and says it in both languages, the page's first.
func SurveyProblem(f Frame, status int) g.Node {
	code := strconv.Itoa(status)
	other := "ar"
	if f.Lang == "ar" {
		other = "en"
	}
	o := Frame{Lang: other}
	return surveyDoc(f, f.T("survey.take."+code+".title"), "", nil,
		h.H1(g.Text(f.T("survey.take."+code+".title"))),
		h.P(g.Text(f.T("survey.take."+code+".text"))),
		h.Div(h.Class("survey-other"), h.Lang(other), h.Dir(o.Dir()),
			h.P(h.Class("lead"), g.Text(o.T("survey.take."+code+".title"))),
			h.P(g.Text(o.T("survey.take."+code+".text")))),
	)
}
