package app

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// QuestionType is the kind of answer a survey question takes.
type QuestionType string

const (
	QRating    QuestionType = "rating"   // 1–5 stars, scored
	QNPS       QuestionType = "nps"      // 0–10, kept apart from the score
	QYesNo     QuestionType = "yesno"    // scored yes = 100, no = 0 when Scored
	QSingle    QuestionType = "single"   // one option; scored by the option's score
	QMultiple  QuestionType = "multiple" // any options; not scored
	QShortText QuestionType = "short_text"
	QLongText  QuestionType = "long_text"
	QLikert    QuestionType = "likert" // 1–5 strongly disagree … strongly agree, scored
)

// QuestionTypes lists every type, in the order editors offer them.
var QuestionTypes = []QuestionType{QRating, QNPS, QYesNo, QSingle, QMultiple, QShortText, QLongText, QLikert}

// Valid reports whether t is a known type.
func (t QuestionType) Valid() bool { return slices.Contains(QuestionTypes, t) }

// Text reports whether t takes free text.
func (t QuestionType) Text() bool { return t == QShortText || t == QLongText }

// Scale returns the lowest and highest value of a numeric type.
func (t QuestionType) Scale() (lo, hi int, ok bool) {
	switch t {
	case QRating, QLikert:
		return 1, 5, true
	case QNPS:
		return 0, 10, true
	}
	return 0, 0, false
}

// Option is one choice of a single- or multiple-choice question.
type Option struct {
	Value   string `json:"value"` // stable key stored in answers
	LabelEN string `json:"label_en"`
	LabelAR string `json:"label_ar"`
	Score   *int   `json:"score,omitempty"` // 0–100 when the choice counts towards the score
}

// Condition shows a question or section only when an earlier answer matches: the answer
// to Question equals one of Values ("eq"), or is a number at most / at least Values[0]
// ("lte", "gte"). For a multiple-choice answer "eq" matches when any chosen value is listed.
type Condition struct {
	Question string   `json:"question"`
	Op       string   `json:"op"` // "eq", "lte", "gte"
	Values   []string `json:"values"`
}

// Question is one question of a survey.
type Question struct {
	ID       string       `json:"id"` // stable within the template, e.g. "q3"
	Type     QuestionType `json:"type"`
	TextEN   string       `json:"text_en"`
	TextAR   string       `json:"text_ar"`
	Required bool         `json:"required,omitempty"`
	Scored   bool         `json:"scored,omitempty"`  // counts towards the 0–100 score
	Flagged  bool         `json:"flagged,omitempty"` // a low answer makes the response negative
	Options  []Option     `json:"options,omitempty"`
	ShowIf   *Condition   `json:"show_if,omitempty"`
	Bank     string       `json:"bank,omitempty"` // the question-bank key it came from
}

// SurveyPage is one page (section) of a survey.
type SurveyPage struct {
	ID        string     `json:"id"`
	TitleEN   string     `json:"title_en"`
	TitleAR   string     `json:"title_ar"`
	ShowIf    *Condition `json:"show_if,omitempty"`
	Questions []Question `json:"questions"`
}

// NegativeRule says when a response is negative; a zero field is not used.
type NegativeRule struct {
	ScoreBelow    float64 `json:"score_below,omitempty"`     // total score below this (e.g. 60)
	NPSAtMost     *int    `json:"nps_at_most,omitempty"`     // NPS answer at most this (e.g. 6)
	FlaggedAtMost int     `json:"flagged_at_most,omitempty"` // any flagged rating at most this (e.g. 2)
}

// SurveyKind says what a template is for.
type SurveyKind string

const (
	SurveyGeneral    SurveyKind = "general"    // after a visit, by hand or in bulk
	SurveyResolution SurveyKind = "resolution" // the complainant's satisfaction with a resolution
	SurveyWard       SurveyKind = "ward"       // anonymous, from a ward or kiosk link
)

// SurveyKinds lists every kind.
var SurveyKinds = []SurveyKind{SurveyGeneral, SurveyResolution, SurveyWard}

// Valid reports whether k is a known kind.
func (k SurveyKind) Valid() bool { return slices.Contains(SurveyKinds, k) }

// SurveyDefinition is what a template version holds: its pages and rules.
type SurveyDefinition struct {
	IntroEN  string       `json:"intro_en,omitempty"`
	IntroAR  string       `json:"intro_ar,omitempty"`
	Sections []SurveyPage `json:"sections"`
	Negative NegativeRule `json:"negative"`
}

