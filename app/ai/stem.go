package ai

import "strings"

// Arabic letters are two bytes in UTF-8, so lengths below are in bytes and
// "letters" means bytes/2. Normalised Arabic words contain only such letters.

// arLen is the number of letters in a normalised Arabic word.
func arLen(s string) int { return len(s) / 2 }

// stemSuffixes are the light-stemming suffixes, longest first.
func stemSuffixes() [9]string {
	return [...]string{"ات", "ون", "ين", "ها", "هم", "كم", "نا", "ه", "ي"}
}

// lookupSuffixes adds verb endings that only help dictionary lookup.
func lookupSuffixes() [18]string {
	return [...]string{"تها", "تهم", "وني", "توا", "ات", "ون", "ين", "وا", "تو", "ها", "هم", "كم", "نا", "ني", "ه", "ي", "ك", "ت"}
}

// stemArabic lightly stems a normalised Arabic word: it strips the article and
// attached conjunctions/prepositions (ال، و، ب، ك، ف، ل and their combinations)
// and one common suffix (ات ون ين ه ها هم كم نا ي), keeping at least three
// letters. Words in protect (known vocabulary that merely starts with one of
// those letters, such as فاتوره or واضح) keep their first letter.
func stemArabic(w string, protect map[string]bool) string {
	w = stripArabicPrefix(w, protect)
	if keepWhole(w) {
		return w
	}
	for _, suf := range stemSuffixes() {
		if strings.HasSuffix(w, suf) && arLen(w)-arLen(suf) >= 3 {
			s := w[:len(w)-len(suf)]
			// A ta marbuta before a pronoun is written ت (غرفتي): drop it as ه is.
			if suf != "ات" && suf != "ون" && suf != "ين" && strings.HasSuffix(s, "ت") && arLen(s) >= 4 {
				s = s[:len(s)-2]
			}
			return s
		}
	}
	return w
}

// stripArabicPrefix removes clitic prefixes, never leaving fewer than three
// letters. A lone ك ("like") is left alone: far more words start with ك.
func stripArabicPrefix(w string, protect map[string]bool) string {
	for _, p := range [...]string{"وبال", "وال", "بال", "كال", "فال", "ولل", "وبهال", "بهال", "وهال", "هال", "لل", "ال"} {
		if strings.HasPrefix(w, p) && arLen(w)-arLen(p) >= 3 {
			return w[len(p):]
		}
	}
	if isProtected(w, protect) {
		return w
	}
	if (strings.HasPrefix(w, "و") || strings.HasPrefix(w, "ف")) && arLen(w) >= 4 {
		w2 := w[2:]
		if strings.HasPrefix(w2, "ال") && arLen(w2) >= 5 {
			return w2[4:]
		}
		return w2
	}
	for _, p := range [...]string{"ب", "ل"} {
		if strings.HasPrefix(w, p) && arLen(w) >= 5 {
			return w[len(p):]
		}
	}
	return w
}

// keepWhole lists words whose ending only looks like a suffix.
func keepWhole(w string) bool {
	switch w {
	case "مستشفي", "كرسي", "طواري", "صيدلي", "عادي", "دوري", "اداري", "طبيعي", "ماضي", "كافي", "راضي", "راقي",
		"تامين", "انسولين", "فيتامين", "تلفون", "بروتين", "دين", "مين":
		return true
	}
	return false
}

// isProtected reports whether w, or w without one suffix, is known vocabulary.
func isProtected(w string, protect map[string]bool) bool {
	if len(protect) == 0 {
		return false
	}
	if protect[w] {
		return true
	}
	for _, suf := range stemSuffixes() {
		if !strings.HasSuffix(w, suf) || arLen(w)-arLen(suf) < 2 {
			continue
		}
		s := w[:len(w)-len(suf)]
		if protect[s] || strings.HasSuffix(s, "ت") && protect[s[:len(s)-2]+"ه"] {
			return true
		}
	}
	return false
}

// arCandidates appends the forms a normalised Arabic word may be listed
// under in a lexicon: itself, without a suffix, without clitic prefixes, and
// both. The most literal forms come first so listed forms win.
func arCandidates(w string, out []string) []string {
	out = append(out, w)
	out = appendSuffixVariants(w, out)
	for _, p := range [...]string{"وبال", "وال", "بال", "كال", "فال", "ولل", "وهال", "هال", "لل", "ال", "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك"} {
		if strings.HasPrefix(w, p) && arLen(w)-arLen(p) >= 2 {
			s := w[len(p):]
			out = append(out, s)
			out = appendSuffixVariants(s, out)
		}
	}
	return out
}

func appendSuffixVariants(w string, out []string) []string {
	for _, suf := range lookupSuffixes() {
		if strings.HasSuffix(w, suf) && arLen(w)-arLen(suf) >= 2 {
			out = append(out, w[:len(w)-len(suf)])
		}
	}
	return out
}

// enCandidates appends simple inflection variants of a lower-case English word.
func enCandidates(w string, out []string) []string {
	out = append(out, w)
	if strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
		out = append(out, w)
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		out = append(out, w[:n-3]+"y")
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		out = append(out, w[:n-1])
	}
	return out
}
