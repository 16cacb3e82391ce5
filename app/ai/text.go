package ai

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// script tells which writing system a token is in.
type script uint8

const (
	scriptNone script = iota
	scriptArabic
	scriptLatin
)

// tokKind separates words from the other pieces the tokenizer keeps.
type tokKind uint8

const (
	tokWord tokKind = iota
	tokNumber
	tokPunct
	tokEmoji
)

// token is one piece of a comment with its byte span in the original text.
type token struct {
	raw        string
	norm       string // lower-case Latin, normalised Arabic, ASCII digits
	start, end int
	kind       tokKind
	script     script
	letters    int
	pii        bool // inside a phone/ID/MRN/email span
}

// sentenceEnd reports whether a punctuation token closes a sentence.
func (t *token) sentenceEnd() bool {
	return t.kind == tokPunct && strings.ContainsAny(t.raw, ".!?؟;؛\n")
}

func isArabicLetter(r rune) bool {
	return (r >= 0x0621 && r <= 0x063A) || (r >= 0x0641 && r <= 0x064A) ||
		(r >= 0x0671 && r <= 0x06D3) || r == 0x06D5 || (r >= 0x06FA && r <= 0x06FC)
}

// isArabicMark covers harakat, Quranic marks and tatweel, which normalisation drops.
func isArabicMark(r rune) bool {
	return (r >= 0x0610 && r <= 0x061A) || (r >= 0x064B && r <= 0x065F) || r == 0x0670 ||
		(r >= 0x06D6 && r <= 0x06ED) || r == 0x0640
}

func isDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 0x0660 && r <= 0x0669) || (r >= 0x06F0 && r <= 0x06F9)
}

// asciiDigit maps Arabic-Indic and Eastern Arabic-Indic digits to ASCII.
func asciiDigit(r rune) byte {
	switch {
	case r >= '0' && r <= '9':
		return byte(r)
	case r >= 0x0660 && r <= 0x0669:
		return byte('0' + r - 0x0660)
	case r >= 0x06F0 && r <= 0x06F9:
		return byte('0' + r - 0x06F0)
	}
	return 0
}

func isLatinLetter(r rune) bool {
	if r < 0x80 {
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
	}
	return unicode.Is(unicode.Latin, r)
}

func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) ||
		(r >= 0x2B00 && r <= 0x2BFF) || r == 0x2764
}

// isEmojiModifier covers variation selectors, ZWJ and skin tones, which join an emoji.
func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x200D || (r >= 0x1F3FB && r <= 0x1F3FF)
}

func isPunct(r rune) bool {
	switch r {
	case '.', ',', '!', '?', ';', ':', '\n', '،', '؛', '؟':
		return true
	}
	return false
}

// tokenize splits text into words, numbers, emoji and clause punctuation.
// Other symbols and spaces separate tokens and are dropped.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/4+2)
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isArabicLetter(r) || isArabicMark(r):
			j, letters := i, 0
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if isArabicLetter(r2) {
					letters++
				} else if !isArabicMark(r2) {
					break
				}
				j += s2
			}
			if letters == 0 { // a stray mark
				i = j
				continue
			}
			raw := text[i:j]
			toks = append(toks, token{raw: raw, norm: normalizeArabic(raw), start: i, end: j, kind: tokWord, script: scriptArabic, letters: letters})
			i = j
		case isLatinLetter(r):
			j, letters := i, 0
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if isLatinLetter(r2) {
					letters++
					j += s2
					continue
				}
				if r2 == '\'' || r2 == '’' { // keep don't, son's together
					if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); j+s2 < len(text) && isLatinLetter(r3) {
						j += s2
						continue
					}
				}
				break
			}
			raw := text[i:j]
			toks = append(toks, token{raw: raw, norm: lowerLatin(raw), start: i, end: j, kind: tokWord, script: scriptLatin, letters: letters})
			i = j
		case isDigit(r):
			j := i
			var b []byte
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if isDigit(r2) {
					b = append(b, asciiDigit(r2))
					j += s2
					continue
				}
				if r2 == ',' || r2 == '.' || r2 == '٫' || r2 == '٬' {
					if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); j+s2 < len(text) && isDigit(r3) {
						if r2 == '.' || r2 == '٫' {
							b = append(b, '.')
						}
						j += s2
						continue
					}
				}
				break
			}
			toks = append(toks, token{raw: text[i:j], norm: string(b), start: i, end: j, kind: tokNumber})
			i = j
		case isEmoji(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isEmojiModifier(r2) {
					break
				}
				j += s2
			}
			toks = append(toks, token{raw: text[i:j], norm: string(r), start: i, end: j, kind: tokEmoji})
			i = j
		case isPunct(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isPunct(r2) && r2 != ' ' {
					break
				}
				j += s2
			}
			raw := strings.TrimRight(text[i:j], " ")
			toks = append(toks, token{raw: raw, norm: raw, start: i, end: i + len(raw), kind: tokPunct})
			i = j
		default:
			i += size
		}
	}
	return toks
}

// lowerLatin lower-cases a Latin word and folds the typographic apostrophe.
func lowerLatin(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c >= 'A' && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	return strings.ReplaceAll(strings.ToLower(s), "’", "'")
}

// normalizeArabic removes diacritics and tatweel, unifies alef, ya, ta marbuta,
// hamza carriers and Persian letter forms, and squeezes letters stretched
// three or more times ("حلووووو" → "حلو").
func normalizeArabic(s string) string {
	var buf [64]rune
	rs := buf[:0]
	for _, r := range s {
		if isArabicMark(r) {
			continue
		}
		switch r {
		case 'أ', 'إ', 'آ', 'ٱ':
			r = 'ا'
		case 'ى', 'ی', 'ې':
			r = 'ي'
		case 'ة', 'ۃ':
			r = 'ه'
		case 'ؤ':
			r = 'و'
		case 'ئ':
			r = 'ي'
		case 'ک', 'گ':
			r = 'ك'
		case 'ڤ':
			r = 'ف'
		case 'پ':
			r = 'ب'
		case 'چ':
			r = 'ج'
		}
		rs = append(rs, r)
	}
	var b strings.Builder
	b.Grow(len(rs) * 2)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 {
			n = 1
		}
		for k := 0; k < n; k++ {
			b.WriteRune(rs[i])
		}
		i = j
	}
	return b.String()
}

// normalizePhrase normalises every word of a lexicon phrase the way tokens are.
func normalizePhrase(p string) []string {
	var out []string
	for _, t := range tokenize(p) {
		if t.kind == tokWord || t.kind == tokNumber {
			out = append(out, t.norm)
		}
	}
	return out
}

// detectLanguage returns "ar", "en" or "mixed" from the words of each script.
// A comment is mixed when the minority script has at least two words and more
// than a quarter of them, so a single "ER" in an Arabic sentence stays Arabic.
func detectLanguage(toks []token) string {
	var arWords, enWords, arLetters, enLetters int
	for i := range toks {
		t := &toks[i]
		if t.kind != tokWord || t.pii {
			continue
		}
		if t.script == scriptArabic {
			arWords++
			arLetters += t.letters
		} else {
			enWords++
			enLetters += t.letters
		}
	}
	total := arWords + enWords
	if total == 0 {
		return "en"
	}
	minority := min(arWords, enWords)
	if minority >= 2 && float64(minority)/float64(total) > 0.25 {
		return "mixed"
	}
	if arLetters >= enLetters {
		return "ar"
	}
	return "en"
}
