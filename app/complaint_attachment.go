package app

import "time"

// Attachment is a file attached to a complaint. The bytes live once in the
// content-addressed file store under SHA256; ContentType is what the content was
// sniffed as at upload (never what the browser declared), and Name is the cleaned name
// the file is offered under for download.
type Attachment struct {
	ID          int64
	ComplaintID int64
	SHA256      string
	Name        string
	ContentType string
	Size        int64
	UploadedBy  string // the uploader's e-mail
	CreatedAt   time.Time
}
