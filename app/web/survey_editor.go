package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"px360/app"
	"px360/app/surveys"
	"px360/views"
)

// Editor bounds: what a posted editor form may hold (the service checks the real limits).
const (
	maxEditorPages     = 50
	maxEditorQuestions = 200
	maxQuestionText    = 1000
)

// editorPages turns a definition into the editor's work in progress.
func editorPages(def app.SurveyDefinition) []views.EditorPage {
	out := make([]views.EditorPage, 0, len(def.Sections))
	for _, p := range def.Sections {
		ep := views.EditorPage{ID: p.ID, TitleEN: p.TitleEN, TitleAR: p.TitleAR, Cond: editorCondition(p.ShowIf)}
		for _, q := range p.Questions {
			var lines []string
			for _, o := range q.Options {
				line := o.Value + " | " + o.LabelEN + " | " + o.LabelAR
				if o.Score != nil {
					line += " | " + strconv.Itoa(*o.Score)
				}
				lines = append(lines, line)
			}
			ep.Questions = append(ep.Questions, views.EditorQuestion{ID: q.ID, Type: q.Type, TextEN: q.TextEN, TextAR: q.TextAR,
				Required: q.Required, Scored: q.Scored, Flagged: q.Flagged, Bank: q.Bank, Options: strings.Join(lines, "\n"),
				Cond: editorCondition(q.ShowIf)})
		}
		out = append(out, ep)
	}
	return out
}

func editorCondition(c *app.Condition) views.EditorCondition {
	if c == nil {
		return views.EditorCondition{Op: "eq"}
	}
	return views.EditorCondition{Question: c.Question, Op: c.Op, Values: strings.Join(c.Values, ", ")}
}

// editorValues are the template-wide fields of a template.
func editorValues(t app.SurveyTemplate) url.Values {
	v := url.Values{"name_en": {t.NameEN}, "name_ar": {t.NameAR}, "intro_en": {t.Def.IntroEN}, "intro_ar": {t.Def.IntroAR},
		"reminder_hours": {strconv.Itoa(t.ReminderHours)}, "expiry_days": {strconv.Itoa(t.ExpiryDays)}}
	n := t.Def.Negative
	if n.ScoreBelow > 0 {
		v.Set("neg_score_below", strconv.FormatFloat(n.ScoreBelow, 'f', -1, 64))
	}
	if n.NPSAtMost != nil {
		v.Set("neg_nps_at_most", strconv.Itoa(*n.NPSAtMost))
	}
	if n.FlaggedAtMost > 0 {
		v.Set("neg_flagged_at_most", strconv.Itoa(n.FlaggedAtMost))
	}
	return v
}

func editorCount(s string, hi int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, hi)
}

// editorFromForm reads the work in progress from a posted editor form.
func editorFromForm(form url.Values) []views.EditorPage {
	cond := func(prefix string) views.EditorCondition {
		return views.EditorCondition{Question: strings.TrimSpace(form.Get(prefix + "cond_q")), Op: form.Get(prefix + "cond_op"),
			Values: form.Get(prefix + "cond_values")}
	}
	var out []views.EditorPage
	total := 0
	for i := range editorCount(form.Get("pages"), maxEditorPages) {
		prefix := views.PageField(i, "")
		p := views.EditorPage{ID: strings.TrimSpace(form.Get(prefix + "id")), TitleEN: form.Get(prefix + "title_en"),
			TitleAR: form.Get(prefix + "title_ar"), Cond: cond(prefix)}
		for j := range editorCount(form.Get(prefix+"n"), maxEditorQuestions) {
			if total >= maxEditorQuestions {
				break
			}
			total++
			name := func(s string) string { return views.QuestionField(i, j, s) }
			p.Questions = append(p.Questions, views.EditorQuestion{ID: strings.TrimSpace(form.Get(name("id"))),
				Type: app.QuestionType(form.Get(name("type"))), TextEN: form.Get(name("text_en")), TextAR: form.Get(name("text_ar")),
				Required: form.Get(name("required")) != "", Scored: form.Get(name("scored")) != "", Flagged: form.Get(name("flagged")) != "",
				Bank: strings.TrimSpace(form.Get(name("bank"))), Options: form.Get(name("options")), Cond: cond(views.QuestionField(i, j, ""))})
		}
		out = append(out, p)
	}
	return out
}

