package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// ExplanationsProps is the explanation-request card of a complaint.
type ExplanationsProps struct {
	Complaint app.Complaint
	Items     []app.Explanation
	Staff     map[int64]app.Staff
	Request   Form // the request form (input kept after an error)
	Answer    Form // the answer form of the request named by Answer.Values["explanation_id"]
}

// ExplanationFields are the fields of a new explanation request.
func ExplanationFields() []Field {
	return []Field{
		{Name: "staff", Label: "explanation.staff", Required: true, Help: "explanation.staff_help", Dir: "ltr"},
		{Name: "question", Label: "explanation.question", Kind: "textarea", Required: true},
		{Name: "due_hours", Label: "explanation.due_hours", Help: "explanation.due_hours_help", Dir: "ltr"},
	}
}

// ExplanationsCard lists a complaint's explanation requests with their answers, and the
// forms to ask and to record an answer.
func ExplanationsCard(f Frame, p ExplanationsProps) g.Node {
	base := "/complaints/" + strconv.FormatInt(p.Complaint.ID, 10) + "/explanations"
	var items []g.Node
	for _, e := range p.Items {
		who := p.Staff[e.StaffID]
		state := h.Span(h.Class("badge badge-warn"), g.Text(f.T("explanation.waiting")))
		if !e.AnsweredAt.IsZero() {
			state = h.Span(h.Class("badge badge-ok"), g.Text(f.T("explanation.answered")))
		}
		answer := g.Node(nil)
		switch {
		case !e.AnsweredAt.IsZero():
			answer = h.BlockQuote(h.Dir("auto"), g.Text(e.Answer))
		case f.Can(app.PermComplaintCreate):
			form := NewForm()
			if p.Answer.Values.Get("explanation_id") == strconv.FormatInt(e.ID, 10) {
				form = p.Answer
			}
			answer = FormView(f, base+"/"+strconv.FormatInt(e.ID, 10)+"/answer", "explanation.record_answer", form,
				[]Field{{Name: "answer", Label: "explanation.answer", Kind: "textarea", Required: true}})
		}
		items = append(items, h.Li(h.Class("explanation"),
			h.P(h.Strong(g.Text(app.Name(f.Lang, who.NameEN, who.NameAR)+" ")), state),
			h.P(h.Dir("auto"), g.Text(e.Question)),
			h.P(h.Class("small muted"), g.Text(f.T("explanation.due")+" "), f.DateTime(e.DueAt)),
			answer,
		))
	}
	var list g.Node = h.P(h.Class("muted"), g.Text(f.T("explanation.none")))
	if len(items) > 0 {
		list = h.Ul(h.Class("explanations"), g.Group(items))
	}
	return h.Section(h.Class("card"), h.ID("explanations"), h.H2(g.Text(f.T("explanation.title"))), list,
		g.If(f.Can(app.PermComplaintManage) && p.Complaint.Status.Active(), g.Group{
			h.H3(g.Text(f.T("explanation.ask"))),
			FormView(f, base, "explanation.send", p.Request, ExplanationFields()),
		}))
}
