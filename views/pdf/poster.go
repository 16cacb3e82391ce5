package pdf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
)

// PosterInput is the content of a printable survey or feedback poster. Empty
// text fields are left out.
type PosterInput struct {
	HospitalEN, HospitalAR string
	TitleEN, TitleAR       string
	InviteEN, InviteAR     string
	URL                    string // printed under the code
	QRPNG                  []byte // the code as PNG; made from URL when empty
}

// poster layout, in points.
const (
	posterMargin  = 56
	posterFooterY = PageHeight - 52 // top of the footer line
	qrMaxSide     = 340
	qrMinSide     = 120
)

// Poster renders p as a one-page bilingual A4 poster: hospital name, title,
// the invitation in Arabic and English, the QR code large in the middle with
// its URL under it, and a "PX360" footer. The code takes the space the texts
// leave, from 340 down to 120 points a side.
func Poster(p PosterInput) ([]byte, error) {
	if len(p.QRPNG) == 0 {
		if p.URL == "" {
			return nil, errors.New("poster: no QR code: URL and QRPNG are both empty")
		}
		png, err := QR(p.URL, 1024)
		if err != nil {
			return nil, fmt.Errorf("poster: %w", err)
		}
		p.QRPNG = png
	}
	d, err := NewDoc()
	if err != nil {
		return nil, fmt.Errorf("poster: %w", err)
	}
	d.pdf.SetInfo(posterInfo(p))
	if err := drawPoster(d, p); err != nil {
		return nil, fmt.Errorf("poster: %w", err)
	}
	return d.Bytes()
}

// posterInfo is the document information shown by PDF viewers. gopdf
// writes it as UTF-16 without surrogates, so characters beyond the BMP are
// left out.
func posterInfo(p PosterInput) gopdf.PdfInfo {
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " — ")
	}
	title := join(p.TitleEN, p.HospitalEN)
	if title == "" {
		title = join(p.TitleAR, p.HospitalAR)
	}
	title = strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return -1
		}
		return r
	}, title)
	return gopdf.PdfInfo{Title: title, Creator: "PX360", Producer: "PX360"}
}

// block is one run of text on the poster.
type block struct {
	text   string
	weight Weight
	size   float64
	gap    float64 // space below, in points
}

func drawPoster(d *Doc, p PosterInput) error {
	const x, width = posterMargin, PageWidth - 2*posterMargin

	// A band of colour across the top marks the poster as PX360's.
	d.pdf.SetFillColor(0x0B, 0x5C, 0x6B)
	d.pdf.RectFromUpperLeftWithStyle(0, 0, PageWidth, 16, "F")

	y := float64(posterMargin)
	d.SetTextColor(0x0B, 0x5C, 0x6B)
	y, err := drawBlocks(d, y, x, width, []block{
		{p.HospitalAR, Bold, 20, 2},
		{p.HospitalEN, Bold, 15, 0},
	})
	if err != nil {
		return err
	}
	y += 12
	d.Line(x, y, x+width, y, 1, 200)
	y += 24

	d.SetTextColor(0x1A, 0x1A, 0x1A)
	y, err = drawBlocks(d, y, x, width, []block{
		{p.TitleAR, Bold, 34, 4},
		{p.TitleEN, Bold, 28, 18},
		{p.InviteAR, Regular, 16, 6},
		{p.InviteEN, Regular, 14, 0},
	})
	if err != nil {
		return err
	}

	// The code and its URL share the space left above the footer, centred.
	const urlSize, urlGap = 13, 12
	urlHeight := 0.0
	if p.URL != "" {
		if err := d.SetFont(Regular, urlSize); err != nil {
			return err
		}
		n, err := d.lineCount(p.URL, width)
		if err != nil {
			return err
		}
		urlHeight = urlGap + float64(n)*urlSize*lineSpacing
	}
	space := posterFooterY - 16 - y
	side := min(qrMaxSide, max(qrMinSide, space-urlHeight-32))
	top := y + (space-side-urlHeight)/2
	if err := d.Image(p.QRPNG, (PageWidth-side)/2, top, side, side); err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	if p.URL != "" {
		d.SetTextColor(0x0B, 0x5C, 0x6B)
		if _, err := d.Text(p.URL, x, top+side+urlGap, width, AlignCenter); err != nil {
			return err
		}
	}

	d.Line(x, posterFooterY, x+width, posterFooterY, 0.5, 200)
	d.SetTextColor(0x80, 0x80, 0x80)
	_, err = drawBlocks(d, posterFooterY+8, x, width, []block{{"PX360", Bold, 11, 0}})
	return err
}

// drawBlocks draws each non-empty block centred, one under the other, and
// returns the y below the last one.
func drawBlocks(d *Doc, y, x, width float64, blocks []block) (float64, error) {
	for _, b := range blocks {
		if b.text == "" {
			continue
		}
		if err := d.SetFont(b.weight, b.size); err != nil {
			return y, err
		}
		next, err := d.Text(b.text, x, y, width, AlignCenter)
		if err != nil {
			return y, err
		}
		y = next + b.gap
	}
	return y, nil
}

// QR encodes url as a square PNG QR code about size pixels wide, with medium
// (15%) error correction so a scuffed or partly covered print still scans.
func QR(url string, size int) ([]byte, error) {
	if url == "" {
		return nil, errors.New("qr: empty URL")
	}
	if size <= 0 {
		return nil, fmt.Errorf("qr: size %d is not positive", size)
	}
	png, err := qrcode.Encode(url, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qr: encode %q: %w", url, err)
	}
	return png, nil
}
