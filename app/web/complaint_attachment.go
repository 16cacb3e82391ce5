package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/complaints"
	"px360/views"
)

// attachmentRoutes registers the upload and the download of complaint attachments.
func (s *Server) attachmentRoutes() {
	s.page("POST /complaints/{id}/attachments", app.PermComplaintCreate, s.attachmentUpload)
	s.page("GET /complaints/{id}/attachments/{aid}", app.PermComplaintView, s.attachmentDownload)
}

// attachmentService is the attachment service over DATA/files (cheap to build: it holds
// the store, the directory and the complaint service).
func (s *Server) attachmentService() *complaints.AttachmentService {
	return complaints.NewAttachments(s.st, filepath.Join(s.cfg.DataDir, "files"), s.compl)
}

// attachmentFormKey carries a refused upload's form into attachmentsPart, which renders
// the record page's upload card.
type attachmentFormKey struct{}

// attachmentsPart adds the list of files under the complaint's details and, for users
// who may add files, the upload form beside them.
func (s *Server) attachmentsPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	svc := s.attachmentService()
	items, err := svc.Attachments(r.Context(), principal(r), c.ID)
	if err != nil {
		return nil, nil, err
	}
	upload, ok := r.Context().Value(attachmentFormKey{}).(views.Form)
	if !ok {
		upload = views.NewForm()
	}
	f := s.partFrame(r)
	p := views.AttachmentsProps{Complaint: c, Items: items, Upload: upload, MaxSize: svc.MaxSize, MaxCount: svc.MaxPerComplaint}
	main = []g.Node{views.AttachmentsCard(f, p)}
	if f.Can(app.PermComplaintCreate) {
		side = []g.Node{views.AttachmentUploadCard(f, p)}
	}
	return main, side, nil
}

// errUploadRequired answers a form without a file.
var errUploadRequired = app.FieldErrors{"file": "err.attachment_required"}.Err()

// attachmentUpload attaches the form's file to the complaint. A refused file re-renders
// the record page with the message beside the upload form (422), as the record's other
// forms do; success goes back to the record with a flash.
func (s *Server) attachmentUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	svc := s.attachmentService()
	r.Body = http.MaxBytesReader(w, r.Body, svc.MaxSize+1<<20) // the file and the multipart framing around it
	err := s.receiveAttachment(r, svc, id)
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		err = complaints.ErrAttachmentTooLarge
	}
	switch {
	case formError(err):
		r = r.WithContext(context.WithValue(r.Context(), attachmentFormKey{}, views.Form{Errors: app.Fields(err)}))
		rec, err := s.complaintRecord(r, id) // 404 for a complaint the user may not see
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.ComplaintPage(s.frame(r), rec))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "complaint.flash_attached")
		http.Redirect(w, r, "/complaints/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// receiveAttachment streams the form's "file" part straight into the service: the upload
// is hashed on its way to disk and never held whole in memory or in a temporary form file.
func (s *Server) receiveAttachment(r *http.Request, svc *complaints.AttachmentService, id int64) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return errUploadRequired
	}
	for {
		part, err := mr.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return errUploadRequired
		case err != nil:
			if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
				return err
			}
			return &app.Error{Code: app.EInvalid, Message: "err.invalid_form"} // a broken body: 400
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		defer part.Close()
		if part.FileName() == "" {
			return errUploadRequired
		}
		_, err = svc.Attach(r.Context(), principal(r), id, part.FileName(), part)
		return err
	}
}

// attachmentDownload sends an attachment as a download, never to be shown inline: the
// type is the one sniffed at upload and browsers may not guess another, so a file
// cannot run as a page of this site. 404 for a complaint the user may not see.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 || pathID(r) == 0 {
		s.notFound(w, r)
		return
	}
	a, f, err := s.attachmentService().OpenAttachment(r.Context(), principal(r), pathID(r), aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", contentDisposition(a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// contentDisposition names a download: an ASCII fallback for old clients, and the UTF-8
// name percent-encoded as RFC 6266 / 8187 filename* (Arabic names survive).
func contentDisposition(name string) string {
	var ascii, enc strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		ascii.WriteRune(r)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; attrChar(c) {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// attrChar reports the bytes RFC 8187 leaves unencoded in an extended parameter value.
func attrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
