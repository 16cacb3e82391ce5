package feedback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"px360/app"
	"px360/app/files"
	"px360/store"
)

// Attachment limits.
const (
	MaxFileSize       = 10 << 20 // the refusal message says 10 MB
	MaxFilesPerRecord = 20
)

// Field errors of attachments, on the form field "file".
var (
	ErrFileType     = app.FieldErrors{"file": "err.feedback_file_type"}.Err()
	ErrFileTooLarge = app.FieldErrors{"file": "err.feedback_file_too_large"}.Err()
	ErrFileEmpty    = app.FieldErrors{"file": "err.attachment_empty"}.Err()
	ErrTooManyFiles = app.FieldErrors{"file": "err.too_many_files"}.Err()
)

// storedFile is an upload cleaned and written to the file store, not yet recorded.
type storedFile struct {
	files.Blob
	Name string
}

// storeUploads cleans each upload of its metadata and writes it to the file store. The
// files are written before the transaction that records them: should it fail, they stay
// without a row, which is harmless (content-addressed, never served unless a row names it).
func (s *Service) storeUploads(ups []Upload) ([]storedFile, error) {
	var out []storedFile
	for _, u := range ups {
		b, err := s.putClean(u.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, storedFile{Blob: b, Name: fileName(u.Name, b.ContentType)})
	}
	return out, nil
}

func (s *Service) putClean(data []byte) (files.Blob, error) {
	if len(data) > MaxFileSize {
		return files.Blob{}, ErrFileTooLarge
	}
	clean, _, err := CleanFile(data)
	if err != nil {
		return files.Blob{}, err
	}
	b, err := s.files.Put(bytes.NewReader(clean), MaxFileSize)
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return b, ErrFileTooLarge
	case errors.Is(err, files.ErrType):
		return b, ErrFileType
	case errors.Is(err, files.ErrEmpty):
		return b, ErrFileEmpty
	}
	return b, err
}

// record checks that by may see the record of kind and returns its hospital.
func (s *Service) record(ctx context.Context, by app.Principal, kind string, id int64) (int64, error) {
	switch kind {
	case app.RecordFeedback:
		f, err := s.Feedback(ctx, by, id)
		return f.HospitalID, err
	case app.RecordObservation:
		o, err := s.Observation(ctx, by, id)
		return o.HospitalID, err
	}
	return 0, app.ErrNotFound
}

// Attach adds a file to a feedback or an observation (staff who manage them), stripped of
// image metadata like the reporters' own uploads; JPEG, PNG and PDF only. r is read up to
// the size limit.
func (s *Service) Attach(ctx context.Context, by app.Principal, kind string, id int64, name string, r io.Reader) (store.RecordAttachment, error) {
	if !by.Can(app.PermFeedbackManage) {
		return store.RecordAttachment{}, app.ErrForbidden
	}
	hospitalID, err := s.record(ctx, by, kind, id)
	if err != nil {
		return store.RecordAttachment{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return store.RecordAttachment{}, fmt.Errorf("read upload: %w", err)
	}
	blob, err := s.putClean(data)
	if err != nil {
		return store.RecordAttachment{}, err
	}
	att := store.RecordAttachment{RecordType: kind, RecordID: id, HospitalID: hospitalID, SHA256: blob.SHA256,
		Name: fileName(name, blob.ContentType), ContentType: blob.ContentType, Size: blob.Size}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		have, err := tx.RecordAttachments(ctx, kind, id)
		if err != nil {
			return err
		}
		if len(have) >= MaxFilesPerRecord {
			return ErrTooManyFiles
		}
		if err := tx.InsertRecordAttachment(ctx, &att); err != nil {
			return err
		}
		e := app.RecordLogEntry{RecordID: id, Kind: "attachment", Note: att.Name}
		if kind == app.RecordFeedback {
			err = tx.AddFeedbackLog(ctx, e)
		} else {
			err = tx.AddObservationLog(ctx, e)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: kind + ".file", Entity: kind, EntityID: fmt.Sprint(id), HospitalID: hospitalID,
			Summary: map[string]any{"name": att.Name, "size": att.Size, "sha256": att.SHA256}})
	})
	return att, err
}

// Attachments lists the files of a feedback or an observation, oldest first.
func (s *Service) Attachments(ctx context.Context, by app.Principal, kind string, id int64) ([]store.RecordAttachment, error) {
	if _, err := s.record(ctx, by, kind, id); err != nil {
		return nil, err
	}
	return s.st.RecordAttachments(ctx, kind, id)
}

// OpenAttachment opens one file of a record for download; the caller closes it. The
// download is audited.
func (s *Service) OpenAttachment(ctx context.Context, by app.Principal, kind string, id, fileID int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
	hospitalID, err := s.record(ctx, by, kind, id)
	if err != nil {
		return store.RecordAttachment{}, nil, err
	}
	att, err := s.st.RecordAttachmentByID(ctx, by.Scope, fileID)
	if err != nil {
		return att, nil, err
	}
	if att.RecordType != kind || att.RecordID != id {
		return store.RecordAttachment{}, nil, app.ErrNotFound
	}
	f, err := s.files.Open(att.SHA256)
	if err != nil {
		return att, nil, fmt.Errorf("open %s file %d: %w", kind, att.ID, err)
	}
	if err := s.st.AuditOutside(ctx, by, app.Audit{Action: kind + "_file.view", Entity: kind, EntityID: fmt.Sprint(id),
		HospitalID: hospitalID, Summary: map[string]any{"file": att.ID, "name": att.Name}}); err != nil {
		f.Close()
		return att, nil, err
	}
	return att, f, nil
}

// fileName cleans an uploaded file's name: the base name only, no control or
// bidirectional-override characters (which can disguise an extension), the usual
// extension of the stored type, at most MaxName characters.
func fileName(name, contentType string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name))
	ext := ".pdf"
	switch contentType {
	case typeJPEG:
		ext = ".jpg"
	case typePNG:
		ext = ".png"
	}
	stem := strings.TrimSuffix(name, path.Ext(name))
	if strings.Trim(stem, ".") == "" {
		stem = "attachment"
	}
	if e := strings.ToLower(path.Ext(name)); e == ext || (ext == ".jpg" && e == ".jpeg") {
		ext = path.Ext(name)
	}
	if utf8.RuneCountInString(stem) > MaxName-len(ext) {
		stem = string([]rune(stem)[:MaxName-len(ext)])
	}
	return stem + ext
}
