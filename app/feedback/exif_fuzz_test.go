package feedback_test

import (
	"bytes"
	"image/jpeg"
	"image/png"
	"testing"

	"px360/app/feedback"
)

// FuzzCleanFile feeds uploads of any shape to the metadata stripper: it never panics,
// and what it accepts as a picture is one that decodes, without Exif.
func FuzzCleanFile(f *testing.F) {
	f.Add(jpegWithGPS(f))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"))
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, ct, err := feedback.CleanFile(b)
		if err != nil {
			return
		}
		switch ct {
		case "image/jpeg":
			if _, err := jpeg.DecodeConfig(bytes.NewReader(out)); err != nil {
				t.Fatalf("accepted a JPEG that does not decode: %v", err)
			}
			if _, err := feedback.StripJPEG(out); err != nil {
				t.Fatalf("a cleaned JPEG does not walk again: %v", err)
			}
		case "image/png":
			if _, err := png.DecodeConfig(bytes.NewReader(out)); err != nil {
				t.Fatalf("accepted a PNG that does not decode: %v", err)
			}
		}
	})
}