// parseSurveyOptions reads choice options, one per line: value | English | Arabic | score
// (score optional, 0–100).
func parseSurveyOptions(text string) ([]app.Option, bool) {
	var out []app.Option
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if len(parts) < 3 || len(parts) > 4 || parts[0] == "" || (parts[1] == "" && parts[2] == "") || len(parts[0]) > 40 ||
			strings.ContainsAny(parts[0], " ,;") {
			return nil, false
		}
		o := app.Option{Value: parts[0], LabelEN: parts[1], LabelAR: parts[2]}
		if len(parts) == 4 && parts[3] != "" {
			n, err := strconv.Atoi(parts[3])
			if err != nil || n < 0 || n > 100 {
				return nil, false
			}
			o.Score = &n
		}
		if slices.ContainsFunc(out, func(x app.Option) bool { return x.Value == o.Value }) {
			return nil, false
		}
		out = append(out, o)
	}
	return out, true
}

// editorShowIf reads a "show only when" rule; errors go on key.
func editorShowIf(c views.EditorCondition, key string, fe app.FieldErrors) *app.Condition {
	if c.Question == "" {
		return nil
	}
	if c.Op != "eq" && c.Op != "lte" && c.Op != "gte" {
		fe.Add(key, "err.choose_option")
		return nil
	}
	var vals []string
	for v := range strings.SplitSeq(c.Values, ",") {
		if v = strings.TrimSpace(digitFolder.Replace(v)); v != "" {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		fe.Add(key, "err.survey_condition_values")
		return nil
	}
	if c.Op != "eq" {
		if _, err := strconv.Atoi(vals[0]); err != nil || len(vals) != 1 {
			fe.Add(key, "err.survey_condition_number")
			return nil
		}
	}
	return &app.Condition{Question: c.Question, Op: c.Op, Values: vals}
}

// editorTemplate builds the template the form describes; what cannot be read goes to fe
// (keyed by field, page or question id).
func editorTemplate(form url.Values, pages []views.EditorPage, fe app.FieldErrors) app.SurveyTemplate {
	t := app.SurveyTemplate{NameEN: form.Get("name_en"), NameAR: form.Get("name_ar")}
	t.ReminderHours = surveyInt(form, "reminder_hours", fe, true)
	t.ExpiryDays = surveyInt(form, "expiry_days", fe, true)
	t.Def.IntroEN = app.OptionalText(fe, "intro_en", form.Get("intro_en"), 2000)
	t.Def.IntroAR = app.OptionalText(fe, "intro_ar", form.Get("intro_ar"), 2000)
	if v := hoursField(form, "neg_score_below", fe, false); v < 0 || v > 100 {
		fe.Add("neg_score_below", "err.number_range")
	} else {
		t.Def.Negative.ScoreBelow = v
	}
	if strings.TrimSpace(form.Get("neg_nps_at_most")) != "" {
		if v := surveyInt(form, "neg_nps_at_most", fe, true); v < 0 || v > 10 {
			fe.Add("neg_nps_at_most", "err.number_range")
		} else {
			t.Def.Negative.NPSAtMost = &v
		}
	}
	if v := surveyInt(form, "neg_flagged_at_most", fe, false); v < 0 || v > 5 {
		fe.Add("neg_flagged_at_most", "err.number_range")
	} else {
		t.Def.Negative.FlaggedAtMost = v
	}
	for _, p := range pages {
		sp := app.SurveyPage{ID: p.ID, TitleEN: strings.TrimSpace(p.TitleEN), TitleAR: strings.TrimSpace(p.TitleAR),
			ShowIf: editorShowIf(p.Cond, p.ID, fe)}
		for _, eq := range p.Questions {
			q := app.Question{ID: eq.ID, Type: eq.Type, TextEN: strings.TrimSpace(eq.TextEN), TextAR: strings.TrimSpace(eq.TextAR),
				Required: eq.Required, Scored: eq.Scored, Flagged: eq.Flagged, Bank: eq.Bank, ShowIf: editorShowIf(eq.Cond, eq.ID, fe)}
			if utf8.RuneCountInString(q.TextEN) > maxQuestionText || utf8.RuneCountInString(q.TextAR) > maxQuestionText {
				fe.Add(q.ID, "err.too_long")
			}
			if q.Type == app.QSingle || q.Type == app.QMultiple {
				opts, ok := parseSurveyOptions(eq.Options)
				if !ok {
					fe.Add(q.ID, "err.survey_option_line")
				}
				q.Options = opts
			}
			sp.Questions = append(sp.Questions, q)
		}
		t.Def.Sections = append(t.Def.Sections, sp)
	}
	return t
}

// surveyInt reads a whole number; empty is 0, or a field error when required.
func surveyInt(form url.Values, name string, fe app.FieldErrors, required bool) int {
	v := strings.TrimSpace(digitFolder.Replace(form.Get(name)))
	if v == "" {
		if required {
			fe.Add(name, "err.required")
		}
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fe.Add(name, "err.number_invalid")
	}
	return n
}

// newEditorID returns the first prefix+n not used by a page or question.
func newEditorID(pages []views.EditorPage, prefix string) string {
	used := map[string]bool{}
	for _, p := range pages {
		used[p.ID] = true
		for _, q := range p.Questions {
			used[q.ID] = true
		}
	}
	for n := 1; ; n++ {
		if id := prefix + strconv.Itoa(n); !used[id] {
			return id
		}
	}
}

// uniqueEditorID returns id, or id_2, id_3 … when it is taken.
func uniqueEditorID(pages []views.EditorPage, id string) string {
	taken := func(x string) bool {
		for _, p := range pages {
			if p.ID == x || slices.ContainsFunc(p.Questions, func(q views.EditorQuestion) bool { return q.ID == x }) {
				return true
			}
		}
		return false
	}
	out := id
	for n := 2; taken(out); n++ {
		out = fmt.Sprintf("%s_%d", id, n)
	}
	return out
}

// applyEditorOp changes the work in progress as a button asked: add, move or delete a
// question or a page. It reports whether op was one of these.
func applyEditorOp(pages []views.EditorPage, op string, form url.Values) ([]views.EditorPage, bool) {
	verb, arg, _ := strings.Cut(op, ":")
	is, js, _ := strings.Cut(arg, ":")
	i, err1 := strconv.Atoi(is)
	j, err2 := strconv.Atoi(js)
	pageOK := err1 == nil && i >= 0 && i < len(pages)
	questionOK := pageOK && err2 == nil && j >= 0 && j < len(pages[i].Questions)
	switch {
	case verb == "addpage":
		return append(pages, views.EditorPage{ID: newEditorID(pages, "p"), Cond: views.EditorCondition{Op: "eq"}}), true
	case verb == "add" && pageOK:
		choice := form.Get(views.PageField(i, "add"))
		kind, key, _ := strings.Cut(choice, ":")
		var q views.EditorQuestion
		switch {
		case kind == "bank":
			b, ok := app.BankQuestion(key)
			if !ok {
				return pages, true
			}
			q = editorPages(app.SurveyDefinition{Sections: []app.SurveyPage{{Questions: []app.Question{b}}}})[0].Questions[0]
			q.ID = uniqueEditorID(pages, b.ID)
		case kind == "type" && app.QuestionType(key).Valid():
			t := app.QuestionType(key)
			q = views.EditorQuestion{ID: newEditorID(pages, "q"), Type: t, Required: true,
				Scored: t == app.QRating || t == app.QLikert || t == app.QYesNo, Cond: views.EditorCondition{Op: "eq"}}
		default:
			return pages, true
		}
		if len(pages[i].Questions) < maxEditorQuestions {
			pages[i].Questions = append(pages[i].Questions, q)
		}
		return pages, true
	case verb == "del" && questionOK:
		pages[i].Questions = slices.Delete(pages[i].Questions, j, j+1)
		return pages, true
	case verb == "up" && questionOK:
		q := pages[i].Questions[j]
		switch {
		case j > 0:
			pages[i].Questions[j-1], pages[i].Questions[j] = q, pages[i].Questions[j-1]
		case i > 0: // to the end of the previous page
			pages[i].Questions = slices.Delete(pages[i].Questions, 0, 1)
			pages[i-1].Questions = append(pages[i-1].Questions, q)
		}
		return pages, true
	case verb == "down" && questionOK:
		q := pages[i].Questions[j]
		switch {
		case j < len(pages[i].Questions)-1:
			pages[i].Questions[j+1], pages[i].Questions[j] = q, pages[i].Questions[j+1]
		case i < len(pages)-1: // to the start of the next page
			pages[i].Questions = slices.Delete(pages[i].Questions, j, j+1)
			pages[i+1].Questions = slices.Insert(pages[i+1].Questions, 0, q)
		}
		return pages, true
	case verb == "delpage" && pageOK:
		return slices.Delete(pages, i, i+1), true
	case verb == "pageup" && pageOK && i > 0:
		pages[i-1], pages[i] = pages[i], pages[i-1]
		return pages, true
	case verb == "pagedown" && pageOK && i < len(pages)-1:
		pages[i+1], pages[i] = pages[i], pages[i+1]
		return pages, true
	}
	return pages, verb != "save" && verb != ""
}

// surveyEditorView loads what the editor shows besides the work in progress.
func (s *Server) surveyEditorView(r *http.Request, t app.SurveyTemplate, pages []views.EditorPage, form views.Form, unsaved bool) (views.SurveyEditor, error) {
	by := principal(r)
	versions, err := s.surveys.Versions(r.Context(), by, t.ID)
	if err != nil {
		return views.SurveyEditor{}, err
	}
	return views.SurveyEditor{T: t, Versions: versions, Pages: pages, Form: form, Unsaved: unsaved,
		Editable: surveys.CanEdit(by, t.HospitalID)}, nil
}

func (s *Server) surveyEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.surveys.Template(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.surveyEditorView(r, t, editorPages(t.Def), views.Form{Values: editorValues(t)}, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SurveyEditorPage(s.frame(r), e))
}

// editableTemplate loads the template of a change route. A template the user may see
// but not change (a hospital admin and a group-wide template) is answered by going back
// to its read-only editor with a message; ok is false then, or on any other error.
func (s *Server) editableTemplate(w http.ResponseWriter, r *http.Request) (app.SurveyTemplate, url.Values, bool) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return app.SurveyTemplate{}, nil, false
	}
	by := principal(r)
	t, err := s.surveys.Template(r.Context(), by, id)
	if err != nil {
		s.fail(w, r, err)
		return t, nil, false
	}
	if !surveys.CanEdit(by, t.HospitalID) {
		s.flash(r, "survey.flash.read_only")
		http.Redirect(w, r, "/surveys/"+idString(t.ID)+"/edit", http.StatusSeeOther)
		return t, nil, false
	}
	return t, form, true
}

