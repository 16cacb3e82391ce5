package ai

import (
	"math"
	"strconv"
	"strings"
)

// The cue engine scores one language's words of a comment. It turns tokens
// into units (a word or a matched phrase, a number, or a clause boundary),
// marks which units a negator reaches, and sums the valences of the units
// with the modifiers around them: intensifiers, contrast ("but" makes the
// second half count more), concessions, wishes ("could be warmer" is a mild
// complaint), waits with a duration, and repeated failures.

// unit is one position the engine scores.
type unit struct {
	e        *entry
	tagTop   bits // topics and emotions of a tag-only phrase starting here
	tagEmo   bits
	tok      int // first token
	last     int // last token
	norm     string
	isNum    bool
	num      float64
	boundary uint8 // 0 content, 1 clause, 2 sentence
	negated  bool  // written with its negator: "ماقصروا", "مايرد"
}

func (u *unit) has(r role) bool { return u.e != nil && u.e.roles&r != 0 }

// streamResult is what the engine found in one language's words.
type streamResult struct {
	raw       float64
	pos, neg  float64
	emotions  bits
	topics    bits
	question  bool
	request   bool
	why       bool
	mediocre  int // neutral verdicts: "عادي", "average", "some not"
	longWait  bool
	nobody    bool
	repeatNeg bool
}

// cand is one lookup form of a token; suffixed forms may not match
// function words ("ماي" is not "ما").
type cand struct {
	s        string
	suffixed bool
}

// functionOnly entries only shape their neighbours.
func (e *entry) functionOnly() bool {
	return !e.hasVal && e.topics == 0 && e.emotions == 0 && e.negEmotions == 0
}

// doc is one comment being analysed: its tokens and their lookup forms.
type doc struct {
	text  string
	toks  []token
	cands [][]cand
	hasQM bool // a question mark anywhere
	excl  int  // exclamation marks
}

func newDoc(text string) *doc {
	d := &doc{text: text, toks: tokenize(text)}
	d.cands = make([][]cand, len(d.toks))
	var flat []cand
	var strs []string
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokWord {
			continue
		}
		start := len(flat)
		if t.script == scriptArabic {
			strs = arCandidates(t.norm, strs[:0])
			// arCandidates lists the word, its suffix variants, then for each
			// prefix the bare stem and its suffix variants: mark which are suffixed.
			for j, s := range strs {
				flat = append(flat, cand{s: s, suffixed: j > 0 && !isPrefixOnly(t.norm, s)})
			}
		} else {
			strs = enCandidates(t.norm, strs[:0])
			for _, s := range strs {
				flat = append(flat, cand{s: s})
			}
		}
		d.cands[i] = flat[start:len(flat):len(flat)]
	}
	for i := range d.toks {
		if d.toks[i].kind == tokPunct {
			for _, r := range d.toks[i].raw {
				switch r {
				case '?', '؟':
					d.hasQM = true
				case '!':
					d.excl++
				}
			}
		}
	}
	return d
}

// isPrefixOnly reports whether s is w with a leading clitic removed and
// nothing removed from its end.
func isPrefixOnly(w, s string) bool {
	return len(s) < len(w) && w[len(w)-len(s):] == s
}

// lookup finds the entry of token i in lex.
func (d *doc) lookup(lex *lexicon, i int) *entry {
	for _, c := range d.cands[i] {
		if e := lex.single[c.s]; e != nil {
			if c.suffixed && e.functionOnly() {
				continue
			}
			return e
		}
	}
	return nil
}

// matches reports whether token i can be read as the lexicon word w.
func (d *doc) matches(i int, w string) bool {
	for _, c := range d.cands[i] {
		if c.s == w {
			return true
		}
	}
	return false
}

