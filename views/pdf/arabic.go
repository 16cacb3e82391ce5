package pdf

import "unicode"

// PDF text has no shaping engine: a viewer draws exactly the glyphs named by
// the code points it is given. Arabic letters therefore have to be replaced by
// their contextual presentation forms (isolated, final, initial, medial)
// before they reach gopdf. DejaVu Sans carries glyphs for those forms.

// joining is the Unicode joining type of a character (ArabicShaping.txt),
// reduced to what shaping needs.
type joining uint8

const (
	joinNone        joining = iota // U: neither side joins (hamza, digits, Latin, space)
	joinRight                      // R: joins the previous letter only (alef, dal, reh, waw, ...)
	joinDual                       // D: joins both sides (beh, seen, lam, ...)
	joinCausing                    // C: tatweel and ZWJ, join both sides, have no forms
	joinTransparent                // T: harakat and other marks, skipped when looking for neighbours
)

// form indexes a letter's presentation forms. Unicode lays the forms of each
// letter out consecutively in this order, so a letter's table entry only
// needs its isolated form and how many forms it has.
type form uint8

const (
	isolated form = iota
	final
	initial
	medial
)

// letter describes one shapeable Arabic letter.
type letter struct {
	isolated rune // first presentation form; the others follow in form order
	forms    uint8
}

// letters maps Arabic letters to their presentation forms. Letters with two
// forms are right-joining, letters with four are dual-joining, hamza has one.
// U+0649 alef maksura is dual-joining in Unicode, but it only ever ends a
// word in Arabic and Forms-B has no initial or medial form for it, so it is
// treated as right-joining, as Arabic typesetters do.
var letters = map[rune]letter{
	0x0621: {0xFE80, 1}, // ء hamza
	0x0622: {0xFE81, 2}, // آ alef with madda above
	0x0623: {0xFE83, 2}, // أ alef with hamza above
	0x0624: {0xFE85, 2}, // ؤ waw with hamza above
	0x0625: {0xFE87, 2}, // إ alef with hamza below
	0x0626: {0xFE89, 4}, // ئ yeh with hamza above
	0x0627: {0xFE8D, 2}, // ا alef
	0x0628: {0xFE8F, 4}, // ب beh
	0x0629: {0xFE93, 2}, // ة teh marbuta
	0x062A: {0xFE95, 4}, // ت teh
	0x062B: {0xFE99, 4}, // ث theh
	0x062C: {0xFE9D, 4}, // ج jeem
	0x062D: {0xFEA1, 4}, // ح hah
	0x062E: {0xFEA5, 4}, // خ khah
	0x062F: {0xFEA9, 2}, // د dal
	0x0630: {0xFEAB, 2}, // ذ thal
	0x0631: {0xFEAD, 2}, // ر reh
	0x0632: {0xFEAF, 2}, // ز zain
	0x0633: {0xFEB1, 4}, // س seen
	0x0634: {0xFEB5, 4}, // ش sheen
	0x0635: {0xFEB9, 4}, // ص sad
	0x0636: {0xFEBD, 4}, // ض dad
	0x0637: {0xFEC1, 4}, // ط tah
	0x0638: {0xFEC5, 4}, // ظ zah
	0x0639: {0xFEC9, 4}, // ع ain
	0x063A: {0xFECD, 4}, // غ ghain
	0x0641: {0xFED1, 4}, // ف feh
	0x0642: {0xFED5, 4}, // ق qaf
	0x0643: {0xFED9, 4}, // ك kaf
	0x0644: {0xFEDD, 4}, // ل lam
	0x0645: {0xFEE1, 4}, // م meem
	0x0646: {0xFEE5, 4}, // ن noon
	0x0647: {0xFEE9, 4}, // ه heh
	0x0648: {0xFEED, 2}, // و waw
	0x0649: {0xFEEF, 2}, // ى alef maksura (see above)
	0x064A: {0xFEF1, 4}, // ي yeh

	// Letters outside Forms-B, for Persian and Urdu loan words and names.
	0x0671: {0xFB50, 2}, // ٱ alef wasla
	0x067E: {0xFB56, 4}, // پ peh
	0x0686: {0xFB7A, 4}, // چ tcheh
	0x0698: {0xFB8A, 2}, // ژ jeh
	0x06A9: {0xFB8E, 4}, // ک keheh
	0x06AF: {0xFB92, 4}, // گ gaf
	0x06CC: {0xFBFC, 4}, // ی farsi yeh
}

