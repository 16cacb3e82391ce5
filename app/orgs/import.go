package orgs

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// ImportResult reports a CSV import: how many rows were created or updated, and each bad
// row with its line number and reasons. Bad rows change nothing.
type ImportResult struct {
	Created int
	Updated int
	Errors  []RowError
}

// RowError is one rejected row.
type RowError struct {
	Line    int
	Reasons app.FieldErrors // column -> message key
}

// MaxImportRows bounds one upload; larger files are split by the sender.
const MaxImportRows = 200_000

// importBatch rows are written per transaction, so a big import does not hold the single
// writer for long.
const importBatch = 500

// StaffColumns and PatientColumns are the accepted CSV headers (order free, names fixed).
var (
	StaffColumns   = []string{"hospital_code", "employee_no", "name_en", "name_ar", "kind", "job_title", "department_code", "email", "phone"}
	PatientColumns = []string{"hospital_code", "mrn", "name_en", "name_ar", "national_id", "phone", "email", "language", "birth_date"}
)

type csvRow struct {
	line   int
	fields map[string]string // only the columns the file has
}

// has reports whether the file has column c: a column the file lacks leaves the stored
// value alone when a row updates an existing record.
func (r csvRow) has(c string) bool {
	_, ok := r.fields[c]
	return ok
}

// readCSV reads the header and rows. A malformed file or header is an error for the
// whole import; nothing is written.
func readCSV(r io.Reader, columns, requiredCols []string) ([]csvRow, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" { // a UTF-8 byte-order mark (Excel)
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, app.Errorf(app.EInvalid, "err.csv_empty")
	}
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "err.csv_malformed")
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" && i == len(header)-1 {
			continue // a trailing comma
		}
		known := false
		for _, c := range columns {
			known = known || c == h
		}
		if !known {
			return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_unknown_column", Fields: app.FieldErrors{h: "err.csv_unknown_column"}}
		}
		idx[h] = i
	}
	for _, c := range requiredCols {
		if _, ok := idx[c]; !ok {
			return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_missing_column", Fields: app.FieldErrors{c: "err.csv_missing_column"}}
		}
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
				line = pe.StartLine
			}
			// Fields["line"] is the line number, not a message key: the page shows it in the message.
			return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_malformed", Fields: app.FieldErrors{"line": strconv.Itoa(line)}}
		}
		line, _ := cr.FieldPos(0)
		if len(rows) >= MaxImportRows {
			return nil, app.Errorf(app.EInvalid, "err.csv_too_many_rows")
		}
		blank := true
		f := map[string]string{}
		for c, i := range idx {
			if i < len(rec) {
				f[c] = strings.TrimSpace(rec[i])
				blank = blank && f[c] == ""
			}
		}
		if !blank {
			rows = append(rows, csvRow{line: line, fields: f})
		}
	}
	return rows, nil
}

// importRows validates every row, then writes the good ones in batches, each row inside
// a savepoint so a row that fails at write time (a duplicate) is undone alone.
func importRows[T any](ctx context.Context, s *Service, by app.Principal, rows []csvRow, entity string,
	build func(csvRow) (T, app.FieldErrors), write func(tx *store.Tx, v *T) (bool, error)) (ImportResult, error) {
	var res ImportResult
	type good struct {
		line int
		v    T
	}
	var goods []good
	for _, r := range rows {
		v, fe := build(r)
		if len(fe) > 0 {
			res.Errors = append(res.Errors, RowError{Line: r.line, Reasons: fe})
			continue
		}
		goods = append(goods, good{r.line, v})
	}
	for start := 0; start < len(goods); start += importBatch {
		batch := goods[start:min(start+importBatch, len(goods))]
		var created, updated int
		var rowErrs []RowError
		err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
			created, updated, rowErrs = 0, 0, nil
			for i := range batch {
				if _, err := tx.ExecContext(ctx, "savepoint import_row"); err != nil {
					return err
				}
				isNew, err := write(tx, &batch[i].v)
				if err != nil {
					if _, rbErr := tx.ExecContext(ctx, "rollback to import_row"); rbErr != nil {
						return rbErr
					}
					fe := app.Fields(err)
					if fe == nil {
						fe = app.FieldErrors{"row": app.ErrorMessage(err)}
					}
					rowErrs = append(rowErrs, RowError{Line: batch[i].line, Reasons: fe})
				} else if isNew {
					created++
				} else {
					updated++
				}
				if _, err := tx.ExecContext(ctx, "release import_row"); err != nil {
					return err
				}
			}
			return tx.Audit(ctx, app.Audit{Action: entity + ".import", Entity: entity,
				Summary: map[string]int{"created": created, "updated": updated, "rejected": len(rowErrs)}})
		})
		if err != nil {
			return res, fmt.Errorf("import %s: %w", entity, err)
		}
		res.Created += created
		res.Updated += updated
		res.Errors = append(res.Errors, rowErrs...)
	}
	return res, nil
}

// hospitalResolver resolves a CSV hospital code within by's scope, caching look-ups.
func (s *Service) hospitalResolver(ctx context.Context, by app.Principal) func(fe app.FieldErrors, code string) int64 {
	cache := map[string]int64{}
	return func(fe app.FieldErrors, code string) int64 {
		code = strings.ToUpper(code)
		if code == "" {
			fe.Add("hospital_code", "err.required")
			return 0
		}
		if id, ok := cache[code]; ok {
			if id == 0 {
				fe.Add("hospital_code", "err.hospital_not_allowed")
			}
			return id
		}
		h, err := s.st.HospitalByCode(ctx, by.Scope, code)
		cache[code] = h.ID
		if err != nil {
			fe.Add("hospital_code", "err.hospital_not_allowed")
		}
		return h.ID
	}
}