// phraseAt returns the longest phrase of lex starting at token i and the
// index just past it.
func (d *doc) phraseAt(lex *lexicon, i int, sc script) (*entry, int) {
	var best *entry
	bestEnd := 0
	for _, c := range d.cands[i] {
		for _, e := range lex.multi[c.s] {
			if best != nil && len(e.words) <= len(best.words) {
				continue
			}
			j, k := i+1, 1
			for ; k < len(e.words); k, j = k+1, j+1 {
				if j >= len(d.toks) {
					break
				}
				t := &d.toks[j]
				if t.pii || (t.kind != tokWord && t.kind != tokNumber) || (t.kind == tokWord && t.script != sc) {
					break
				}
				if t.kind == tokNumber {
					if t.norm != e.words[k] {
						break
					}
				} else if !d.matches(j, e.words[k]) {
					break
				}
			}
			if k == len(e.words) {
				best, bestEnd = e, j
			}
		}
	}
	return best, bestEnd
}

// units turns the tokens of one script into engine units. Words of the other
// script are placeholders in Arabic text (a borrowed "ER" or "system") and
// clause breaks in English text.
func (d *doc) units(lex *lexicon, sc script) []unit {
	us := make([]unit, 0, len(d.toks))
	for i := 0; i < len(d.toks); {
		t := &d.toks[i]
		switch {
		case t.pii || t.kind == tokEmoji:
			i++
			continue
		case t.kind == tokPunct:
			b := uint8(1)
			if t.sentenceEnd() {
				b = 2
			}
			us = append(us, unit{tok: i, boundary: b})
			i++
			continue
		case t.kind == tokNumber:
			v, _ := strconv.ParseFloat(t.norm, 64)
			us = append(us, unit{tok: i, isNum: true, num: v, norm: t.norm})
			i++
			continue
		case t.script != sc:
			if sc == scriptArabic {
				us = append(us, unit{tok: i, last: i, norm: t.norm})
			} else if n := len(us); n == 0 || us[n-1].boundary == 0 {
				us = append(us, unit{tok: i, boundary: 1})
			}
			i++
			continue
		}
		u := unit{tok: i, norm: t.norm}
		if p, end := d.phraseAt(lex, i, sc); p != nil {
			if p.hasVal || p.roles != 0 {
				u.e, u.last = p, end-1
				us = append(us, u)
				i = end
				continue
			}
			u.tagTop, u.tagEmo = p.topics, p.emotions
		}
		u.e, u.last = d.lookup(lex, i), i
		if sc == scriptArabic && (u.e == nil || !u.e.hasVal) {
			if e := mergedNegation(lex, t.norm); e != nil {
				u.e, u.negated = e, true
			}
		}
		us = append(us, u)
		i++
	}
	return us
}

// mergedNegation reads "ماقصروا" as "ما قصروا": the entry of a word written
// together with ما, when what follows ما is a known sentiment word.
func mergedNegation(lex *lexicon, w string) *entry {
	rest, ok := strings.CutPrefix(w, "ما")
	if !ok || arLen(rest) < 3 {
		return nil
	}
	var buf [24]string
	for _, c := range arCandidates(rest, buf[:0]) {
		if e := lex.single[c]; e != nil && e.hasVal {
			return e
		}
	}
	return nil
}

// vaderValence is the valence a word has in the Analyzer's VADER lexicon.
type vaderValence func(word string) float64

