package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

const hospitalCols = `id, organization_id, code, name_en, name_ar, time_zone, active`

func scanHospital(r scanner) (app.Hospital, error) {
	var h app.Hospital
	var active int
	err := r.Scan(&h.ID, &h.OrganizationID, &h.Code, &h.NameEN, &h.NameAR, &h.TimeZone, &active)
	h.Active = active == 1
	return h, err
}

// EnsureOrganization returns the organization's id (there is one per installation), creating it
// with the given names when absent.
func (tx *Tx) EnsureOrganization(ctx context.Context, nameEN, nameAR string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `select id from organizations order by id limit 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `insert into organizations(name_en, name_ar) values (?, ?) returning id`,
			nameEN, nameAR).Scan(&id)
	}
	return id, err
}

// Hospitals returns every hospital in scope, by code (a group has tens, not thousands).
func (s *Store) Hospitals(ctx context.Context, scope app.Scope) ([]app.Hospital, error) {
	where, args := "1=1", []any(nil)
	if !scope.All {
		where, args = scopeIn("id", scope)
	}
	rows, err := s.R.QueryContext(ctx, `select `+hospitalCols+` from hospitals where `+where+` order by code`, args...)
	if err != nil {
		return nil, fmt.Errorf("hospitals: %w", err)
	}
	defer rows.Close()
	var hs []app.Hospital
	for rows.Next() {
		h, err := scanHospital(rows)
		if err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// HospitalZone is a hospital's time zone (Riyadh when the hospital is unknown).
func (s *Store) HospitalZone(ctx context.Context, hospitalID int64) *time.Location {
	if h, err := s.HospitalByID(ctx, app.System.Scope, hospitalID); err == nil {
		return h.Zone()
	}
	return app.Riyadh()
}

// HospitalByID returns the hospital if it is in scope.
func (s *Store) HospitalByID(ctx context.Context, scope app.Scope, id int64) (app.Hospital, error) {
	if !scope.Allows(id) {
		return app.Hospital{}, app.ErrNotFound
	}
	h, err := scanHospital(s.R.QueryRowContext(ctx, `select `+hospitalCols+` from hospitals where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, app.ErrNotFound
	}
	return h, err
}

// HospitalByCode returns the hospital with code (case-insensitive) if it is in scope.
func (s *Store) HospitalByCode(ctx context.Context, scope app.Scope, code string) (app.Hospital, error) {
	h, err := scanHospital(s.R.QueryRowContext(ctx, `select `+hospitalCols+` from hospitals where code = ?`,
		strings.ToUpper(strings.TrimSpace(code))))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(h.ID)) {
		return app.Hospital{}, app.ErrNotFound
	}
	return h, err
}

// SaveHospital inserts h (ID 0) or updates it.
func (tx *Tx) SaveHospital(ctx context.Context, h *app.Hospital) error {
	h.Code = strings.ToUpper(h.Code)
	var err error
	if h.ID == 0 {
		err = tx.QueryRowContext(ctx, `insert into hospitals(organization_id, code, name_en, name_ar, time_zone, active,
			created_at, updated_at) values (?,?,?,?,?,?,?,?) returning id`, h.OrganizationID, h.Code, h.NameEN, h.NameAR,
			h.TimeZone, boolInt(h.Active), ts(tx.now), ts(tx.now)).Scan(&h.ID)
	} else {
		var res sql.Result
		res, err = tx.ExecContext(ctx, `update hospitals set code = ?, name_en = ?, name_ar = ?, time_zone = ?, active = ?,
			updated_at = ? where id = ?`, h.Code, h.NameEN, h.NameAR, h.TimeZone, boolInt(h.Active), ts(tx.now), h.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return app.ErrNotFound
			}
		}
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.code_taken", Fields: app.FieldErrors{"code": "err.code_taken"}}
	}
	return err
}
