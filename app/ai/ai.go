// Package ai analyses patient comments in English and Arabic (MSA and Gulf
// dialect) entirely offline: sentiment label, score and confidence, keywords,
// emotions, topics, organisation names and personal data. No text leaves the
// process. An Analyzer is built once with New and is safe for concurrent use.
package ai

import (
	"math"
	"sort"
	"strings"

	"github.com/jonreiter/govader"
)

// Result is the analysis of one comment.
type Result struct {
	Lang       string   `json:"lang"`       // "ar", "en" or "mixed"
	Label      string   `json:"label"`      // "positive", "neutral", "negative"
	Score      float64  `json:"score"`      // -1..1
	Confidence float64  `json:"confidence"` // 0..1
	Keywords   []string `json:"keywords"`   // top terms, stop words removed, Arabic normalised and lightly stemmed
	Emotions   []string `json:"emotions"`   // anger, frustration, anxiety, gratitude, satisfaction, sadness, disappointment, confusion, relief
	Topics     []string `json:"topics"`     // waiting_time, staff_attitude, communication, cleanliness, billing_insurance, …
	Entities   []Entity `json:"entities"`
}

// Entity is a name or a piece of personal data found in a comment. Start and
// End are byte offsets, so text[Start:End] == Text.
type Entity struct {
	Type  string // department, staff, location, phone, mrn, national_id, email
	Text  string
	ID    int64 `json:",omitempty"`
	Start int
	End   int
}

// Org lists the organisation's names to recognise in comments.
type Org struct {
	Departments, Staff, Locations []Named
}

// Named is one department, staff member or location with its names.
type Named struct {
	ID     int64
	EN, AR string
}

// Labels.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

// neutralBand is the score magnitude below which a comment is neutral.
const neutralBand = 0.1

// Analyzer holds the lexicons, built once; it is read-only afterwards.
type Analyzer struct {
	vader    *govader.SentimentIntensityAnalyzer
	ar, en   *lexicon
	emoji    map[string]emojiCue
	stopAR   map[string]bool
	stopEN   map[string]bool
	protect  map[string]bool
	wellWish map[string]bool
	org      *orgIndex
	emotions []string // names of emotion bits
	topics   []string // names of topic bits
}

type emojiCue struct {
	w       float64
	emotion bits
}

