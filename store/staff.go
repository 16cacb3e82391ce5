package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"px360/app"
)

const staffCols = `id, hospital_id, coalesce(department_id, 0), coalesce(section_id, 0), employee_no, name_en, name_ar,
	kind, job_title, coalesce(reports_to, 0), email, phone, active`

func scanStaff(r scanner) (app.Staff, error) {
	var s app.Staff
	var kind string
	var active int
	err := r.Scan(&s.ID, &s.HospitalID, &s.DepartmentID, &s.SectionID, &s.EmployeeNo, &s.NameEN, &s.NameAR, &kind,
		&s.JobTitle, &s.ReportsTo, &s.Email, &s.Phone, &active)
	s.Kind, s.Active = app.StaffKind(kind), active == 1
	return s, err
}

// ListStaff lists staff in scope, newest first; Search matches a name prefix or an employee number.
func (s *Store) ListStaff(ctx context.Context, q app.ListQuery, departmentID int64) (app.Page[app.Staff], error) {
	where, args := orgWhere(q, searchCols{arCol: "name_key_ar", codes: []codeCol{{col: "employee_no"}}, codesByShape: true})
	if departmentID != 0 {
		where, args = append(where, "department_id = ?"), append(args, departmentID)
	}
	return list(ctx, s, keyset{table: "staff", cols: staffCols, where: where, args: args,
		after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}, scanStaff, func(x app.Staff) int64 { return x.ID })
}

// StaffByID returns the staff member if their hospital is in scope.
func (s *Store) StaffByID(ctx context.Context, scope app.Scope, id int64) (app.Staff, error) {
	x, err := scanStaff(s.R.QueryRowContext(ctx, `select `+staffCols+` from staff where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(x.HospitalID)) {
		return app.Staff{}, app.ErrNotFound
	}
	return x, err
}

// StaffByEmployeeNo returns the staff member with the employee number in hospital.
func (s *Store) StaffByEmployeeNo(ctx context.Context, hospitalID int64, no string) (app.Staff, error) {
	return staffByEmployeeNo(ctx, s.R, hospitalID, no)
}

// StaffByEmployeeNo is the same look-up inside a transaction.
func (tx *Tx) StaffByEmployeeNo(ctx context.Context, hospitalID int64, no string) (app.Staff, error) {
	return staffByEmployeeNo(ctx, tx, hospitalID, no)
}

func staffByEmployeeNo(ctx context.Context, q querier, hospitalID int64, no string) (app.Staff, error) {
	x, err := scanStaff(q.QueryRowContext(ctx, `select `+staffCols+` from staff where hospital_id = ? and employee_no = ?`,
		hospitalID, strings.TrimSpace(no)))
	if errors.Is(err, sql.ErrNoRows) {
		return x, app.ErrNotFound
	}
	return x, err
}

// SaveStaff inserts x (ID 0) or updates it.
func (tx *Tx) SaveStaff(ctx context.Context, x *app.Staff) error {
	args := []any{x.HospitalID, nullID(x.DepartmentID), nullID(x.SectionID), x.EmployeeNo, x.NameEN, x.NameAR,
		app.NameKey(x.NameEN), app.NameKey(x.NameAR), string(x.Kind), x.JobTitle, nullID(x.ReportsTo), x.Email, x.Phone, boolInt(x.Active), ts(tx.now)}
	var err error
	if x.ID == 0 {
		err = tx.QueryRowContext(ctx, `insert into staff(hospital_id, department_id, section_id, employee_no, name_en, name_ar,
			name_key, name_key_ar, kind, job_title, reports_to, email, phone, active, updated_at, created_at)
			values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`, append(args, ts(tx.now))...).Scan(&x.ID)
	} else {
		err = affectOne(tx.ExecContext(ctx, `update staff set hospital_id = ?, department_id = ?, section_id = ?,
			employee_no = ?, name_en = ?, name_ar = ?, name_key = ?, name_key_ar = ?, kind = ?, job_title = ?, reports_to = ?, email = ?,
			phone = ?, active = ?, updated_at = ? where id = ?`, append(args, x.ID)...))
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.employee_no_taken",
			Fields: app.FieldErrors{"employee_no": "err.employee_no_taken"}}
	}
	return err
}

// StaffByIDs returns the staff with the given ids that are in scope, keyed by id.
func (s *Store) StaffByIDs(ctx context.Context, scope app.Scope, ids []int64) (map[int64]app.Staff, error) {
	return byIDs(ctx, s, "staff", staffCols, scope, ids, scanStaff, func(x app.Staff) int64 { return x.ID })
}
