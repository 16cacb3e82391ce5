package complaints

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"px360/app"
	"px360/app/files"
	"px360/store"
)

// Attachment limits (the defaults of AttachmentService).
const (
	DefaultMaxAttachmentSize = 10 << 20 // the refusal message names the limit in MB
	DefaultMaxAttachments    = 20       // per complaint
	MaxAttachmentName        = 200      // characters of a cleaned file name
)

// Field errors of Attach, on the form field "file".
var (
	ErrAttachmentTooLarge = app.FieldErrors{"file": "err.attachment_too_large"}.Err()
	ErrAttachmentType     = app.FieldErrors{"file": "err.attachment_type"}.Err()
	ErrAttachmentEmpty    = app.FieldErrors{"file": "err.attachment_empty"}.Err()
	ErrAttachmentLimit    = app.FieldErrors{"file": "err.attachment_limit"}.Err()
)

// AttachmentService attaches files to complaints and hands them out again, only to
// users who may see the complaint.
type AttachmentService struct {
	st    *store.Store
	files *files.Store
	compl *Service
	// MaxSize is the largest file accepted, in bytes.
	MaxSize int64
	// MaxPerComplaint is how many files one complaint may have.
	MaxPerComplaint int
}

// NewAttachments returns the attachment service over the file store rooted at
// filesDir (DATA/files), checking scope through the complaint service.
func NewAttachments(st *store.Store, filesDir string, compl *Service) *AttachmentService {
	return &AttachmentService{st: st, files: files.New(filesDir), compl: compl,
		MaxSize: DefaultMaxAttachmentSize, MaxPerComplaint: DefaultMaxAttachments}
}

// Attach stores the content of r and records it as an attachment of the complaint, with
// an internal timeline entry and an audit row, in one transaction. The type is sniffed
// from the content; name is only the name offered for download (cleaned, and given the
// extension of the sniffed type when its own does not fit). Too large, refused, empty,
// or one file too many: a field error on "file".
func (s *AttachmentService) Attach(ctx context.Context, by app.Principal, complaintID int64, name string, r io.Reader) (app.Attachment, error) {
	if !by.Can(app.PermComplaintCreate) {
		return app.Attachment{}, app.ErrForbidden
	}
	c, err := s.compl.Get(ctx, by, complaintID)
	if err != nil {
		return app.Attachment{}, err
	}
	if n, err := s.st.CountAttachments(ctx, c.ID); err != nil {
		return app.Attachment{}, err
	} else if n >= s.MaxPerComplaint {
		return app.Attachment{}, ErrAttachmentLimit
	}
	// The file is written before the transaction. Should the transaction fail, the file
	// stays without a row: harmless, since the store is content-addressed (a later upload
	// of the same bytes reuses it) and nothing serves a file that no row names.
	blob, err := s.files.Put(r, s.MaxSize)
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return app.Attachment{}, ErrAttachmentTooLarge
	case errors.Is(err, files.ErrType):
		return app.Attachment{}, ErrAttachmentType
	case errors.Is(err, files.ErrEmpty):
		return app.Attachment{}, ErrAttachmentEmpty
	case err != nil:
		return app.Attachment{}, fmt.Errorf("attach to complaint %d: %w", c.ID, err)
	}
	a := app.Attachment{ComplaintID: c.ID, SHA256: blob.SHA256, Name: AttachmentName(name, blob.ContentType),
		ContentType: blob.ContentType, Size: blob.Size}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if _, err := tx.ComplaintByID(ctx, by.Scope, c.ID); err != nil {
			return err
		}
		if n, err := tx.CountAttachments(ctx, c.ID); err != nil {
			return err
		} else if n >= s.MaxPerComplaint { // another upload took the last place meanwhile
			return ErrAttachmentLimit
		}
		if err := tx.InsertAttachment(ctx, &a); err != nil {
			return err
		}
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: "attachment", Note: a.Name}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint_attachment.create", Entity: "complaint", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"attachment": a.ID, "name": a.Name, "sha256": a.SHA256,
				"size": a.Size, "content_type": a.ContentType}})
	})
	if err != nil {
		return app.Attachment{}, err
	}
	return a, nil
}

// Attachments lists a complaint's attachments, oldest first.
func (s *AttachmentService) Attachments(ctx context.Context, by app.Principal, complaintID int64) ([]app.Attachment, error) {
	c, err := s.compl.Get(ctx, by, complaintID)
	if err != nil {
		return nil, err
	}
	return s.st.Attachments(ctx, by.Scope, c.ID)
}

// OpenAttachment opens one attachment of a complaint for download; the caller closes
// the reader. A download is audited (the files hold patients' data).
func (s *AttachmentService) OpenAttachment(ctx context.Context, by app.Principal, complaintID, attachmentID int64) (app.Attachment, io.ReadSeekCloser, error) {
	c, err := s.compl.Get(ctx, by, complaintID)
	if err != nil {
		return app.Attachment{}, nil, err
	}
	a, err := s.st.Attachment(ctx, by.Scope, c.ID, attachmentID)
	if err != nil {
		return app.Attachment{}, nil, err
	}
	f, err := s.files.Open(a.SHA256)
	if err != nil {
		return app.Attachment{}, nil, fmt.Errorf("open attachment %d of complaint %d: %w", a.ID, c.ID, err)
	}
	err = s.st.AuditOutside(ctx, by, app.Audit{Action: "complaint_attachment.view", Entity: "complaint",
		EntityID: fmt.Sprint(c.ID), HospitalID: c.HospitalID, Summary: map[string]any{"attachment": a.ID, "name": a.Name}})
	if err != nil {
		f.Close()
		return app.Attachment{}, nil, err
	}
	return a, f, nil
}

// AttachmentName cleans an uploaded file's name: the base name only (browsers may send
// a path), no control or bidirectional-override characters (which can disguise
// "exe" as "pdf"), the extension of the sniffed content type when the name's own does
// not fit it, and at most MaxAttachmentName characters, keeping the extension.
func AttachmentName(name, contentType string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || bidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if strings.Trim(name, ".") == "" {
		name = "attachment"
	}
	if exts := files.Extensions(contentType); len(exts) > 0 && !slices.Contains(exts, strings.ToLower(path.Ext(name))) {
		name += exts[0]
	}
	if utf8.RuneCountInString(name) > MaxAttachmentName {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 16 { // not an extension worth keeping
			ext = ""
		}
		stem := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimSpace(string(stem[:MaxAttachmentName-utf8.RuneCountInString(ext)])) + ext
	}
	return name
}

// bidiControl reports the invisible characters that reorder text.
func bidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}
