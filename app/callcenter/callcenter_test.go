package callcenter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/callcenter"
	"px360/app/notify"
	"px360/app/vault"
	"px360/store"
)

type fixture struct {
	ctx         context.Context
	st          *store.Store
	svc         *callcenter.Service
	now         time.Time
	hosp, other int64
	med, er     int64
	patient     app.Patient
	// users
	agent, agent2, manager, admin, otherAgent, viewer, colleague app.Principal
	// staff: nurse is agent's own record (same e-mail), doctor has no account, far works in the other hospital
	nurse, doctor, porter, far app.Staff
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{ctx: ctx, now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	f.st = st
	f.svc = callcenter.New(st, notify.New(st, v, nil), nil)
	f.svc.Now = func() time.Time { return f.now }
	users := map[string]*app.Principal{}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		for i, code := range []string{"RCH", "JGH"} {
			h := app.Hospital{OrganizationID: org, Code: code, NameEN: code, NameAR: code, TimeZone: "Asia/Riyadh", Active: true}
			if err := tx.SaveHospital(ctx, &h); err != nil {
				return err
			}
			if i == 0 {
				f.hosp = h.ID
			} else {
				f.other = h.ID
			}
		}
		for _, d := range []*app.Department{{HospitalID: f.hosp, Code: "MED", NameEN: "Medicine", NameAR: "الباطنية", Category: app.DeptMedical, Active: true},
			{HospitalID: f.hosp, Code: "ER", NameEN: "Emergency", NameAR: "الطوارئ", Category: app.DeptMedical, Active: true}} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
			if d.Code == "MED" {
				f.med = d.ID
			} else {
				f.er = d.ID
			}
		}
		for _, u := range []struct {
			id   string
			role app.Role
			h    int64
			deps []int64
		}{{"agent", app.RoleStaff, f.hosp, nil}, {"agent2", app.RoleStaff, f.hosp, nil},
			{"manager", app.RoleDepartmentManager, f.hosp, []int64{f.med}}, {"admin", app.RoleHospitalAdmin, f.hosp, nil},
			{"otheragent", app.RoleStaff, f.other, nil}, {"viewer", app.RoleViewer, f.hosp, nil},
			{"colleague", app.RoleStaff, f.hosp, []int64{f.er}}} {
			usr := &app.User{ID: u.id, Email: u.id + "@h.sa", Name: "Name of " + u.id, Language: "en", Role: u.role, Active: true,
				HospitalIDs: []int64{u.h}, DepartmentIDs: u.deps}
			if err := tx.InsertUser(ctx, usr, "x"); err != nil {
				return err
			}
			p := app.PrincipalOf(usr, "")
			users[u.id] = &p
		}
		for _, x := range []*app.Staff{
			{HospitalID: f.hosp, DepartmentID: f.med, EmployeeNo: "N1", NameEN: "Nora", NameAR: "نورة", Kind: app.StaffNurse, Email: "agent@h.sa", Active: true},
			{HospitalID: f.hosp, DepartmentID: f.med, EmployeeNo: "D1", NameEN: "Dr Khalid", NameAR: "د. خالد", Kind: app.StaffPhysician, Active: true},
			{HospitalID: f.hosp, DepartmentID: f.er, EmployeeNo: "P1", NameEN: "Porter", NameAR: "عامل", Kind: app.StaffOther, Active: true},
			{HospitalID: f.other, EmployeeNo: "F1", NameEN: "Far", NameAR: "بعيد", Kind: app.StaffOther, Active: true},
		} {
			if err := tx.SaveStaff(ctx, x); err != nil {
				return err
			}
			switch x.EmployeeNo {
			case "N1":
				f.nurse = *x
			case "D1":
				f.doctor = *x
			case "P1":
				f.porter = *x
			default:
				f.far = *x
			}
		}
		f.patient = app.Patient{HospitalID: f.hosp, MRN: "MRN1", NameEN: "Patient", NameAR: "مريض", Phone: "0501234567", Language: "ar"}
		return tx.SavePatient(ctx, &f.patient, nil, "", false)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.agent, f.agent2, f.manager, f.admin = *users["agent"], *users["agent2"], *users["manager"], *users["admin"]
	f.otherAgent, f.viewer, f.colleague = *users["otheragent"], *users["viewer"], *users["colleague"]
	return f
}

