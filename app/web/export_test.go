package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"px360/app"
	"px360/store"
)

func TestExportIsTheFilteredListInImportFormat(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	r := e.get(c, "/admin/patients/export.csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
	if lines[0] != "hospital_code,mrn,name_en,name_ar,phone,email,language,birth_date" || len(lines) != 9 {
		t.Fatalf("header %q, %d lines (want hospital A's 8 patients)", lines[0], len(lines))
	}
	if strings.Contains(r.body, e.patientB.MRN) || !strings.Contains(r.body, e.patientA.MRN) || strings.Contains(r.body, "1102030400") {
		t.Fatal("export leaked another hospital's rows or a national ID, or lacks hospital A's rows")
	}
	// A filter narrows the export exactly as it narrows the list.
	r = e.get(c, "/admin/patients/export.csv?"+url.Values{"q": {e.patientA.MRN}}.Encode())
	if n := strings.Count(strings.TrimSpace(r.body), "\n"); n != 1 {
		t.Fatalf("filtered export has %d data rows, want 1", n)
	}
	a, err := e.store().ListAudit(context.Background(), store.AuditFilter{Scope: app.Scope{All: true}, Action: "patient.export"})
	if err != nil || a.Count != 2 {
		t.Fatalf("export audit rows: %d %v", a.Count, err)
	}
	if list := e.get(c, "/admin/staff"); !strings.Contains(list.body, `href="/admin/staff/export.csv"`) {
		t.Fatal("the staff list has no export button")
	}
	if r := e.get(e.login(app.RoleViewer), "/admin/patients/export.csv"); r.status != 403 {
		t.Fatalf("viewer export: %d", r.status)
	}
}

func TestPeopleSearch(t *testing.T) {
	e := newEnv(t)
	if err := e.a.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := e.login(app.RoleHospitalAdmin)
	r := e.get(c, "/search?"+url.Values{"q": {"عبدالله"}}.Encode()) // Abdullah, a patient in both hospitals
	if r.status != 200 || !strings.Contains(r.body, "Abdullah Al-Dosari") || !strings.Contains(r.body, "RCH000100") {
		t.Fatalf("Arabic name search: %d", r.status)
	}
	if strings.Contains(r.body, "JGH000100") {
		t.Fatal("search shows another hospital's patient")
	}
	if r := e.get(c, "/search?q="+e.staffA.EmployeeNo); !strings.Contains(r.body, e.staffA.NameEN) {
		t.Fatal("employee number search found nothing")
	}
	if r := e.get(c, "/search?q=zzzz"); !strings.Contains(r.body, "No one matches") {
		t.Fatal("no-result message missing")
	}
}