// New builds an Analyzer for an organisation's names. All lexicons are
// compiled in and parsed here once; New panics only if they are malformed,
// which the package tests rule out.
func New(org Org) *Analyzer {
	a := &Analyzer{
		vader:    govader.NewSentimentIntensityAnalyzer(),
		ar:       newLexicon(true),
		en:       newLexicon(false),
		emoji:    map[string]emojiCue{},
		stopAR:   map[string]bool{},
		stopEN:   map[string]bool{},
		protect:  map[string]bool{},
		wellWish: map[string]bool{"لكم": true, "لك": true, "لهم": true, "you": true, "them": true, "everyone": true, "all": true},
		org:      newOrgIndex(org),
		emotions: emotionNames(),
		topics:   topicNames(),
	}
	// The Analyzer owns this VADER instance, so tuning its lexicon is local.
	for _, line := range tableLines(enVaderAdjust) {
		w, v, _ := strings.Cut(line, "|")
		a.vader.Lexicon[w] = mustFloat(v, line)
	}

	ar := a.ar
	ar.addValences(arValences)
	ar.addRole(roleNegator, arNegators)
	ar.addRole(roleNegator|roleNobody, arNobody)
	ar.addRole(roleNegator|roleQuestion, arQuestionOrNegator)
	ar.addRole(roleTransparent, arTransparent)
	ar.addRole(roleIntens, arIntensifiers)
	ar.addRole(roleDimin, arDiminishers)
	ar.addRole(roleContrast, arContrast)
	ar.addRole(roleConcession, arConcession)
	ar.addRole(roleWish, arWish)
	ar.addRole(roleQuestion, arQuestions)
	ar.addRole(roleWhy, arWhy)
	ar.addRole(roleRequest, arRequests)
	ar.addRole(roleMediocre, arMediocre)
	ar.addRole(roleWait, arWaitWords)
	ar.addRole(roleSince, arSince)
	ar.addRole(roleShort, arShort)
	ar.addRole(roleRepeat, arRepeat)
	ar.addRole(roleDeterminer, arDeterminers)
	ar.addRole(roleTimes, arTimes)
	ar.addRole(roleBooking, arBooking)
	ar.addRole(roleOverall, arOverall)
	ar.addNumbers(roleNumber, arNumbers)
	ar.addNumbers(roleUnit, arUnits)
	ar.addTags(a.emotions, false, arEmotions)
	ar.addTags(a.topics, true, arTopics)
	ar.finish()

	en := a.en
	en.addValences(enValences)
	en.addRole(roleNegator, enNegators)
	en.addRole(roleNegator|roleNobody, enNobody)
	en.addRole(roleTransparent, enTransparent)
	en.addRole(roleIntens, enIntensifiers)
	en.addRole(roleDimin, enDiminishers)
	en.addRole(roleContrast, enContrast)
	en.addRole(roleConcession, enConcession)
	en.addRole(roleWish, enWish)
	en.addRole(roleQuestion, enQuestions)
	en.addRole(roleWhy, enWhy)
	en.addRole(roleRequest, enRequests)
	en.addRole(roleMediocre, enMediocre)
	en.addRole(roleWait, enWaitWords)
	en.addRole(roleSince, enSince)
	en.addRole(roleShort, enShort)
	en.addRole(roleRepeat, enRepeat)
	en.addRole(roleTimes, enTimes)
	en.addRole(roleBooking, enBooking)
	en.addRole(roleOverall, enOverall)
	en.addNumbers(roleNumber, enNumbers)
	en.addNumbers(roleUnit, enUnits)
	en.addTags(a.emotions, false, enEmotions)
	en.addTags(a.topics, true, enTopics)
	en.finish()

	for _, line := range tableLines(emojiValences) {
		parts := strings.Split(line, "|")
		c := emojiCue{w: mustFloat(parts[1], line)}
		if len(parts) > 2 && parts[2] != "" {
			c.emotion, _ = nameBit(a.emotions, parts[2])
		}
		a.emoji[parts[0]] = c
	}

	for _, w := range listTerms(arStopWords) {
		a.stopAR[normalizeArabic(w)] = true
	}
	for _, w := range listTerms(enStopWords) {
		a.stopEN[w] = true
	}
	// Known Arabic vocabulary keeps its first letter when stemming.
	for _, w := range listTerms(arProtected) {
		a.protect[normalizeArabic(w)] = true
	}
	for w := range ar.single {
		a.protect[w] = true
	}
	for w := range a.stopAR {
		a.protect[w] = true
	}
	return a
}

