package surveys_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"px360/app"
	"px360/app/surveys"
)

func TestExportCSVAndXLSX(t *testing.T) {
	e := newStaffEnv(t)
	tpl, loc := e.wardSurvey(t)
	e.answer(t, loc.Code, app.Answers{"overall": {"2"}, "recommend": {"6"}, "comments": {"=HYPERLINK(\"http://evil\")"}})
	e.answer(t, loc.Code, app.Answers{"overall": {"5"}, "food": {"good"}, "clean": {"yes"}, "comments": {"شكراً"}})

	var buf bytes.Buffer
	n, err := e.svc.ExportCSV(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{}, &buf)
	if err != nil || n != 2 {
		t.Fatalf("export: %d rows, %v", n, err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff") {
		t.Error("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "response_id,date,hospital_code,department_code,language,score,nps,negative,overall,recommend,food,clean,comments"
	if got := strings.Join(recs[0], ","); got != wantHeader {
		t.Errorf("header %q", got)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	newest, oldest := recs[1], recs[2]
	if newest[2] != "RCH" || newest[3] != "MED" || newest[5] != "100" || newest[6] != "" || newest[7] != "" ||
		newest[10] != "good" || newest[11] != "yes" || newest[12] != "شكراً" {
		t.Errorf("newest row %q", newest)
	}
	if oldest[5] != "25" || oldest[6] != "6" || oldest[7] != "1" || oldest[12] != "'=HYPERLINK(\"http://evil\")" {
		t.Errorf("oldest row %q (the formula must be escaped)", oldest)
	}
	if !strings.HasPrefix(newest[1], e.clock.Now().Format("2006-01-02 15:")) {
		t.Errorf("date %q is not in the hospital's time", newest[1])
	}

	buf.Reset()
	if n, err := e.svc.ExportXLSX(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{}, &buf); err != nil || n != 2 {
		t.Fatalf("xlsx: %d %v", n, err)
	}
	book, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("Responses")
	if err != nil || len(rows) != 3 || rows[0][8] != "overall" {
		t.Fatalf("xlsx rows: %v %v", rows, err)
	}
	if v, _ := book.GetCellValue("Responses", "M3"); v != "=HYPERLINK(\"http://evil\")" {
		t.Errorf("comment cell %q", v)
	}
	if f, _ := book.GetCellFormula("Responses", "M3"); f != "" {
		t.Errorf("a comment became the formula %q", f)
	}
	if q, _ := book.GetCellValue("Questions", "D2"); q != "بشكل عام؟" {
		t.Errorf("questions sheet: %q", q)
	}
	if n := e.auditCount(t, "survey.export"); n != 2 {
		t.Errorf("%d export audit rows, want 2", n)
	}

	// Hospital B's viewer exports nothing of A's; staff may not export.
	viewerB := app.Principal{Role: app.RoleViewer, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
	buf.Reset()
	if n, err := e.svc.ExportCSV(e.ctx, viewerB, tpl.Family, surveys.ResultFilter{}, &buf); err != nil || n != 0 {
		t.Errorf("hospital B: %d rows %v", n, err)
	}
	staff := app.Principal{Role: app.RoleStaff, Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	if _, err := e.svc.ExportCSV(e.ctx, staff, tpl.Family, surveys.ResultFilter{}, &buf); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("staff: %v", err)
	}
}