// TemplateStatus is where a template version is in its life.
type TemplateStatus string

const (
	TemplateDraft    TemplateStatus = "draft"
	TemplateActive   TemplateStatus = "active"
	TemplateArchived TemplateStatus = "archived"
)

// SurveyTemplate is one version of a survey template. Versions of one template share
// Family; responses keep the version they answered. A version with responses is never
// edited: editing it creates the next version as a draft.
type SurveyTemplate struct {
	ID            int64
	Family        int64 // the first version's id
	Version       int
	HospitalID    int64 // 0: for every hospital
	Kind          SurveyKind
	NameEN        string
	NameAR        string
	Status        TemplateStatus
	Def           SurveyDefinition
	ReminderHours int // one reminder after this many hours if not completed (0: none)
	ExpiryDays    int // links stop working after this many days
	Responses     int // how many responses this version has
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Question returns the question with id.
func (d SurveyDefinition) Question(id string) (Question, bool) {
	for _, s := range d.Sections {
		for _, q := range s.Questions {
			if q.ID == id {
				return q, true
			}
		}
	}
	return Question{}, false
}

// Answers maps question ids to answers: one value for most types, several for multiple
// choice, the text for text questions.
type Answers map[string][]string

// Get returns the first value of a question's answer.
func (a Answers) Get(id string) string {
	if v := a[id]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Matches reports whether answers satisfy c (a nil condition always matches).
func (c *Condition) Matches(a Answers) bool {
	if c == nil {
		return true
	}
	got := a[c.Question]
	if len(got) == 0 {
		return false
	}
	switch c.Op {
	case "lte", "gte":
		if len(c.Values) == 0 {
			return false
		}
		limit, err1 := strconv.Atoi(c.Values[0])
		n, err2 := strconv.Atoi(got[0])
		if err1 != nil || err2 != nil {
			return false
		}
		if c.Op == "lte" {
			return n <= limit
		}
		return n >= limit
	default:
		for _, v := range got {
			if slices.Contains(c.Values, v) {
				return true
			}
		}
		return false
	}
}

// Visible returns the sections shown for answers, each with only its shown questions.
func (d SurveyDefinition) Visible(a Answers) []SurveyPage {
	var out []SurveyPage
	for _, s := range d.Sections {
		if !s.ShowIf.Matches(a) {
			continue
		}
		v := s
		v.Questions = nil
		for _, q := range s.Questions {
			if q.ShowIf.Matches(a) {
				v.Questions = append(v.Questions, q)
			}
		}
		if len(v.Questions) > 0 {
			out = append(out, v)
		}
	}
	return out
}

// Survey answer limits.
const (
	MaxShortAnswer = 300
	MaxLongAnswer  = 4000
)

// CheckAnswers validates the answers to questions (one page): required ones are
// answered, numbers are in their scale, choices are options of the question, texts are
// not too long. It returns the cleaned answers of these questions and the errors by
// question id ("err.required", "err.choose_option", "err.too_long").
func CheckAnswers(questions []Question, in Answers) (Answers, FieldErrors) {
	out, fe := Answers{}, FieldErrors{}
	for _, q := range questions {
		var vals []string
		for _, v := range in[q.ID] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				fe.Add(q.ID, "err.required")
			}
			continue
		}
		switch {
		case q.Type.Text():
			max := MaxShortAnswer
			if q.Type == QLongText {
				max = MaxLongAnswer
			}
			text := strings.Join(vals, " ")
			if len([]rune(text)) > max {
				fe.Add(q.ID, "err.too_long")
				continue
			}
			out[q.ID] = []string{text}
		case q.Type == QYesNo:
			if len(vals) != 1 || (vals[0] != "yes" && vals[0] != "no") {
				fe.Add(q.ID, "err.choose_option")
				continue
			}
			out[q.ID] = vals
		case q.Type == QSingle || q.Type == QMultiple:
			if q.Type == QSingle && len(vals) != 1 {
				fe.Add(q.ID, "err.choose_option")
				continue
			}
			ok := true
			var seen []string
			for _, v := range vals {
				if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
					ok = false
				} else if !slices.Contains(seen, v) {
					seen = append(seen, v)
				}
			}
			if !ok {
				fe.Add(q.ID, "err.choose_option")
				continue
			}
			out[q.ID] = seen
		default:
			lo, hi, _ := q.Type.Scale()
			n, err := strconv.Atoi(vals[0])
			if len(vals) != 1 || err != nil || n < lo || n > hi {
				fe.Add(q.ID, "err.choose_option")
				continue
			}
			out[q.ID] = []string{strconv.Itoa(n)}
		}
	}
	return out, fe
}

