package orgs

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"time"

	"px360/app"
)

// exportPage is how many rows an export reads at a time.
const exportPage = 500

// ExportPatients writes the patients matching q (all pages) as CSV in the import format,
// without national IDs, and audits the export. It returns the number of rows written.
func (s *Service) ExportPatients(ctx context.Context, by app.Principal, q app.ListQuery, w io.Writer) (int, error) {
	if !by.Can(app.PermPatientManage) { // a bulk copy of patient data: admins only
		return 0, app.ErrForbidden
	}
	codes, err := s.hospitalCodes(ctx, by)
	if err != nil {
		return 0, err
	}
	cols := []string{"hospital_code", "mrn", "name_en", "name_ar", "phone", "email", "language", "birth_date"}
	n, err := export(ctx, w, cols, q, func(q app.ListQuery) (app.Page[app.Patient], error) {
		q.Scope = by.Scope
		return s.st.ListPatients(ctx, q)
	}, func(p app.Patient) []string {
		birth := ""
		if !p.BirthDate.IsZero() {
			birth = p.BirthDate.Format(time.DateOnly)
		}
		return []string{codes[p.HospitalID], p.MRN, p.NameEN, p.NameAR, p.Phone, p.Email, p.Language, birth}
	})
	return n, errors.Join(err, s.auditExport(ctx, by, "patient", q, n, err))
}

// ExportStaff writes the staff matching q as CSV in the import format and audits it.
func (s *Service) ExportStaff(ctx context.Context, by app.Principal, q app.ListQuery, w io.Writer) (int, error) {
	if !by.Can(app.PermStaffManage) {
		return 0, app.ErrForbidden
	}
	codes, err := s.hospitalCodes(ctx, by)
	if err != nil {
		return 0, err
	}
	deps, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		return 0, err
	}
	depCode := map[int64]string{}
	for _, d := range deps {
		depCode[d.ID] = d.Code
	}
	n, err := export(ctx, w, StaffColumns, q, func(q app.ListQuery) (app.Page[app.Staff], error) {
		q.Scope = by.Scope
		return s.st.ListStaff(ctx, q, 0)
	}, func(x app.Staff) []string {
		return []string{codes[x.HospitalID], x.EmployeeNo, x.NameEN, x.NameAR, string(x.Kind), x.JobTitle,
			depCode[x.DepartmentID], x.Email, x.Phone}
	})
	return n, errors.Join(err, s.auditExport(ctx, by, "staff", q, n, err))
}

func (s *Service) hospitalCodes(ctx context.Context, by app.Principal) (map[int64]string, error) {
	hs, err := s.st.Hospitals(ctx, by.Scope)
	codes := map[int64]string{}
	for _, h := range hs {
		codes[h.ID] = h.Code
	}
	return codes, err
}

// auditExport records an export, also one cut short (the rows sent so far left the
// server); it uses a fresh context so a disconnected client cannot prevent the record.
func (s *Service) auditExport(ctx context.Context, by app.Principal, entity string, q app.ListQuery, n int, failed error) error {
	summary := map[string]any{"rows": n, "search": q.Search, "hospital": q.HospitalID}
	if failed != nil {
		summary["interrupted"] = failed.Error()
	}
	return s.st.AuditOutside(context.WithoutCancel(ctx), by, app.Audit{Action: entity + ".export", Entity: entity,
		HospitalID: q.HospitalID, Summary: summary})
}

// export pages through a list with keyset cursors and writes one CSV row per item.
func export[T any](ctx context.Context, w io.Writer, header []string, q app.ListQuery,
	page func(app.ListQuery) (app.Page[T], error), row func(T) []string) (int, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil { // so spreadsheet programs read the Arabic as UTF-8
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	q.After, q.Before, q.Limit, q.NoCount = 0, 0, exportPage, true
	n := 0
	for {
		p, err := page(q)
		if err != nil {
			return n, err
		}
		for _, item := range p.Items {
			if err := cw.Write(app.SpreadsheetSafe(row(item))); err != nil {
				return n, err
			}
			n++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, err
		}
		if p.Next == 0 || ctx.Err() != nil {
			return n, ctx.Err()
		}
		q.After = p.Next
	}
}
