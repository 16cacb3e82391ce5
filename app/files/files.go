// Package files owns DATA/files: uploaded files stored content-addressed, once per
// content, under files/ab/cd/<sha256>, after their type has been recognised from the
// bytes themselves. The declared Content-Type and the file name are never trusted, and
// the files are never served from this directory as they are: the web layer sends them
// as downloads with the type recorded here.
package files

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// Errors of Put that describe the upload, not the server.
var (
	ErrTooLarge = errors.New("files: larger than the limit")
	ErrType     = errors.New("files: type not accepted")
	ErrEmpty    = errors.New("files: empty")
)

// The content types Put accepts besides the images, PDF and plain text.
const (
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	HEIC = "image/heic"
)

// sniffLen is how much of a file decides its type (http.DetectContentType reads 512 bytes).
const sniffLen = 512

// ooxml marks a head that may be an Office Open XML document; the whole file decides.
const ooxml = "ooxml"

// Blob is a stored file.
type Blob struct {
	SHA256      string // lowercase hex
	Size        int64
	ContentType string // as sniffed, e.g. "application/pdf", "text/plain; charset=utf-8"
}

// Store is the file store rooted at a directory (DATA/files).
type Store struct{ root string }

// New returns the store rooted at root; directories are created when first needed.
func New(root string) *Store { return &Store{root: root} }

// Put stores the content of r if its type is accepted and it has at most max bytes. The
// bytes are hashed while they are copied to a temporary file in root/tmp, which is then
// renamed to root/ab/cd/<sha256> (0600, directories 0700); content stored before is kept
// as it is. A refused, oversized, empty or broken upload leaves no file behind.
func (s *Store) Put(r io.Reader, max int64) (Blob, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Blob{}, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return Blob{}, ErrEmpty
	case int64(n) > max:
		return Blob{}, ErrTooLarge
	}
	ct, ok := sniff(head)
	if !ok {
		return Blob{}, ErrType
	}
	tmpDir := filepath.Join(s.root, "tmp")
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return Blob{}, err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*") // mode 0600
	if err != nil {
		return Blob{}, err
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	sum := sha256.New()
	w := io.MultiWriter(tmp, sum)
	if _, err := w.Write(head); err != nil {
		return Blob{}, err
	}
	rest, err := io.Copy(w, io.LimitReader(r, max-int64(n)+1)) // one byte more tells an oversized file
	if err != nil {
		return Blob{}, fmt.Errorf("read upload: %w", err)
	}
	b := Blob{Size: int64(n) + rest, ContentType: ct}
	if b.Size > max {
		return Blob{}, ErrTooLarge
	}
	if ct == ooxml {
		if b.ContentType, ok = officeType(tmp, b.Size); !ok {
			return Blob{}, ErrType
		}
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, err
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, err
	}
	b.SHA256 = hex.EncodeToString(sum.Sum(nil))
	final := s.path(b.SHA256)
	if _, err := os.Stat(final); err == nil {
		return b, nil // the same content is stored already; the deferred cleanup drops the copy
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Blob{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Blob{}, fmt.Errorf("store file: %w", err)
	}
	kept = true
	return b, nil
}

// Open opens the stored file with the given SHA-256 for reading.
func (s *Store) Open(sha string) (*os.File, error) {
	if !validSum(sha) {
		return nil, fmt.Errorf("open file %q: not a sha256", sha)
	}
	return os.Open(s.path(sha))
}

// Exists reports whether content with the given SHA-256 is stored.
func (s *Store) Exists(sha string) bool {
	if !validSum(sha) {
		return false
	}
	_, err := os.Stat(s.path(sha))
	return err == nil
}

func (s *Store) path(sha string) string { return filepath.Join(s.root, sha[:2], sha[2:4], sha) }

// validSum accepts lowercase hex of 64 digits only, so a sum never names another path.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// sniff decides from the first bytes whether the type is accepted: PDF, JPEG, PNG, GIF,
// WebP, HEIC, plain text without markup, or a zip whose first entry is
// [Content_Types].xml (a possible Office document, decided by officeType). Everything
// else (executables, HTML, SVG and other XML, other archives) is refused.
func sniff(head []byte) (string, bool) {
	ct := http.DetectContentType(head)
	mediaType, _, _ := strings.Cut(ct, ";")
	switch mediaType {
	case "application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp":
		return mediaType, true
	case "text/plain":
		// Markup in a "text" file (SVG without an XML declaration, HTML after a line
		// of text) is sniffed as text by browsers' rules but may run as a page.
		return ct, !hasMarkup(textOf(head, ct))
	case "application/zip":
		return ooxml, firstZipEntry(head) == "[Content_Types].xml"
	case "application/octet-stream":
		return HEIC, isHEIC(head)
	}
	return "", false
}

// textOf decodes a UTF-16 head (DetectContentType recognises it by its BOM).
func textOf(head []byte, ct string) string {
	var order binary.ByteOrder
	switch {
	case strings.HasSuffix(ct, "utf-16be"):
		order = binary.BigEndian
	case strings.HasSuffix(ct, "utf-16le"):
		order = binary.LittleEndian
	default:
		return string(head)
	}
	units := make([]uint16, 0, len(head)/2)
	for i := 0; i+1 < len(head); i += 2 {
		units = append(units, order.Uint16(head[i:]))
	}
	return string(utf16.Decode(units))
}

// hasMarkup reports a tag-like "<" (followed by a letter, "!", "?" or "/"), which
// plain text hardly has and HTML, SVG and XML always do.
func hasMarkup(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		c := s[i+1]
		if c == '!' || c == '?' || c == '/' || ('a' <= c|0x20 && c|0x20 <= 'z') {
			return true
		}
	}
	return false
}

