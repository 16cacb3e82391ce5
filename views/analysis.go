package views

import (
	"fmt"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/store"
)

// AnalysisCard shows a record's text analysis: sentiment, topics, emotions, keywords,
// and the language model's summary and suggestion when there are any.
func AnalysisCard(f Frame, a store.AnalysisRow) g.Node {
	names := func(prefix string, list []string) g.Node {
		return g.Map(list, func(s string) g.Node { return h.Span(h.Class("chip"), g.Text(f.T(prefix+s))) })
	}
	return h.Section(h.Class("card analysis"), h.Aria("labelledby", "analysis-h"),
		h.H2(h.ID("analysis-h"), g.Text(f.T("analysis.title"))),
		h.P(h.Span(h.Class("badge sentiment-"+a.Label), g.Text(f.T("analysis.label."+a.Label))),
			g.Text(" "), h.Span(h.Class("muted"), g.Text(fmt.Sprintf(f.T("analysis.confidence"), a.Confidence*100)))),
		g.If(len(a.Topics) > 0, h.P(h.Strong(g.Text(f.T("analysis.topics"))), g.Text(" "), names("analysis.topic.", a.Topics))),
		g.If(len(a.Emotions) > 0, h.P(h.Strong(g.Text(f.T("analysis.emotions"))), g.Text(" "), names("analysis.emotion.", a.Emotions))),
		g.If(len(a.Keywords) > 0, h.P(h.Strong(g.Text(f.T("analysis.keywords"))), g.Text(" "),
			g.Map(a.Keywords, func(k string) g.Node { return h.Span(h.Class("chip"), h.Lang(a.Lang), g.Text(k)) }))),
		g.If(a.Summary != "", h.P(h.Strong(g.Text(f.T("analysis.summary"))), g.Text(" "), g.Text(a.Summary))),
		g.If(a.Suggestion != "", h.P(h.Strong(g.Text(f.T("analysis.suggestion"))), g.Text(" "), g.Text(a.Suggestion))),
		h.P(h.Class("help"), g.Text(f.T("analysis.engine."+a.Engine))),
	)
}

// InsightsPage shows how the analysed comments of the user's hospitals divide by
// sentiment, per kind of record.
func InsightsPage(f Frame, counts []store.SentimentCount) g.Node {
	type row struct {
		kind                        string
		positive, neutral, negative int
	}
	var rows []*row
	byKind := map[string]*row{}
	for _, c := range counts {
		r, ok := byKind[c.RecordType]
		if !ok {
			r = &row{kind: c.RecordType}
			byKind[c.RecordType] = r
			rows = append(rows, r)
		}
		switch c.Label {
		case "positive":
			r.positive = c.Count
		case "neutral":
			r.neutral = c.Count
		case "negative":
			r.negative = c.Count
		}
	}
	body := []g.Node{pageHeader(f.T("analysis.insights"))}
	if len(rows) == 0 {
		body = append(body, h.P(h.Class("empty"), g.Text(f.T("analysis.none"))))
	} else {
		body = append(body, h.Table(h.Class("table"),
			h.THead(h.Tr(h.Th(g.Text(f.T("analysis.record_type"))), h.Th(g.Text(f.T("analysis.label.positive"))),
				h.Th(g.Text(f.T("analysis.label.neutral"))), h.Th(g.Text(f.T("analysis.label.negative"))), h.Th(g.Text(f.T("analysis.negative_share"))))),
			h.TBody(g.Map(rows, func(r *row) g.Node {
				total := r.positive + r.neutral + r.negative
				share := 0.0
				if total > 0 {
					share = float64(r.negative) * 100 / float64(total)
				}
				return h.Tr(h.Td(g.Text(f.T("analysis.kind."+r.kind))), h.Td(g.Text(fmt.Sprint(r.positive))),
					h.Td(g.Text(fmt.Sprint(r.neutral))), h.Td(g.Text(fmt.Sprint(r.negative))), h.Td(g.Text(fmt.Sprintf("%.0f%%", share))))
			}))))
	}
	return Page(f, f.T("analysis.insights"), body...)
}

// LLMPage is the language-model settings form; the key is never shown back.
func LLMPage(f Frame, form Form, keySet bool) g.Node {
	keyHelp := "analysis.llm.key_help"
	if keySet {
		keyHelp = "analysis.llm.key_set"
	}
	return Page(f, f.T("analysis.llm.title"),
		pageHeader(f.T("analysis.llm.title")),
		h.P(g.Text(f.T("analysis.llm.intro"))),
		FormView(f, "/admin/analysis", "form.save", form, []Field{
			{Name: "enabled", Label: "analysis.llm.enabled", Kind: "checkbox"},
			{Name: "url", Label: "analysis.llm.url", Dir: "ltr", Help: "analysis.llm.url_help"},
			{Name: "model", Label: "analysis.llm.model", Dir: "ltr"},
			{Name: "key", Label: "analysis.llm.key", Kind: "password", Dir: "ltr", Help: keyHelp, Auto: "off"},
			{Name: "timeout", Label: "analysis.llm.timeout", Kind: "number", Dir: "ltr"},
		}),
	)
}
