// Package pdf renders printable PDFs (posters, reports) with correct Arabic.
// PDF viewers draw glyphs exactly as given, so this package shapes Arabic
// letters into their joined presentation forms (Shape), puts mixed
// Arabic/English lines in display order (Visual) and draws them with DejaVu
// Sans, embedded from Go package data, through gopdf.
package pdf

import (
	"fmt"
	"strings"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/signintech/gopdf"
)

// A4 portrait page size in points (1/72 inch), the unit of every Doc
// coordinate. The origin is the top-left corner.
const (
	PageWidth  = 595.28
	PageHeight = 841.89
)

// Weight selects a DejaVu Sans face.
type Weight int

const (
	Regular Weight = iota
	Bold
)

// font families registered with gopdf, indexed by Weight.
var families = [...]string{Regular: "DejaVuSans", Bold: "DejaVuSans-Bold"}

// Align places each line of text inside its box. Start and End follow the
// paragraph's direction: Start is the right edge for Arabic.
type Align int

const (
	AlignStart Align = iota
	AlignCenter
	AlignEnd
)

// lineSpacing is the line height as a multiple of the font size; Arabic
// needs room above and below for dots and marks.
const lineSpacing = 1.45

// Doc is an A4 portrait PDF under construction. Text is given in logical
// order, as typed; Doc shapes, wraps and orders it for drawing.
type Doc struct {
	pdf  gopdf.GoPdf
	size float64 // current font size in points
}

// NewDoc starts a document with one empty page and the regular face at 12pt.
func NewDoc() (*Doc, error) {
	d := &Doc{}
	d.pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: *gopdf.PageSizeA4})
	fonts := [...][]byte{Regular: dejavusans.TTF, Bold: dejavusansbold.TTF}
	for w, data := range fonts {
		data, err := flattenComposites(data)
		if err != nil {
			return nil, fmt.Errorf("pdf: prepare font %s: %w", families[w], err)
		}
		opt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: substituteGlyph}
		if err := d.pdf.AddTTFFontDataWithOption(families[w], data, opt); err != nil {
			return nil, fmt.Errorf("pdf: load font %s: %w", families[w], err)
		}
	}
	d.pdf.AddPage()
	if err := d.SetFont(Regular, 12); err != nil {
		return nil, err
	}
	return d, nil
}

// substituteGlyph stands in for characters DejaVu Sans lacks. Alef wasla is
// drawn as a plain alef of the same form; anything else becomes a space,
// gopdf's default.
func substituteGlyph(r rune) rune {
	switch r {
	case 0x0671:
		return 0x0627
	case 0xFB50:
		return 0xFE8D
	case 0xFB51:
		return 0xFE8E
	}
	return gopdf.DefaultOnGlyphNotFoundSubstitute(r)
}

// AddPage starts a new page; drawing continues on it.
func (d *Doc) AddPage() { d.pdf.AddPage() }

// SetFont selects the face and size (points) for the text that follows.
func (d *Doc) SetFont(w Weight, size float64) error {
	if w != Regular && w != Bold {
		return fmt.Errorf("pdf: unknown font weight %d", w)
	}
	if err := d.pdf.SetFont(families[w], "", size); err != nil {
		return fmt.Errorf("pdf: set font %s %gpt: %w", families[w], size, err)
	}
	d.size = size
	return nil
}

// SetTextColor sets the colour of the text that follows.
func (d *Doc) SetTextColor(r, g, b uint8) { d.pdf.SetTextColor(r, g, b) }

// Line draws a straight line, in points, with the given width and grey
// level (0 black, 255 white).
func (d *Doc) Line(x1, y1, x2, y2, width float64, grey uint8) {
	d.pdf.SetLineWidth(width)
	d.pdf.SetStrokeColor(grey, grey, grey)
	d.pdf.Line(x1, y1, x2, y2)
}

// Text draws s in the box that starts at x and is width wide, the top of its
// first line at y, and returns the y below its last line. Each line of s is a
// paragraph: its direction comes from its first strong character, it is
// wrapped at spaces to the width (words longer than the width are split),
// and each resulting line is aligned in the box.
func (d *Doc) Text(s string, x, y, width float64, align Align) (float64, error) {
	lineHeight := d.size * lineSpacing
	for _, para := range strings.Split(s, "\n") {
		para = strings.TrimSuffix(para, "\r")
		rtl := isRTL(para)
		lines, err := d.wrap(Shape(para), width)
		if err != nil {
			return y, err
		}
		for _, line := range lines {
			visual := string(dropFormat(reorder([]rune(line), rtl)))
			w, err := d.pdf.MeasureTextWidth(visual)
			if err != nil {
				return y, fmt.Errorf("pdf: measure %q: %w", para, err)
			}
			left := x
			switch {
			case align == AlignCenter:
				left += (width - w) / 2
			case align == AlignStart && rtl, align == AlignEnd && !rtl:
				left += width - w
			}
			d.pdf.SetXY(left, y)
			if err := d.pdf.Cell(&gopdf.Rect{W: w, H: lineHeight}, visual); err != nil {
				return y, fmt.Errorf("pdf: draw %q: %w", para, err)
			}
			y += lineHeight
		}
	}
	return y, nil
}

// lineCount returns how many lines Text would draw for s in width with the
// current font.
func (d *Doc) lineCount(s string, width float64) (int, error) {
	n := 0
	for _, para := range strings.Split(s, "\n") {
		lines, err := d.wrap(Shape(strings.TrimSuffix(para, "\r")), width)
		if err != nil {
			return 0, err
		}
		n += len(lines)
	}
	return n, nil
}

// wrap splits a shaped paragraph, still in logical order, into lines no
// wider than width. Widths do not depend on order, so lines can be measured
// before they are reordered. An empty paragraph is one empty line.
func (d *Doc) wrap(para string, width float64) ([]string, error) {
	fits := func(s string) (bool, error) {
		w, err := d.pdf.MeasureTextWidth(string(dropFormat([]rune(s))))
		if err != nil {
			return false, fmt.Errorf("pdf: measure %q: %w", s, err)
		}
		return w <= width, nil
	}
	var lines []string
	line := ""
	for _, word := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' || r == '\t' }) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		ok, err := fits(candidate)
		if err != nil {
			return nil, err
		}
		if ok {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		// The word starts a new line; split it if it is too long alone.
		line = word
		if ok, err = fits(word); err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		line = ""
		for _, r := range word {
			ok, err := fits(line + string(r))
			if err != nil {
				return nil, err
			}
			if !ok && line != "" {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines, nil
}

// Image draws a PNG or JPEG image scaled into the box at x, y (top-left)
// of size w × h points.
func (d *Doc) Image(data []byte, x, y, w, h float64) error {
	img, err := gopdf.ImageHolderByBytes(data)
	if err != nil {
		return fmt.Errorf("pdf: read image: %w", err)
	}
	if err := d.pdf.ImageByHolder(img, x, y, &gopdf.Rect{W: w, H: h}); err != nil {
		return fmt.Errorf("pdf: draw image: %w", err)
	}
	return nil
}

// Bytes returns the finished PDF.
func (d *Doc) Bytes() ([]byte, error) {
	b, err := d.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("pdf: write document: %w", err)
	}
	return b, nil
}
