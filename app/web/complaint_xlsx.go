package web

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"px360/app"
	"px360/store"
)

// xlsxContentType is the media type of an Excel workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// errSheetFull stops an export at Excel's row limit.
var errSheetFull = errors.New("excel row limit reached")

// complaintExportXLSX downloads the filtered list as an Excel workbook: the rows and
// columns of the CSV export, text as text cells (a description such as "=HYPERLINK(...)"
// stays text: nothing is written as a formula), dates as Excel dates in each complaint's
// hospital time zone. Like the CSV it is audited (format "xlsx"), also when cut short.
func (s *Server) complaintExportXLSX(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	hs, err := s.st.Hospitals(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, fl := complaintFilter(r, zoneOf(hs))
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hospitalCode, zone, departmentCode := map[int64]string{}, map[int64]*time.Location{}, map[int64]string{}
	for _, h := range hs {
		hospitalCode[h.ID], zone[h.ID] = h.Code, zoneOf([]app.Hospital{h})
	}
	for _, d := range ds {
		departmentCode[d.ID] = d.Code
	}
	// The values follow complaintCSVHeader.
	row := func(c app.Complaint) []any {
		loc := zone[c.HospitalID]
		if loc == nil {
			loc = zoneOf(nil)
		}
		return []any{c.TrackingCode, hospitalCode[c.HospitalID], departmentCode[c.DepartmentID], string(c.Type),
			string(c.Status), string(c.Severity), string(c.Priority), c.SourceCode, c.Title, c.Description, c.ContactName,
			c.ContactPhone, c.ContactEmail, c.PreferredLanguage, c.EncounterID, string(c.Resolution), boolString(c.Breached),
			localTime(c.DueAt, loc), localTime(c.CreatedAt, loc), localTime(c.ResolvedAt, loc), localTime(c.ClosedAt, loc)}
	}
	n, sent, err := s.writeComplaintsXLSX(ctx, by, f, w, "complaints-"+time.Now().Format("20060102")+".xlsx", row)
	summary := map[string]any{"rows": n, "format": "xlsx", "filter": fl.Extra.Encode(), "search": f.Search, "hospital": f.HospitalID}
	switch {
	case errors.Is(err, errSheetFull):
		summary["truncated"] = "excel_row_limit"
	case err != nil:
		s.log.Error("export complaints xlsx", "request_id", requestID(r), "err", err)
		summary["interrupted"] = err.Error()
		if !sent { // nothing has left yet: say so instead of sending half a workbook
			s.fail(w, r, err)
		}
	}
	if err := s.st.AuditOutside(context.WithoutCancel(ctx), by, app.Audit{Action: "complaint.export", Entity: "complaint",
		HospitalID: f.HospitalID, Summary: summary}); err != nil {
		s.log.Error("audit complaint export", "request_id", requestID(r), "err", err)
	}
}

// localTime is t in loc for a date cell, nil (an empty cell) when t is zero.
func localTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc)
}

// writeComplaintsXLSX pages through the filtered list with keyset cursors into an
// excelize StreamWriter (rows beyond its memory chunk go to a temporary file), then
// sends the workbook as name, zipping straight into w rather than into memory. It returns
// how many rows the workbook holds and whether any byte was sent; errSheetFull when the
// list was longer than a sheet.
func (s *Server) writeComplaintsXLSX(ctx context.Context, by app.Principal, f store.ComplaintFilter, w http.ResponseWriter,
	name string, row func(app.Complaint) []any) (n int, sent bool, err error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Complaints"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return 0, false, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, false, err
	}
	dateFormat := "yyyy-mm-dd hh:mm"
	date, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return 0, false, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, false, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, false, err
	}
	widths := map[string]float64{"title": 30, "description": 60, "contact_name": 22, "contact_email": 24,
		"due_at": 17, "created_at": 17, "resolved_at": 17, "closed_at": 17}
	for i, col := range complaintCSVHeader {
		width, ok := widths[col]
		if !ok {
			width = 14
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return 0, false, err
		}
	}
	header := make([]any, len(complaintCSVHeader))
	for i, col := range complaintCSVHeader {
		header[i] = excelize.Cell{StyleID: bold, Value: col}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return 0, false, err
	}

	var stop error
	if !searchUnsupported(f) { // the list shows nothing for it; neither does the export
		f.After, f.Before, f.Limit, f.NoCount = 0, 0, 500, true
	pages:
		for {
			p, err := s.compl.List(ctx, by, f)
			if err != nil {
				stop = err
				break
			}
			for _, c := range p.Items {
				if n+1 >= excelize.TotalRows { // the header takes a row
					stop = errSheetFull
					break pages
				}
				cell, err := excelize.CoordinatesToCellName(1, n+2)
				if err != nil {
					return n, false, err
				}
				if err := sw.SetRow(cell, xlsxCells(row(c), date)); err != nil {
					return n, false, err
				}
				n++
			}
			if p.Next == 0 {
				break
			}
			if err := ctx.Err(); err != nil {
				stop = err
				break
			}
			f.After = p.Next
		}
	}
	if stop != nil && !errors.Is(stop, errSheetFull) {
		return n, false, stop
	}
	if err := sw.Flush(); err != nil {
		return n, false, err
	}

	w.Header().Set("Content-Type", xlsxContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	// excelize zips into a buffer it then copies out; a zip writer on w that ignores the
	// buffer sends the workbook as it is zipped, so a large export is not held in memory
	// (the buffer stays empty, and copying it to io.Discard writes nothing).
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := x.Write(io.Discard); err != nil {
		return n, true, err
	}
	return n, true, stop
}

// xlsxCells makes a row's values cells: strings become text cells (never formulas),
// times date cells, and empty strings and nils are left blank.
func xlsxCells(values []any, dateStyle int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case string:
			if v != "" {
				out[i] = v
			}
		case time.Time:
			out[i] = excelize.Cell{StyleID: dateStyle, Value: v}
		default:
			out[i] = v
		}
	}
	return out
}