// Score is what a complete response adds up to.
type Score struct {
	Score    float64 // 0–100 over the answered scored questions
	HasScore bool
	NPS      int // the NPS answer 0–10
	HasNPS   bool
	Negative bool
	Reasons  []string // why it is negative: "score", "nps", "flagged:<question>"
}

// questionScore is one scored answer normalised to 0–100.
func questionScore(q Question, a Answers) (float64, bool) {
	v := a.Get(q.ID)
	if v == "" {
		return 0, false
	}
	switch q.Type {
	case QRating, QLikert:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, false
		}
		return float64(n-1) * 25, true
	case QYesNo:
		if v == "yes" {
			return 100, true
		}
		return 0, true
	case QSingle:
		for _, o := range q.Options {
			if o.Value == v && o.Score != nil {
				return float64(*o.Score), true
			}
		}
	}
	return 0, false
}

// ScoreResponse scores the visible answers: the mean of the scored questions answered,
// normalised to 0–100; the NPS answer apart; and the negative rule.
func (d SurveyDefinition) ScoreResponse(a Answers) Score {
	var s Score
	sum, n := 0.0, 0
	for _, sec := range d.Visible(a) {
		for _, q := range sec.Questions {
			if q.Type == QNPS {
				if v, err := strconv.Atoi(a.Get(q.ID)); err == nil && !s.HasNPS {
					s.NPS, s.HasNPS = v, true
				}
				continue
			}
			if q.Scored {
				if v, ok := questionScore(q, a); ok {
					sum += v
					n++
				}
			}
			if q.Flagged && d.Negative.FlaggedAtMost > 0 {
				if v, err := strconv.Atoi(a.Get(q.ID)); err == nil && v <= d.Negative.FlaggedAtMost {
					s.Reasons = append(s.Reasons, "flagged:"+q.ID)
				}
			}
		}
	}
	if n > 0 {
		s.Score, s.HasScore = sum/float64(n), true
	}
	if s.HasScore && d.Negative.ScoreBelow > 0 && s.Score < d.Negative.ScoreBelow {
		s.Reasons = append([]string{"score"}, s.Reasons...)
	}
	if s.HasNPS && d.Negative.NPSAtMost != nil && s.NPS <= *d.Negative.NPSAtMost {
		s.Reasons = append(s.Reasons, "nps")
	}
	s.Negative = len(s.Reasons) > 0
	return s
}

// NPSGroup classifies an NPS answer: promoter (9–10), passive (7–8), detractor (0–6).
func NPSGroup(v int) string {
	switch {
	case v >= 9:
		return "promoter"
	case v >= 7:
		return "passive"
	}
	return "detractor"
}

// NPSMinResponses is the fewest NPS answers an NPS is reported on; below it reports say
// "insufficient data".
const NPSMinResponses = 30

// NPS returns promoters minus detractors in percent of n, and whether n is enough to
// report it.
func NPS(promoters, detractors, n int) (float64, bool) {
	if n == 0 {
		return 0, false
	}
	return float64(promoters-detractors) * 100 / float64(n), n >= NPSMinResponses
}

// Validate checks a definition: ids unique and present, types known, choice questions
// with options, conditions pointing at an earlier question. It returns errors keyed by
// "sections", "<section id>" or "<question id>".
func (d SurveyDefinition) Validate() FieldErrors {
	fe := FieldErrors{}
	if len(d.Sections) == 0 {
		fe.Add("sections", "err.survey_empty")
	}
	seen := map[string]bool{}
	for _, s := range d.Sections {
		if s.ID == "" || seen[s.ID] {
			fe.Add("sections", "err.survey_ids")
		}
		seen[s.ID] = true
		if s.ShowIf != nil && !seen[s.ShowIf.Question] {
			fe.Add(s.ID, "err.survey_condition")
		}
		for _, q := range s.Questions {
			switch {
			case q.ID == "" || seen[q.ID]:
				fe.Add("sections", "err.survey_ids")
			case !q.Type.Valid():
				fe.Add(q.ID, "err.choose_option")
			case q.TextEN == "" && q.TextAR == "":
				fe.Add(q.ID, "err.required")
			case (q.Type == QSingle || q.Type == QMultiple) && len(q.Options) < 2:
				fe.Add(q.ID, "err.survey_options")
			case q.ShowIf != nil && !seen[q.ShowIf.Question]:
				fe.Add(q.ID, "err.survey_condition")
			}
			seen[q.ID] = true
		}
	}
	return fe
}

