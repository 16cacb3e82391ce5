package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
)

// leaves expands glyph g of glyphs into simple glyphs with accumulated
// offsets, formatted as "glyph@dx,dy".
func leaves(t *testing.T, glyphs [][]byte, g uint16, dx, dy int) []string {
	t.Helper()
	cs, _, simple, err := components(glyphs[g])
	if err != nil {
		t.Fatalf("glyph %d: %v", g, err)
	}
	if simple {
		return []string{fmt.Sprintf("%d@%d,%d", g, dx, dy)}
	}
	var out []string
	for _, c := range cs {
		out = append(out, leaves(t, glyphs, c.glyph, dx+c.dx, dy+c.dy)...)
	}
	return out
}

func TestFlattenComposites(t *testing.T) {
	for name, data := range map[string][]byte{"regular": dejavusans.TTF, "bold": dejavusansbold.TTF} {
		t.Run(name, func(t *testing.T) {
			flat, err := flattenComposites(data)
			if err != nil {
				t.Fatal(err)
			}
			if sum := checksum(flat); sum != 0xB1B0AFBA {
				t.Errorf("font checksum is %#x, want 0xB1B0AFBA", sum)
			}
			before, after := mustGlyphs(t, data), mustGlyphs(t, flat)
			if len(before) != len(after) {
				t.Fatalf("%d glyphs after flattening, want %d", len(after), len(before))
			}
			nested := 0
			for g := range before {
				cs, _, simple, err := components(after[g])
				if err != nil {
					t.Fatalf("glyph %d: %v", g, err)
				}
				if simple {
					if !bytes.Equal(before[g], after[g]) {
						t.Errorf("simple glyph %d changed", g)
					}
					continue
				}
				var got []string
				for _, c := range cs {
					if _, _, simple, _ := components(after[c.glyph]); !simple {
						t.Errorf("glyph %d still refers to composite glyph %d", g, c.glyph)
					}
					got = append(got, fmt.Sprintf("%d@%d,%d", c.glyph, c.dx, c.dy))
				}
				want := leaves(t, before, uint16(g), 0, 0)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("glyph %d is %v, want %v", g, got, want)
				}
				if !bytes.Equal(before[g], after[g]) {
					nested++
				}
			}
			if nested == 0 {
				t.Error("no glyph was flattened; DejaVu Sans has nested composites")
			}
		})
	}
}

func mustGlyphs(t *testing.T, data []byte) [][]byte {
	t.Helper()
	f, err := parseSFNT(data)
	if err != nil {
		t.Fatal(err)
	}
	glyphs, err := f.glyphs()
	if err != nil {
		t.Fatal(err)
	}
	return glyphs
}

// TestEmbeddedGlyphsComplete draws every presentation form Shape produces
// and checks, in the font subsets embedded in the PDF, that no composite
// glyph refers to a glyph that was left out (which shows as a letter
// without its body, dots or hamza).
func TestEmbeddedGlyphsComplete(t *testing.T) {
	var all []rune
	for _, l := range letters {
		for f := range rune(l.forms) {
			all = append(all, l.isolated+f)
		}
	}
	for _, lig := range lamAlef {
		all = append(all, lig, lig+1)
	}
	d, err := NewDoc()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []Weight{Regular, Bold} {
		if err := d.SetFont(w, 12); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Text(string(all)+" Ǖ ǖ", 40, 40, 500, AlignStart); err != nil {
			t.Fatal(err)
		}
	}
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	fonts := embeddedFonts(t, out)
	if len(fonts) != 2 {
		t.Fatalf("found %d embedded fonts, want 2", len(fonts))
	}
	for i, font := range fonts {
		glyphs := mustGlyphs(t, font)
		composites := 0
		for g, data := range glyphs {
			cs, _, simple, err := components(data)
			if err != nil {
				t.Fatalf("font %d glyph %d: %v", i, g, err)
			}
			if simple {
				continue
			}
			composites++
			for _, c := range cs {
				if len(glyphs[c.glyph]) == 0 {
					t.Errorf("font %d: glyph %d uses glyph %d, which is not embedded", i, g, c.glyph)
				}
			}
		}
		if composites == 0 {
			t.Errorf("font %d embeds no composite glyph; the test checks nothing", i)
		}
	}
}

// embeddedFonts returns the decompressed FontFile2 streams of a gopdf PDF.
func embeddedFonts(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	re := regexp.MustCompile(`<</Length (\d+)\n/Filter /FlateDecode\n/Length1 (\d+)\n>>\nstream\n`)
	var fonts [][]byte
	for _, m := range re.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		r, err := zlib.NewReader(bytes.NewReader(pdf[m[1] : m[1]+n]))
		if err != nil {
			t.Fatal(err)
		}
		font, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		fonts = append(fonts, font)
	}
	return fonts
}