// score runs the cue engine over units. For English, vv gives the VADER
// valence of words VADER itself scores, so negation scopes and wishes can
// account for them; for Arabic it is nil.
func (a *Analyzer) score(d *doc, us []unit, vv vaderValence) streamResult {
	var r streamResult
	n := len(us)
	negated := make([]bool, n)
	cueAt := make([]int, n)
	for k := range cueAt {
		cueAt[k] = -1
	}
	type cue struct {
		k int
		w float64
	}
	cues := make([]cue, 0, 8)
	addCue := func(k int, w float64) {
		if w == 0 {
			return
		}
		cueAt[k] = len(cues)
		cues = append(cues, cue{k, w})
	}
	vaderOf := func(u *unit) float64 {
		if vv == nil || u.e != nil && u.e.hasVal {
			return 0
		}
		return vv(u.norm)
	}

	// The first content unit decides whether the comment opens with a question word.
	firstContent := -1
	for k := range us {
		if us[k].boundary == 0 && !us[k].isNum {
			firstContent = k
			break
		}
	}
	if firstContent >= 0 && us[firstContent].has(roleQuestion) {
		r.question = true
	}

	// Pass 1: negation scopes.
	scope, nobody, nobodyAt, nobodyHit, negTok := 0, false, -1, false, 0
	closeNobody := func() {
		if nobody && !nobodyHit {
			addCue(nobodyAt, -1)
			r.nobody = true
		}
		nobody = false
	}
	for k := range us {
		u := &us[k]
		if u.boundary != 0 {
			closeNobody()
			scope = 0
			continue
		}
		if u.negated {
			negated[k] = true
			continue
		}
		e := u.e
		if e != nil && e.roles&roleNegator != 0 && !e.hasVal {
			if e.roles&roleQuestion != 0 && k == firstContent && d.hasQM {
				continue // "ما هي المواعيد؟" asks, it does not negate
			}
			closeNobody()
			scope = 3
			nobody, nobodyAt, nobodyHit = e.roles&roleNobody != 0, k, false
			negTok = u.last
			continue
		}
		if scope == 0 {
			continue
		}
		// "ما يتاكل وبارد": after a word, و starts a new predicate the negator does not reach.
		if scope < 3 && e != nil && len(u.norm) > 2 && u.norm[:2] == "و" && e.words[0] != u.norm {
			closeNobody()
			scope = 0
			continue
		}
		if e != nil && !e.hasVal && e.roles&(roleTransparent|roleIntens|roleDimin|roleNumber) != 0 {
			continue
		}
		if e != nil && e.roles&(roleContrast|roleConcession) != 0 && !e.hasVal {
			closeNobody()
			scope = 0
			continue
		}
		negated[k] = true
		if e != nil && e.hasVal {
			if nobody {
				nobodyHit = true
				r.nobody = true
			}
			scope = 0
			continue
		}
		if v := vaderOf(u); v != 0 {
			// VADER negates only from the three words before a word and does
			// not read "nobody" as a negation; correct what it misses.
			if nobody || u.tok-negTok > 3 {
				addCue(k, -1.74*v)
			}
			if nobody {
				nobodyHit = true
			}
			scope = 0
			continue
		}
		scope--
		if scope == 0 {
			closeNobody()
		}
	}
	closeNobody()

	// Pass 2: valences, tags and flags.
	for k := range us {
		u := &us[k]
		r.topics |= u.tagTop
		r.emotions |= u.tagEmo
		e := u.e
		if e == nil {
			continue
		}
		r.topics |= e.topics
		if negated[k] {
			r.emotions |= e.negEmotions
		} else {
			r.emotions |= e.emotions
		}
		if e.roles&roleMediocre != 0 && !negated[k] && !contrastAfter(us, k) {
			r.mediocre++ // "okay but terrible" is judged by what follows "but"
		}
		if e.roles&roleRequest != 0 {
			r.request = true
		}
		if e.roles&roleWhy != 0 {
			r.why = true
		}
		if e.hasVal {
			v := e.w
			if negated[k] {
				v = e.negW
			}
			addCue(k, v)
		}
	}

	// Intensifiers and diminishers act on the nearest cue, after or before.
	for k := range us {
		u := &us[k]
		if u.e == nil || u.e.hasVal || u.e.roles&(roleIntens|roleDimin) == 0 {
			continue
		}
		if u.e.roles&roleIntens != 0 && (u.norm == "مره" || u.norm == "مرا") && k > 0 {
			if p := &us[k-1]; p.isNum || p.has(roleDeterminer|roleNumber) {
				continue // "كل مره", "ثاني مره": a time, not "very"
			}
		}
		f := 1.5
		if u.e.roles&roleIntens == 0 {
			f = 0.6
		}
		for _, off := range [...]int{1, -1, 2, -2} {
			j := k + off
			if j < 0 || j >= n || us[j].boundary != 0 || (off == 2 || off == -2) && us[k+off/2].boundary != 0 {
				continue
			}
			if c := cueAt[j]; c >= 0 {
				cues[c].w *= f
				break
			}
		}
	}

	// "They keep changing my doctor": keep + a verb in -ing is a repeated nuisance.
	if vv != nil {
		for k := 0; k+1 < n; k++ {
			switch us[k].norm {
			case "keep", "keeps", "kept":
				next := &us[k+1]
				if next.boundary == 0 && next.e == nil && len(next.norm) > 4 && next.norm[len(next.norm)-3:] == "ing" && vv(next.norm) <= 0 && cueAt[k] < 0 {
					addCue(k, -0.8)
					r.repeatNeg = true
				}
			}
		}
	}

	// Sentence spans, for waits and repeats.
	sentStart := make([]int, n)
	s := 0
	for k := range us {
		sentStart[k] = s
		if us[k].boundary == 2 {
			s = k + 1
		}
	}
	sentEnd := func(k int) int {
		for j := k; j < n; j++ {
			if us[j].boundary == 2 {
				return j
			}
		}
		return n
	}
	sentHasNeg := func(from, to int) bool {
		for _, c := range cues {
			if c.k >= from && c.k < to && c.w < 0 {
				return true
			}
		}
		return false
	}

	// Repeated failures ("twice", "كل مره", "ثلاث مرات") amplify a sentence's complaints.
	for k := range us {
		u := &us[k]
		rep := u.has(roleRepeat) && !u.has(roleNumber)
		if u.has(roleTimes) && k > 0 {
			p := &us[k-1]
			if (p.isNum && p.num >= 2) || (p.e != nil && p.e.roles&roleNumber != 0 && p.e.num >= 2) {
				rep = true
			}
		}
		if !rep {
			continue
		}
		from, to := sentStart[k], sentEnd(k)
		if !sentHasNeg(from, to) {
			continue
		}
		for c := range cues {
			if cues[c].k >= from && cues[c].k < to && cues[c].w < 0 {
				cues[c].w *= 1.3
			}
		}
		for j := from; j < to; j++ {
			if v := vaderOf(&us[j]); v < 0 && !negated[j] && cueAt[j] < 0 {
				addCue(j, 0.3*v)
			}
		}
		r.repeatNeg = true
	}

	// Waits with a duration: long waits are complaints, short ones praise.
	for k := range us {
		u := &us[k]
		if !u.has(roleUnit) {
			continue
		}
		amount, numAt := 0.0, -1
		if k > 0 {
			if p := &us[k-1]; p.isNum {
				amount, numAt = p.num, k-1
			} else if p.has(roleNumber) && !p.has(roleUnit) {
				amount, numAt = p.e.num, k-1
			}
		}
		if numAt < 0 {
			amount, numAt = 1, k
			if u.e.count > 0 {
				amount = u.e.count
			}
		}
		if k+1 < n && (us[k+1].norm == "ونص" || us[k+1].norm == "ونصف") {
			amount += 0.5
		}
		minutes := amount * u.e.num
		from, to := sentStart[k], sentEnd(k)
		short, since, waitAff, waitNeg, booking := false, false, false, false, false
		for j := numAt - 1; j >= numAt-4 && j >= from; j-- {
			if us[j].boundary != 0 {
				break
			}
			if us[j].has(roleShort) {
				short = true
			}
			if j >= numAt-2 && us[j].has(roleSince) {
				since = true
			}
		}
		if k+1 < to && us[k+1].has(roleSince|roleWait) {
			since = true
		}
		for j := from; j < to; j++ {
			if j != k && us[j].has(roleWait) {
				if negated[j] {
					waitNeg = true
				} else {
					waitAff = true
				}
			}
			if us[j].has(roleBooking) {
				booking = true
			}
		}
		w := 0.0
		switch {
		case booking && minutes >= 10080 && (since || numAt > 0 && us[numAt-1].norm == "in"):
			w = -1.4 // an appointment weeks or months away
		case short || waitNeg:
			if minutes <= 20 {
				w = 1
			} else if minutes <= 1440 && withinMarker(us[from:numAt]) {
				w = 0.6 // "results within a day"
			}
		case waitAff || (since && sentHasNeg(from, to)):
			switch {
			case minutes <= 10 && waitAff:
				w = 0.8
			case minutes >= 180:
				w = -1.8
			case minutes >= 60:
				w = -1.4
			case minutes >= 30:
				w = -0.9
			}
		}
		if w != 0 {
			addCue(k, w)
			if w < 0 {
				r.longWait = true
			}
		}
	}

	// Wishes and suggestions: "ياليت الأكل يكون أحسن", "could be warmer".
	for k := range us {
		if !us[k].has(roleWish) || us[k].e.hasVal {
			continue
		}
		ws := us[k].e.words
		if k+1 < n && a.wellWish[us[k+1].norm] && ws[len(ws)-1] != "hope" {
			continue // "اتمنى لكم التوفيق", "I wish you all the best"; "I hope you fix it" stays a wish
		}
		for j := k + 1; j < n && us[j].boundary == 0 && !us[j].has(roleContrast|roleConcession); j++ {
			if c := cueAt[j]; c >= 0 {
				if cues[c].w > 0 {
					cues[c].w = -0.4
				} else {
					cues[c].w *= 0.7
				}
			} else if v := vaderOf(&us[j]); v != 0 && !negated[j] {
				if v > 0 {
					addCue(j, -v-0.4)
				} else {
					addCue(j, -0.3*v)
				}
			}
		}
	}

	// Concessions weaken their own clause: "رغم الانتظار، الخدمة ممتازة".
	for k := range us {
		if !us[k].has(roleConcession) || us[k].e.hasVal {
			continue
		}
		for j := k + 1; j < n && us[j].boundary == 0; j++ {
			if c := cueAt[j]; c >= 0 {
				cues[c].w *= 0.5
			}
		}
	}

	// Contrast: what follows the first "but" outweighs what precedes it,
	// unless the earlier clause is an overall verdict ("بشكل عام").
	overall := make([]bool, n)
	for k := 0; k < n; {
		end, has := k, false
		for ; end < n && us[end].boundary == 0; end++ {
			has = has || us[end].has(roleOverall)
		}
		for j := k; j < end; j++ {
			overall[j] = has
		}
		k = end + 1
	}
	for k := range us {
		u := &us[k]
		if !u.has(roleContrast) || u.e.hasVal {
			continue
		}
		if k+1 >= n || us[k+1].boundary != 0 || us[k+1].isNum || us[k+1].has(roleNumber|roleUnit) {
			continue // "وبس" at the end, or "بس عشر دقايق" (only ten minutes)
		}
		for c := range cues {
			switch {
			case cues[c].k >= k:
				cues[c].w *= 1.5
			case !overall[cues[c].k]:
				cues[c].w *= 0.5
			}
		}
		// VADER weighs around "but" itself; give "however" and the like the same effect.
		if vv != nil && u.norm != "but" {
			for j := range us {
				if v := vaderOf(&us[j]); v != 0 && cueAt[j] < 0 && !negated[j] {
					if j < k {
						addCue(j, -0.5*v)
					} else {
						addCue(j, 0.5*v)
					}
				}
			}
		}
		break
	}

	for _, c := range cues {
		r.raw += c.w
		if c.w > 0 {
			r.pos += c.w
		} else {
			r.neg -= c.w
		}
	}
	if r.nobody || r.longWait || r.repeatNeg {
		r.emotions |= emoFrustration
	}
	return r
}

// contrastAfter reports a contrast word ("but", "بس") after unit k.
func contrastAfter(us []unit, k int) bool {
	for j := k + 1; j+1 < len(us); j++ {
		if us[j].has(roleContrast) && !us[j].e.hasVal && us[j+1].boundary == 0 && !us[j+1].isNum {
			return true
		}
	}
	return false
}

// withinMarker reports "within", "خلال" or "less than" among units.
func withinMarker(us []unit) bool {
	for i := range us {
		switch us[i].norm {
		case "within", "less", "خلال", "اقل", "باقل":
			return true
		}
	}
	return false
}

// squash maps a raw valence sum to -1..1 the way VADER normalises.
func squash(x float64) float64 {
	return x / math.Sqrt(x*x+15)
}

// unsquash inverts squash, recovering VADER's raw sum from its compound score.
func unsquash(c float64) float64 {
	c = math.Max(-0.995, math.Min(0.995, c))
	return c * math.Sqrt(15) / math.Sqrt(1-c*c)
}
