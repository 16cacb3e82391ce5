package ai

import (
	"sort"
	"strings"
)

// maxKeywords is how many keywords a Result carries.
const maxKeywords = 5

// keywords returns the most frequent content words: English lower-cased,
// Arabic normalised and lightly stemmed; stop words, function words,
// numbers and personal data left out. Ties keep the order of appearance.
func (a *Analyzer) keywords(d *doc) []string {
	type kw struct {
		word  string
		count int
		first int
	}
	var list []kw
	index := map[string]int{}
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind != tokWord || t.pii {
			continue
		}
		var w string
		if t.script == scriptArabic {
			if a.stopAR[t.norm] || a.functionWord(d, a.ar, i) {
				continue
			}
			w = stemArabic(t.norm, a.protect)
			if a.stopAR[w] || arLen(w) < 2 {
				continue
			}
		} else {
			w = strings.TrimSuffix(t.norm, "'s")
			if len(w) < 3 || a.stopEN[w] || a.functionWord(d, a.en, i) {
				continue
			}
		}
		if k, ok := index[w]; ok {
			list[k].count++
			continue
		}
		index[w] = len(list)
		list = append(list, kw{w, 1, i})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].count > list[j].count })
	out := make([]string, 0, maxKeywords)
	for _, k := range list {
		if len(out) == maxKeywords {
			break
		}
		out = append(out, k.word)
	}
	return out
}

// functionWord reports a word that only shapes its neighbours (negators,
// intensifiers, question words, time units …).
func (a *Analyzer) functionWord(d *doc, lex *lexicon, i int) bool {
	e := d.lookup(lex, i)
	return e != nil && !e.hasVal && e.topics == 0 && e.roles != 0
}
