package pdf

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestVisual(t *testing.T) {
	// Shaped words, reversed: how they appear when drawn left to right.
	marhaba := string([]rune{0xFE8E, 0xFE92, 0xFEA3, 0xFEAE, 0xFEE3})                  // مرحبا
	raqm := string([]rune{0xFEE2, 0xFED7, 0xFEAD})                                     // رقم
	ism := string([]rune{0xFEE2, 0xFEB3, 0xFE8D})                                      // اسم
	alghurfa := string([]rune{0xFE94, 0xFED3, 0xFEAE, 0xFED0, 0xFEDF, 0xFE8D})         // الغرفة
	altabiq := string([]rune{0xFED6, 0xFE91, 0xFE8E, 0xFEC4, 0xFEDF, 0xFE8D})          // الطابق
	istibyan := string([]rune{0xFEE5, 0xFE8E, 0xFEF4, 0xFE92, 0xFE98, 0xFEB3, 0xFE8D}) // استبيان

	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"pure Arabic is shaped and reversed", Visual, "مرحبا", marhaba},
		{"number in Arabic keeps its digit order", Visual, "رقم 123", "123 " + raqm},
		{"Arabic-Indic and European numbers in Arabic", Visual, "الغرفة ١٢ - الطابق 3",
			"3 " + altabiq + " - ١٢ " + alghurfa},
		{"English word in Arabic stays readable", Visual, "اسم John Smith", "John Smith " + ism},
		{"Arabic word in English is reversed in place", Visual, "Hello مرحبا world",
			"Hello " + marhaba + " world"},
		{"number after an Arabic word in English joins the Arabic", Visual, "Survey استبيان 2024",
			"Survey 2024 " + istibyan},
		{"Latin after a number after Arabic stays outside", VisualLTR, "abc مرحبا 123 def",
			"abc 123 " + marhaba + " def"},
		{"percent and decimal comma stay with a number after Hebrew", VisualLTR, "abc שלום 1,5% def",
			"abc 1,5% םולש def"},
		{"Arabic number before Arabic in English", VisualLTR, "abc ١٢٣ مرحبا",
			"abc " + marhaba + " ١٢٣"},
		{"brackets are mirrored in Arabic", Visual, "(مرحبا) [رقم]", "[" + raqm + "] (" + marhaba + ")"},
		{"brackets are not mirrored in English", Visual, "(hello) مرحبا", "(hello) " + marhaba},
		{"first strong character decides: English", Visual, "123 Hello مرحبا", "123 Hello " + marhaba},
		{"first strong character decides: Arabic", Visual, "123 مرحبا Hello", "Hello " + marhaba + " 123"},
		{"explicit RTL for neutral text", VisualRTL, "1 - 2", "2 - 1"},
		{"explicit LTR for Arabic text", VisualLTR, "مرحبا ok", marhaba + " ok"},
		{"marks precede their letter in visual order", VisualRTL, "بَب",
			string([]rune{0xFE90, 0x064E, 0xFE91})},
		{"bidi marks and joiners are dropped", Visual, "\u200Fمرحبا\u200E", marhaba},
		{"each line is its own paragraph", Visual, "Hi مرحبا\r\nمرحبا Hi",
			"Hi " + marhaba + "\nHi " + marhaba},
		{"Latin only is unchanged", Visual, "Scan the code: https://px360.local/s/7", "Scan the code: https://px360.local/s/7"},
		{"empty", Visual, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("got  %s\nwant %s", codePoints(got), codePoints(tt.want))
			}
		})
	}
}

func TestIsRTL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"مرحبا", true},
		{"123 - مرحبا hello", true},
		{"«hello» مرحبا", false},
		{"", false},
		{"2024", false},
		{"\u2067hello\u2069 مرحبا", true}, // text inside an isolate is skipped
		{"\u200Fhello", true},
		{"שלום", true},
	}
	for _, tt := range tests {
		if got := isRTL(tt.in); got != tt.want {
			t.Errorf("isRTL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzVisual checks that Visual only reorders and mirrors what Shape
// produced: no character is lost, added or duplicated.
func FuzzVisual(f *testing.F) {
	for _, s := range []string{"مرحبا", "رقم 123", "abc مرحبا 123 def", "(ب) [c] ١٢٣%", "لَا\r\nx", "\u202Bab\u202C", "\xff"} {
		f.Add(s)
	}
	canonical := func(s string) []rune {
		rs := []rune(s)
		for i, r := range rs {
			if m, ok := mirrors[r]; ok {
				rs[i] = min(r, m)
			}
		}
		slices.Sort(rs)
		return rs
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Visual(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Visual(%q) is not valid UTF-8", s)
		}
		gotLines, inLines := strings.Split(got, "\n"), strings.Split(s, "\n")
		if len(gotLines) != len(inLines) {
			t.Fatalf("Visual(%q) has %d lines, want %d", s, len(gotLines), len(inLines))
		}
		for i, line := range inLines {
			want := string(dropFormat([]rune(Shape(strings.TrimSuffix(line, "\r")))))
			if !slices.Equal(canonical(gotLines[i]), canonical(want)) {
				t.Fatalf("line %d of Visual(%q) = %q is not a permutation of %q", i, s, gotLines[i], want)
			}
		}
	})
}

func BenchmarkVisual(b *testing.B) {
	const line = "يرجى مسح الرمز (QR) بهاتفكم لتقييم زيارتكم رقم 2024 في المستشفى"
	for b.Loop() {
		Visual(line)
	}
}
