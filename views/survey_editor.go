package views

import (
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// EditorCondition is a "show only when" rule as typed: question id, operator and values
// (comma-separated).
type EditorCondition struct {
	Question string
	Op       string
	Values   string
}

// EditorQuestion is one question of the editor as typed, options one per line
// ("value | English | Arabic | score").
type EditorQuestion struct {
	ID       string
	Type     app.QuestionType
	TextEN   string
	TextAR   string
	Required bool
	Scored   bool
	Flagged  bool
	Bank     string
	Options  string
	Cond     EditorCondition
}

// EditorPage is one page of the editor.
type EditorPage struct {
	ID        string
	TitleEN   string
	TitleAR   string
	Cond      EditorCondition
	Questions []EditorQuestion
}

// SurveyEditor is the template editor's state: the version edited, the work in progress
// (from the template, or from the form when a button changed it), and the errors.
type SurveyEditor struct {
	T        app.SurveyTemplate   // the version edited
	Versions []app.SurveyTemplate // its family, newest first
	Pages    []EditorPage
	Form     Form // name_en, name_ar, intro_en, intro_ar, reminder_hours, expiry_days, neg_*; errors also by page and question id
	Editable bool // the user may change this template
	Unsaved  bool // a button changed the work in progress; Save keeps it
}

// Editor form field names: pages are numbered p0, p1 …, their questions p0q0, p0q1 ….

// PageField names a page's field.
func PageField(i int, name string) string { return "p" + strconv.Itoa(i) + "_" + name }

// QuestionField names a question's field.
func QuestionField(i, j int, name string) string {
	return "p" + strconv.Itoa(i) + "q" + strconv.Itoa(j) + "_" + name
}

// SurveyTopFields are the editor's template-wide fields.
func SurveyTopFields() []Field {
	return []Field{
		{Name: "name_en", Label: "survey.field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "survey.field.name_ar", Required: true, Dir: "rtl"},
		{Name: "intro_en", Label: "survey.field.intro_en", Kind: "textarea", Dir: "ltr"},
		{Name: "intro_ar", Label: "survey.field.intro_ar", Kind: "textarea", Dir: "rtl"},
		{Name: "reminder_hours", Label: "survey.field.reminder_hours", Kind: "number", Required: true, Dir: "ltr", Help: "survey.help.reminder_hours"},
		{Name: "expiry_days", Label: "survey.field.expiry_days", Kind: "number", Required: true, Dir: "ltr", Help: "survey.help.expiry_days"},
	}
}

// SurveyNegativeFields are the negative rule's fields.
func SurveyNegativeFields() []Field {
	return []Field{
		{Name: "neg_score_below", Label: "survey.field.neg_score_below", Kind: "number", Dir: "ltr", Help: "survey.help.neg_score_below"},
		{Name: "neg_nps_at_most", Label: "survey.field.neg_nps_at_most", Kind: "number", Dir: "ltr", Help: "survey.help.neg_nps_at_most"},
		{Name: "neg_flagged_at_most", Label: "survey.field.neg_flagged_at_most", Kind: "number", Dir: "ltr", Help: "survey.help.neg_flagged_at_most"},
	}
}

// editorErrorSummary lists the form's errors: fields by label, pages and questions by
// their number, each linking to where the error is.
func editorErrorSummary(f Frame, e SurveyEditor) g.Node {
	if len(e.Form.Errors) == 0 {
		return nil
	}
	var items []g.Node
	seen := map[string]bool{}
	for _, fl := range append(SurveyTopFields(), SurveyNegativeFields()...) {
		if key, ok := e.Form.Errors[fl.Name]; ok {
			seen[fl.Name] = true
			items = append(items, h.Li(h.A(h.Href("#f-"+fl.Name), g.Text(f.T(fl.Label)+": "+f.T(key)))))
		}
	}
	n := 0
	for i, p := range e.Pages {
		if key, ok := e.Form.Errors[p.ID]; ok && p.ID != "" {
			seen[p.ID] = true
			items = append(items, h.Li(h.A(h.Href("#page-"+strconv.Itoa(i)), g.Text(f.T("survey.editor.page_n", i+1)+": "+f.T(key)))))
		}
		for _, q := range p.Questions {
			n++
			if key, ok := e.Form.Errors[q.ID]; ok && q.ID != "" {
				seen[q.ID] = true
				items = append(items, h.Li(h.A(h.Href("#q-"+q.ID), g.Text(f.T("survey.editor.question_n", n)+": "+f.T(key)))))
			}
		}
	}
	for _, name := range e.Form.Errors.Names() {
		if !seen[name] {
			items = append(items, h.Li(g.Text(f.T(e.Form.Errors[name]))))
		}
	}
	return h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"),
		h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(items...))
}

// SurveyEditorPage is the template editor. It works without JavaScript: every button
// posts the whole form; Save stores it, the others (add, move, delete) change the work
// in progress and show it again, unsaved.
func SurveyEditorPage(f Frame, e SurveyEditor) g.Node {
	t := e.T
	title := f.T("survey.editor.title", surveyTemplateName(f, t))
	action := "/surveys/" + id64(t.ID) + "/edit"
	var notice g.Node
	draftNewer := len(e.Versions) > 0 && e.Versions[0].ID != t.ID && e.Versions[0].Status == app.TemplateDraft
	switch {
	case !e.Editable:
		notice = h.P(h.Class("notice"), g.Text(f.T("survey.editor.read_only")))
	case draftNewer:
		notice = h.P(h.Class("notice"), g.Text(f.T("survey.editor.draft_exists", e.Versions[0].Version)+" "),
			h.A(h.Href("/surveys/"+id64(e.Versions[0].ID)+"/edit"), g.Text(f.T("survey.editor.edit_draft"))))
	case t.Status == app.TemplateDraft && t.Responses == 0:
		notice = h.P(h.Class("notice"), g.Text(f.T("survey.editor.is_draft")))
	default:
		next := t.Version + 1
		if len(e.Versions) > 0 {
			next = e.Versions[0].Version + 1
		}
		notice = h.P(h.Class("notice notice-warn"), g.Text(f.T("survey.editor.new_version", t.Version, t.Responses, next)))
	}
	var pages []g.Node
	qn := 0
	for i, p := range e.Pages {
		pages = append(pages, editorPageCard(f, e, i, p, &qn, action))
	}
	body := []g.Node{
		editorErrorSummary(f, e),
		h.Section(h.Class("card"),
			h.H2(g.Text(f.T("survey.editor.general"))),
			g.Map(SurveyTopFields(), func(fl Field) g.Node { return fl.render(f, e.Form) }),
		),
		h.Section(h.Class("card"),
			h.H2(g.Text(f.T("survey.editor.negative"))),
			h.P(h.Class("help"), g.Text(f.T("survey.help.negative"))),
			g.Map(SurveyNegativeFields(), func(fl Field) g.Node { return fl.render(f, e.Form) }),
		),
		h.Input(h.Type("hidden"), h.Name("pages"), h.Value(strconv.Itoa(len(e.Pages)))),
		g.Group(pages),
	}
	var form g.Node
	if e.Editable {
		save := h.Button(h.Type("submit"), h.Name("op"), h.Value("save"), h.Class("btn btn-primary"), g.Text(f.T("survey.editor.save")))
		form = h.Form(h.Class("form form-wide survey-editor"), h.Method("post"), h.Action(action), g.Attr("novalidate"),
			// The first submit button is the one Enter presses: Save, never a move or delete.
			h.Div(h.Class("form-actions editor-top"), save),
			g.Group(body),
			h.Div(h.Class("form-actions"),
				h.Button(h.Type("submit"), h.Name("op"), h.Value("addpage"), h.Class("btn"), g.Attr("formaction", action+"#page-"+strconv.Itoa(len(e.Pages))),
					g.Text(f.T("survey.editor.add_page"))),
				save),
		)
	} else {
		form = h.Form(h.Class("form form-wide survey-editor"), h.FieldSet(h.Disabled(), h.Class("plain"), g.Group(body)))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/surveys/"+id64(t.Family)), g.Text(f.T("survey.results")))),
		h.P(h.Class("muted"), g.Text(surveyKindName(f, t.Kind)+" · "+surveyScopeName(f, t.HospitalID)+" · "+f.T("survey.version_n", t.Version)+" · "),
			surveyStatusBadge(f, t.Status)),
		notice,
		g.If(e.Unsaved, h.P(h.Class("notice notice-warn"), h.Role("status"), g.Text(f.T("survey.editor.unsaved")))),
		form,
		surveyVersionsCard(f, e),
	)
}

// editorEarlierQuestions lists the ids of the questions before page i, question j, for the
// condition choices (a condition points at an earlier question).
func editorEarlierQuestions(f Frame, pages []EditorPage, i, j int) []Option {
	var out []Option
	for pi, p := range pages {
		for qj, q := range p.Questions {
			if pi > i || (pi == i && qj >= j) {
				return out
			}
			label := q.ID
			if text := app.Name(f.Lang, q.TextEN, q.TextAR); text != "" {
				label += " · " + surveyTruncate(text, 60)
			}
			out = append(out, Option{q.ID, label})
		}
	}
	return out
}

// surveyErrClass adds the error class to class when hasErr.
func surveyErrClass(class string, hasErr bool) string {
	if hasErr {
		return class + " has-error"
	}
	return class
}

func surveyTruncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// editorConditionFields renders a "show only when" rule in a details element (open when set).
func editorConditionFields(f Frame, prefix string, c EditorCondition, earlier []Option) g.Node {
	qOpts := []g.Node{h.Option(h.Value(""), g.Text(f.T("survey.editor.always")))}
	for _, o := range earlier {
		qOpts = append(qOpts, h.Option(h.Value(o.Value), g.If(c.Question == o.Value, h.Selected()), g.Text(o.Label)))
	}
	var ops []g.Node
	for _, op := range []string{"eq", "lte", "gte"} {
		ops = append(ops, h.Option(h.Value(op), g.If(c.Op == op, h.Selected()), g.Text(f.T("survey.op."+op))))
	}
	return h.Details(h.Class("condition"), g.If(c.Question != "", g.Attr("open")),
		h.Summary(g.Text(f.T("survey.editor.condition"))),
		h.Div(h.Class("field-row"),
			h.Div(h.Class("field"), h.Label(h.For("f-"+prefix+"cond_q"), g.Text(f.T("survey.field.cond_question"))),
				h.Select(h.ID("f-"+prefix+"cond_q"), h.Name(prefix+"cond_q"), g.Group(qOpts))),
			h.Div(h.Class("field"), h.Label(h.For("f-"+prefix+"cond_op"), g.Text(f.T("survey.field.cond_op"))),
				h.Select(h.ID("f-"+prefix+"cond_op"), h.Name(prefix+"cond_op"), g.Group(ops))),
			h.Div(h.Class("field"), h.Label(h.For("f-"+prefix+"cond_values"), g.Text(f.T("survey.field.cond_values"))),
				h.Input(h.ID("f-"+prefix+"cond_values"), h.Name(prefix+"cond_values"), h.Dir("ltr"), h.Value(c.Values)),
				h.P(h.Class("help"), g.Text(f.T("survey.help.cond_values")))),
		))
}

func editorText(id, name, label, value, dir string, f Frame) g.Node {
	return h.Div(h.Class("field"), h.Label(h.For(id), g.Text(f.T(label))),
		h.Input(h.ID(id), h.Name(name), h.Value(value), g.If(dir != "", h.Dir(dir))))
}

func editorPageCard(f Frame, e SurveyEditor, i int, p EditorPage, qn *int, action string) g.Node {
	prefix := PageField(i, "")
	errKey, hasErr := e.Form.Errors[p.ID]
	var qs []g.Node
	for j, q := range p.Questions {
		*qn++
		qs = append(qs, editorQuestionCard(f, e, i, j, q, *qn, action))
	}
	// What "add question" offers: a blank question of each type, or one from the bank.
	add := []g.Node{}
	var blank, bank []g.Node
	for _, t := range app.QuestionTypes {
		blank = append(blank, h.Option(h.Value("type:"+string(t)), g.Text(f.T("survey.type."+string(t)))))
	}
	for _, b := range app.QuestionBank {
		bank = append(bank, h.Option(h.Value("bank:"+b.Bank), g.Text(surveyTruncate(surveyQuestionText(f, b), 70))))
	}
	add = append(add, g.El("optgroup", g.Attr("label", f.T("survey.editor.blank_question")), g.Group(blank)),
		g.El("optgroup", g.Attr("label", f.T("survey.editor.question_bank")), g.Group(bank)))
	n := strconv.Itoa(i)
	anchor := action + "#page-" + n
	return h.Section(h.Class(surveyErrClass("card editor-page", hasErr)), h.ID("page-"+n), h.Aria("labelledby", "page-"+n+"-title"),
		h.H2(h.ID("page-"+n+"-title"), g.Text(f.T("survey.editor.page_n", i+1))),
		g.If(hasErr, h.P(h.Class("field-error"), h.Role("alert"), g.Text(f.T(errKey)))),
		h.Input(h.Type("hidden"), h.Name(prefix+"id"), h.Value(p.ID)),
		h.Input(h.Type("hidden"), h.Name(prefix+"n"), h.Value(strconv.Itoa(len(p.Questions)))),
		h.Div(h.Class("field-row"),
			editorText("f-"+prefix+"title_en", prefix+"title_en", "survey.field.page_title_en", p.TitleEN, "ltr", f),
			editorText("f-"+prefix+"title_ar", prefix+"title_ar", "survey.field.page_title_ar", p.TitleAR, "rtl", f)),
		editorConditionFields(f, prefix, p.Cond, editorEarlierQuestions(f, e.Pages, i, 0)),
		g.If(len(qs) == 0, h.P(h.Class("empty"), g.Text(f.T("survey.editor.no_questions")))),
		g.Group(qs),
		g.If(e.Editable, h.Div(h.Class("editor-add"),
			h.Div(h.Class("field"), h.Label(h.For("f-"+prefix+"add"), g.Text(f.T("survey.editor.add_which"))),
				h.Select(h.ID("f-"+prefix+"add"), h.Name(prefix+"add"), g.Group(add))),
			h.Button(h.Type("submit"), h.Name("op"), h.Value("add:"+n), h.Class("btn"), g.Attr("formaction", anchor),
				g.Text(f.T("survey.editor.add_question"))),
			h.Span(h.Class("editor-page-actions"),
				g.If(i > 0, editorOpButton(f, "pageup:"+n, anchor, "survey.editor.page_up", i+1)),
				g.If(i < len(e.Pages)-1, editorOpButton(f, "pagedown:"+n, anchor, "survey.editor.page_down", i+1)),
				editorOpButton(f, "delpage:"+n, action, "survey.editor.delete_page", i+1)),
		)),
	)
}

// editorOpButton is a small button that changes the work in progress; its visible label is
// short, its accessible name says which page or question it acts on.
func editorOpButton(f Frame, op, formAction, key string, n int) g.Node {
	class := "btn btn-small"
	if strings.HasPrefix(op, "del") {
		class += " btn-danger"
	}
	return h.Button(h.Type("submit"), h.Name("op"), h.Value(op), h.Class(class), g.Attr("formaction", formAction),
		h.Aria("label", f.T(key+"_n", n)), g.Text(f.T(key)))
}

func editorQuestionCard(f Frame, e SurveyEditor, i, j int, q EditorQuestion, n int, action string) g.Node {
	name := func(s string) string { return QuestionField(i, j, s) }
	errKey, hasErr := e.Form.Errors[q.ID]
	errID := "q-" + q.ID + "-error"
	var types []g.Node
	for _, t := range app.QuestionTypes {
		types = append(types, h.Option(h.Value(string(t)), g.If(q.Type == t, h.Selected()), g.Text(f.T("survey.type."+string(t)))))
	}
	check := func(field, label string, on bool) g.Node {
		return h.Label(h.Class("check"), h.Input(h.Type("checkbox"), h.ID("f-"+name(field)), h.Name(name(field)), h.Value("1"),
			g.If(on, h.Checked())), g.Text(f.T(label)))
	}
	anchor := action + "#q-" + q.ID
	if j == 0 && i > 0 || j == len(e.Pages[i].Questions)-1 && i < len(e.Pages)-1 {
		anchor = action + "#page-" + strconv.Itoa(i) // it may move to the next or previous page
	}
	first := i == 0 && j == 0
	last := i == len(e.Pages)-1 && j == len(e.Pages[i].Questions)-1
	ref := strconv.Itoa(i) + ":" + strconv.Itoa(j)
	choice := q.Type == app.QSingle || q.Type == app.QMultiple
	return h.FieldSet(h.Class(surveyErrClass("editor-question", hasErr)), h.ID("q-"+q.ID),
		g.If(hasErr, h.Aria("describedby", errID)),
		h.Legend(g.Text(f.T("survey.editor.question_n", n)+" "), h.Span(h.Class("muted small"), ltr(q.ID)),
			g.If(q.Bank != "", h.Span(h.Class("badge badge-muted"), g.Text(f.T("survey.editor.from_bank"))))),
		g.If(hasErr, h.P(h.ID(errID), h.Class("field-error"), h.Role("alert"), g.Text(f.T(errKey)))),
		h.Input(h.Type("hidden"), h.Name(name("id")), h.Value(q.ID)),
		h.Input(h.Type("hidden"), h.Name(name("bank")), h.Value(q.Bank)),
		h.Div(h.Class("field-row"),
			h.Div(h.Class("field"), h.Label(h.For("f-"+name("type")), g.Text(f.T("survey.field.type"))),
				h.Select(h.ID("f-"+name("type")), h.Name(name("type")), g.Group(types))),
			h.Div(h.Class("field checks"),
				check("required", "survey.field.required", q.Required),
				check("scored", "survey.field.scored", q.Scored),
				check("flagged", "survey.field.flagged", q.Flagged))),
		editorText("f-"+name("text_en"), name("text_en"), "survey.field.text_en", q.TextEN, "ltr", f),
		editorText("f-"+name("text_ar"), name("text_ar"), "survey.field.text_ar", q.TextAR, "rtl", f),
		// Choices only matter for choice questions; elsewhere they stay folded away (and kept).
		h.Details(h.Class("condition"), g.If(choice || strings.TrimSpace(q.Options) != "", g.Attr("open")),
			h.Summary(g.Text(f.T("survey.field.options"))),
			h.Div(h.Class("field"), h.Label(h.For("f-"+name("options")), h.Class("visually-hidden"), g.Text(f.T("survey.field.options"))),
				h.Textarea(h.ID("f-"+name("options")), h.Name(name("options")), h.Rows(strconv.Itoa(max(3, strings.Count(q.Options, "\n")+2))),
					h.Dir("auto"), h.Aria("describedby", "f-"+name("options")+"-help"), g.Text(q.Options)),
				h.P(h.ID("f-"+name("options")+"-help"), h.Class("help"), g.Text(f.T("survey.help.options"))))),
		editorConditionFields(f, name(""), q.Cond, editorEarlierQuestions(f, e.Pages, i, j)),
		g.If(e.Editable, h.Div(h.Class("editor-question-actions"),
			g.If(!first, editorOpButton(f, "up:"+ref, anchor, "survey.editor.move_up", n)),
			g.If(!last, editorOpButton(f, "down:"+ref, anchor, "survey.editor.move_down", n)),
			editorOpButton(f, "del:"+ref, action+"#page-"+strconv.Itoa(i), "survey.editor.delete", n))),
	)
}

// surveyVersionsCard lists the family's versions with Publish and Archive.
func surveyVersionsCard(f Frame, e SurveyEditor) g.Node {
	if len(e.Versions) == 0 {
		return nil
	}
	var rows []g.Node
	for _, v := range e.Versions {
		var actions []g.Node
		if e.Editable {
			if v.Status != app.TemplateActive {
				actions = append(actions, h.Form(h.Class("inline"), h.Method("post"), h.Action("/surveys/"+id64(v.ID)+"/publish"),
					h.Button(h.Type("submit"), h.Class("btn btn-small btn-primary"), h.Aria("label", f.T("survey.publish_n", v.Version)),
						g.Text(f.T("survey.publish")))))
			}
			if v.Status != app.TemplateArchived {
				actions = append(actions, h.Form(h.Class("inline"), h.Method("post"), h.Action("/surveys/"+id64(v.ID)+"/archive"),
					h.Button(h.Type("submit"), h.Class("btn btn-small"), h.Aria("label", f.T("survey.archive_n", v.Version)),
						g.Text(f.T("survey.archive")))))
			}
		}
		current := v.ID == e.T.ID
		rows = append(rows, h.Tr(
			h.Th(h.Scope("row"), g.If(current, g.Text(f.T("survey.version_n", v.Version))),
				g.If(!current, h.A(h.Href("/surveys/"+id64(v.ID)+"/edit"), g.Text(f.T("survey.version_n", v.Version))))),
			h.Td(surveyStatusBadge(f, v.Status)),
			h.Td(h.Class("num"), g.Text(strconv.Itoa(v.Responses))),
			h.Td(f.DateTime(v.UpdatedAt)),
			h.Td(h.Span(h.Class("actions-inline"), g.Group(actions))),
		))
	}
	return h.Section(h.Class("card"), h.ID("versions"),
		h.H2(g.Text(f.T("survey.versions"))),
		h.P(h.Class("help"), g.Text(f.T("survey.versions_help"))),
		h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.THead(h.Tr(
				h.Th(h.Scope("col"), g.Text(f.T("survey.field.version"))),
				h.Th(h.Scope("col"), g.Text(f.T("field.status"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.field.responses"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.field.updated"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.field.actions"))))),
			h.TBody(rows...))),
	)
}
