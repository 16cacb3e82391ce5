package surveys

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"px360/app"
	"px360/store"
)

// Responses returns one page of a family's responses in the user's hospitals, newest
// first (after and before are the keyset cursors of the previous page).
func (s *Service) Responses(ctx context.Context, by app.Principal, family int64, f ResultFilter, after, before int64) (app.Page[app.SurveyResponse], error) {
	if !by.Can(app.PermSurveyView) {
		return app.Page[app.SurveyResponse]{}, app.ErrForbidden
	}
	if _, _, err := s.Family(ctx, by, family); err != nil {
		return app.Page[app.SurveyResponse]{}, err
	}
	rf, err := responseFilter(by, family, f)
	if err != nil {
		return app.Page[app.SurveyResponse]{}, err
	}
	rf.After, rf.Before = after, before
	return s.st.ListSurveyResponses(ctx, rf)
}

func responseFilter(by app.Principal, family int64, f ResultFilter) (store.SurveyResponseFilter, error) {
	if f.HospitalID != 0 && !by.Scope.Allows(f.HospitalID) {
		return store.SurveyResponseFilter{}, app.ErrNotFound
	}
	return store.SurveyResponseFilter{ListQuery: app.ListQuery{Scope: by.Scope, HospitalID: f.HospitalID},
		Family: family, DepartmentID: f.DepartmentID, From: f.From, To: f.To}, nil
}

// exportColumns are the first columns of a response export; one column per question of
// the version shown follows, named by the question's id.
var exportColumns = []string{"response_id", "date", "hospital_code", "department_code", "language", "score", "nps", "negative"}

// exporter turns responses into export rows.
type exporter struct {
	questions []app.Question
	hospitals map[int64]app.Hospital
	zones     map[int64]*time.Location
	depts     map[int64]string
}

func (s *Service) exporter(ctx context.Context, by app.Principal, def app.SurveyDefinition) (exporter, error) {
	x := exporter{hospitals: map[int64]app.Hospital{}, zones: map[int64]*time.Location{}, depts: map[int64]string{}}
	for _, p := range def.Sections {
		x.questions = append(x.questions, p.Questions...)
	}
	hs, err := s.st.Hospitals(ctx, by.Scope)
	if err != nil {
		return x, err
	}
	for _, h := range hs {
		x.hospitals[h.ID] = h
		x.zones[h.ID] = h.Zone()
	}
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		return x, err
	}
	for _, d := range ds {
		x.depts[d.ID] = d.Code
	}
	return x, nil
}

func (x exporter) header() []string {
	out := append([]string{}, exportColumns...)
	for _, q := range x.questions {
		out = append(out, q.ID)
	}
	return out
}

// local is when r was given, in its hospital's time zone.
func (x exporter) local(r app.SurveyResponse) time.Time {
	loc := x.zones[r.HospitalID]
	if loc == nil {
		loc = app.Riyadh()
	}
	return r.CreatedAt.In(loc)
}

// values are a response's cells after the date: text, or numbers for the score and NPS.
func (x exporter) values(r app.SurveyResponse) []any {
	out := []any{x.hospitals[r.HospitalID].Code, x.depts[r.DepartmentID], r.Lang, nil, nil, ""}
	if r.Score.HasScore {
		out[3] = roundScore(r.Score.Score)
	}
	if r.Score.HasNPS {
		out[4] = r.Score.NPS
	}
	if r.Score.Negative {
		out[5] = "1"
	}
	for _, q := range x.questions {
		out = append(out, strings.Join(r.Answers[q.ID], "; "))
	}
	return out
}

// roundScore keeps one decimal of a score.
func roundScore(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}

func (x exporter) csvRow(r app.SurveyResponse) []string {
	out := []string{strconv.FormatInt(r.ID, 10), x.local(r).Format("2006-01-02 15:04")}
	for _, v := range x.values(r) {
		switch v := v.(type) {
		case nil:
			out = append(out, "")
		case float64:
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			out = append(out, fmt.Sprint(v))
		}
	}
	return app.SpreadsheetSafe(out)
}

// eachResponse pages through the filtered responses with keyset cursors.
func (s *Service) eachResponse(ctx context.Context, rf store.SurveyResponseFilter, fn func(app.SurveyResponse) error) error {
	rf.After, rf.Before, rf.Limit, rf.NoCount = 0, 0, 500, true
	for {
		p, err := s.st.ListSurveyResponses(ctx, rf)
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			if err := fn(r); err != nil {
				return err
			}
		}
		if p.Next == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rf.After = p.Next
	}
}

// prepareExport checks the user may export the family and returns the version whose
// questions make the columns, the row builder and the filter.
func (s *Service) prepareExport(ctx context.Context, by app.Principal, family int64, f ResultFilter) (app.SurveyTemplate, exporter, store.SurveyResponseFilter, error) {
	if !by.Can(app.PermSurveyView) {
		return app.SurveyTemplate{}, exporter{}, store.SurveyResponseFilter{}, app.ErrForbidden
	}
	_, shown, err := s.Family(ctx, by, family)
	if err != nil {
		return shown, exporter{}, store.SurveyResponseFilter{}, err
	}
	rf, err := responseFilter(by, shown.Family, f)
	if err != nil {
		return shown, exporter{}, rf, err
	}
	x, err := s.exporter(ctx, by, shown.Def)
	return shown, x, rf, err
}