func (s *Server) surveyEditSave(w http.ResponseWriter, r *http.Request) {
	t, form, ok := s.editableTemplate(w, r)
	if !ok {
		return
	}
	pages := editorFromForm(form)
	top := url.Values{}
	for _, fl := range append(views.SurveyTopFields(), views.SurveyNegativeFields()...) {
		top.Set(fl.Name, form.Get(fl.Name))
	}
	show := func(status int, pages []views.EditorPage, errs app.FieldErrors, unsaved bool) {
		e, err := s.surveyEditorView(r, t, pages, views.Form{Values: top, Errors: errs}, unsaved)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, views.SurveyEditorPage(s.frame(r), e))
	}
	if next, changed := applyEditorOp(pages, form.Get("op"), form); changed {
		show(http.StatusOK, next, nil, true)
		return
	}
	fe := app.FieldErrors{}
	in := editorTemplate(form, pages, fe)
	var out app.SurveyTemplate
	err := submit(fe, func() error {
		var err error
		out, err = s.surveys.Update(r.Context(), principal(r), t.ID, in)
		return err
	})
	switch {
	case formError(err):
		show(http.StatusUnprocessableEntity, pages, app.Fields(err), true)
	case app.ErrorCode(err) == app.EConflict:
		show(http.StatusConflict, pages, app.FieldErrors{"_form": app.ErrorMessage(err)}, true)
	case err != nil:
		s.fail(w, r, err)
	case out.ID != t.ID:
		s.flash(r, "survey.flash.new_version")
		http.Redirect(w, r, "/surveys/"+idString(out.ID)+"/edit", http.StatusSeeOther)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/surveys/"+idString(t.ID)+"/edit", http.StatusSeeOther)
	}
}

func (s *Server) surveyPublish(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.editableTemplate(w, r)
	if !ok {
		return
	}
	if err := s.surveys.Publish(r.Context(), principal(r), t.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "survey.flash.published")
	http.Redirect(w, r, "/surveys/"+idString(t.ID)+"/edit", http.StatusSeeOther)
}

func (s *Server) surveyArchive(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.editableTemplate(w, r)
	if !ok {
		return
	}
	if err := s.surveys.Archive(r.Context(), principal(r), t.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "survey.flash.archived")
	http.Redirect(w, r, "/surveys/"+idString(t.ID)+"/edit", http.StatusSeeOther)
}
