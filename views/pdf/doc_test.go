package pdf

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTextAlignment checks where lines land: Start is the right edge for
// Arabic and the left edge for English, End the opposite, Center the middle.
func TestTextAlignment(t *testing.T) {
	const x, width = 100.0, 300.0
	d, err := NewDoc()
	if err != nil {
		t.Fatal(err)
	}
	d.pdf.SetNoCompression()
	if err := d.SetFont(Regular, 14); err != nil {
		t.Fatal(err)
	}
	measure := func(s string) float64 {
		w, err := d.pdf.MeasureTextWidth(Visual(s))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		name, text string
		align      Align
		wantX      float64
	}{
		{"Arabic start is right", "مرحبا بكم", AlignStart, x + width - measure("مرحبا بكم")},
		{"Arabic end is left", "مرحبا بكم", AlignEnd, x},
		{"English start is left", "Welcome", AlignStart, x},
		{"English end is right", "Welcome", AlignEnd, x + width - measure("Welcome")},
		{"centre", "Welcome مرحبا", AlignCenter, x + (width-measure("Welcome مرحبا"))/2},
	}
	y := 100.0
	for _, tt := range tests {
		if y, err = d.Text(tt.text, x, y, width, tt.align); err != nil {
			t.Fatal(err)
		}
	}
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	positions := regexp.MustCompile(`(?m)^(-?[\d.]+) (-?[\d.]+) TD$`).FindAllStringSubmatch(string(out), -1)
	if len(positions) != len(tests) {
		t.Fatalf("found %d text positions, want %d", len(positions), len(tests))
	}
	for i, tt := range tests {
		got, _ := strconv.ParseFloat(positions[i][1], 64)
		if math.Abs(got-tt.wantX) > 0.01 {
			t.Errorf("%s: text at x=%.2f, want %.2f", tt.name, got, tt.wantX)
		}
	}
}

func TestWrap(t *testing.T) {
	d, err := NewDoc()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetFont(Regular, 12); err != nil {
		t.Fatal(err)
	}
	const width = 150
	tests := []struct {
		name, text string
		minLines   int
		sep        string // how lines rejoin into the text
	}{
		{"English at spaces", "Scan the code with your phone camera to answer a short survey.", 3, " "},
		{"Arabic at spaces", Shape("امسح الرمز بكاميرا هاتفك للإجابة على استبيان قصير يستغرق دقيقتين"), 3, " "},
		{"a long word is split", "https://px360.hospital.local/s/outpatient-clinic-2024", 2, ""},
		{"short text is one line", "PX360", 1, " "},
		{"empty text is one empty line", "", 1, " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := d.wrap(tt.text, width)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) < tt.minLines {
				t.Errorf("%d lines, want at least %d: %q", len(lines), tt.minLines, lines)
			}
			if got := strings.Join(lines, tt.sep); got != tt.text {
				t.Errorf("lines rejoin to %q, want %q", got, tt.text)
			}
			for _, line := range lines {
				if w, _ := d.pdf.MeasureTextWidth(line); w > width {
					t.Errorf("line %q is %.1fpt wide, more than %d", line, w, width)
				}
			}
		})
	}
}
