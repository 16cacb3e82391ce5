package store

import (
	"context"
	"database/sql"
	"errors"

	"px360/app"
)

const sectionCols = `id, hospital_id, department_id, name_en, name_ar, active`

func scanSection(r scanner) (app.Section, error) {
	var s app.Section
	var active int
	err := r.Scan(&s.ID, &s.HospitalID, &s.DepartmentID, &s.NameEN, &s.NameAR, &active)
	s.Active = active == 1
	return s, err
}

// ListSections lists sections in scope, newest first, optionally of one department.
func (s *Store) ListSections(ctx context.Context, q app.ListQuery, departmentID int64) (app.Page[app.Section], error) {
	where, args := orgWhere(q, searchCols{arCol: "name_ar"})
	if departmentID != 0 {
		where, args = append(where, "department_id = ?"), append(args, departmentID)
	}
	return list(ctx, s, keyset{table: "sections", cols: sectionCols, where: where, args: args,
		after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}, scanSection, func(x app.Section) int64 { return x.ID })
}

// SectionByID returns the section if its hospital is in scope.
func (s *Store) SectionByID(ctx context.Context, scope app.Scope, id int64) (app.Section, error) {
	x, err := scanSection(s.R.QueryRowContext(ctx, `select `+sectionCols+` from sections where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(x.HospitalID)) {
		return app.Section{}, app.ErrNotFound
	}
	return x, err
}

// SaveSection inserts x (ID 0) or updates it.
func (tx *Tx) SaveSection(ctx context.Context, x *app.Section) error {
	if x.ID == 0 {
		return tx.QueryRowContext(ctx, `insert into sections(hospital_id, department_id, name_en, name_ar, name_key, active,
			created_at, updated_at) values (?,?,?,?,?,?,?,?) returning id`, x.HospitalID, x.DepartmentID, x.NameEN, x.NameAR,
			app.NameKey(x.NameEN), boolInt(x.Active), ts(tx.now), ts(tx.now)).Scan(&x.ID)
	}
	return affectOne(tx.ExecContext(ctx, `update sections set hospital_id = ?, department_id = ?, name_en = ?, name_ar = ?,
		name_key = ?, active = ?, updated_at = ? where id = ?`, x.HospitalID, x.DepartmentID, x.NameEN, x.NameAR,
		app.NameKey(x.NameEN), boolInt(x.Active), ts(tx.now), x.ID))
}
