package pdf

import (
	"strings"
	"unicode"

	"github.com/go-text/typesetting/bidi"
)

// PDF text is drawn left to right in the order it is given, so mixed
// Arabic/English lines have to be reordered before drawing. The Unicode bidi
// algorithm (UAX #9) resolving embedding levels comes from go-text; this file
// adds what go-text leaves to the renderer: exact levels for reordering (see
// refineLevels), trailing whitespace (L1), reversal (L2) and mirroring (L4).

// Visual returns s shaped (see Shape) and in visual order, ready to be drawn
// left to right. Each line of s is a paragraph whose direction comes from its
// first strong character (Arabic → right to left, Latin or none → left to
// right). Invisible format characters (bidi controls, ZWJ, ZWNJ) are dropped.
func Visual(s string) string {
	return visualLines(s, isRTL)
}

// VisualRTL is Visual for paragraphs known to be right to left.
func VisualRTL(s string) string {
	return visualLines(s, func(string) bool { return true })
}

// VisualLTR is Visual for paragraphs known to be left to right.
func VisualLTR(s string) string {
	return visualLines(s, func(string) bool { return false })
}

func visualLines(s string, rtl func(string) bool) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		lines[i] = string(dropFormat(reorder([]rune(Shape(line)), rtl(line))))
	}
	return strings.Join(lines, "\n")
}

// strength is the strong bidi class of a character, the input of paragraph
// direction detection (P2) and of number resolution (W2, W7).
type strength uint8

const (
	weak         strength = iota // not strong: digits, punctuation, spaces, marks
	ltr                          // L: Latin and every other left-to-right script
	rtl                          // R: Hebrew and other right-to-left scripts
	arabicLetter                 // AL: Arabic letters, including presentation forms
)

func strengthOf(r rune) strength {
	switch r {
	case '\u200E': // LRM
		return ltr
	case '\u200F': // RLM
		return rtl
	case '\u061C': // ALM
		return arabicLetter
	}
	if !unicode.IsLetter(r) {
		return weak
	}
	switch {
	case r >= 0x0600 && r <= 0x07BF, r >= 0x0860 && r <= 0x08FF,
		r >= 0xFB50 && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF,
		r >= 0x1EE00 && r <= 0x1EEFF:
		return arabicLetter
	case r >= 0x0590 && r <= 0x08FF, r >= 0xFB1D && r <= 0xFB4F,
		r >= 0x10800 && r <= 0x10FFF, r >= 0x1E800 && r <= 0x1EFFF:
		return rtl
	}
	return ltr
}

// isRTL reports whether the paragraph s is right to left: whether its first
// strong character, outside isolates, is right to left (rules P2, P3).
func isRTL(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068': // LRI, RLI, FSI
			depth++
			continue
		case '\u2069': // PDI
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 {
			continue
		}
		switch strengthOf(r) {
		case ltr:
			return false
		case rtl, arabicLetter:
			return true
		}
	}
	return false
}

// reorder returns the paragraph text (logical order, already shaped) in
// visual order for a base direction of right to left when isRTL is set.
func reorder(text []rune, isRTL bool) []rune {
	if len(text) == 0 {
		return text
	}
	base, dir := bidi.Level(0), bidi.LeftToRight
	if isRTL {
		base, dir = 1, bidi.RightToLeft
	}
	var p bidi.Paragraph
	runs := p.Segment(text, dir)

	levels := make([]bidi.Level, len(text))
	for i := range levels {
		levels[i] = base // text after a paragraph separator is not segmented
	}
	for i := range runs.NumRuns() {
		run := runs.Run(i)
		for j := run.Start; j < run.End && j < len(levels); j++ {
			levels[j] = run.Level
		}
	}
	if !isRTL {
		refineLevels(text, levels, runs)
	}

	// L1: trailing whitespace takes the paragraph level.
	for i := len(text) - 1; i >= 0 && (unicode.IsSpace(text[i]) || isBidiControl(text[i])); i-- {
		levels[i] = base
	}

	// L4: mirrored characters at right-to-left levels show their mirror.
	out := make([]rune, len(text))
	copy(out, text)
	var highest bidi.Level
	lowestOdd := bidi.Level(127)
	for i, l := range levels {
		if l%2 == 1 {
			if m, ok := mirrors[out[i]]; ok {
				out[i] = m
			}
			lowestOdd = min(lowestOdd, l)
		}
		highest = max(highest, l)
	}

	// L2: from the highest level down to the lowest odd one, reverse every
	// maximal sequence at that level or above. Marks end up before their
	// letter, which is where DejaVu's zero-advance Arabic marks expect to be
	// drawn.
	for l := highest; l >= lowestOdd && l > 0; l-- {
		for i := 0; i < len(out); {
			if levels[i] < l {
				i++
				continue
			}
			j := i
			for j < len(out) && levels[j] >= l {
				j++
			}
			reverse(out[i:j])
			reverse(levels[i:j])
			i = j
		}
	}
	return out
}

