package complaints_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"px360/app"
	"px360/app/complaints"
)

const tinyPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func (e *env) attachments(t *testing.T) (*complaints.AttachmentService, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "files")
	return complaints.NewAttachments(e.st, dir, e.svc), dir
}

func TestAttach(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc, _ := e.attachments(t)
	c := e.create(t)
	adminB := app.Principal{UserID: "b", Email: "admin-b@h.sa", Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}

	a, err := svc.Attach(ctx, e.adminA, c.ID, `C:\scans\re`+"\u202e"+`port.html`, strings.NewReader(tinyPDF))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.ContentType != "application/pdf" || a.Size != int64(len(tinyPDF)) || a.UploadedBy != e.adminA.Email ||
		a.Name != "report.html.pdf" || a.CreatedAt.IsZero() {
		t.Fatalf("attachment %+v", a)
	}
	t.Run("an internal timeline entry and an audit row", func(t *testing.T) {
		if n := count(t, e.st, `select count(*) from complaint_timeline where complaint_id = ? and kind = 'attachment'
			and public = 0 and note = ?`, c.ID, a.Name); n != 1 {
			t.Fatalf("%d timeline entries", n)
		}
		if n := count(t, e.st, `select count(*) from audit_log where action = 'complaint_attachment.create' and entity_id = ?
			and hospital_id = ? and summary like '%'||?||'%'`, c.ID, e.hospA.ID, a.SHA256); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})
	t.Run("the uploader's hospital lists and opens it; the download is audited", func(t *testing.T) {
		list, err := svc.Attachments(ctx, e.adminA, c.ID)
		if err != nil || len(list) != 1 || list[0] != a {
			t.Fatalf("list %+v %v", list, err)
		}
		got, rc, err := svc.OpenAttachment(ctx, e.adminA, c.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if got != a || string(b) != tinyPDF {
			t.Fatalf("opened %+v, %d bytes", got, len(b))
		}
		if n := count(t, e.st, `select count(*) from audit_log where action = 'complaint_attachment.view' and entity_id = ?`, c.ID); n != 1 {
			t.Fatalf("%d download audit rows", n)
		}
	})
	t.Run("another hospital's admin finds nothing and adds nothing", func(t *testing.T) {
		if _, err := svc.Attachments(ctx, adminB, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("list: %v", err)
		}
		if _, _, err := svc.OpenAttachment(ctx, adminB, c.ID, a.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("open: %v", err)
		}
		if _, err := svc.Attach(ctx, adminB, c.ID, "x.pdf", strings.NewReader(tinyPDF+"B")); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("attach: %v", err)
		}
		if n := count(t, e.st, `select count(*) from complaint_attachments`); n != 1 {
			t.Errorf("%d attachments", n)
		}
	})
	t.Run("an attachment is found only under its own complaint", func(t *testing.T) {
		other := e.create(t)
		if _, _, err := svc.OpenAttachment(ctx, e.adminA, other.ID, a.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("open through another complaint: %v", err)
		}
	})
	t.Run("a viewer may not attach", func(t *testing.T) {
		viewer := e.adminA
		viewer.Role = app.RoleViewer
		if _, err := svc.Attach(ctx, viewer, c.ID, "x.pdf", strings.NewReader(tinyPDF)); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("viewer: %v", err)
		}
	})
}

func TestAttachRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc, _ := e.attachments(t)
	svc.MaxSize, svc.MaxPerComplaint = 1000, 2
	c := e.create(t)
	for _, tc := range []struct{ name, content, want string }{
		{"over the limit", tinyPDF + strings.Repeat("%", 1000), "err.attachment_too_large"},
		{"a refused type", "<html><script>alert(1)</script></html>", "err.attachment_type"},
		{"an empty file", "", "err.attachment_empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Attach(ctx, e.adminA, c.ID, "f.pdf", strings.NewReader(tc.content))
			if got := app.Fields(err)["file"]; got != tc.want {
				t.Fatalf("error %v, want %s on file", err, tc.want)
			}
		})
	}
	if n := count(t, e.st, `select count(*) from complaint_attachments`) +
		count(t, e.st, `select count(*) from complaint_timeline where kind = 'attachment'`); n != 0 {
		t.Fatalf("refused uploads wrote %d rows", n)
	}
	for i := range 2 {
		if _, err := svc.Attach(ctx, e.adminA, c.ID, "f.txt", strings.NewReader(strings.Repeat("x", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Attach(ctx, e.adminA, c.ID, "f.txt", strings.NewReader("three")); app.Fields(err)["file"] != "err.attachment_limit" {
		t.Fatalf("past the per-complaint limit: %v", err)
	}
}

func TestTheSameFileOnTwoComplaintsIsStoredOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc, dir := e.attachments(t)
	one, two := e.create(t), e.create(t)
	a, err := svc.Attach(ctx, e.adminA, one.ID, "scan.pdf", strings.NewReader(tinyPDF))
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Attach(ctx, e.adminA, two.ID, "copy.pdf", bytes.NewReader([]byte(tinyPDF)))
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 != b.SHA256 || a.ID == b.ID {
		t.Fatalf("%+v %+v", a, b)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*"))
	if len(matches) != 1 {
		t.Fatalf("stored files %v, want one", matches)
	}
}

func TestAttachmentName(t *testing.T) {
	long := strings.Repeat("م", 250) + ".pdf"
	for _, tc := range []struct{ in, contentType, want string }{
		{"scan.pdf", "application/pdf", "scan.pdf"},
		{"Photo.JPG", "image/jpeg", "Photo.JPG"},
		{"/home/user/شكوى المريض.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "شكوى المريض.docx"},
		{`C:\fakepath\notes.txt`, "text/plain; charset=utf-8", "notes.txt"},
		{"invoice.exe", "application/pdf", "invoice.exe.pdf"},
		{"bell\x07\r\nname.png", "image/png", "bellname.png"},
		{"  ", "image/png", "attachment.png"},
		{"..", "text/plain; charset=utf-8", "attachment.txt"},
		{"bad\xffutf8.pdf", "application/pdf", "badutf8.pdf"},
	} {
		if got := complaints.AttachmentName(tc.in, tc.contentType); got != tc.want {
			t.Errorf("AttachmentName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := complaints.AttachmentName(long, "application/pdf")
	if utf8.RuneCountInString(got) != complaints.MaxAttachmentName || !strings.HasSuffix(got, "م.pdf") {
		t.Errorf("long name cut to %d characters: %q", utf8.RuneCountInString(got), got)
	}
}