// firstZipEntry returns the name in a zip's first local file header.
func firstZipEntry(head []byte) string {
	if len(head) < 30 || !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(head[26:28]))
	if 30+n > len(head) {
		return ""
	}
	return string(head[30 : 30+n])
}

// isHEIC recognises an HEIF image coded with HEVC (iPhone and most Android photos): an
// ISO media "ftyp" box whose major brand is heic or heix, or mif1 with such a brand.
func isHEIC(head []byte) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	size := int(binary.BigEndian.Uint32(head[:4]))
	if size < 16 || size > len(head) {
		return false
	}
	heic := func(b string) bool { return b == "heic" || b == "heix" }
	major := string(head[8:12])
	if heic(major) {
		return true
	}
	if major != "mif1" && major != "msf1" {
		return false
	}
	for i := 16; i+4 <= size; i += 4 { // compatible brands follow the minor version
		if heic(string(head[i : i+4])) {
			return true
		}
	}
	return false
}

// officeType reads the zip's central directory (nothing is decompressed) and names
// the document: Word, Excel or PowerPoint. Macro-enabled documents (a vbaProject.bin
// part) and other zips are refused.
func officeType(f *os.File, size int64) (string, bool) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "", false
	}
	ct := ""
	for _, e := range zr.File {
		name := strings.ToLower(e.Name)
		switch {
		case strings.HasSuffix(name, "vbaproject.bin"):
			return "", false
		case name == "word/document.xml":
			ct = DOCX
		case name == "xl/workbook.xml":
			ct = XLSX
		case name == "ppt/presentation.xml":
			ct = PPTX
		}
	}
	return ct, ct != ""
}

// Extensions are the file name extensions that fit a stored content type, the usual
// one first; nil for a type Put does not accept.
func Extensions(contentType string) []string {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch mediaType {
	case "application/pdf":
		return []string{".pdf"}
	case "image/jpeg":
		return []string{".jpg", ".jpeg"}
	case "image/png":
		return []string{".png"}
	case "image/gif":
		return []string{".gif"}
	case "image/webp":
		return []string{".webp"}
	case HEIC:
		return []string{".heic", ".heif"}
	case "text/plain":
		return []string{".txt", ".csv", ".log"}
	case DOCX:
		return []string{".docx"}
	case XLSX:
		return []string{".xlsx"}
	case PPTX:
		return []string{".pptx"}
	}
	return nil
}
