package files_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"px360/app/files"
)

// stored lists the files kept under root outside tmp, and the files left in tmp.
func stored(t *testing.T, root string) (kept, temp []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) {
			temp = append(temp, rel)
		} else {
			kept = append(kept, rel)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return kept, temp
}

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<?xml version=\"1.0\"?><x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

const pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func TestPutSniffsTheType(t *testing.T) {
	ooxml := func(main ...string) []byte {
		return zipOf(t, append([]string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml"}, main...)...)
	}
	for _, tc := range []struct {
		name, content, want string // want "" means refused
	}{
		{"PDF", pdf, "application/pdf"},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00", "image/png"},
		{"JPEG", "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", "image/jpeg"},
		{"GIF", "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!", "image/gif"},
		{"WebP", "RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00", "image/webp"},
		{"HEIC from a phone", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00meta", files.HEIC},
		{"HEIF with a heic brand", "\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf\x00\x00\x00\x00meta", files.HEIC},
		{"plain text", "The nurse did not answer the call bell for an hour.\n", "text/plain; charset=utf-8"},
		{"Arabic text", "لم تستجب الممرضة لجرس النداء لمدة ساعة.\n", "text/plain; charset=utf-8"},
		{"UTF-16 text", string(utf16le("Waited four hours; temperature <38.")), "text/plain; charset=utf-16le"},
		{"Word document", string(ooxml("word/document.xml")), files.DOCX},
		{"Excel workbook", string(ooxml("xl/workbook.xml", "xl/worksheets/sheet1.xml")), files.XLSX},
		{"PowerPoint deck", string(ooxml("ppt/presentation.xml")), files.PPTX},

		{"ELF executable", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00", ""},
		{"Windows executable", "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00", ""},
		{"HTML", "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", ""},
		{"HTML after a line of text", "Dear team,\n<script>fetch('/admin/users')</script>", ""},
		{"SVG", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, ""},
		{"SVG with an XML declaration", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`, ""},
		{"UTF-16 SVG", string(utf16le(`<svg onload="alert(1)"/>`)), ""},
		{"plain zip", string(zipOf(t, "readme.txt", "run.exe")), ""},
		{"zip named like Office without its parts", string(zipOf(t, "[Content_Types].xml", "payload.bin")), ""},
		{"macro-enabled Word document", string(ooxml("word/document.xml", "word/vbaProject.bin")), ""},
		{"Office parts not first", string(zipOf(t, "word/document.xml", "[Content_Types].xml")), ""},
		{"AVIF (not HEIC)", "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf\x00\x00\x00\x00meta", ""},
		{"legacy Office (OLE2)", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			b, err := files.New(root).Put(strings.NewReader(tc.content), 1<<20)
			kept, temp := stored(t, root)
			if tc.want == "" {
				if !errors.Is(err, files.ErrType) || len(kept)+len(temp) != 0 {
					t.Fatalf("refused type: err %v, files %v %v", err, kept, temp)
				}
				return
			}
			if err != nil || b.ContentType != tc.want || b.Size != int64(len(tc.content)) || len(kept) != 1 {
				t.Fatalf("got %+v, %v, files %v; want %s", b, err, kept, tc.want)
			}
		})
	}
}

func TestPutStoresEachContentOnce(t *testing.T) {
	root := t.TempDir()
	st := files.New(root)
	a, err := st.Put(strings.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Put(strings.NewReader(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || len(a.SHA256) != 64 {
		t.Fatalf("same content, different blobs: %+v %+v", a, b)
	}
	kept, temp := stored(t, root)
	want := filepath.Join(a.SHA256[:2], a.SHA256[2:4], a.SHA256)
	if len(kept) != 1 || kept[0] != want || len(temp) != 0 {
		t.Fatalf("stored %v (tmp %v), want only %s", kept, temp, want)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(filepath.Join(root, want))
		di, _ := os.Stat(filepath.Join(root, a.SHA256[:2]))
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Fatalf("modes: file %v, dir %v", fi.Mode(), di.Mode())
		}
	}
	f, err := st.Open(a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got bytes.Buffer
	got.ReadFrom(f)
	if got.String() != pdf {
		t.Fatal("read back different bytes")
	}
	other, _ := st.Put(strings.NewReader(pdf+"%more\n"), 1<<20)
	if other.SHA256 == a.SHA256 {
		t.Fatal("different content, same sum")
	}
}

func TestPutRefusesOversizedAndEmptyFiles(t *testing.T) {
	root := t.TempDir()
	st := files.New(root)
	text := strings.Repeat("a complaint line of plain text\n", 100) // 3,100 bytes
	for _, max := range []int64{3099, 100} {                        // past the sniffed head, and within it
		if _, err := st.Put(strings.NewReader(text), max); !errors.Is(err, files.ErrTooLarge) {
			t.Fatalf("limit %d: err %v, want ErrTooLarge", max, err)
		}
	}
	if kept, temp := stored(t, root); len(kept)+len(temp) != 0 {
		t.Fatalf("an oversized file left %v %v", kept, temp)
	}
	if b, err := st.Put(strings.NewReader(text), 3100); err != nil || b.Size != 3100 {
		t.Fatalf("a file of exactly the limit: %+v %v", b, err)
	}
	if _, err := st.Put(strings.NewReader(""), 100); !errors.Is(err, files.ErrEmpty) {
		t.Fatalf("empty file: %v", err)
	}
}

func TestOpenTakesOnlySums(t *testing.T) {
	st := files.New(t.TempDir())
	for _, bad := range []string{"", "../../keys/token.key", strings.Repeat("A", 64), strings.Repeat("a", 63) + "/"} {
		if f, err := st.Open(bad); err == nil {
			f.Close()
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := st.Open(strings.Repeat("a", 64)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a sum not stored: %v", err)
	}
}
