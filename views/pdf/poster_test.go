package pdf

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func samplePoster() PosterInput {
	return PosterInput{
		HospitalEN: "King Fahad General Hospital",
		HospitalAR: "مستشفى الملك فهد العام",
		TitleEN:    "Tell us about your visit",
		TitleAR:    "شاركنا رأيك",
		InviteEN:   "Scan the code with your phone camera to answer a short survey. It takes two minutes and helps us improve care for every patient.",
		InviteAR:   "امسح الرمز بكاميرا هاتفك للإجابة على استبيان قصير. يستغرق دقيقتين فقط ويساعدنا على تحسين الرعاية لكل مريض.",
		URL:        "https://px360.kfgh.local/s/opd-2024",
	}
}

// toUnicode returns the hex code points that the PDF's font subsets map
// glyphs to, i.e. every character drawn. gopdf writes the ToUnicode CMaps
// uncompressed as "<glyph><glyph><code point>" ranges.
func toUnicode(pdf []byte) map[string]bool {
	drawn := map[string]bool{}
	for _, line := range strings.Split(string(pdf), "\n") {
		var glyph1, glyph2, code string
		if n, _ := fmt.Sscanf(strings.ReplaceAll(line, "><", "> <"), "<%4s> <%4s> <%4s>", &glyph1, &glyph2, &code); n == 3 {
			drawn[strings.TrimSuffix(code, ">")] = true
		}
	}
	return drawn
}

func TestPoster(t *testing.T) {
	tests := []struct {
		name  string
		input func() PosterInput
		// code points that must be drawn (presentation forms prove shaping)
		drawn []rune
	}{
		{
			name:  "full bilingual poster with a generated code",
			input: samplePoster,
			drawn: []rune{
				0xFEE3, 0xFEB4, 0xFE98, 0xFEB8, 0xFED4, 0xFEF0, // مستشفى
				0xFEB7, 0xFE8E, 0xFEAD, 0xFEDB, 0xFEE8, // شاركنا
				0xFEDF, 0xFEFA, // للإجابة: lam initial, lam-alef with hamza below final
				'K', 'h', '/', // hospital and URL in Latin
			},
		},
		{
			name: "Arabic only, with a given code image",
			input: func() PosterInput {
				qr, err := QR("https://px360.local/s/1", 512)
				if err != nil {
					t.Fatal(err)
				}
				return PosterInput{HospitalAR: "مستشفى الولادة", TitleAR: "لا تتردد", QRPNG: qr}
			},
			drawn: []rune{0xFEFB, 0xFE93}, // الولادة: isolated lam-alef and teh marbuta after dal
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Poster(tt.input())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Errorf("output starts with %q, want %%PDF-", out[:min(len(out), 8)])
			}
			if !bytes.HasSuffix(bytes.TrimSpace(out), []byte("%%EOF")) {
				t.Error("output does not end with the end-of-file marker")
			}
			for _, want := range []string{"/FontFile2", "/BaseFont /DejaVuSans-Bold", "/BaseFont /DejaVuSans\n", "/Subtype /Image"} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("output lacks %q", want)
				}
			}
			// Subsets keep it small; a full DejaVu Sans alone is 740 kB.
			if n := len(out); n < 10_000 || n > 400_000 {
				t.Errorf("output is %d bytes, want 10 kB to 400 kB", n)
			}
			drawn := toUnicode(out)
			for _, r := range tt.drawn {
				if code := fmt.Sprintf("%04X", r); !drawn[code] {
					t.Errorf("U+%s is not drawn", code)
				}
			}
			for code := range drawn {
				var r rune
				fmt.Sscanf(code, "%X", &r)
				if _, unshaped := letters[r]; unshaped {
					t.Errorf("unshaped Arabic letter U+%s is drawn", code)
				}
			}
			if dir := os.Getenv("PX360_PDF_OUT"); dir != "" {
				name := strings.ReplaceAll(tt.name, " ", "_") + ".pdf"
				if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestPosterNeedsACode(t *testing.T) {
	if _, err := Poster(PosterInput{TitleEN: "Survey"}); err == nil {
		t.Fatal("Poster without URL or QRPNG succeeded")
	}
	if _, err := Poster(PosterInput{TitleEN: "Survey", QRPNG: []byte("not a png")}); err == nil {
		t.Fatal("Poster with a broken QRPNG succeeded")
	}
}

func TestQR(t *testing.T) {
	for _, size := range []int{256, 1024} {
		data, err := QR("https://px360.local/s/abc", size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("QR(%d) is not a PNG: %v", size, err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() || b.Dx() < size {
			t.Errorf("QR(%d) is %dx%d, want a square of at least %d", size, b.Dx(), b.Dy(), size)
		}
	}
	for _, tt := range []struct {
		url  string
		size int
	}{{"", 256}, {"https://px360.local", 0}} {
		if _, err := QR(tt.url, tt.size); err == nil {
			t.Errorf("QR(%q, %d) succeeded", tt.url, tt.size)
		}
	}
}

func BenchmarkPoster(b *testing.B) {
	p := samplePoster()
	qr, err := QR(p.URL, 1024)
	if err != nil {
		b.Fatal(err)
	}
	p.QRPNG = qr
	for b.Loop() {
		if _, err := Poster(p); err != nil {
			b.Fatal(err)
		}
	}
}