// auditExport records an export (also one cut short: the rows sent have left).
func (s *Service) auditExport(ctx context.Context, by app.Principal, family int64, f ResultFilter, format string, n int, err error) {
	summary := map[string]any{"rows": n, "format": format, "family": family, "hospital": f.HospitalID, "department": f.DepartmentID}
	if !f.From.IsZero() {
		summary["from"] = f.From.UTC().Format(time.RFC3339)
	}
	if !f.To.IsZero() {
		summary["to"] = f.To.UTC().Format(time.RFC3339)
	}
	switch {
	case errors.Is(err, errSheetFull):
		summary["truncated"] = "excel_row_limit"
	case err != nil:
		summary["interrupted"] = err.Error()
	}
	if aerr := s.st.AuditOutside(context.WithoutCancel(ctx), by, app.Audit{Action: "survey.export", Entity: "survey_template",
		EntityID: strconv.FormatInt(family, 10), HospitalID: f.HospitalID, Summary: summary}); aerr != nil {
		s.log.Error("audit survey export", "family", family, "err", aerr)
	}
}

// ExportCSV writes a family's filtered responses as CSV (UTF-8 with a byte-order mark,
// so spreadsheet programs read the Arabic): one row per response, one column per
// question of the version shown, cells that a spreadsheet would run as a formula
// escaped. The export is audited, also when it is cut short. It returns the rows written.
func (s *Service) ExportCSV(ctx context.Context, by app.Principal, family int64, f ResultFilter, w io.Writer) (int, error) {
	t, x, rf, err := s.prepareExport(ctx, by, family, f)
	if err != nil {
		return 0, err
	}
	n := 0
	err = func() error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(x.header()); err != nil {
			return err
		}
		err := s.eachResponse(ctx, rf, func(r app.SurveyResponse) error {
			if err := cw.Write(x.csvRow(r)); err != nil {
				return err
			}
			n++
			if n%500 == 0 {
				cw.Flush()
			}
			return cw.Error()
		})
		cw.Flush()
		if err != nil {
			return err
		}
		return cw.Error()
	}()
	s.auditExport(ctx, by, t.Family, f, "csv", n, err)
	return n, err
}

// errSheetFull stops an export at Excel's row limit.
var errSheetFull = errors.New("excel row limit reached")

// ExportXLSX writes the rows of ExportCSV as an Excel workbook: dates as dates in each
// hospital's time zone, scores as numbers, text as text cells (never formulas), and a
// second sheet naming each question column in English and Arabic. Rows go through
// excelize's stream writer and the workbook is zipped straight into w, so a large
// export is not held in memory. At Excel's row limit the export stops (audited as
// truncated). Nothing is written to w before the rows are ready.
func (s *Service) ExportXLSX(ctx context.Context, by app.Principal, family int64, f ResultFilter, w io.Writer) (int, error) {
	t, x, rf, err := s.prepareExport(ctx, by, family, f)
	if err != nil {
		return 0, err
	}
	n, err := s.writeXLSX(ctx, x, rf, w)
	s.auditExport(ctx, by, t.Family, f, "xlsx", n, err)
	if errors.Is(err, errSheetFull) {
		err = nil
	}
	return n, err
}

func (s *Service) writeXLSX(ctx context.Context, x exporter, rf store.SurveyResponseFilter, w io.Writer) (n int, err error) {
	book := excelize.NewFile()
	defer book.Close()
	const sheet = "Responses"
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	bold, err := book.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, err
	}
	dateFormat := "yyyy-mm-dd hh:mm"
	date, err := book.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return 0, err
	}
	sw, err := book.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetColWidth(2, 2, 17); err != nil {
		return 0, err
	}
	header := x.header()
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return 0, err
	}
	stop := s.eachResponse(ctx, rf, func(r app.SurveyResponse) error {
		if n+1 >= excelize.TotalRows { // the header takes a row
			return errSheetFull
		}
		row := []any{r.ID, excelize.Cell{StyleID: date, Value: x.local(r)}}
		for _, v := range x.values(r) {
			if str, ok := v.(string); ok && str == "" {
				v = nil
			}
			row = append(row, v)
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
		n++
		return nil
	})
	if stop != nil && !errors.Is(stop, errSheetFull) {
		return n, stop
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	if err := questionSheet(book, x.questions, bold); err != nil {
		return n, err
	}
	// excelize zips into a buffer it then copies out; a zip writer on w that ignores the
	// buffer sends the workbook as it is zipped (the buffer stays empty).
	book.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := book.Write(io.Discard); err != nil {
		return n, err
	}
	return n, stop
}

// questionSheet names each question column: its id, type and text in both languages.
func questionSheet(book *excelize.File, qs []app.Question, bold int) error {
	const sheet = "Questions"
	if _, err := book.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := book.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 4, 60); err != nil {
		return err
	}
	head := []any{excelize.Cell{StyleID: bold, Value: "column"}, excelize.Cell{StyleID: bold, Value: "type"},
		excelize.Cell{StyleID: bold, Value: "text_en"}, excelize.Cell{StyleID: bold, Value: "text_ar"}}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, q := range qs {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, []any{q.ID, string(q.Type), q.TextEN, q.TextAR}); err != nil {
			return err
		}
	}
	return sw.Flush()
}
