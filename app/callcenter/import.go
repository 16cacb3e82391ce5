package callcenter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// CallColumns are the fields of a call file, in the order the mapping form shows them.
var CallColumns = []string{"started_at", "call_type", "agent_email", "caller_name", "caller_phone", "patient_mrn",
	"department", "wait_seconds", "talk_seconds", "resolved", "resolution", "satisfaction", "notes"}

// RequiredCallColumns must be in every call file.
var RequiredCallColumns = []string{"started_at", "call_type", "agent_email"}

// Import limits.
const (
	MaxImportRows = 50_000
	importBatch   = 500
)

// ImportRowError is one refused row: its line in the file (the header is line 1) and
// a message key per field.
type ImportRowError struct {
	Line    int
	Reasons app.FieldErrors
}

// ImportReport is what an import did.
type ImportReport struct {
	ImportID int64
	Header   []string // the file's column names, to help fix a mapping
	Rows     int      // data rows read (blank rows are skipped)
	Good     int      // calls recorded
	Errors   []ImportRowError
}

// callTimeLayouts are the start times a file may hold: ISO dates with a time, read in
// the hospital's time zone unless they carry an offset. Day-first and month-first
// dates are refused, since 03/04 means a different day to each.
var callTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04", "2006/01/02 15:04:05", "2006/01/02 15:04"}

func parseCallTime(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range callTimeLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseYesNo(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "no", "n", "false", "f", "لا":
		return false, true
	case "1", "yes", "y", "true", "t", "نعم":
		return true, true
	}
	return false, false
}

// importLine is one data row: its line and its values by our field names.
type importLine struct {
	line   int
	fields map[string]string
}

// columnIndex resolves the mapping (our field → the file's column name; a field left
// out means a column of the same name, an empty name means "not in this file")
// against the header. Columns match without regard to case or surrounding spaces.
func columnIndex(header []string, mapping map[string]string) (map[string]int, app.FieldErrors) {
	fe := app.FieldErrors{}
	for k := range mapping {
		if !slices.Contains(CallColumns, k) {
			fe.Add(k, "err.call_import_unknown_field")
		}
	}
	pos := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := pos[h]; !dup && h != "" {
			pos[h] = i
		}
	}
	idx := map[string]int{}
	for _, field := range CallColumns {
		col, explicit := mapping[field]
		if !explicit {
			col = field
		}
		col = strings.ToLower(strings.TrimSpace(col))
		required := slices.Contains(RequiredCallColumns, field)
		if col == "" {
			if required {
				fe.Add(field, "err.required")
			}
			continue
		}
		i, ok := pos[col]
		switch {
		case ok:
			idx[field] = i
		case required || (explicit && col != field):
			fe.Add(field, "err.call_import_column_missing")
		}
	}
	return idx, fe
}

// readCallFile reads the whole file before anything is written: UTF-8 with or without
// a byte-order mark, a header row, at most MaxImportRows rows. A file that breaks this
// is refused with an EInvalid error ("line" in Fields for a malformed row); header is
// returned whenever it could be read.
func readCallFile(r io.Reader, mapping map[string]string) (header []string, lines []importLine, err error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	if b, _ := br.Peek(512); bytes.IndexByte(b, 0) >= 0 { // a spreadsheet or other binary file
		return nil, nil, app.Errorf(app.EInvalid, "err.call_import_not_csv")
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, app.Errorf(app.EInvalid, "err.csv_empty")
	}
	if err != nil {
		return nil, nil, app.Errorf(app.EInvalid, "err.csv_malformed")
	}
	for _, h := range rec {
		if !utf8.ValidString(h) {
			return nil, nil, app.Errorf(app.EInvalid, "err.call_import_encoding")
		}
		header = append(header, strings.TrimSpace(h))
	}
	idx, fe := columnIndex(header, mapping)
	if len(fe) > 0 {
		return header, nil, &app.Error{Code: app.EInvalid, Message: "err.call_import_mapping", Fields: fe}
	}
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
			return header, nil, &app.Error{Code: app.EInvalid, Message: "err.csv_malformed", Fields: app.FieldErrors{"line": strconv.Itoa(line)}}
		}
		line, _ := cr.FieldPos(0)
		f, blank := make(map[string]string, len(idx)), true
		for field, i := range idx {
			if i < len(rec) {
				if !utf8.ValidString(rec[i]) {
					return header, nil, &app.Error{Code: app.EInvalid, Message: "err.call_import_encoding", Fields: app.FieldErrors{"line": strconv.Itoa(line)}}
				}
				f[field] = strings.TrimSpace(rec[i])
				blank = blank && f[field] == ""
			}
		}
		if blank {
			continue
		}
		if len(lines) >= MaxImportRows {
			return header, nil, app.Errorf(app.EInvalid, "err.call_import_too_many")
		}
		lines = append(lines, importLine{line: line, fields: f})
	}
	return header, lines, nil
}

