package web_test

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"px360/app"
	"px360/app/accounts"
)

const attachPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// upload posts content as the multipart field "file" named name.
func (e *env) upload(c *http.Client, complaintID int64, name string, content []byte) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return e.do(c, "POST", "/complaints/"+idStr(complaintID)+"/attachments", &body,
		http.Header{"Content-Type": {mw.FormDataContentType()}})
}

// attachmentRows counts the stored attachment rows.
func (e *env) attachmentRows() int {
	e.t.Helper()
	var n int
	if err := e.store().R.QueryRow(`select count(*) from complaint_attachments`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// storedFiles lists the files in DATA/files, the temporary ones included.
func (e *env) storedFiles() []string {
	e.t.Helper()
	root := filepath.Join(filepath.Dir(e.a.Backups.Dir()), "files")
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// adminOfB signs in a hospital admin of hospital B only.
func (e *env) adminOfB() *http.Client {
	e.t.Helper()
	const email, password = "admin.b@px360.demo", "hospital b admin password"
	_, err := e.a.Accounts.CreateUser(e.t.Context(), app.System, accounts.UserInput{Email: email, Name: "Admin B",
		Role: app.RoleHospitalAdmin, HospitalIDs: []int64{e.hospB.ID}, Password: password, Language: "en", Active: true})
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	if r := e.post(c, "/login", url.Values{"email": {email}, "password": {password}}); r.status != http.StatusSeeOther {
		e.t.Fatalf("login admin B: %d", r.status)
	}
	return c
}

func TestAttachmentUploadAndDownload(t *testing.T) {
	e := newEnv(t)
	x := e.createDirect(e.hospA, "The discharge letter was wrong.")
	record := "/complaints/" + idStr(x.ID)
	admin := e.login(app.RoleHospitalAdmin)

	page := e.get(admin, record)
	for _, want := range []string{`enctype="multipart/form-data"`, `action="` + record + `/attachments"`, `type="file"`, "No files are attached."} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("record page lacks %q", want)
		}
	}
	r := e.upload(admin, x.ID, "تقرير الخروج.pdf", []byte(attachPDF))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != record {
		t.Fatalf("upload: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	page = e.get(admin, record)
	link := record + "/attachments/"
	if !strings.Contains(page.body, "File attached.") || !strings.Contains(page.body, "تقرير الخروج.pdf") ||
		!strings.Contains(page.body, `href="`+link) || !strings.Contains(page.body, e.emails[app.RoleHospitalAdmin]) {
		t.Fatalf("record page after the upload lacks the flash, the file or its link")
	}
	var aid string
	if err := e.store().R.QueryRow(`select cast(id as text) from complaint_attachments where complaint_id = ?`, x.ID).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	download := link + aid

	t.Run("the uploader's hospital downloads the same bytes, as a download", func(t *testing.T) {
		d := e.get(admin, download)
		if d.status != 200 || d.body != attachPDF {
			t.Fatalf("download: %d, %d bytes", d.status, len(d.body))
		}
		for header, want := range map[string]string{
			"Content-Type":           "application/pdf",
			"Content-Disposition":    `attachment; filename="_____ ______.pdf"; filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1%20%D8%A7%D9%84%D8%AE%D8%B1%D9%88%D8%AC.pdf`,
			"X-Content-Type-Options": "nosniff",
			"Cache-Control":          "private, no-store",
		} {
			if got := d.header.Get(header); got != want {
				t.Errorf("%s: %q, want %q", header, got, want)
			}
		}
	})
	t.Run("a viewer sees and downloads the file but gets no upload form", func(t *testing.T) {
		viewer := e.login(app.RoleViewer)
		if p := e.get(viewer, record); !strings.Contains(p.body, "تقرير الخروج.pdf") || strings.Contains(p.body, `type="file"`) {
			t.Fatal("viewer's record page")
		}
		if d := e.get(viewer, download); d.status != 200 {
			t.Fatalf("viewer download: %d", d.status)
		}
		if u := e.upload(viewer, x.ID, "x.pdf", []byte(attachPDF)); u.status != http.StatusForbidden {
			t.Fatalf("viewer upload: %d", u.status)
		}
	})
	t.Run("another hospital's admin can neither download nor add", func(t *testing.T) {
		other := e.adminOfB()
		if d := e.get(other, download); d.status != http.StatusNotFound || strings.Contains(d.body, "%PDF") {
			t.Fatalf("download from hospital B: %d", d.status)
		}
		before := len(e.storedFiles())
		if u := e.upload(other, x.ID, "b.pdf", []byte(attachPDF+"% from B\n")); u.status != http.StatusNotFound {
			t.Fatalf("upload from hospital B: %d", u.status)
		}
		if e.attachmentRows() != 1 || len(e.storedFiles()) != before {
			t.Fatal("hospital B's upload was stored")
		}
	})
	t.Run("unknown attachment ids are not found", func(t *testing.T) {
		for _, p := range []string{link + "999999", link + "abc", "/complaints/999999/attachments/" + aid} {
			if d := e.get(admin, p); d.status != http.StatusNotFound {
				t.Errorf("%s: %d", p, d.status)
			}
		}
	})
}

func TestAttachmentRefusals(t *testing.T) {
	e := newEnv(t)
	x := e.createDirect(e.hospA, "The discharge letter was wrong.")
	admin := e.login(app.RoleHospitalAdmin)
	oversized := append([]byte(attachPDF), bytes.Repeat([]byte("%"), 10<<20)...)
	for _, tc := range []struct {
		name, file string
		content    []byte
		want       string
	}{
		{"over 10 MB", "big.pdf", oversized, "The file is larger than 10 MB."},
		{"HTML", "page.pdf", []byte("<!doctype html><script>alert(document.cookie)</script>"),
			"This type of file is not accepted (PDF, images, text and Office documents are)."},
		{"a Windows program", "setup.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
			"This type of file is not accepted (PDF, images, text and Office documents are)."},
		{"no file chosen", "", nil, "Choose a file to attach."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.upload(admin, x.ID, tc.file, tc.content)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.want) ||
				!strings.Contains(r.body, `aria-invalid="true"`) || !strings.Contains(r.body, x.TrackingCode) {
				t.Fatalf("status %d, want 422 with %q on the record page: %.500s", r.status, tc.want, r.body)
			}
		})
	}
	if n, stored := e.attachmentRows(), e.storedFiles(); n != 0 || len(stored) != 0 {
		t.Fatalf("refused uploads left %d rows and files %v", n, stored)
	}
	if r := e.post(admin, "/complaints/"+idStr(x.ID)+"/attachments", url.Values{"file": {"not multipart"}}); r.status != 422 {
		t.Fatalf("a form that is not multipart: %d", r.status)
	}
}
