package surveys_test

import (
	"errors"
	"strings"
	"testing"

	"px360/app"
	"px360/app/surveys"
	"px360/store"
)

func (e *staffEnv) countInstances(t testing.TB) int {
	t.Helper()
	page, err := e.st.ListSurveyInvitations(e.ctx, store.SurveyInvitationFilter{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}

func (e *staffEnv) auditCount(t testing.TB, action string) int {
	t.Helper()
	page, err := e.st.ListAudit(e.ctx, store.AuditFilter{Scope: app.Scope{All: true}, Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}

func TestBulkInviteReportsEveryRow(t *testing.T) {
	e := newStaffEnv(t)
	tpl := e.template(t, "Inpatient experience")
	// Columns in another order, an unknown column, a byte-order mark, CRLF line ends.
	file := "\ufeffPhone,Name,shoe_size,MRN,department,language,email\r\n" +
		"+966500000001,Omar,42,,MED,en,\r\n" + // 2: invited
		",,,MRN-1,SURG,,\r\n" + // 3: the registered patient: invited
		"+966500000001,Omar again,,,,,\r\n" + // 4: the same number: fatigue
		",,,NOPE-9,,,\r\n" + // 5: unknown MRN
		"12,Short,,,,,\r\n" + // 6: bad phone
		"+966500000003,Nadia,,,ICU,,\r\n" + // 7: unknown department
		",Nobody,,,,,\r\n" + // 8: no contact
		",,,,,,\r\n" + // blank: ignored
		",Mail,,,,klingon,a@example.com\r\n" + // 10: bad language
		",Mail,,,,,not-an-address\r\n" + // 11: bad e-mail
		",Mail only,,,MED,ar,mail@example.com\r\n" // 12: invited, but no e-mail provider: skipped (no contact)
	rep, err := e.svc.BulkInvite(e.ctx, e.adminA, tpl.ID, e.hospA.ID, strings.NewReader(file), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line           int
		status, reason string
	}{
		{2, surveys.BulkInvited, ""},
		{3, surveys.BulkInvited, ""},
		{4, surveys.BulkSkipped, surveys.SkipFatigue},
		{5, surveys.BulkError, "err.survey_unknown_mrn"},
		{6, surveys.BulkError, "err.phone_invalid"},
		{7, surveys.BulkError, "err.survey_unknown_department"},
		{8, surveys.BulkError, "err.survey_contact_required"},
		{10, surveys.BulkError, "err.choose_option"},
		{11, surveys.BulkError, "err.email_invalid"},
		{12, surveys.BulkSkipped, surveys.SkipNoContact},
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("rows: %+v", rep.Rows)
	}
	for i, w := range want {
		got := rep.Rows[i]
		if got.Line != w.line || got.Status != w.status || got.Reason != w.reason {
			t.Errorf("row %d: got %+v, want line %d %s %s", i, got, w.line, w.status, w.reason)
		}
	}
	if rep.Invited != 2 || rep.Skipped != 2 || rep.Failed != 6 || rep.FatigueDays != 30 {
		t.Errorf("tally: %+v", rep)
	}
	if rep.Rows[5].Column != "department" || rep.Rows[3].Column != "mrn" || rep.Rows[6].Column != "" {
		t.Errorf("columns: %q %q %q", rep.Rows[5].Column, rep.Rows[3].Column, rep.Rows[6].Column)
	}
	if n := e.countInstances(t); n != 2 {
		t.Errorf("%d invitations written, want 2", n)
	}
	res, err := e.svc.Results(e.ctx, e.admin, tpl.Family, surveys.ResultFilter{})
	if err != nil || res.Total.Invited != 2 {
		t.Errorf("invited counter: %+v %v", res.Total, err)
	}
	// The registered patient's invitation is theirs (fatigue counts the patient).
	page, _ := e.st.ListSurveyInvitations(e.ctx, store.SurveyInvitationFilter{ListQuery: app.ListQuery{Scope: app.Scope{All: true}}})
	found := false
	for _, x := range page.Items {
		found = found || (x.PatientID == e.patientA.ID && x.DepartmentID == e.deptA2.ID && x.Source == app.SourceBulk)
	}
	if !found {
		t.Errorf("the MRN row's invitation: %+v", page.Items)
	}
	if n := e.auditCount(t, "survey.bulk"); n != 1 {
		t.Errorf("%d bulk audit rows, want 1", n)
	}
}

func TestBulkInviteRefusesAMalformedFileWhole(t *testing.T) {
	e := newStaffEnv(t)
	tpl := e.template(t, "Inpatient experience")
	good := "phone,name\n+966500000001,Omar\n"
	for _, c := range []struct {
		name, file, msg string
	}{
		{"empty", "", "err.csv_empty"},
		{"no contact column", "name,department\nOmar,MED\n", "err.survey_bulk_columns"},
		{"broken quote after a good row", good + "\"+966500000002,Broken\n", "err.csv_malformed"},
		{"not UTF-8", "phone,name\n+966500000002,\xc7\xcd\xe3\xcf\n", "err.survey_bulk_encoding"},
		{"a spreadsheet", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "err.survey_bulk_not_csv"},
		{"too many rows", "phone\n" + strings.Repeat("+966500000009\n", surveys.MaxBulkRows+1), "err.survey_bulk_too_many"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.BulkInvite(e.ctx, e.adminA, tpl.ID, e.hospA.ID, strings.NewReader(c.file), "")
			if app.ErrorCode(err) != app.EInvalid || app.ErrorMessage(err) != c.msg {
				t.Fatalf("got %v, want %s", err, c.msg)
			}
			if n := e.countInstances(t); n != 0 {
				t.Errorf("%d invitations written", n)
			}
		})
	}
	if n := e.auditCount(t, "survey.bulk"); n != 0 {
		t.Errorf("a refused file was audited %d times", n)
	}
	// The file's rows are fine, but the template is not for this hospital or kind.
	ward := e.template(t, "Ward feedback (anonymous)")
	_, err := e.svc.BulkInvite(e.ctx, e.adminA, ward.ID, e.hospA.ID, strings.NewReader(good), "")
	if app.Fields(err)["template_id"] != "err.survey_ward_only" {
		t.Errorf("ward template: %v", err)
	}
	if _, err := e.svc.BulkInvite(e.ctx, e.adminA, tpl.ID, e.hospB.ID, strings.NewReader(good), ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("another hospital: %v", err)
	}
	if _, err := e.svc.BulkInvite(e.ctx, e.viewerA, tpl.ID, e.hospA.ID, strings.NewReader(good), ""); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("viewer: %v", err)
	}
}

func TestInviteByHandExplainsASkip(t *testing.T) {
	e := newStaffEnv(t)
	tpl := e.template(t, "Outpatient visit")
	m := surveys.ManualInvitation{TemplateID: tpl.ID, HospitalID: e.hospA.ID, DepartmentID: e.deptA.ID,
		PatientContact: surveys.PatientContact{MRN: "MRN-1"}}
	if _, err := e.svc.InviteByHand(e.ctx, e.adminA, m); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(12 * 24 * 3600e9)
	_, err := e.svc.InviteByHand(e.ctx, e.adminA, m)
	var skip *surveys.Skip
	if !errors.As(err, &skip) || skip.Reason != surveys.SkipFatigue {
		t.Fatalf("second invitation: %v", err)
	}
	info := e.svc.ExplainSkip(e.ctx, e.adminA, m, skip)
	if info.FatigueDays != 30 || int(e.clock.Now().Sub(info.LastInvited).Hours()/24) != 12 {
		t.Errorf("explanation: %+v", info)
	}
	// Field errors name the form's fields.
	_, err = e.svc.InviteByHand(e.ctx, e.adminA, surveys.ManualInvitation{TemplateID: tpl.ID, HospitalID: e.hospB.ID,
		DepartmentID: e.deptA.ID, PatientContact: surveys.PatientContact{Phone: "12"}, Channel: "pigeon"})
	fe := app.Fields(err)
	if fe["hospital_id"] != "err.hospital_not_allowed" || fe["department_id"] != "err.department_not_in_hospital" ||
		fe["phone"] != "err.phone_invalid" || fe["channel"] != "err.choose_option" {
		t.Errorf("field errors: %v", err)
	}
}
