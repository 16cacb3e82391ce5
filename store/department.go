package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"px360/app"
)

const departmentCols = `id, hospital_id, code, name_en, name_ar, category, active`

func scanDepartment(r scanner) (app.Department, error) {
	var d app.Department
	var cat string
	var active int
	err := r.Scan(&d.ID, &d.HospitalID, &d.Code, &d.NameEN, &d.NameAR, &cat, &active)
	d.Category, d.Active = app.DepartmentCategory(cat), active == 1
	return d, err
}

// searchCols says where a list's search box looks: names folded into name_key (Latin)
// and arCol (Arabic), and code columns matched exactly.
type searchCols struct {
	arCol string
	codes []codeCol
	// codesByShape: only a term with a digit is a code, and only a term without one is a
	// name, so each search is one index range (big tables: staff, patients).
	codesByShape bool
}

// orgWhere builds the scope, hospital and search conditions shared by org lists.
func orgWhere(q app.ListQuery, sc searchCols) ([]string, []any) {
	var where []string
	var args []any
	if !q.Scope.All {
		c, a := scopeIn("hospital_id", q.Scope)
		where, args = append(where, c), append(args, a...)
	}
	if q.HospitalID != 0 {
		where, args = append(where, "hospital_id = ?"), append(args, q.HospitalID)
	}
	t := strings.TrimSpace(q.Search)
	if t == "" {
		return where, args
	}
	var conds []string
	isCode := strings.ContainsAny(t, "0123456789")
	if !sc.codesByShape || !isCode {
		col := "name_key"
		if hasArabic(t) {
			col = sc.arCol
		}
		c, a := prefixRange(col, app.NameKey(t))
		conds, args = append(conds, c), append(args, a...)
	}
	if !sc.codesByShape || isCode {
		for _, col := range sc.codes {
			conds, args = append(conds, col.col+" = ?"), append(args, col.normalise(t))
		}
	}
	return append(where, "("+strings.Join(conds, " or ")+")"), args
}

// codeCol is a code column and how a typed term is normalised to match it.
type codeCol struct {
	col   string
	upper bool // the column is stored in capitals (department codes)
}

func (c codeCol) normalise(t string) string {
	if c.upper {
		return strings.ToUpper(t)
	}
	return t
}

func hasArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// ListDepartments lists departments in scope, newest first.
func (s *Store) ListDepartments(ctx context.Context, q app.ListQuery) (app.Page[app.Department], error) {
	where, args := orgWhere(q, searchCols{arCol: "name_ar", codes: []codeCol{{"code", true}}})
	return list(ctx, s, keyset{table: "departments", cols: departmentCols, where: where, args: args,
		after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}, scanDepartment, func(d app.Department) int64 { return d.ID })
}

// Departments returns every department of the given hospitals in scope, by name (for select boxes).
func (s *Store) Departments(ctx context.Context, scope app.Scope) ([]app.Department, error) {
	where, args := "1=1", []any(nil)
	if !scope.All {
		where, args = scopeIn("hospital_id", scope)
	}
	rows, err := s.R.QueryContext(ctx, `select `+departmentCols+` from departments where `+where+` order by hospital_id, name_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []app.Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// DepartmentByID returns the department if its hospital is in scope.
func (s *Store) DepartmentByID(ctx context.Context, scope app.Scope, id int64) (app.Department, error) {
	d, err := scanDepartment(s.R.QueryRowContext(ctx, `select `+departmentCols+` from departments where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(d.HospitalID)) {
		return app.Department{}, app.ErrNotFound
	}
	return d, err
}

// DepartmentByCode returns the department with code in hospital.
func (s *Store) DepartmentByCode(ctx context.Context, hospitalID int64, code string) (app.Department, error) {
	d, err := scanDepartment(s.R.QueryRowContext(ctx, `select `+departmentCols+` from departments where hospital_id = ? and code = ?`,
		hospitalID, strings.ToUpper(strings.TrimSpace(code))))
	if errors.Is(err, sql.ErrNoRows) {
		return d, app.ErrNotFound
	}
	return d, err
}

// SaveDepartment inserts d (ID 0) or updates it.
func (tx *Tx) SaveDepartment(ctx context.Context, d *app.Department) error {
	d.Code = strings.ToUpper(d.Code)
	var err error
	if d.ID == 0 {
		err = tx.QueryRowContext(ctx, `insert into departments(hospital_id, code, name_en, name_ar, name_key, category, active,
			created_at, updated_at) values (?,?,?,?,?,?,?,?,?) returning id`, d.HospitalID, d.Code, d.NameEN, d.NameAR,
			app.NameKey(d.NameEN), string(d.Category), boolInt(d.Active), ts(tx.now), ts(tx.now)).Scan(&d.ID)
	} else {
		err = affectOne(tx.ExecContext(ctx, `update departments set hospital_id = ?, code = ?, name_en = ?, name_ar = ?,
			name_key = ?, category = ?, active = ?, updated_at = ? where id = ?`, d.HospitalID, d.Code, d.NameEN, d.NameAR,
			app.NameKey(d.NameEN), string(d.Category), boolInt(d.Active), ts(tx.now), d.ID))
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.code_taken", Fields: app.FieldErrors{"code": "err.code_taken"}}
	}
	return err
}

// affectOne turns "no row changed" into app.ErrNotFound.
func affectOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.ErrNotFound
	}
	return nil
}
