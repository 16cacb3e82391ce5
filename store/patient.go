package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"px360/app"
)

const patientCols = `id, hospital_id, mrn, name_en, name_ar, phone, email, language, birth_date, created_at, updated_at`

func scanPatient(r scanner) (app.Patient, error) {
	var p app.Patient
	var birth, created, updated string
	err := r.Scan(&p.ID, &p.HospitalID, &p.MRN, &p.NameEN, &p.NameAR, &p.Phone, &p.Email, &p.Language, &birth,
		&created, &updated)
	if birth != "" {
		p.BirthDate, _ = time.Parse(time.DateOnly, birth)
	}
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return p, err
}

// ListPatients lists patients in scope, newest first; Search matches a name prefix or an MRN.
func (s *Store) ListPatients(ctx context.Context, q app.ListQuery) (app.Page[app.Patient], error) {
	where, args := orgWhere(q, searchCols{arCol: "name_key_ar", codes: []codeCol{{col: "mrn"}}, codesByShape: true})
	return list(ctx, s, keyset{table: "patients", cols: patientCols, where: where, args: args,
		after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}, scanPatient, func(x app.Patient) int64 { return x.ID })
}

// PatientByID returns the patient and the encrypted national ID if their hospital is in scope.
func (s *Store) PatientByID(ctx context.Context, scope app.Scope, id int64) (app.Patient, []byte, error) {
	var enc []byte
	row := s.R.QueryRowContext(ctx, `select `+patientCols+`, national_id_enc from patients where id = ?`, id)
	p, err := scanPatient(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &enc)...) }))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(p.HospitalID)) {
		return app.Patient{}, nil, app.ErrNotFound
	}
	return p, enc, err
}

// PatientByMRN returns the patient with mrn in hospital (any scope: callers check it).
func (s *Store) PatientByMRN(ctx context.Context, hospitalID int64, mrn string) (app.Patient, error) {
	p, err := scanPatient(s.R.QueryRowContext(ctx, `select `+patientCols+` from patients where hospital_id = ? and mrn = ?`,
		hospitalID, strings.TrimSpace(mrn)))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Patient{}, app.ErrNotFound
	}
	return p, err
}

// PatientIDByMRN returns the id of the patient with mrn in hospital, or 0.
func (tx *Tx) PatientIDByMRN(ctx context.Context, hospitalID int64, mrn string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `select id from patients where hospital_id = ? and mrn = ?`, hospitalID,
		strings.TrimSpace(mrn)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// PatientsByNationalID returns the patients in scope whose national ID has blind index idx.
func (s *Store) PatientsByNationalID(ctx context.Context, scope app.Scope, idx string) ([]app.Patient, error) {
	where, args := "national_id_idx = ?", []any{idx}
	if !scope.All {
		c, a := scopeIn("hospital_id", scope)
		where, args = where+" and "+c, append(args, a...)
	}
	rows, err := s.R.QueryContext(ctx, `select `+patientCols+` from patients where `+where+` order by id limit 100`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []app.Patient
	for rows.Next() {
		p, err := scanPatient(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// SavePatient inserts p (ID 0) or updates it. enc and idx are the encrypted national ID
// and its blind index (nil and "" when there is none); keepNID leaves the stored ones unchanged.
func (tx *Tx) SavePatient(ctx context.Context, p *app.Patient, enc []byte, idx string, keepNID bool) error {
	birth := ""
	if !p.BirthDate.IsZero() {
		birth = p.BirthDate.Format(time.DateOnly)
	}
	var idxArg any
	if idx != "" {
		idxArg = idx
	}
	p.UpdatedAt = tx.now
	var err error
	if p.ID == 0 {
		p.CreatedAt = tx.now
		err = tx.QueryRowContext(ctx, `insert into patients(hospital_id, mrn, name_en, name_ar, name_key, name_key_ar,
			national_id_enc, national_id_idx, phone, email, language, birth_date, created_at, updated_at)
			values (?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`, p.HospitalID, p.MRN, p.NameEN, p.NameAR,
			app.NameKey(p.NameEN), app.NameKey(p.NameAR), enc, idxArg, p.Phone, p.Email,
			p.Language, birth, ts(tx.now), ts(tx.now)).Scan(&p.ID)
	} else {
		nid := "national_id_enc = ?, national_id_idx = ?,"
		args := []any{p.HospitalID, p.MRN, p.NameEN, p.NameAR, app.NameKey(p.NameEN), app.NameKey(p.NameAR), enc, idxArg}
		if keepNID {
			nid, args = "", args[:6]
		}
		args = append(args, p.Phone, p.Email, p.Language, birth, ts(tx.now), p.ID)
		err = affectOne(tx.ExecContext(ctx, `update patients set hospital_id = ?, mrn = ?, name_en = ?, name_ar = ?,
			name_key = ?, name_key_ar = ?, `+nid+` phone = ?, email = ?, language = ?, birth_date = ?, updated_at = ? where id = ?`, args...))
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.mrn_taken", Fields: app.FieldErrors{"mrn": "err.mrn_taken"}}
	}
	return err
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// PatientsByIDs returns the patients with the given ids that are in scope, keyed by id
// (one query for a page of search hits).
func (s *Store) PatientsByIDs(ctx context.Context, scope app.Scope, ids []int64) (map[int64]app.Patient, error) {
	return byIDs(ctx, s, "patients", patientCols, scope, ids, scanPatient, func(p app.Patient) int64 { return p.ID })
}

// PatientByMRN is the transactional form of Store.PatientByMRN.
func (tx *Tx) PatientByMRN(ctx context.Context, hospitalID int64, mrn string) (app.Patient, error) {
	p, err := scanPatient(tx.QueryRowContext(ctx, `select `+patientCols+` from patients where hospital_id = ? and mrn = ?`,
		hospitalID, strings.TrimSpace(mrn)))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Patient{}, app.ErrNotFound
	}
	return p, err
}
