package ai

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// role marks what a word does to the words around it.
type role uint32

const (
	roleNegator     role = 1 << iota // ما، مو، not, never
	roleNobody                       // ما أحد، محد، nobody
	roleIntens                       // جدا، مره، وايد
	roleDimin                        // شوي، نوعا ما
	roleContrast                     // بس، لكن، but
	roleConcession                   // رغم، although
	roleWish                         // ياليت، I wish, could be
	roleQuestion                     // هل، متى، what, how
	roleRequest                      // ارجو، ابغى، please
	roleMediocre                     // عادي، متوسط، average
	roleWait                         // انتظرت، waited, took
	roleRepeat                       // مرتين، كل مره، again
	roleTransparent                  // كان، فيه، was, any: skipped by the negation window
	roleWhy                          // ليش، why: a complaint, not a neutral question
	roleShort                        // اقل من، خلال، within, only
	roleSince                        // منذ، لها، for, since
	roleNumber                       // ثلاث، three
	roleUnit                         // ساعه، hours
	roleDeterminer                   // كل، اول: "مره" after these means "time", not "very"
	roleTimes                        // مرات، times
	roleBooking                      // موعد، appointment: a far-off date is a wait
	roleOverall                      // بشكل عام، overall: the clause is the verdict
)

// emotion and topic sets are bit masks over the names below.
type bits uint32

// Emotion bits, in the order of emotionNames.
const (
	emoAnger bits = 1 << iota
	emoFrustration
	emoAnxiety
	emoGratitude
	emoSatisfaction
	emoSadness
	emoDisappointment
	emoConfusion
	emoRelief
)

func emotionNames() []string {
	return []string{"anger", "frustration", "anxiety", "gratitude", "satisfaction", "sadness", "disappointment", "confusion", "relief"}
}

func topicNames() []string {
	return []string{
		"waiting_time", "staff_attitude", "communication", "cleanliness", "billing_insurance",
		"food", "parking", "appointments", "pharmacy", "pain_management", "discharge",
		"facilities", "lab_results", "radiology", "emergency", "clinical_care", "digital_services",
	}
}

func nameBit(names []string, name string) (bits, bool) {
	for i, n := range names {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

func bitNames(names []string, b bits) []string {
	out := []string{}
	for i, n := range names {
		if b&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// entry is everything one lexicon term (a word or phrase) carries.
type entry struct {
	words       []string
	w, negW     float64 // valence, and valence when negated
	hasVal      bool
	roles       role
	num         float64 // value of a number word, minutes of a time unit
	count       float64 // count a unit implies without a number: ساعتين is 2
	emotions    bits
	negEmotions bits // emotions signalled when the term is negated
	topics      bits
}

// lexicon holds one language's terms, single words by form and phrases by first word.
type lexicon struct {
	arabic bool
	single map[string]*entry
	multi  map[string][]*entry
}

func newLexicon(arabic bool) *lexicon {
	return &lexicon{arabic: arabic, single: map[string]*entry{}, multi: map[string][]*entry{}}
}

func (l *lexicon) norm(term string) []string { return normalizePhrase(term) }

// get returns the entry for term, creating it.
func (l *lexicon) get(term string) *entry {
	ws := l.norm(term)
	if len(ws) == 0 {
		panic(fmt.Sprintf("ai: empty lexicon term %q", term))
	}
	if len(ws) == 1 {
		e := l.single[ws[0]]
		if e == nil {
			e = &entry{words: ws}
			l.single[ws[0]] = e
		}
		return e
	}
	key := strings.Join(ws, " ")
	for _, e := range l.multi[ws[0]] {
		if strings.Join(e.words, " ") == key {
			return e
		}
	}
	e := &entry{words: ws}
	l.multi[ws[0]] = append(l.multi[ws[0]], e)
	return e
}

// finish orders phrases longest first so the longest match wins.
func (l *lexicon) finish() {
	for _, es := range l.multi {
		sort.SliceStable(es, func(i, j int) bool { return len(es[i].words) > len(es[j].words) })
	}
}

// defaultNeg is the valence of a negated term without an explicit one:
// "not good" is bad, "not bad" is only mildly good.
func defaultNeg(w float64) float64 {
	if w > 0 {
		return -0.8 * w
	}
	return -0.5 * w
}

// addValences parses lines "term|valence" or "term|valence|negated valence".
func (l *lexicon) addValences(table string) {
	for _, line := range tableLines(table) {
		parts := strings.Split(line, "|")
		if len(parts) < 2 || len(parts) > 3 {
			panic(fmt.Sprintf("ai: bad lexicon line %q", line))
		}
		w := mustFloat(parts[1], line)
		e := l.get(parts[0])
		e.w, e.hasVal = w, true
		e.negW = defaultNeg(w)
		if len(parts) == 3 {
			e.negW = mustFloat(parts[2], line)
		}
	}
}

// addRole gives every term of a comma or newline separated list a role.
func (l *lexicon) addRole(r role, list string) {
	for _, t := range listTerms(list) {
		l.get(t).roles |= r
	}
}

// addNumbers parses "term|value" lines of number words or time units
// (value in minutes; "*N" is the count implied without a number, as in ساعتين).
func (l *lexicon) addNumbers(r role, table string) {
	for _, line := range tableLines(table) {
		parts := strings.Split(line, "|")
		if len(parts) != 2 {
			panic(fmt.Sprintf("ai: bad number line %q", line))
		}
		e := l.get(parts[0])
		e.roles |= r
		v, count, ok := strings.Cut(parts[1], "*")
		if ok {
			e.count = mustFloat(count, line)
		}
		e.num = mustFloat(v, line)
	}
}

// addTags parses lines "name: term, term" into emotion or topic bits.
// A name prefixed with "~" applies when the term is negated ("not happy").
func (l *lexicon) addTags(names []string, topics bool, table string) {
	for _, line := range tableLines(table) {
		name, list, ok := strings.Cut(line, ":")
		if !ok {
			panic(fmt.Sprintf("ai: bad tag line %q", line))
		}
		name = strings.TrimSpace(name)
		negated := strings.HasPrefix(name, "~")
		b, ok := nameBit(names, strings.TrimPrefix(name, "~"))
		if !ok {
			panic(fmt.Sprintf("ai: unknown tag %q", name))
		}
		for _, t := range strings.Split(list, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			e := l.get(t)
			switch {
			case topics:
				e.topics |= b
			case negated:
				e.negEmotions |= b
			default:
				e.emotions |= b
			}
		}
	}
}

func tableLines(table string) []string {
	var out []string
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

func listTerms(list string) []string {
	var out []string
	for _, line := range tableLines(list) {
		for _, t := range strings.Split(line, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

func mustFloat(s, line string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		panic(fmt.Sprintf("ai: bad number in lexicon line %q", line))
	}
	return f
}