// SurveyStatus is where one invitation is.
type SurveyStatus string

const (
	SurveyPending   SurveyStatus = "pending"   // created, the message not yet sent
	SurveySent      SurveyStatus = "sent"      // the provider accepted the message
	SurveyDelivered SurveyStatus = "delivered" // the provider confirmed delivery
	SurveyOpened    SurveyStatus = "opened"    // the patient opened the link
	SurveyCompleted SurveyStatus = "completed"
	SurveyExpired   SurveyStatus = "expired"
)

// SurveyStatuses lists every status in order.
var SurveyStatuses = []SurveyStatus{SurveyPending, SurveySent, SurveyDelivered, SurveyOpened, SurveyCompleted, SurveyExpired}

// SurveySource says what created an invitation.
type SurveySource string

const (
	SourceJourney    SurveySource = "journey"
	SourceResolution SurveySource = "complaint_resolution"
	SourceManual     SurveySource = "manual"
	SourceBulk       SurveySource = "bulk"
	SourceWard       SurveySource = "ward"
)

// SurveyInstance is one survey for one patient (or one anonymous ward visit), reached by
// its link /s/{token}. Only the token's hash is stored.
type SurveyInstance struct {
	ID           int64
	TemplateID   int64
	HospitalID   int64
	DepartmentID int64
	LocationID   int64 // ward / kiosk link
	PatientID    int64
	PatientKey   string // "p:<id>" or the contact: what the fatigue rule counts
	Name         string
	Phone        string
	Email        string
	Lang         string
	Channel      Channel
	Source       SurveySource
	SourceRef    string // e.g. the complaint id of a resolution survey
	Status       SurveyStatus
	Page         int     // the next page to show (answers are saved per page)
	Answers      Answers // saved so far
	MessageID    int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	OpenedAt     time.Time
	CompletedAt  time.Time
	RemindedAt   time.Time
}

// SurveyResponse is a completed survey.
type SurveyResponse struct {
	ID           int64
	InstanceID   int64
	TemplateID   int64
	Family       int64
	HospitalID   int64
	DepartmentID int64
	LocationID   int64
	Lang         string
	Answers      Answers
	Score        Score
	CreatedAt    time.Time
}

// NewSurveyToken returns a link token: 128 random bits, 22 URL-safe characters.
func NewSurveyToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidSurveyToken reports whether s has the shape of a token (so a malformed one is
// refused before any lookup).
func ValidSurveyToken(s string) bool {
	if len(s) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// Survey events.
const (
	// EventSurveyNegative is {"response_id", "template_id", "hospital_id", "department_id",
	// "score", "nps", "reasons"}: a response met its template's negative rule.
	EventSurveyNegative = "survey.negative"
	// EventSurveyCompleted is {"response_id", "instance_id", "template_id", "hospital_id"}.
	EventSurveyCompleted = "survey.completed"
	// EventAnalysisRequested asks the AI engine to analyse a record's free text:
	// {"record_type": "survey_response", "record_id": 12, "hospital_id": 1}.
	EventAnalysisRequested = "analysis.requested"
)

// SurveySettings are a hospital's fatigue and exclusion rules.
type SurveySettings struct {
	HospitalID          int64
	FatigueDays         int     // never invite a patient again within this many days (any template)
	MinAge              int     // patients younger than this are not invited (0: no limit)
	ExcludedDepartments []int64 // e.g. psychiatry, perinatal loss
}

// DefaultSurveySettings are a hospital's rules until an admin changes them.
func DefaultSurveySettings(hospitalID int64) SurveySettings {
	return SurveySettings{HospitalID: hospitalID, FatigueDays: 30, MinAge: 18}
}

// SurveyLocation is a public anonymous survey link for a ward, clinic or kiosk: /w/{code}.
type SurveyLocation struct {
	ID           int64
	HospitalID   int64
	DepartmentID int64
	SectionID    int64
	Family       int64 // the template family answered (its active version)
	NameEN       string
	NameAR       string
	Code         string // public, random
	Kiosk        bool   // a shared device: the survey starts again after each submit
	Active       bool
	CreatedAt    time.Time
}

// NewLocationCode returns a public location code: 10 lower-case base32 characters (50 bits;
// the code is printed on posters and only opens an anonymous survey).
func NewLocationCode() string {
	b := make([]byte, 7)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return lowerBase32.EncodeToString(b)[:10]
}