// lamAlef maps the alef that follows a lam to the isolated form of the
// mandatory ligature; the final (joined) form is the next code point.
var lamAlef = map[rune]rune{
	0x0622: 0xFEF5, // لآ
	0x0623: 0xFEF7, // لأ
	0x0625: 0xFEF9, // لإ
	0x0627: 0xFEFB, // لا
}

const (
	lam     = 0x0644
	tatweel = 0x0640
	zwj     = 0x200D
)

// joiningOf returns the joining type of r.
func joiningOf(r rune) joining {
	if l, ok := letters[r]; ok {
		switch l.forms {
		case 4:
			return joinDual
		case 2:
			return joinRight
		}
		return joinNone
	}
	switch {
	case r == tatweel || r == zwj:
		return joinCausing
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return joinTransparent
	}
	return joinNone
}

// joinsNext reports whether a character of type j connects to the letter
// after it; joinsPrevious whether it connects to the letter before it.
func (j joining) joinsNext() bool     { return j == joinDual || j == joinCausing }
func (j joining) joinsPrevious() bool { return j == joinRight || j == joinDual || j == joinCausing }

// Shape returns s with Arabic letters replaced by their contextual
// presentation forms and lam-alef pairs by their mandatory ligatures, in
// logical order (see Visual for display order). Harakat and other marks do
// not interrupt joining and are kept right after their letter; for a lam-alef
// ligature, marks on either letter follow the ligature. Tatweel, ZWJ and
// ZWNJ are kept: they join (or break) like Unicode says and Visual drops the
// invisible ones. Everything else passes through unchanged.
func Shape(s string) string {
	if !hasShapeable(s) {
		return s
	}
	in := []rune(s)
	types := make([]joining, len(in))
	for i, r := range in {
		types[i] = joiningOf(r)
	}
	// neighbour returns the index of the nearest non-transparent character
	// from i in direction step, or -1.
	neighbour := func(i, step int) int {
		for i += step; i >= 0 && i < len(in); i += step {
			if types[i] != joinTransparent {
				return i
			}
		}
		return -1
	}

	out := make([]rune, 0, len(in))
	for i := 0; i < len(in); i++ {
		r := in[i]
		l, ok := letters[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev, next := neighbour(i, -1), neighbour(i, +1)
		joinedBefore := prev >= 0 && types[prev].joinsNext() && types[i].joinsPrevious()

		if r == lam && next >= 0 {
			if lig, ok := lamAlef[in[next]]; ok {
				if joinedBefore {
					lig++ // final form
				}
				out = append(out, lig)
				out = append(out, in[i+1:next]...) // marks on the lam
				i = next                           // marks on the alef follow in the next iterations
				continue
			}
		}

		joinedAfter := next >= 0 && types[i].joinsNext() && types[next].joinsPrevious()
		f := isolated
		switch {
		case joinedBefore && joinedAfter:
			f = medial
		case joinedBefore:
			f = final
		case joinedAfter:
			f = initial
		}
		out = append(out, l.isolated+rune(f))
	}
	return string(out)
}

// hasShapeable reports whether any rune of s has presentation forms, so
// text without Arabic letters is returned without allocating.
func hasShapeable(s string) bool {
	for _, r := range s {
		if _, ok := letters[r]; ok {
			return true
		}
	}
	return false
}