// rowInput turns a file row into a call input, adding parse errors to fe.
func (s *Service) rowInput(ctx context.Context, hospitalID int64, loc *time.Location, f map[string]string, depts map[string]int64, fe app.FieldErrors) CallInput {
	in := CallInput{HospitalID: hospitalID, CallerName: f["caller_name"], CallerPhone: f["caller_phone"], PatientMRN: f["patient_mrn"],
		AgentEmail: f["agent_email"], Resolution: f["resolution"], Notes: f["notes"]}
	if v := f["started_at"]; v == "" {
		fe.Add("started_at", "err.required")
	} else if t, ok := parseCallTime(v, loc); ok {
		in.StartedAt = t
	} else {
		fe.Add("started_at", "err.call_time_invalid")
	}
	if v := f["call_type"]; v == "" {
		fe.Add("call_type", "err.required")
	} else if t, ok := app.ParseCallType(v); ok {
		in.Type = t
	} else {
		fe.Add("call_type", "err.choose_option")
	}
	if f["agent_email"] == "" {
		fe.Add("agent_email", "err.required") // a file's calls are other people's: never the importer's by default
	}
	if code := strings.ToUpper(f["department"]); code != "" {
		id, ok := depts[code]
		if !ok {
			if d, err := s.st.DepartmentByCode(ctx, hospitalID, code); err == nil {
				id = d.ID
			}
			depts[code] = id
		}
		if id == 0 {
			fe.Add("department", "err.department_unknown")
		}
		in.DepartmentID = id
	}
	for field, dst := range map[string]*int{"wait_seconds": &in.WaitSeconds, "talk_seconds": &in.TalkSeconds} {
		if v := f[field]; v != "" {
			n, ok := app.ParseSeconds(v)
			if !ok {
				fe.Add(field, "err.call_seconds_invalid")
			}
			*dst = n
		}
	}
	if b, ok := parseYesNo(f["resolved"]); ok {
		in.Resolved = b
	} else {
		fe.Add("resolved", "err.call_yes_no")
	}
	if v := f["satisfaction"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			fe.Add("satisfaction", "err.call_rating_range")
		}
		in.Satisfaction = n
	}
	return in
}

// ImportCalls imports the call records of a CSV file into a hospital. mapping gives,
// for our fields (CallColumns), the file's column names when they differ. A file-level
// problem (not CSV, not UTF-8, a required column missing, more than MaxImportRows rows)
// imports nothing and returns an EInvalid error (with the header when it was read).
// Otherwise every row is checked like a typed call; good rows are recorded in
// transactions of 500 (with their low-rating and analysis events), bad ones reported
// by line and reason, and the file is recorded and audited once.
func (s *Service) ImportCalls(ctx context.Context, by app.Principal, hospitalID int64, name string, r io.Reader, mapping map[string]string) (ImportReport, error) {
	var rep ImportReport
	if !by.Can(app.PermCallCenterManage) {
		return rep, app.ErrForbidden
	}
	h, err := s.st.HospitalByID(ctx, by.Scope, hospitalID)
	if err != nil {
		return rep, app.FieldErrors{"hospital": "err.hospital_not_allowed"}.Err()
	}
	loc := h.Zone()
	header, lines, err := readCallFile(r, mapping)
	rep.Header, rep.Rows = header, len(lines)
	if err != nil {
		return rep, err
	}

	// Check every row first (read-only), so the writes hold the writer briefly.
	type good struct {
		line int
		call app.CallInteraction
	}
	var goods []good
	agents, depts := agentCache{}, map[string]int64{}
	for _, l := range lines {
		fe := app.FieldErrors{}
		in := s.rowInput(ctx, hospitalID, loc, l.fields, depts, fe)
		c, cfe := s.checkCall(ctx, by, in, agents)
		for _, k := range cfe.Names() {
			if k == "call_type" && in.Type == "" {
				continue // already said why
			}
			fe.Add(k, cfe[k])
		}
		if len(fe) > 0 {
			rep.Errors = append(rep.Errors, ImportRowError{Line: l.line, Reasons: fe})
			continue
		}
		goods = append(goods, good{l.line, c})
	}

	im := app.CallImport{HospitalID: hospitalID, FileName: fileName(name), Rows: len(lines)}
	for start := 0; start == 0 || start < len(goods); start += importBatch {
		batch := goods[start:min(start+importBatch, len(goods))]
		last := start+importBatch >= len(goods)
		var recorded int
		var rowErrs []ImportRowError
		err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
			recorded, rowErrs = 0, nil
			if im.ID == 0 {
				if err := tx.InsertCallImport(ctx, &im); err != nil {
					return err
				}
			}
			for _, g := range batch {
				c := g.call
				c.ImportID = im.ID
				if _, err := tx.ExecContext(ctx, "savepoint call_row"); err != nil {
					return err
				}
				if err := s.insertCall(ctx, tx, &c); err != nil {
					if _, rbErr := tx.ExecContext(ctx, "rollback to call_row"); rbErr != nil {
						return rbErr
					}
					if app.ErrorCode(err) != app.EConflict {
						return err
					}
					rowErrs = append(rowErrs, ImportRowError{Line: g.line, Reasons: app.FieldErrors{"row": app.ErrorMessage(err)}})
				} else {
					recorded++
				}
				if _, err := tx.ExecContext(ctx, "release call_row"); err != nil {
					return err
				}
			}
			if !last {
				return nil
			}
			im.Good, im.Bad = rep.Good+recorded, len(rep.Errors)+len(rowErrs)
			if err := tx.FinishCallImport(ctx, im); err != nil {
				return err
			}
			return tx.Audit(ctx, app.Audit{Action: "call.import", Entity: "call_import", EntityID: fmt.Sprint(im.ID),
				HospitalID: hospitalID, Summary: map[string]any{"file": im.FileName, "rows": im.Rows, "good": im.Good, "bad": im.Bad}})
		})
		if err != nil {
			return rep, fmt.Errorf("import calls: %w", err)
		}
		rep.Good += recorded
		rep.Errors = append(rep.Errors, rowErrs...)
	}
	rep.ImportID = im.ID
	slices.SortFunc(rep.Errors, func(a, b ImportRowError) int { return a.Line - b.Line })
	return rep, nil
}

// fileName keeps the base name of an uploaded file, bounded.
func fileName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if !utf8.ValidString(name) {
		return ""
	}
	return name
}