// events returns the payloads of the outbox events of kind.
func (f *fixture) events(t *testing.T, kind string) []map[string]any {
	t.Helper()
	rows, err := f.st.R.Query(`select payload from outbox where kind = ? order by id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var s string
		rows.Scan(&s)
		m := map[string]any{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func (f *fixture) lowRatings(t *testing.T, callID int64) int {
	n := 0
	for _, e := range f.events(t, app.EventCallLowRating) {
		if e["interaction_id"] == float64(callID) {
			n++
		}
	}
	return n
}

func (f *fixture) call(t *testing.T, by app.Principal, in callcenter.CallInput) app.CallInteraction {
	t.Helper()
	if in.HospitalID == 0 {
		in.HospitalID = f.hosp
	}
	if in.Type == "" {
		in.Type = app.CallInquiry
	}
	c, err := f.svc.RecordCall(f.ctx, by, in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecordCallChecksEveryField(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name  string
		by    app.Principal
		in    callcenter.CallInput
		field string
		msg   string
	}{
		{"no hospital", f.agent, callcenter.CallInput{Type: app.CallInquiry}, "hospital", "err.required"},
		{"another hospital", f.agent, callcenter.CallInput{HospitalID: f.other, Type: app.CallInquiry}, "hospital", "err.hospital_not_allowed"},
		{"unknown type", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: "chat"}, "call_type", "err.choose_option"},
		{"negative wait", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, WaitSeconds: -1}, "wait_seconds", "err.call_seconds_range"},
		{"talk over a day", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, TalkSeconds: 86401}, "talk_seconds", "err.call_seconds_range"},
		{"rating 6", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, Satisfaction: 6}, "satisfaction", "err.call_rating_range"},
		{"agent of another hospital", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, AgentEmail: "otheragent@h.sa"}, "agent_email", "err.call_agent_unknown"},
		{"agent without the permission", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, AgentEmail: "viewer@h.sa"}, "agent_email", "err.call_agent_unknown"},
		{"agent unknown", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, AgentEmail: "nobody@h.sa"}, "agent_email", "err.call_agent_unknown"},
		{"no agent for the system", app.System, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry}, "agent_email", "err.required"},
		{"unknown MRN", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, PatientMRN: "NOPE"}, "patient_mrn", "err.patient_unknown"},
		{"department of another hospital", f.agent, callcenter.CallInput{HospitalID: f.other, DepartmentID: f.med, Type: app.CallInquiry}, "department", "err.department_not_in_hospital"},
		{"a phone that is not one", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, CallerPhone: "call me"}, "caller_phone", "err.phone_invalid"},
		{"in the future", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, StartedAt: f.now.Add(3 * time.Hour)}, "started_at", "err.call_started_future"},
		{"notes too long", f.agent, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry, Notes: strings.Repeat("x", callcenter.MaxNotes+1)}, "notes", "err.too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.RecordCall(f.ctx, tc.by, tc.in)
			if got := app.Fields(err)[tc.field]; got != tc.msg {
				t.Fatalf("%s: got %q (%v), want %q", tc.field, got, err, tc.msg)
			}
		})
	}
	if _, err := f.svc.RecordCall(f.ctx, f.viewer, callcenter.CallInput{HospitalID: f.hosp, Type: app.CallInquiry}); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("a viewer recorded a call: %v", err)
	}
	var n int
	f.st.R.QueryRow(`select count(*) from call_interactions`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused calls wrote %d rows", n)
	}

	// A good call: the recording user is the agent, the number becomes E.164 and links the patient.
	c := f.call(t, f.agent, callcenter.CallInput{Type: app.CallAppointment, CallerName: " Fahad ", CallerPhone: "050 123 4567",
		WaitSeconds: 30, TalkSeconds: 150, Resolved: true, Notes: "Booked for Sunday"})
	if c.AgentUserID != "agent" || c.CallerPhone != "+966501234567" || c.PatientID != f.patient.ID || c.CallerName != "Fahad" ||
		c.HandleSeconds() != 180 || !c.StartedAt.Equal(f.now) {
		t.Fatalf("recorded call: %+v", c)
	}
	// Another agent of the hospital, named by e-mail; a landline stays as digits.
	c2 := f.call(t, f.manager, callcenter.CallInput{AgentEmail: "Agent2@H.sa", CallerPhone: "011 555 1234", PatientMRN: "MRN1"})
	if c2.AgentUserID != "agent2" || c2.CallerPhone != "0115551234" || c2.PatientID != f.patient.ID {
		t.Fatalf("second call: %+v", c2)
	}
	if a := f.events(t, app.EventAnalysisRequested); len(a) != 1 || a[0]["record_type"] != "call" || a[0]["record_id"] != float64(c.ID) ||
		a[0]["hospital_id"] != float64(f.hosp) {
		t.Fatalf("analysis events: %v", a)
	}
	// Hospital B's agent sees none of it.
	if _, err := f.svc.Call(f.ctx, f.otherAgent, c.ID); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("another hospital's call: %v", err)
	}
	if p, _ := f.svc.ListCalls(f.ctx, f.otherAgent, store.CallFilter{}); len(p.Items) != 0 {
		t.Fatalf("another hospital lists %d calls", len(p.Items))
	}
	if p, _ := f.svc.ListCalls(f.ctx, f.agent, store.CallFilter{ListQuery: app.ListQuery{Search: "0501234567"}}); len(p.Items) != 1 || p.Items[0].ID != c.ID {
		t.Fatalf("search by phone: %+v", p.Items)
	}
}

func TestLowRatingEventGoesOutOncePerCall(t *testing.T) {
	f := newFixture(t)
	low := f.call(t, f.agent, callcenter.CallInput{DepartmentID: f.med, Satisfaction: 2})
	ev := f.events(t, app.EventCallLowRating)
	if len(ev) != 1 || ev[0]["interaction_id"] != float64(low.ID) || ev[0]["hospital_id"] != float64(f.hosp) ||
		ev[0]["department_id"] != float64(f.med) || ev[0]["rating"] != float64(2) || ev[0]["agent_email"] != "agent@h.sa" {
		t.Fatalf("low-rating event: %v", ev)
	}
	if !low.LowRatingEmitted {
		t.Fatal("the call does not record that its event went out")
	}
	in := callcenter.CallInput{Type: app.CallInquiry, DepartmentID: f.med, Satisfaction: 1, Notes: "still unhappy"}
	for _, rating := range []int{1, 5, 2} { // lowered again, raised, lowered again: never a second event
		in.Satisfaction = rating
		if _, err := f.svc.UpdateCall(f.ctx, f.agent, low.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.lowRatings(t, low.ID); n != 1 {
		t.Fatalf("%d low-rating events for one call", n)
	}

	// A call rated well, then lowered by an edit, sends exactly one event; a good rating none.
	good := f.call(t, f.agent, callcenter.CallInput{Satisfaction: 4})
	unrated := f.call(t, f.agent, callcenter.CallInput{})
	if f.lowRatings(t, good.ID) != 0 || f.lowRatings(t, unrated.ID) != 0 {
		t.Fatal("a good or missing rating sent a low-rating event")
	}
	for range 2 {
		if _, err := f.svc.UpdateCall(f.ctx, f.agent, good.ID, callcenter.CallInput{Type: app.CallInquiry, Satisfaction: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.lowRatings(t, good.ID); n != 1 {
		t.Fatalf("lowered by an edit: %d events", n)
	}
	// A refused edit changes nothing and sends nothing.
	if _, err := f.svc.UpdateCall(f.ctx, f.agent, unrated.ID, callcenter.CallInput{Type: app.CallInquiry, Satisfaction: 1, WaitSeconds: -5}); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("bad edit: %v", err)
	}
	if f.lowRatings(t, unrated.ID) != 0 {
		t.Fatal("a refused edit sent an event")
	}
	// Only the agent, who recorded it, or a manager may edit a call.
	if _, err := f.svc.UpdateCall(f.ctx, f.agent2, good.ID, callcenter.CallInput{Type: app.CallInquiry}); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("another agent edited the call: %v", err)
	}
	if _, err := f.svc.UpdateCall(f.ctx, f.manager, good.ID, callcenter.CallInput{Type: app.CallComplaint, Satisfaction: 1}); err != nil {
		t.Fatalf("a manager's edit: %v", err)
	}
	if n := len(f.events(t, app.EventCallLowRating)); n != 2 {
		t.Fatalf("%d low-rating events in all, want 2", n)
	}
}

func TestImportCallsReportsBadRowsAndKeepsGoodOnes(t *testing.T) {
	f := newFixture(t)
	// A file from a telephony system: its own column names (mapped), a byte-order mark,
	// Riyadh local times, durations as m:ss, extra columns ignored.
	file := "\ufeffStart,Type,Agent,Phone,Wait,Talk,Rating,Done,Notes,Queue\n" +
		"2026-03-01 08:15,Inquiry,agent@h.sa,0501234567,0:45,3:10,5,yes,,main\n" + // line 2: good, patient linked by phone
		"2026-03-01 09:00,Follow-up,agent2@h.sa,+966 55 000 0001,10,200,2,no,angry about the wait,main\n" + // 3: good, low rating
		"2026-03-01 09:30,chat,agent@h.sa,,,,,,,\n" + // 4: unknown type
		"2026-03-01 10:00,complaint,otheragent@h.sa,,,,,,,\n" + // 5: agent of another hospital
		"yesterday,inquiry,agent@h.sa,,,,,,,\n" + // 6: bad time
		"2026-03-01 11:00,inquiry,agent@h.sa,,-5,,7,maybe,,\n" + // 7: bad seconds, rating and yes/no
		",,,,,,,,,\n" + // 8: blank, skipped
		"2026-03-01 12:00,appointment,,,,,,,,\n" + // 9: no agent
		"2026-03-01 08:15,inquiry,agent@h.sa,0501234567,1,1,,,,\n" // 10: the same call as line 2
	mapping := map[string]string{"started_at": "start", "call_type": "TYPE", "agent_email": "Agent", "caller_phone": "Phone",
		"wait_seconds": "Wait", "talk_seconds": "Talk", "satisfaction": "Rating", "resolved": "Done", "notes": "Notes"}
	rep, err := f.svc.ImportCalls(f.ctx, f.manager, f.hosp, "calls-march.csv", strings.NewReader(file), mapping)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 8 || rep.Good != 2 || rep.ImportID == 0 {
		t.Fatalf("report: %+v", rep)
	}
	want := map[int]app.FieldErrors{
		4:  {"call_type": "err.choose_option"},
		5:  {"agent_email": "err.call_agent_unknown"},
		6:  {"started_at": "err.call_time_invalid"},
		7:  {"wait_seconds": "err.call_seconds_invalid", "satisfaction": "err.call_rating_range", "resolved": "err.call_yes_no"},
		9:  {"agent_email": "err.required"},
		10: {"row": "err.call_duplicate"},
	}
	if len(rep.Errors) != len(want) {
		t.Fatalf("row errors: %+v", rep.Errors)
	}
	for _, e := range rep.Errors {
		w, ok := want[e.Line]
		if !ok || fmt.Sprint(e.Reasons) != fmt.Sprint(w) {
			t.Errorf("line %d: %v, want %v", e.Line, e.Reasons, w)
		}
	}
	p, err := f.svc.ListCalls(f.ctx, f.manager, store.CallFilter{})
	if err != nil || len(p.Items) != 2 {
		t.Fatalf("calls: %+v %v", p.Items, err)
	}
	first, second := p.Items[1], p.Items[0]
	riyadh := app.Riyadh()
	if !first.StartedAt.Equal(time.Date(2026, 3, 1, 8, 15, 0, 0, riyadh)) || first.WaitSeconds != 45 || first.TalkSeconds != 190 ||
		!first.Resolved || first.Satisfaction != 5 || first.PatientID != f.patient.ID || first.ImportID != rep.ImportID {
		t.Fatalf("first imported call: %+v", first)
	}
	if second.Type != app.CallFollowUp || second.AgentUserID != "agent2" || second.CallerPhone != "+966550000001" || second.Resolved ||
		f.lowRatings(t, second.ID) != 1 || f.lowRatings(t, first.ID) != 0 {
		t.Fatalf("second imported call: %+v", second)
	}
	if a := f.events(t, app.EventAnalysisRequested); len(a) != 1 || a[0]["record_id"] != float64(second.ID) {
		t.Fatalf("analysis events: %v", a)
	}
	var fileRows, good, bad, audits int
	f.st.R.QueryRow(`select row_count, good_rows, bad_rows from call_imports where id = ?`, rep.ImportID).Scan(&fileRows, &good, &bad)
	f.st.R.QueryRow(`select count(*) from audit_log where action = 'call.import'`).Scan(&audits)
	if fileRows != 8 || good != 2 || bad != 6 || audits != 1 {
		t.Fatalf("import record %d/%d/%d, %d audit rows", fileRows, good, bad, audits)
	}

	// The same file again: the good rows are now duplicates.
	rep, err = f.svc.ImportCalls(f.ctx, f.manager, f.hosp, "calls-march.csv", strings.NewReader(file), mapping)
	if err != nil || rep.Good != 0 || len(rep.Errors) != 8 || fmt.Sprint(rep.Errors[0].Reasons) != "map[row:err.call_duplicate]" {
		t.Fatalf("second import: %+v %v", rep, err)
	}
}

func TestImportCallsRefusesBadFilesWhole(t *testing.T) {
	f := newFixture(t)
	good := "started_at,call_type,agent_email\n2026-03-01 08:00,inquiry,agent@h.sa\n"
	for _, tc := range []struct {
		name    string
		file    string
		mapping map[string]string
		field   string
		msg     string
	}{
		{"empty", "", nil, "", "err.csv_empty"},
		{"a required column missing", "started_at,call_type\n2026-03-01 08:00,inquiry\n", nil, "agent_email", "err.call_import_column_missing"},
		{"mapped to a column the file lacks", good, map[string]string{"notes": "Comments"}, "notes", "err.call_import_column_missing"},
		{"a field we do not know", good, map[string]string{"mood": "x"}, "mood", "err.call_import_unknown_field"},
		{"a required field left out", good, map[string]string{"agent_email": ""}, "agent_email", "err.required"},
		{"binary", "PK\x03\x04\x00\x00", nil, "", "err.call_import_not_csv"},
		{"not UTF-8", "started_at,call_type,agent_email\n2026-03-01 08:00,\xff\xfe,agent@h.sa\n", nil, "", "err.call_import_encoding"},
		{"broken quotes", "started_at,call_type,agent_email\n\"2026,inquiry,agent@h.sa\nx\"y,z\n", nil, "", "err.csv_malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := f.svc.ImportCalls(f.ctx, f.manager, f.hosp, "f.csv", strings.NewReader(tc.file), tc.mapping)
			if app.ErrorCode(err) != app.EInvalid {
				t.Fatalf("err %v", err)
			}
			if tc.field != "" && app.Fields(err)[tc.field] != tc.msg {
				t.Fatalf("fields %v, want %s: %s", app.Fields(err), tc.field, tc.msg)
			}
			if tc.field == "" && app.ErrorMessage(err) != tc.msg {
				t.Fatalf("message %q, want %q", app.ErrorMessage(err), tc.msg)
			}
			if tc.field != "" && (len(rep.Header) == 0 || rep.Header[0] != "started_at") {
				t.Fatalf("the header is not reported to help fix the mapping: %v", rep.Header)
			}
		})
	}
	var big strings.Builder
	big.WriteString("started_at,call_type,agent_email\n")
	for range callcenter.MaxImportRows + 1 {
		big.WriteString("2026-03-01 08:00,inquiry,agent@h.sa\n")
	}
	if _, err := f.svc.ImportCalls(f.ctx, f.manager, f.hosp, "big.csv", strings.NewReader(big.String()), nil); app.ErrorMessage(err) != "err.call_import_too_many" {
		t.Fatalf("too many rows: %v", err)
	}
	if _, err := f.svc.ImportCalls(f.ctx, f.agent, f.hosp, "f.csv", strings.NewReader(good), nil); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("an agent imported: %v", err)
	}
	if _, err := f.svc.ImportCalls(f.ctx, f.manager, f.other, "f.csv", strings.NewReader(good), nil); app.Fields(err)["hospital"] == "" {
		t.Fatalf("import into another hospital: %v", err)
	}
	var n int
	f.st.R.QueryRow(`select count(*) from call_interactions`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused files wrote %d calls", n)
	}
}

func TestAgentPerformance(t *testing.T) {
	f := newFixture(t)
	day := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
	for _, c := range []callcenter.CallInput{
		{AgentEmail: "agent@h.sa", WaitSeconds: 60, TalkSeconds: 240, Resolved: true, Satisfaction: 5},
		{AgentEmail: "agent@h.sa", WaitSeconds: 30, TalkSeconds: 90, Resolved: false, Satisfaction: 1},
		{AgentEmail: "agent@h.sa", WaitSeconds: 0, TalkSeconds: 180, Resolved: true},
		{AgentEmail: "agent2@h.sa", WaitSeconds: 10, TalkSeconds: 50, Resolved: true, Satisfaction: 4},
	} {
		c.StartedAt = day
		f.call(t, f.manager, c)
	}
	f.call(t, f.manager, callcenter.CallInput{AgentEmail: "agent2@h.sa", StartedAt: day.AddDate(0, 0, -10), Satisfaction: 1}) // before the period
	p, err := f.svc.Performance(f.ctx, f.manager, f.hosp, day.AddDate(0, 0, -1), day.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Agents) != 2 {
		t.Fatalf("agents: %+v", p.Agents)
	}
	a, b := p.Agents[0], p.Agents[1]
	if a.AgentUserID != "agent" || a.AgentName != "Name of agent" || a.Calls != 3 || a.AvgHandleSeconds != 200 || a.Resolved != 2 ||
		fmt.Sprintf("%.3f", a.ResolutionRate()) != "0.667" || a.Rated != 2 || a.AvgRating != 3 || a.LowRatings != 1 {
		t.Fatalf("agent: %+v", a)
	}
	if b.AgentUserID != "agent2" || b.Calls != 1 || b.AvgHandleSeconds != 60 || b.ResolutionRate() != 1 || b.AvgRating != 4 || b.LowRatings != 0 {
		t.Fatalf("agent2: %+v", b)
	}
	if p.Total.Calls != 4 || p.Total.AvgHandleSeconds != 165 || p.Total.Resolved != 3 || p.Total.Rated != 3 ||
		fmt.Sprintf("%.3f", p.Total.AvgRating) != "3.333" || p.Total.LowRatings != 1 {
		t.Fatalf("total: %+v", p.Total)
	}
	if _, err := f.svc.Performance(f.ctx, f.agent, f.hosp, day, day.AddDate(0, 0, 1)); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("an agent read performance: %v", err)
	}
	if _, err := f.svc.Performance(f.ctx, f.manager, f.hosp, day, day); app.Fields(err)["to"] == "" {
		t.Fatalf("an empty period: %v", err)
	}
	if _, err := f.svc.Performance(f.ctx, f.manager, f.other, day, day.AddDate(0, 0, 1)); app.Fields(err)["hospital"] == "" {
		t.Fatalf("another hospital: %v", err)
	}
}

func (f *fixture) thank(t *testing.T, by app.Principal, to app.Staff, vis app.Visibility) app.Appreciation {
	t.Helper()
	a, err := f.svc.Send(f.ctx, by, callcenter.AppreciationInput{RecipientStaffID: to.ID, Message: "Thank you for your care",
		Visibility: vis})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) badges(t *testing.T, staffID int64) []string {
	t.Helper()
	m, err := f.svc.Badges(f.ctx, []int64{staffID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range m[staffID] {
		out = append(out, strings.TrimSuffix(string(b.Code)+":"+b.Period, ":"))
	}
	return out
}

func TestBadgesByCountAndFirstOfTheMonthInRiyadh(t *testing.T) {
	f := newFixture(t)
	// 20:00 UTC on 31 January is 23:00 in Riyadh: still January.
	f.now = time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC)
	f.thank(t, f.agent, f.doctor, app.VisibilityHospital)
	if got := f.badges(t, f.doctor.ID); !slices.Equal(got, []string{"first_of_month:2026-01"}) {
		t.Fatalf("after the first: %v", got)
	}
	f.now = time.Date(2026, 1, 31, 20, 30, 0, 0, time.UTC)
	f.thank(t, f.agent2, f.doctor, app.VisibilityHospital)
	// 23:30 UTC on 31 January is 02:30 on 1 February in Riyadh: a new month, a new badge.
	f.now = time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)
	f.thank(t, f.manager, f.doctor, app.VisibilityHospital)
	if got := f.badges(t, f.doctor.ID); !slices.Equal(got, []string{"first_of_month:2026-01", "first_of_month:2026-02"}) {
		t.Fatalf("across the month boundary: %v", got)
	}
	// Thank-you cards from patients, recorded by staff, count like any other.
	for i := 4; i <= 25; i++ {
		f.now = f.now.Add(time.Hour)
		_, err := f.svc.Send(f.ctx, f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, SenderKind: app.SenderPatient,
			SenderName: fmt.Sprint("Patient ", i), Message: "شكراً جزيلاً"})
		if err != nil {
			t.Fatal(err)
		}
		got := f.badges(t, f.doctor.ID)
		for _, b := range app.CountBadges {
			if slices.Contains(got, string(b.Code)) != (i >= b.Count) {
				t.Fatalf("after %d appreciations: %v", i, got)
			}
		}
	}
	// A draft earns nothing until it is sent.
	d, err := f.svc.Send(f.ctx, f.agent, callcenter.AppreciationInput{RecipientStaffID: f.porter.ID, Message: "Thanks", Draft: true})
	if err != nil || d.Status != app.AppreciationDraft {
		t.Fatal(d, err)
	}
	if got := f.badges(t, f.porter.ID); len(got) != 0 {
		t.Fatalf("a draft earned %v", got)
	}
	if _, err := f.svc.SendDraft(f.ctx, f.agent2, d.ID); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("someone else sent the draft: %v", err)
	}
	if d, err = f.svc.SendDraft(f.ctx, f.agent, d.ID); err != nil || d.Status != app.AppreciationSent {
		t.Fatal(d, err)
	}
	if got := f.badges(t, f.porter.ID); !slices.Equal(got, []string{"first_of_month:2026-02"}) {
		t.Fatalf("sent draft: %v", got)
	}
}

func TestLeaderboardCountsTheHospitalMonth(t *testing.T) {
	f := newFixture(t)
	at := func(d, h, m int) { f.now = time.Date(2026, 1, d, h, m, 0, 0, time.UTC) }
	at(31, 20, 0) // January in Riyadh
	f.thank(t, f.agent, f.doctor, app.VisibilityPrivate)
	f.thank(t, f.colleague, f.doctor, app.VisibilityPrivate)
	f.thank(t, f.agent, f.porter, app.VisibilityPrivate)
	at(31, 23, 30) // February in Riyadh, January in UTC
	f.thank(t, f.agent, f.porter, app.VisibilityPublic)
	f.thank(t, f.colleague, f.porter, app.VisibilityPublic)
	f.thank(t, f.manager, f.porter, app.VisibilityPublic)
	f.thank(t, f.colleague, f.nurse, app.VisibilityHospital)
	if _, err := f.svc.Send(f.ctx, f.agent2, callcenter.AppreciationInput{RecipientStaffID: f.nurse.ID, Message: "draft", Draft: true}); err != nil {
		t.Fatal(err)
	}
	lb, err := f.svc.Leaderboard(f.ctx, f.viewer, f.hosp, 0, "2026-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Rows) != 2 || lb.Rows[0].StaffID != f.doctor.ID || lb.Rows[0].Count != 2 || lb.Rows[0].Rank != 1 ||
		lb.Rows[1].StaffID != f.porter.ID || lb.Rows[1].Count != 1 || lb.Rows[1].Rank != 2 {
		t.Fatalf("January: %+v", lb.Rows)
	}
	lb, _ = f.svc.Leaderboard(f.ctx, f.viewer, f.hosp, 0, "2026-02")
	if len(lb.Rows) != 2 || lb.Rows[0].StaffID != f.porter.ID || lb.Rows[0].Count != 3 || lb.Rows[1].StaffID != f.nurse.ID ||
		lb.Rows[1].Count != 1 {
		t.Fatalf("February (the draft does not count): %+v", lb.Rows)
	}
	if lb.Badges[f.porter.ID] == nil {
		t.Fatal("the leaderboard has no badges")
	}
	lb, _ = f.svc.Leaderboard(f.ctx, f.viewer, f.hosp, f.med, "2026-02")
	if len(lb.Rows) != 1 || lb.Rows[0].StaffID != f.nurse.ID {
		t.Fatalf("February in Medicine: %+v", lb.Rows)
	}
	// Equal counts share a rank.
	at(31, 23, 45)
	f.thank(t, f.agent2, f.nurse, app.VisibilityHospital)
	f.thank(t, f.manager, f.nurse, app.VisibilityHospital)
	lb, _ = f.svc.Leaderboard(f.ctx, f.viewer, f.hosp, 0, "2026-02")
	if len(lb.Rows) != 2 || lb.Rows[0].Rank != 1 || lb.Rows[1].Rank != 1 {
		t.Fatalf("a tie: %+v", lb.Rows)
	}
	if _, err := f.svc.Leaderboard(f.ctx, f.viewer, f.hosp, 0, "2026-13"); app.Fields(err)["month"] == "" {
		t.Fatalf("bad month: %v", err)
	}
	if _, err := f.svc.Leaderboard(f.ctx, f.viewer, f.other, 0, ""); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("another hospital's leaderboard: %v", err)
	}
}

func TestAppreciationVisibilityAndAcknowledgement(t *testing.T) {
	f := newFixture(t)
	// The nurse is the agent user's own staff record; the manager works in Medicine, the
	// colleague in Emergency.
	private := f.thank(t, f.colleague, f.nurse, app.VisibilityPrivate)
	dept := f.thank(t, f.colleague, f.nurse, app.VisibilityDepartment)
	hosp := f.thank(t, f.agent2, f.doctor, app.VisibilityHospital)
	public, err := f.svc.Send(f.ctx, f.manager, callcenter.AppreciationInput{RecipientStaffID: f.porter.ID, Message: "Always helpful",
		Visibility: app.VisibilityPublic, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := f.svc.Send(f.ctx, f.colleague, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, Message: "later",
		Visibility: app.VisibilityPublic, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if public.SenderName != "" || public.SenderUserID != "manager" || hosp.SenderName != "Name of agent2" || private.RecipientUserID != "agent" {
		t.Fatalf("sender and recipient: %+v %+v %+v", public, hosp, private)
	}
	ids := func(by app.Principal, box string) []int64 {
		p, err := f.svc.Feed(f.ctx, by, box, app.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, a := range p.Items {
			out = append(out, a.ID)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name string
		by   app.Principal
		box  string
		want []int64
	}{
		{"the sender sees theirs and their draft", f.colleague, "", []int64{private.ID, dept.ID, hosp.ID, public.ID, draft.ID}},
		{"the recipient", f.agent, "", []int64{private.ID, dept.ID, hosp.ID, public.ID}},
		{"a user of the department", f.manager, "", []int64{dept.ID, hosp.ID, public.ID}},
		{"a user of the hospital only", f.agent2, "", []int64{hosp.ID, public.ID}},
		{"an appreciation admin", f.admin, "", []int64{dept.ID, hosp.ID, public.ID}},
		{"another hospital", f.otherAgent, "", nil},
		{"received", f.agent, "received", []int64{private.ID, dept.ID}},
		{"sent", f.colleague, "sent", []int64{private.ID, dept.ID, draft.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(tc.by, tc.box); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if tc.box != "" {
				return
			}
			for _, id := range []int64{private.ID, dept.ID, hosp.ID, public.ID, draft.ID} { // the record page agrees with the feed
				if _, _, err := f.svc.Appreciation(f.ctx, tc.by, id); (err == nil) != slices.Contains(tc.want, id) {
					t.Errorf("record %d: %v", id, err)
				}
			}
		})
	}

	// Only the recipient acknowledges, once.
	if _, err := f.svc.Acknowledge(f.ctx, f.colleague, dept.ID); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("the sender acknowledged: %v", err)
	}
	a, err := f.svc.Acknowledge(f.ctx, f.agent, dept.ID)
	if err != nil || a.Status != app.AppreciationAcknowledged || !a.AcknowledgedAt.Equal(f.now) {
		t.Fatalf("acknowledge: %+v %v", a, err)
	}
	if _, err := f.svc.Acknowledge(f.ctx, f.agent, dept.ID); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("twice: %v", err)
	}

	// The recipient was told in-app; the analysis of each sent message was requested.
	var inbox int
	f.st.R.QueryRow(`select count(*) from notify_inbox where user_id = 'agent'`).Scan(&inbox)
	if inbox != 2 {
		t.Fatalf("the recipient has %d in-app notifications, want 2", inbox)
	}
	if n := len(f.events(t, app.EventAnalysisRequested)); n != 4 { // the draft is not analysed until sent
		t.Fatalf("%d analysis requests, want one per sent appreciation", n)
	}

	// The public wall shows public ones only, without an anonymous sender, and without
	// the name of a patient (being one is health information).
	card, err := f.svc.Send(f.ctx, f.agent2, callcenter.AppreciationInput{RecipientStaffID: f.porter.ID, SenderKind: app.SenderFamily,
		SenderName: "Huda", Message: "Thank you for helping my father", Visibility: app.VisibilityPublic})
	if err != nil || card.SenderName != "Huda" {
		t.Fatal(card, err)
	}
	h, p, staff, err := f.svc.Wall(f.ctx, "rch", 0)
	if err != nil || h.ID != f.hosp || len(p.Items) != 2 || p.Items[0].ID != card.ID || p.Items[1].ID != public.ID ||
		staff[f.porter.ID].NameEN != "Porter" {
		t.Fatalf("wall: %+v %v", p.Items, err)
	}
	for _, a := range p.Items {
		if a.SenderName != "" || a.SenderUserID != "" {
			t.Fatalf("the wall names a sender: %+v", a)
		}
	}
	if _, _, _, err := f.svc.Wall(f.ctx, "NOPE", 0); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("unknown hospital: %v", err)
	}
}

func TestSendChecksTheAppreciation(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name  string
		by    app.Principal
		in    callcenter.AppreciationInput
		field string
		msg   string
	}{
		{"no recipient", f.agent2, callcenter.AppreciationInput{Message: "x"}, "recipient", "err.required"},
		{"oneself", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.nurse.ID, Message: "x"}, "recipient", "err.appreciation_self"},
		{"another hospital's staff", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.far.ID, Message: "x"}, "recipient", "err.appreciation_recipient"},
		{"no message", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID}, "message", "err.required"},
		{"a patient without a name", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, SenderKind: app.SenderPatient, Message: "x"}, "sender_name", "err.appreciation_sender_name"},
		{"unknown visibility", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, Message: "x", Visibility: "world"}, "visibility", "err.choose_option"},
		{"unknown category", f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, Message: "x", CategoryID: 999}, "category", "err.choose_option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Send(f.ctx, tc.by, tc.in)
			if got := app.Fields(err)[tc.field]; got != tc.msg {
				t.Fatalf("%s: %q (%v), want %q", tc.field, got, err, tc.msg)
			}
		})
	}
	// A colleague thanks the same person at most three times a day.
	for i := range callcenter.MaxThanksPerDay + 1 {
		_, err := f.svc.Send(f.ctx, f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, Message: "Thanks"})
		if i < callcenter.MaxThanksPerDay && err != nil {
			t.Fatal(err)
		}
		if i == callcenter.MaxThanksPerDay && app.Fields(err)["recipient"] != "err.appreciation_too_many" {
			t.Fatalf("the fourth thank-you of the day: %v", err)
		}
	}
	f.now = f.now.Add(25 * time.Hour)
	cats, _ := f.svc.Categories(f.ctx)
	a, err := f.svc.Send(f.ctx, f.agent, callcenter.AppreciationInput{RecipientStaffID: f.doctor.ID, Message: "شكراً لك يا دكتور",
		CategoryID: cats[1].ID})
	if err != nil || a.Language != "ar" || a.CategoryID != cats[1].ID || a.Visibility != app.VisibilityHospital {
		t.Fatalf("the next day: %+v %v", a, err)
	}
	if len(cats) != 6 || cats[0].Code != "excellent_care" {
		t.Fatalf("categories: %+v", cats)
	}
}
