package app

import (
	"slices"
	"testing"
)

func inpatient() SurveyDefinition { return DefaultSurveyTemplates()[0].Def }

func TestDefaultTemplatesAndBankAreValid(t *testing.T) {
	for _, tp := range DefaultSurveyTemplates() {
		if fe := tp.Def.Validate(); len(fe) != 0 {
			t.Errorf("%s: %v", tp.NameEN, fe)
		}
		if tp.NameAR == "" || tp.ExpiryDays == 0 {
			t.Errorf("%s: missing Arabic name or expiry", tp.NameEN)
		}
	}
	for _, q := range QuestionBank {
		if q.TextEN == "" || q.TextAR == "" || !q.Type.Valid() {
			t.Errorf("bank question %s incomplete", q.Bank)
		}
	}
}

func TestRoutingShowsFollowUpOnlyWhenTheAnswerMatches(t *testing.T) {
	d := inpatient()
	ids := func(a Answers) []string {
		var out []string
		for _, s := range d.Visible(a) {
			for _, q := range s.Questions {
				out = append(out, q.ID)
			}
		}
		return out
	}
	if slices.Contains(ids(Answers{"overall": {"4"}}), "what_wrong") {
		t.Error("follow-up shown for a good rating")
	}
	if !slices.Contains(ids(Answers{"overall": {"2"}}), "what_wrong") {
		t.Error("follow-up hidden for a low rating")
	}
	c := &Condition{Question: "nps", Op: "lte", Values: []string{"6"}}
	if !c.Matches(Answers{"nps": {"6"}}) || c.Matches(Answers{"nps": {"7"}}) || c.Matches(Answers{}) {
		t.Error("lte condition")
	}
	m := &Condition{Question: "m", Op: "eq", Values: []string{"b"}}
	if !m.Matches(Answers{"m": {"a", "b"}}) || m.Matches(Answers{"m": {"a"}}) {
		t.Error("eq on a multiple-choice answer")
	}
}

func TestCheckAnswers(t *testing.T) {
	qs := []Question{
		{ID: "r", Type: QRating, Required: true},
		{ID: "n", Type: QNPS},
		{ID: "s", Type: QSingle, Options: []Option{{Value: "a"}, {Value: "b"}}},
		{ID: "m", Type: QMultiple, Options: []Option{{Value: "a"}, {Value: "b"}}},
		{ID: "t", Type: QShortText},
		{ID: "y", Type: QYesNo},
	}
	got, fe := CheckAnswers(qs, Answers{"r": {" "}, "n": {"11"}, "s": {"c"}, "m": {"a", "a", "b"}, "t": {string(make([]rune, 301))}, "y": {"maybe"}})
	want := FieldErrors{"r": "err.required", "n": "err.choose_option", "s": "err.choose_option", "t": "err.too_long", "y": "err.choose_option"}
	for k, v := range want {
		if fe[k] != v {
			t.Errorf("%s: error %q, want %q", k, fe[k], v)
		}
	}
	if !slices.Equal(got["m"], []string{"a", "b"}) {
		t.Errorf("multiple choice deduplicated: %v", got["m"])
	}
	got, fe = CheckAnswers(qs, Answers{"r": {"5"}, "n": {"0"}, "y": {"yes"}})
	if len(fe) != 0 || got.Get("r") != "5" || got.Get("n") != "0" {
		t.Errorf("valid answers: %v %v", got, fe)
	}
}

func TestScoringAndNegativeRule(t *testing.T) {
	d := inpatient()
	all := func(r string) Answers {
		a := Answers{}
		for _, s := range d.Sections {
			for _, q := range s.Questions {
				switch q.Type {
				case QRating, QLikert:
					a[q.ID] = []string{r}
				case QYesNo:
					a[q.ID] = []string{"yes"}
				}
			}
		}
		return a
	}
	a := all("5")
	a["recommend"] = []string{"10"}
	s := d.ScoreResponse(a)
	if !s.HasScore || s.Score != 100 || s.NPS != 10 || s.Negative {
		t.Fatalf("all top answers: %+v", s)
	}
	a = all("3") // 50 on ten ratings, yes (100) on one question: (10×50 + 100) / 11
	a["recommend"] = []string{"8"}
	s = d.ScoreResponse(a)
	if s.Score != 600.0/11 || !s.Negative || !slices.Equal(s.Reasons, []string{"score"}) {
		t.Fatalf("middling answers: %+v", s)
	}
	a = all("5")
	a["overall"] = []string{"2"} // a flagged question at 2
	a["recommend"] = []string{"6"}
	s = d.ScoreResponse(a)
	if !s.Negative || !slices.Contains(s.Reasons, "flagged:overall") || !slices.Contains(s.Reasons, "nps") {
		t.Fatalf("flagged and NPS detractor: %+v", s)
	}
	// Hidden questions do not count, even if answers were posted for them.
	res := DefaultSurveyTemplates()[2].Def
	s = res.ScoreResponse(Answers{"satisfied": {"yes"}, "why_not": {"x"}})
	if s.Score != 100 || s.Negative {
		t.Fatalf("resolution satisfied: %+v", s)
	}
	if s := res.ScoreResponse(Answers{"satisfied": {"no"}}); !s.Negative {
		t.Fatalf("resolution not satisfied should be negative: %+v", s)
	}
}

func TestNPS(t *testing.T) {
	if NPSGroup(9) != "promoter" || NPSGroup(8) != "passive" || NPSGroup(6) != "detractor" || NPSGroup(0) != "detractor" {
		t.Error("groups")
	}
	if v, ok := NPS(20, 5, 30); v != 50 || !ok {
		t.Errorf("NPS(20,5,30) = %v %v", v, ok)
	}
	if _, ok := NPS(10, 1, 29); ok {
		t.Error("29 answers should be insufficient")
	}
	if _, ok := NPS(0, 0, 0); ok {
		t.Error("no answers")
	}
}

func TestDefinitionValidate(t *testing.T) {
	d := SurveyDefinition{Sections: []SurveyPage{{ID: "a", Questions: []Question{
		{ID: "q1", Type: QSingle, TextEN: "x", Options: []Option{{Value: "1"}}},
		{ID: "q1", Type: QRating, TextEN: "y"},
		{ID: "q3", Type: QRating, TextEN: "z", ShowIf: &Condition{Question: "q9"}},
	}}}}
	fe := d.Validate()
	if fe["q1"] != "err.survey_options" || fe["sections"] != "err.survey_ids" || fe["q3"] != "err.survey_condition" {
		t.Fatalf("%v", fe)
	}
	if fe := (SurveyDefinition{}).Validate(); fe["sections"] != "err.survey_empty" {
		t.Fatalf("empty: %v", fe)
	}
}

func TestSurveyToken(t *testing.T) {
	a, b := NewSurveyToken(), NewSurveyToken()
	if a == b || !ValidSurveyToken(a) || len(a) != 22 {
		t.Fatalf("tokens %q %q", a, b)
	}
	for _, bad := range []string{"", "short", a + "x", "!!!!!!!!!!!!!!!!!!!!!!"} {
		if ValidSurveyToken(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
