package pdf

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// codePoints renders runes as "U+XXXX" words so failures show which form
// went wrong.
func codePoints(s string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	return b.String()
}

func TestShape(t *testing.T) {
	tests := []struct {
		name, in string
		want     []rune
	}{
		{"greeting joins through right-joining reh and alef", "مرحبا",
			[]rune{0xFEE3, 0xFEAE, 0xFEA3, 0xFE92, 0xFE8E}},
		{"lam alef alone is the isolated ligature", "لا", []rune{0xFEFB}},
		{"lam alef after a joining letter is the final ligature", "سلا", []rune{0xFEB3, 0xFEFC}},
		{"lam with hamza alefs and madda", "لأ لإ لآ", []rune{0xFEF7, ' ', 0xFEF9, ' ', 0xFEF5}},
		{"two words with definite article and ligature", "السلام عليكم",
			[]rune{0xFE8D, 0xFEDF, 0xFEB4, 0xFEFC, 0xFEE1, ' ', 0xFECB, 0xFEE0, 0xFEF4, 0xFEDC, 0xFEE2}},
		{"alef maksura ends a word in final form", "مستشفى",
			[]rune{0xFEE3, 0xFEB4, 0xFE98, 0xFEB8, 0xFED4, 0xFEF0}},
		{"tanween is kept after its alef", "شكراً",
			[]rune{0xFEB7, 0xFEDC, 0xFEAE, 0xFE8D, 0x064B}},
		{"teh marbuta after dal and seen", "مدرسة",
			[]rune{0xFEE3, 0xFEAA, 0xFEAD, 0xFEB3, 0xFE94}},
		{"yeh with hamza is dual-joining", "رئيس",
			[]rune{0xFEAD, 0xFE8B, 0xFEF4, 0xFEB2}},
		{"hamza does not join either side", "ماء",
			[]rune{0xFEE3, 0xFE8E, 0xFE80}},
		{"waw with hamza joins only backwards", "سؤال",
			[]rune{0xFEB3, 0xFE86, 0xFE8D, 0xFEDD}},
		{"harakat do not break joining", "بَب",
			[]rune{0xFE91, 0x064E, 0xFE90}},
		{"shadda and superscript alef are transparent", "هّٰذا",
			[]rune{0xFEEB, 0x0651, 0x0670, 0xFEAC, 0xFE8D}},
		{"marks on the lam follow the ligature", "لَا",
			[]rune{0xFEFB, 0x064E}},
		{"tatweel joins both sides and stays", "بـب",
			[]rune{0xFE91, 0x0640, 0xFE90}},
		{"ZWNJ breaks joining", "ب\u200cب",
			[]rune{0xFE8F, 0x200C, 0xFE8F}},
		{"ZWJ forces joining", "\u200dب\u200d",
			[]rune{0x200D, 0xFE92, 0x200D}},
		{"Persian letters use Forms-A", "پیک چژگ",
			[]rune{0xFB58, 0xFBFF, 0xFB8F, ' ', 0xFB7C, 0xFB8B, 0xFB92}},
		{"alef wasla", "ٱلله",
			[]rune{0xFB50, 0xFEDF, 0xFEE0, 0xFEEA}},
		{"Latin digits and punctuation pass through", "رقم 123، (ب)!",
			[]rune{0xFEAD, 0xFED7, 0xFEE2, ' ', '1', '2', '3', 0x060C, ' ', '(', 0xFE8F, ')', '!'}},
		{"Latin only is unchanged", "Hello, world 42", []rune("Hello, world 42")},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Shape(tt.in)
			if want := string(tt.want); got != want {
				t.Errorf("Shape(%q)\n got %s\nwant %s", tt.in, codePoints(got), codePoints(want))
			}
		})
	}
}

// TestLetterTable checks every table entry against the Unicode character
// database: each presentation form must decompose (NFKC) to its letter and be
// named for the form it stands in.
func TestLetterTable(t *testing.T) {
	suffixes := []string{"ISOLATED FORM", "FINAL FORM", "INITIAL FORM", "MEDIAL FORM"}
	for r, l := range letters {
		for f := range int(l.forms) {
			pf := l.isolated + rune(f)
			name := runenames.Name(pf)
			if got := norm.NFKC.String(string(pf)); got != string(r) {
				t.Errorf("%04X (%s) decomposes to %s, want %04X", pf, name, codePoints(got), r)
			}
			if !strings.HasSuffix(name, suffixes[f]) {
				t.Errorf("%04X for %04X is %q, want a %s", pf, r, name, strings.ToLower(suffixes[f]))
			}
		}
	}
	for alef, lig := range lamAlef {
		for f, suffix := range suffixes[:2] {
			pf := lig + rune(f)
			want := string([]rune{lam, alef})
			if got := norm.NFKC.String(string(pf)); got != want {
				t.Errorf("%04X decomposes to %s, want %s", pf, codePoints(got), codePoints(want))
			}
			if name := runenames.Name(pf); !strings.HasSuffix(name, suffix) {
				t.Errorf("%04X is %q, want a %s", pf, name, strings.ToLower(suffix))
			}
		}
	}
}

func BenchmarkShape(b *testing.B) {
	// 80 characters: a typical survey invitation sentence.
	const sentence = "نرجو منكم تقييم تجربتكم في المستشفى لمساعدتنا على تحسين الخدمة المقدمة للمرضى"
	b.SetBytes(int64(len(sentence)))
	for b.Loop() {
		Shape(sentence)
	}
}
