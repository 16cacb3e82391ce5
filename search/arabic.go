package search

import (
	"strings"
	"unicode/utf8"
)

// A light Arabic stemmer for complaint text. It works on words already folded by
// app.NameKey (no diacritics or tatweel; أ إ آ ٱ → ا, ى → ي, ة → ه) and strips affixes
// only, without looking for roots, so that inflections of one word meet at one stem:
// الممرضات, الممرضة, ممرضه, والممرضين and ممرضتهم all give ممرض; المستشفى and
// مستشفيات give مستشف. Broken plurals (طبيب / اطباء) are not related.
//
// Rules, in order:
//  1. at most one prefix: وال بال كال فال if at least 3 letters remain, else لل ال if at
//     least 2 remain;
//  2. at most one attached pronoun: هم هن ها كم نا; a ت left before it (the ة of
//     ممرضتهم) goes too, unless it ends ات;
//  3. at most one plural or dual ending: تان تين ات ون ين ان;
//  4. يه (ية folded), else ه (ة folded or "his");
//  5. ي (ى folded, nisba or "my").
//
// Each suffix is stripped only if at least 3 letters remain.
//
// A word starting with و may be the conjunction "and" (وممرضه) or a root letter (وفاه,
// وقت): see arabicStems, which gives both readings.

// Minimum letters left after stripping.
const (
	minAfterArticle = 2 // ال, لل: الدم → دم
	minAfterPrefix  = 3 // وال, بال, كال, فال: والده stays whole
	minAfterSuffix  = 3 // مكان, علي stay whole
	minWawWord      = 4 // a word of 4+ letters starting with و also gets a stem without it,
	minAltStem      = 3 // if that stem has 3+ letters: وفاه → وفا, فاه; والده → والد only
)

var (
	arLongPrefixes = []string{"وال", "بال", "كال", "فال"}
	arArticles     = []string{"لل", "ال"}
	arPronouns     = []string{"هم", "هن", "ها", "كم", "نا"}
	arPlurals      = []string{"تان", "تين", "ات", "ون", "ين", "ان"}
)

// arabicStems returns the stem of the folded Arabic word w and, for a word of 4+ letters
// starting with و (and no other prefix) that may be the conjunction, the stem of the rest
// as alt if it has 3+ letters ("" if none or the same). The index holds both at one
// position; a query accepts either.
func arabicStems(w string) (stem, alt string) {
	stem, prefixed := arabicStem(w)
	if !prefixed && strings.HasPrefix(w, "و") && utf8.RuneCountInString(w) >= minWawWord {
		if a, _ := arabicStem(w[len("و"):]); a != stem && utf8.RuneCountInString(a) >= minAltStem {
			alt = a
		}
	}
	return stem, alt
}

// arabicStem applies the rules above to the folded Arabic word w. prefixed reports
// whether a prefix was stripped.
func arabicStem(w string) (stem string, prefixed bool) {
	r := []rune(w)
	if p := matchPrefix(r, arLongPrefixes, minAfterPrefix); p > 0 {
		r, prefixed = r[p:], true
	} else if p := matchPrefix(r, arArticles, minAfterArticle); p > 0 {
		r, prefixed = r[p:], true
	}
	if s := matchSuffix(r, arPronouns); s > 0 {
		r = r[:len(r)-s]
		if n := len(r); n > minAfterSuffix && r[n-1] == 'ت' && r[n-2] != 'ا' {
			r = r[:n-1]
		}
	}
	if s := matchSuffix(r, arPlurals); s > 0 {
		r = r[:len(r)-s]
	}
	if s := matchSuffix(r, []string{"يه", "ه"}); s > 0 {
		r = r[:len(r)-s]
	}
	if s := matchSuffix(r, []string{"ي"}); s > 0 {
		r = r[:len(r)-s]
	}
	return string(r), prefixed
}

// matchPrefix returns the length in runes of the first of prefixes that starts r and
// leaves at least min runes, or 0.
func matchPrefix(r []rune, prefixes []string, min int) int {
	for _, p := range prefixes {
		if n := hasAffix(r, p, true); n > 0 && len(r)-n >= min {
			return n
		}
	}
	return 0
}

// matchSuffix returns the length in runes of the first of suffixes that ends r and
// leaves at least minAfterSuffix runes, or 0.
func matchSuffix(r []rune, suffixes []string) int {
	for _, s := range suffixes {
		if n := hasAffix(r, s, false); n > 0 && len(r)-n >= minAfterSuffix {
			return n
		}
	}
	return 0
}

// hasAffix returns the length in runes of a if r starts (prefix) or ends with it, or 0.
func hasAffix(r []rune, a string, prefix bool) int {
	n := utf8.RuneCountInString(a)
	if n > len(r) {
		return 0
	}
	i := len(r) - n
	if prefix {
		i = 0
	}
	for _, c := range a {
		if r[i] != c {
			return 0
		}
		i++
	}
	return n
}

// isArabicWord reports whether w is made of Arabic letters only (after folding).
func isArabicWord(w string) bool {
	if w == "" {
		return false
	}
	for _, c := range w {
		if !(c >= 0x0620 && c <= 0x064A || c >= 0x066E && c <= 0x06D3 || c >= 0x06FA && c <= 0x06FF) {
			return false
		}
	}
	return true
}
