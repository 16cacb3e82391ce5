package store

import (
	"context"
	"database/sql"
	"errors"

	"px360/app"
)

const attachmentCols = `a.id, a.complaint_id, a.sha256, a.name, a.content_type, a.size, a.uploaded_by, a.created_at, c.hospital_id`

// scanAttachment reads an attachment and its complaint's hospital (for the scope check).
func scanAttachment(r scanner) (app.Attachment, int64, error) {
	var a app.Attachment
	var created string
	var hospitalID int64
	err := r.Scan(&a.ID, &a.ComplaintID, &a.SHA256, &a.Name, &a.ContentType, &a.Size, &a.UploadedBy, &created, &hospitalID)
	a.CreatedAt = parseTS(created)
	return a, hospitalID, err
}

// InsertAttachment records a stored file as an attachment of a complaint, uploaded by
// the transaction's actor; a.ID, a.UploadedBy and a.CreatedAt are set.
func (tx *Tx) InsertAttachment(ctx context.Context, a *app.Attachment) error {
	a.UploadedBy, a.CreatedAt = tx.by.Email, tx.now
	return tx.QueryRowContext(ctx, `insert into complaint_attachments(complaint_id, sha256, name, content_type, size,
		uploaded_by, created_at) values (?,?,?,?,?,?,?) returning id`, a.ComplaintID, a.SHA256, a.Name, a.ContentType, a.Size,
		a.UploadedBy, ts(a.CreatedAt)).Scan(&a.ID)
}

// CountAttachments counts a complaint's attachments.
func (s *Store) CountAttachments(ctx context.Context, complaintID int64) (int, error) {
	return countAttachments(ctx, s.R, complaintID)
}

// CountAttachments counts a complaint's attachments inside the transaction.
func (tx *Tx) CountAttachments(ctx context.Context, complaintID int64) (int, error) {
	return countAttachments(ctx, tx, complaintID)
}

func countAttachments(ctx context.Context, q querier, complaintID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `select count(*) from complaint_attachments where complaint_id = ?`, complaintID).Scan(&n)
	return n, err
}

// Attachments lists a complaint's attachments, oldest first; none when the complaint's
// hospital is outside scope.
func (s *Store) Attachments(ctx context.Context, scope app.Scope, complaintID int64) ([]app.Attachment, error) {
	rows, err := s.R.QueryContext(ctx, `select `+attachmentCols+` from complaint_attachments a
		join complaints c on c.id = a.complaint_id where a.complaint_id = ? order by a.id`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Attachment
	for rows.Next() {
		a, hospitalID, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		if scope.Allows(hospitalID) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// Attachment returns one attachment of a complaint whose hospital is in scope.
func (s *Store) Attachment(ctx context.Context, scope app.Scope, complaintID, id int64) (app.Attachment, error) {
	a, hospitalID, err := scanAttachment(s.R.QueryRowContext(ctx, `select `+attachmentCols+` from complaint_attachments a
		join complaints c on c.id = a.complaint_id where a.id = ? and a.complaint_id = ?`, id, complaintID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(hospitalID)) {
		return app.Attachment{}, app.ErrNotFound
	}
	return a, err
}
