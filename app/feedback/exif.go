package feedback

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/jpeg"
	"image/png"
	"net/http"
)

// Content types attachments of feedback and observations may have.
const (
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
	typePDF  = "application/pdf"
)

// errUnreadable is a JPEG or PNG whose structure cannot be walked (truncated, corrupt).
var errUnreadable = errors.New("feedback: image structure unreadable")

// CleanFile returns the content of an upload as it may be stored, and its type: a JPEG
// without its metadata segments, a PNG without its metadata chunks, a PDF as it is.
// Photos carry where and when they were taken (EXIF, GPS, XMP) and often the device;
// for an anonymous report that alone could name the reporter. Any other type, and an
// image that cannot be read, is refused with ErrFileType.
func CleanFile(b []byte) ([]byte, string, error) {
	if len(b) == 0 {
		return nil, "", ErrFileEmpty
	}
	switch ct := http.DetectContentType(b); ct {
	case typeJPEG:
		out, err := StripJPEG(b)
		if err != nil {
			return nil, "", ErrFileType
		}
		if _, err := jpeg.DecodeConfig(bytes.NewReader(out)); err != nil {
			return nil, "", ErrFileType
		}
		return out, ct, nil
	case typePNG:
		out, err := StripPNG(b)
		if err != nil {
			return nil, "", ErrFileType
		}
		if _, err := png.DecodeConfig(bytes.NewReader(out)); err != nil {
			return nil, "", ErrFileType
		}
		return out, ct, nil
	case typePDF:
		return b, ct, nil
	}
	return nil, "", ErrFileType
}

// keepJPEGSegment reports whether a marker segment stays: everything the decoder needs
// (frame and scan headers, tables, restart interval), JFIF (APP0) and Adobe (APP14,
// which says how the colours are coded). The other application segments — APP1 (Exif
// with GPS, XMP), APP2 (ICC, multi-picture with further Exif), APP13 (Photoshop/IPTC),
// makers' own — and comments go.
func keepJPEGSegment(marker byte) bool {
	switch {
	case marker == 0xE0 || marker == 0xEE:
		return true
	case marker >= 0xE1 && marker <= 0xEF:
		return false
	case marker == 0xFE: // COM
		return false
	}
	return true
}

// StripJPEG walks a JPEG's marker segments and returns it without its metadata segments
// (see keepJPEGSegment) and without anything after the end-of-image marker (some
// cameras append a second picture with its own Exif there). The entropy-coded image
// data is copied as it is, so the picture itself does not change.
func StripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errUnreadable
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for {
		if i >= len(b) || b[i] != 0xFF {
			return nil, errUnreadable // truncated, or garbage where a marker belongs
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes before a marker
			i++
		}
		if i >= len(b) {
			return nil, errUnreadable
		}
		marker := b[i]
		i++
		switch {
		case marker == 0xD9: // end of image
			return append(out, 0xFF, 0xD9), nil
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // markers without a length
			out = append(out, 0xFF, marker)
			continue
		case marker == 0x00 || marker == 0xD8:
			return nil, errUnreadable
		}
		if i+2 > len(b) {
			return nil, errUnreadable
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return nil, errUnreadable
		}
		if keepJPEGSegment(marker) {
			out = append(out, 0xFF, marker)
			out = append(out, b[i:i+n]...)
		}
		i += n
		if marker != 0xDA { // not a start of scan: the next marker follows
			continue
		}
		// The scan's entropy-coded data runs to the next marker that is neither a
		// stuffed zero (FF 00) nor a restart marker (FF D0–D7).
		start := i
		for i < len(b) {
			if b[i] == 0xFF && i+1 < len(b) {
				next := b[i+1]
				if next == 0x00 || (next >= 0xD0 && next <= 0xD7) {
					i += 2
					continue
				}
				break
			}
			i++
		}
		out = append(out, b[start:i]...)
	}
}

// droppedPNGChunks are the chunks that hold metadata rather than the picture: Exif,
// the three kinds of text (camera, software, author, comments, XMP) and the time of
// the last change.
var droppedPNGChunks = map[string]bool{"eXIf": true, "tEXt": true, "iTXt": true, "zTXt": true, "tIME": true}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// StripPNG walks a PNG's chunks and returns it without its metadata chunks and without
// anything after IEND. Each chunk kept is checked against its CRC.
func StripPNG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, errUnreadable
	}
	out := make([]byte, 0, len(b))
	out = append(out, pngSignature...)
	i := len(pngSignature)
	for {
		if i+12 > len(b) {
			return nil, errUnreadable // no IEND
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return nil, errUnreadable
		}
		chunk := b[i : i+12+n]
		typ := string(chunk[4:8])
		if crc32.ChecksumIEEE(chunk[4:8+n]) != binary.BigEndian.Uint32(chunk[8+n:]) {
			return nil, errUnreadable
		}
		i += 12 + n
		if !droppedPNGChunks[typ] {
			out = append(out, chunk...)
		}
		if typ == "IEND" {
			return out, nil
		}
	}
}