// ImportStaff imports staff from CSV: a row with a known (hospital, employee_no) updates
// that staff member, others are created.
func (s *Service) ImportStaff(ctx context.Context, by app.Principal, r io.Reader) (ImportResult, error) {
	if !by.Can(app.PermStaffManage) {
		return ImportResult{}, app.ErrForbidden
	}
	rows, err := readCSV(r, StaffColumns, []string{"hospital_code", "employee_no", "name_en", "kind"})
	if err != nil {
		return ImportResult{}, err
	}
	hospital := s.hospitalResolver(ctx, by)
	build := func(r csvRow) (app.Staff, app.FieldErrors) {
		f := r.fields
		pre := app.FieldErrors{}
		hospitalID := hospital(pre, f["hospital_code"])
		x := app.Staff{HospitalID: hospitalID, Active: true}
		if hospitalID != 0 && f["employee_no"] != "" {
			if old, err := s.st.StaffByEmployeeNo(ctx, hospitalID, f["employee_no"]); err == nil {
				x = old // an update: columns the file lacks keep their stored values
			}
		}
		x.EmployeeNo = f["employee_no"]
		set := func(col string, dst *string) {
			if r.has(col) {
				*dst = f[col]
			}
		}
		set("name_en", &x.NameEN)
		set("name_ar", &x.NameAR)
		set("job_title", &x.JobTitle)
		set("email", &x.Email)
		set("phone", &x.Phone)
		if r.has("kind") {
			x.Kind = app.StaffKind(strings.ToLower(f["kind"]))
		}
		if r.has("department_code") {
			dep := int64(0)
			if c := f["department_code"]; c != "" && hospitalID != 0 {
				d, err := s.st.DepartmentByCode(ctx, hospitalID, c)
				if err != nil {
					pre.Add("department_code", "err.department_unknown")
				}
				dep = d.ID
			}
			if dep != x.DepartmentID {
				x.DepartmentID, x.SectionID = dep, 0 // a section belongs to its department
			}
		}
		if len(pre) > 0 {
			return x, pre
		}
		return x, s.validateStaff(ctx, by, &x)
	}
	return importRows(ctx, s, by, rows, "staff", build, func(tx *store.Tx, x *app.Staff) (bool, error) {
		before, err := tx.StaffByEmployeeNo(ctx, x.HospitalID, x.EmployeeNo)
		if err != nil && !errors.Is(err, app.ErrNotFound) {
			return false, err
		}
		x.ID = before.ID // the same row a duplicate line earlier in the file may have created
		return before.ID == 0, saveStaff(ctx, tx, x, before)
	})
}

// ImportPatients imports patients from CSV: a row with a known (hospital, MRN) updates
// that patient, others are created.
func (s *Service) ImportPatients(ctx context.Context, by app.Principal, r io.Reader) (ImportResult, error) {
	if !by.Can(app.PermPatientManage) {
		return ImportResult{}, app.ErrForbidden
	}
	rows, err := readCSV(r, PatientColumns, []string{"hospital_code", "mrn"})
	if err != nil {
		return ImportResult{}, err
	}
	hospital := s.hospitalResolver(ctx, by)
	now := s.st.Now()
	type sealed struct {
		p      app.Patient
		before app.Patient // the stored record when the row updates one (for the audit log)
		enc    []byte
		idx    string
	}
	build := func(r csvRow) (sealed, app.FieldErrors) {
		f := r.fields
		pre := app.FieldErrors{}
		p := app.Patient{HospitalID: hospital(pre, f["hospital_code"])}
		var before app.Patient
		if p.HospitalID != 0 && f["mrn"] != "" {
			if old, err := s.st.PatientByMRN(ctx, p.HospitalID, f["mrn"]); err == nil {
				p, before = old, old // an update: columns the file lacks keep their stored values
			}
		}
		p.MRN, p.NationalID = f["mrn"], f["national_id"] // an empty national ID keeps the stored one
		for col, dst := range map[string]*string{"name_en": &p.NameEN, "name_ar": &p.NameAR, "phone": &p.Phone, "email": &p.Email} {
			if r.has(col) {
				*dst = f[col]
			}
		}
		if r.has("language") {
			p.Language = strings.ToLower(f["language"])
		}
		if r.has("birth_date") {
			p.BirthDate = time.Time{}
			if b := f["birth_date"]; b != "" {
				t, err := time.Parse(time.DateOnly, b)
				if err != nil {
					pre.Add("birth_date", "err.date_invalid")
				}
				p.BirthDate = t
			}
		}
		if len(pre) > 0 {
			return sealed{p: p}, pre
		}
		if fe := s.validatePatient(ctx, by, &p, now); len(fe) > 0 {
			return sealed{p: p}, fe
		}
		enc, idx, err := s.sealNationalID(p.NationalID)
		if err != nil {
			return sealed{p: p}, app.FieldErrors{"national_id": "err.internal"}
		}
		return sealed{p, before, enc, idx}, nil
	}
	return importRows(ctx, s, by, rows, "patient", build, func(tx *store.Tx, x *sealed) (bool, error) {
		id, err := tx.PatientIDByMRN(ctx, x.p.HospitalID, x.p.MRN)
		if err != nil {
			return false, err
		}
		if id != x.before.ID { // created or removed by an earlier line of this file since the look-up
			x.before = app.Patient{ID: id, HospitalID: x.p.HospitalID, MRN: x.p.MRN}
		}
		x.p.ID = id
		return id == 0, savePatient(ctx, tx, &x.p, x.before, x.enc, x.idx)
	})
}

// LineList formats row errors' line numbers for messages ("3, 7, 12").
func LineList(errs []RowError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(e.Line))
	}
	return b.String()
}