// Analyze analyses one comment.
func (a *Analyzer) Analyze(text string) Result {
	d := newDoc(text)
	pii := findPII(text, d.toks)
	if len(pii) > 0 {
		markPII(d.toks, pii)
	}

	var arLetters, enLetters int
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokWord || t.pii {
			continue
		}
		if t.script == scriptArabic {
			arLetters += t.letters
		} else {
			enLetters += t.letters
		}
	}

	var ar, en streamResult
	var vaderRaw, vPos, vNeg float64
	if arLetters > 0 {
		ar = a.score(d, d.units(a.ar, scriptArabic), nil)
	}
	if enLetters > 0 {
		s := a.vader.PolarityScores(vaderInput(d))
		vaderRaw, vPos, vNeg = unsquash(s.Compound), s.Positive, s.Negative
		if s.Compound == 0 {
			vaderRaw = 0
		}
		en = a.score(d, d.units(a.en, scriptLatin), a.vaderValence)
		en.raw += vaderRaw
	}

	raw := 0.0
	switch {
	case arLetters > 0 && enLetters > 0:
		raw = (ar.raw*float64(arLetters) + en.raw*float64(enLetters)) / float64(arLetters+enLetters)
	case arLetters > 0:
		raw = ar.raw
	default:
		raw = en.raw
	}

	emotions := ar.emotions | en.emotions
	topics := ar.topics | en.topics
	pos, neg := ar.pos+en.pos+4*vPos, ar.neg+en.neg+4*vNeg
	seen := map[string]int{}
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokEmoji {
			continue
		}
		c, ok := a.emoji[t.norm]
		if !ok {
			continue
		}
		seen[t.norm]++
		if seen[t.norm] > 3 {
			continue
		}
		raw += c.w
		if c.w > 0 {
			pos += c.w
		} else {
			neg -= c.w
		}
		emotions |= c.emotion
	}

	if r := ratingCue(d); r != 0 {
		raw += r
		if r > 0 {
			pos += r
		} else {
			neg -= r
		}
	}

	question := d.hasQM || ar.question || en.question
	request := ar.request || en.request
	why := ar.why || en.why
	// Questions and requests lean neutral; complaints phrased as questions
	// ("how can you book me in three months?") keep more of their weight.
	if (question || request) && !why {
		if raw > 0 {
			raw *= 0.3
		} else {
			raw *= 0.6
		}
	}
	// A neutral verdict ("average", "عادي") outweighs the words around it;
	// each further one ("some good, some not") more so.
	if m := ar.mediocre + en.mediocre; m > 0 {
		raw *= 0.25 * math.Pow(0.5, float64(m-1))
	}

	score := squash(raw)
	label := Neutral
	switch {
	case score >= neutralBand:
		label = Positive
	case score <= -neutralBand:
		label = Negative
	}
	if label == Negative && (d.excl >= 2 || why || shouting(d)) {
		emotions |= emoAnger
	}

	return Result{
		Lang:       detectLanguage(d.toks),
		Label:      label,
		Score:      math.Round(score*1000) / 1000,
		Confidence: confidence(score, pos, neg, label, question || request),
		Keywords:   a.keywords(d),
		Emotions:   bitNames(a.emotions, emotions),
		Topics:     bitNames(a.topics, topics),
		Entities:   entities(a.org.find(d), pii, text),
	}
}

func (a *Analyzer) vaderValence(w string) float64 { return a.vader.Lexicon[w] }

// vaderInput rebuilds the English words and punctuation of a comment for VADER,
// leaving out Arabic words, emoji (scored separately) and personal data.
func vaderInput(d *doc) string {
	var b strings.Builder
	b.Grow(len(d.text))
	for i := range d.toks {
		t := &d.toks[i]
		if t.pii {
			continue
		}
		switch {
		case t.kind == tokPunct:
			b.WriteString(strings.TrimSpace(t.raw))
		case t.kind == tokNumber, t.kind == tokWord && t.script == scriptLatin:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.raw)
		}
	}
	return b.String()
}

// shouting reports a comment written mostly in capitals.
func shouting(d *doc) bool {
	var upper, letters int
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokWord || t.script != scriptLatin {
			continue
		}
		for j := 0; j < len(t.raw); j++ {
			c := t.raw[j]
			if c >= 'A' && c <= 'Z' {
				upper++
				letters++
			} else if c >= 'a' && c <= 'z' {
				letters++
			}
		}
	}
	return letters >= 12 && upper*10 >= letters*8
}

// confidence grows with the score's magnitude and with cues agreeing in
// direction; a neutral comment is surest when it carries no cues at all.
func confidence(score, pos, neg float64, label string, asks bool) float64 {
	mass := pos + neg
	agree := 1.0
	if mass > 0 {
		agree = math.Abs(pos-neg) / mass
	}
	var c float64
	if label == Neutral {
		switch {
		case mass < 0.05:
			c = 0.7
		default:
			c = 0.35 + 0.3*(1-math.Abs(score)/neutralBand) + 0.15*(1-agree)
		}
		if asks {
			c += 0.15
		}
	} else {
		c = 0.3 + 0.45*math.Abs(score) + 0.25*agree
	}
	return math.Round(math.Min(0.99, math.Max(0.05, c))*100) / 100
}

func markPII(toks []token, spans []piiSpan) {
	for i := range toks {
		for _, s := range spans {
			if toks[i].start < s.end && toks[i].end > s.start {
				toks[i].pii = true
				break
			}
		}
	}
}

func entities(org []Entity, pii []piiSpan, text string) []Entity {
	out := append([]Entity{}, org...)
	for _, s := range pii {
		out = append(out, Entity{Type: s.typ, Text: text[s.start:s.end], Start: s.start, End: s.end})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
