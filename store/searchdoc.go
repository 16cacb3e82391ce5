package store

import (
	"context"
	"fmt"

	"px360/app"
)

// searchDocBatch is how many documents EachSearchDoc hands over at a time.
const searchDocBatch = 1000

// EachSearchDoc streams every staff member and patient as search documents, in batches,
// walking each table by id so memory stays flat at millions of rows.
func (s *Store) EachSearchDoc(ctx context.Context, fn func([]app.SearchDoc) error) error {
	for _, src := range []struct{ kind, query string }{
		{"staff", `select id, hospital_id, name_en, name_ar, employee_no from staff where id > ? order by id limit ?`},
		{"patient", `select id, hospital_id, name_en, name_ar, mrn from patients where id > ? order by id limit ?`},
	} {
		var after int64
		for {
			docs, err := s.searchDocs(ctx, src.kind, src.query, after, searchDocBatch)
			if err != nil {
				return err
			}
			if len(docs) == 0 {
				break
			}
			if err := fn(docs); err != nil {
				return err
			}
			after = docs[len(docs)-1].ID
		}
	}
	return nil
}

// SearchDoc returns the search document of one staff member or patient, and false when
// the record no longer exists.
func (s *Store) SearchDoc(ctx context.Context, kind string, id int64) (app.SearchDoc, bool, error) {
	table, code := "staff", "employee_no"
	if kind == "patient" {
		table, code = "patients", "mrn"
	}
	docs, err := s.searchDocs(ctx, kind, `select id, hospital_id, name_en, name_ar, `+code+` from `+table+
		` where id = ?`, id)
	if err != nil || len(docs) == 0 {
		return app.SearchDoc{}, false, err
	}
	return docs[0], true, nil
}

func (s *Store) searchDocs(ctx context.Context, kind, query string, args ...any) ([]app.SearchDoc, error) {
	rows, err := s.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search docs %s: %w", kind, err)
	}
	defer rows.Close()
	var docs []app.SearchDoc
	for rows.Next() {
		d := app.SearchDoc{Kind: kind}
		if err := rows.Scan(&d.ID, &d.HospitalID, &d.NameEN, &d.NameAR, &d.Code); err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}