// refineLevels fixes the levels of even runs in a left-to-right paragraph.
// go-text reports one level per run and starts a new run only when the
// direction changes, so a number after Arabic (level 2) and the Latin text
// after it (level 0) come back as one run at level 2. Both read left to
// right, but only the number belongs to the reversed Arabic block. This
// recomputes which characters of even runs are numbers that the algorithm
// resolves to EN or AN (rules W1–W7, I1): those are at level 2, the rest at 0.
// It assumes no explicit embeddings (LRE, RLI, ...), which would raise
// levels further; their text still reads in the right direction.
func refineLevels(text []rune, levels []bidi.Level, runs bidi.Runs) {
	// prevStrong[i] is the last strong class before i; the paragraph start
	// counts as left to right.
	prevStrong := make([]strength, len(text))
	last := ltr
	for i, r := range text {
		prevStrong[i] = last
		if s := strengthOf(r); s != weak {
			last = s
		}
	}
	isNumber := func(i int) bool {
		switch numberClassOf(text[i]) {
		case arabicNumber:
			return true
		case europeanNumber: // W2 makes it AN after AL, W7 makes it L after L
			return prevStrong[i] != ltr
		}
		return false
	}

	// staysEuropean reports whether i is a European number that stays EN (it
	// follows Hebrew, not Arabic), the only kind W5 attaches terminators to.
	staysEuropean := func(i int) bool {
		return numberClassOf(text[i]) == europeanNumber && prevStrong[i] == rtl
	}

	for n := range runs.NumRuns() {
		run := runs.Run(n)
		if run.Level%2 == 1 || run.End > len(text) {
			continue
		}
		at := func(i int) numberClass {
			if i < run.Start || i >= run.End {
				return notNumber
			}
			return numberClassOf(text[i])
		}
		for i := run.Start; i < run.End; i++ {
			levels[i] = 0
			if isNumber(i) {
				levels[i] = 2
			}
		}
		for i := run.Start; i < run.End; i++ {
			switch c := at(i); c {
			case separator, commonSeparator:
				// W4: a single separator between two digits of one number.
				before, after := at(i-1), at(i+1)
				if before != notNumber && before == after && isNumber(i-1) && isNumber(i+1) &&
					(c == commonSeparator || before == europeanNumber) {
					levels[i] = 2
				}
			case terminator:
				// W5: a sequence of terminators next to a number that stays
				// EN. The whole sequence is decided at its first character.
				if at(i-1) == terminator {
					break
				}
				end := i
				for at(end) == terminator {
					end++
				}
				if (at(i-1) != notNumber && staysEuropean(i-1)) || (at(end) != notNumber && staysEuropean(end)) {
					for j := i; j < end; j++ {
						levels[j] = 2
					}
				}
			}
			// W1: marks take the level of the character they sit on.
			if i > run.Start && unicode.Is(unicode.Mn, text[i]) {
				levels[i] = levels[i-1]
			}
		}
	}
}

// numberClass is the bidi class of characters that can be part of a number.
type numberClass uint8

const (
	notNumber       numberClass = iota
	europeanNumber              // EN: 0-9, Persian digits, superscripts
	arabicNumber                // AN: Arabic-Indic digits and separators
	separator                   // ES: plus and minus
	commonSeparator             // CS: comma, full stop, colon, slash, no-break space
	terminator                  // ET: currency, percent, degree, hash
)

func numberClassOf(r rune) numberClass {
	switch {
	case r >= '0' && r <= '9', r >= 0x06F0 && r <= 0x06F9, r == 0x00B2, r == 0x00B3, r == 0x00B9,
		r >= 0x2070 && r <= 0x2079 && r != 0x2071 && r != 0x2072 && r != 0x2073,
		r >= 0x2080 && r <= 0x2089, r >= 0xFF10 && r <= 0xFF19:
		return europeanNumber
	case r >= 0x0660 && r <= 0x0669, r == 0x066B, r == 0x066C, r >= 0x0600 && r <= 0x0605, r == 0x06DD:
		return arabicNumber
	case r == '+', r == '-', r == 0x2212, r == 0xFE62, r == 0xFE63, r == 0xFF0B, r == 0xFF0D:
		return separator
	case r == ',', r == '.', r == '/', r == ':', r == 0x00A0, r == 0x060C, r == 0x202F, r == 0x2044:
		return commonSeparator
	case r == '#', r == '$', r == '%', r >= 0x00A2 && r <= 0x00A5, r == 0x00B0, r == 0x00B1,
		r == 0x066A, r >= 0x2030 && r <= 0x2034, r >= 0x20A0 && r <= 0x20CF:
		return terminator
	}
	return notNumber
}

// mirrors pairs the characters most often mirrored in right-to-left text
// (Bidi_Mirroring_Glyph); others draw unmirrored.
var mirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹', '≤': '≥', '≥': '≤',
	'⁅': '⁆', '⁆': '⁅', '⁽': '⁾', '⁾': '⁽', '₍': '₎', '₎': '₍',
	'〈': '〉', '〉': '〈', '⟨': '⟩', '⟩': '⟨',
}

// isBidiControl reports whether r is an explicit bidi formatting character.
func isBidiControl(r rune) bool {
	switch r {
	case '\u061C', '\u200E', '\u200F':
		return true
	}
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// dropFormat removes invisible format characters (category Cf: bidi
// controls, ZWJ, ZWNJ, BOM), which have done their work once text is shaped
// and ordered and have no glyph to draw. The visible Arabic number signs
// (U+0600–U+0605, U+06DD) stay.
func dropFormat(text []rune) []rune {
	out := text[:0]
	for _, r := range text {
		if unicode.Is(unicode.Cf, r) && numberClassOf(r) != arabicNumber {
			continue
		}
		out = append(out, r)
	}
	return out
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
