package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/complaints"
	"px360/store"
	"px360/views"
)

var everyHospital = app.Scope{All: true}

// complaintForm is a valid staff intake form for hospital h.
func complaintForm(h app.Hospital) url.Values {
	return url.Values{"type": {"complaint"}, "hospital": {strconv.FormatInt(h.ID, 10)}, "severity": {"high"},
		"priority": {"medium"}, "source": {"call_center"}, "description": {"Waited four hours in the emergency department."},
		"contact_name": {"Fatimah Al-Qahtani"}, "contact_phone": {"0501234567"}, "preferred_language": {"ar"}}
}

// createByPage submits the staff form and returns the new complaint.
func (e *env) createByPage(c *http.Client, form url.Values) app.Complaint {
	e.t.Helper()
	r := e.post(c, "/complaints", form)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/complaints/") {
		e.t.Fatalf("create complaint: %d %q %.400s", r.status, loc, r.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/complaints/"), 10, 64)
	return e.complaint(id)
}

func (e *env) complaint(id int64) app.Complaint {
	e.t.Helper()
	c, err := e.store().ComplaintByID(context.Background(), everyHospital, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) complaintCount() int {
	e.t.Helper()
	p, err := e.store().ListComplaints(context.Background(), store.ComplaintFilter{ListQuery: app.ListQuery{Scope: everyHospital}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Count
}

func (e *env) timeline(id int64) []app.TimelineEntry {
	e.t.Helper()
	tl, err := e.store().Timeline(context.Background(), id, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return tl
}

// createDirect records a complaint through the service, as the system.
func (e *env) createDirect(h app.Hospital, description string) app.Complaint {
	e.t.Helper()
	c, err := e.a.Complaints.Create(context.Background(), app.System, complaints.Input{HospitalID: h.ID, SourceCode: "patient",
		Description: description, ContactPhone: "+966501112233", PreferredLanguage: "ar"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestStaffRecordsAComplaintAndSeesItsRecord(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	if r := e.get(c, "/complaints/new"); r.status != 200 || !strings.Contains(r.body, `name="staff_involved"`) ||
		!strings.Contains(r.body, `<option value="call_center"`) {
		t.Fatalf("new complaint form: %d", r.status)
	}
	form := complaintForm(e.hospA)
	form.Set("department", strconv.FormatInt(e.deptA.ID, 10))
	form.Set("staff_involved", e.staffA.EmployeeNo)
	form.Set("moh_ref", "937-55501")
	x := e.createByPage(c, form)
	if x.DepartmentID != e.deptA.ID || x.StaffInvolvedID != e.staffA.ID || x.Severity != app.SeverityHigh || x.SourceCode != "call_center" {
		t.Fatalf("stored complaint: %+v", x)
	}
	page := e.get(c, fmt.Sprintf("/complaints/%d", x.ID))
	for _, want := range []string{x.TrackingCode, `class="sla sla-on_time"`, "left", `class="split"`, "Complaint received",
		`action="/complaints/` + strconv.FormatInt(x.ID, 10) + `/transitions"`, e.staffA.NameEN, "Complaint recorded.", "Call center"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	// Only the moves the workflow allows from open are offered.
	if strings.Contains(page.body, `<option value="closed"`) || !strings.Contains(page.body, `<option value="in_progress"`) {
		t.Error("the status form offers moves the workflow does not allow")
	}
	list := e.get(c, "/complaints?status=open&severity=high")
	if list.status != 200 || !strings.Contains(list.body, x.TrackingCode) || !strings.Contains(list.body, "sla-on_time") {
		t.Fatalf("list: %d, has code %v", list.status, strings.Contains(list.body, x.TrackingCode))
	}
	if strings.Contains(list.body, `export.csv?`) && !strings.Contains(list.body, "status=open") {
		t.Error("the export link drops the filters")
	}
	for _, q := range []string{"status=closed", "severity=low", "breached=1", "from=2001-01-01&to=2001-01-02"} {
		if r := e.get(c, "/complaints?"+q); strings.Contains(r.body, x.TrackingCode) {
			t.Errorf("filter %s still lists the complaint", q)
		}
	}
	// The search box finds a complaint by its tracking code, however it is typed.
	typed := strings.ToLower(strings.ReplaceAll(x.TrackingCode, "-", " "))
	if r := e.get(c, "/complaints?q="+url.QueryEscape(typed)); !strings.Contains(r.body, x.TrackingCode) {
		t.Error("search by tracking code found nothing")
	}
	if r := e.get(c, "/complaints?q=nurse"); strings.Contains(r.body, x.TrackingCode) || !strings.Contains(r.body, "full tracking code") {
		t.Error("a search that is not a code should list nothing and say why")
	}
}

func TestComplaintFormErrorsKeepTheInput(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleStaff)
	form := complaintForm(e.hospA)
	form.Del("description")
	form.Set("source", "carrier_pigeon")
	form.Set("staff_involved", "NO-SUCH-1")
	before := e.complaintCount()
	r := e.post(c, "/complaints", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	// The employee number is checked first; fix it and the service's errors show.
	if !strings.Contains(r.body, "No staff member with this employee number") || !strings.Contains(r.body, `value="Fatimah Al-Qahtani"`) {
		t.Fatalf("staff number error or kept input missing: %.500s", r.body)
	}
	form.Del("staff_involved")
	r = e.post(c, "/complaints", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-description-error"`) ||
		!strings.Contains(r.body, `id="f-source-error"`) || !strings.Contains(r.body, `value="0501234567"`) ||
		!strings.Contains(r.body, "error-summary") {
		t.Fatalf("field errors or kept input missing: %d", r.status)
	}
	if e.complaintCount() != before {
		t.Fatal("a form with errors wrote a complaint")
	}
}

func TestComplaintWorkflowThroughThePage(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleDepartmentManager)
	x := e.createByPage(c, complaintForm(e.hospA))
	path := fmt.Sprintf("/complaints/%d", x.ID)
	steps := len(e.timeline(x.ID))

	t.Run("an illegal move is refused with 409 and changes nothing", func(t *testing.T) {
		r := e.post(c, path+"/transitions", url.Values{"to": {"closed"}, "note": {"done"}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "This status change is not allowed") ||
			!strings.Contains(r.body, `role="alert"`) {
			t.Fatalf("status %d: %.300s", r.status, r.body)
		}
		if got := e.complaint(x.ID); got.Status != app.StatusOpen || len(e.timeline(x.ID)) != steps {
			t.Fatalf("the refused move changed the complaint: %s", got.Status)
		}
	})

	move := func(form url.Values, want int) response {
		t.Helper()
		r := e.post(c, path+"/transitions", form)
		if r.status != want {
			t.Fatalf("move %v: status %d, want %d: %.300s", form, r.status, want, r.body)
		}
		return r
	}
	move(url.Values{"to": {"in_progress"}}, http.StatusSeeOther)
	move(url.Values{"to": {"on_hold"}, "hold_reason": {"awaiting_patient"}, "note": {"Asked for the visit date"}}, http.StatusSeeOther)
	if r := e.get(c, path); !strings.Contains(r.body, "sla-paused") {
		t.Error("an on-hold complaint does not show a paused SLA chip")
	}
	move(url.Values{"to": {"in_progress"}}, http.StatusSeeOther)
	r := move(url.Values{"to": {"resolved"}, "note": {"kept"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="f-resolution-error"`) || !strings.Contains(r.body, ">kept</textarea>") {
		t.Fatal("resolving without a resolution: no field error or the note was lost")
	}
	move(url.Values{"to": {"resolved"}, "resolution": {"full_action_taken"}, "public": {"1"},
		"note": {"We spoke to the emergency team."}}, http.StatusSeeOther)
	got := e.complaint(x.ID)
	if got.Status != app.StatusResolved || got.Resolution != app.ResolutionFullAction || got.ResolvedAt.IsZero() {
		t.Fatalf("after resolving: %s %s", got.Status, got.Resolution)
	}
	tl := e.timeline(x.ID)
	if last := tl[len(tl)-1]; !last.Public || last.ToStatus != app.StatusResolved {
		t.Fatalf("the resolving entry: %+v", last)
	}
	move(url.Values{"to": {"closed"}}, http.StatusSeeOther)
	page := e.get(c, path)
	for _, want := range []string{"Status changed from Resolved to Closed", "Visible to patient", "Full action taken", "We spoke to the emergency team."} {
		if !strings.Contains(page.body, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	if strings.Index(page.body, "Status changed from Resolved to Closed") > strings.Index(page.body, "Complaint received") {
		t.Error("the timeline is not newest first")
	}
}

func TestComplaintAssignAndNotes(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	x := e.createByPage(c, complaintForm(e.hospA))
	path := fmt.Sprintf("/complaints/%d", x.ID)
	r := e.post(c, path+"/assign", url.Values{"department": {strconv.FormatInt(e.deptB.ID, 10)}, "assignee": {"NOPE"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-assignee-error"`) {
		t.Fatalf("bad assignment: %d", r.status)
	}
	r = e.post(c, path+"/assign", url.Values{"department": {strconv.FormatInt(e.deptA.ID, 10)}, "assignee": {e.staffA.EmployeeNo},
		"assign_note": {"Please call the family."}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("assign: %d %.300s", r.status, r.body)
	}
	if got := e.complaint(x.ID); got.DepartmentID != e.deptA.ID || got.AssigneeStaffID != e.staffA.ID {
		t.Fatalf("assignment not stored: %+v", got)
	}
	if r := e.post(c, path+"/notes", url.Values{"comment": {""}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="f-comment-error"`) {
		t.Fatalf("empty note: %d", r.status)
	}
	if r := e.post(c, path+"/notes", url.Values{"comment": {"Called the patient back."}}); r.status != http.StatusSeeOther {
		t.Fatalf("note: %d", r.status)
	}
	tl := e.timeline(x.ID)
	if last := tl[len(tl)-1]; last.Kind != "note" || last.Public || last.Note != "Called the patient back." {
		t.Fatalf("note entry: %+v", last)
	}
	// A viewer sees the record but none of the action forms.
	v := e.get(e.login(app.RoleViewer), path)
	if v.status != 200 || strings.Contains(v.body, "/transitions") || strings.Contains(v.body, "/notes") {
		t.Fatalf("viewer record page: %d", v.status)
	}
}

func TestPublicComplaintForm(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	r := e.get(anon, "/complaint?hospital=rch")
	if r.status != 200 || !strings.Contains(r.body, e.hospA.NameEN) || !strings.Contains(r.body, `class="hp"`) ||
		!strings.Contains(r.body, `name="website"`) || !strings.Contains(r.body, `tabindex="-1"`) || strings.Contains(r.body, "style=") {
		t.Fatalf("public form: %d", r.status)
	}
	before := e.complaintCount()
	r = e.post(anon, "/complaint", url.Values{"hospital": {"NOPE"}, "contact_phone": {"12"}, "contact_name": {"Sara"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-description-error"`) ||
		!strings.Contains(r.body, `id="f-hospital-error"`) || !strings.Contains(r.body, `id="f-contact_phone-error"`) ||
		!strings.Contains(r.body, `value="Sara"`) {
		t.Fatalf("invalid public complaint: %d %.400s", r.status, r.body)
	}
	valid := url.Values{"hospital": {e.hospA.Code}, "type": {"complaint"}, "description": {"Nobody answered the call bell."},
		"contact_name": {"Sara"}, "contact_phone": {"+966 50 765 4321"}, "preferred_language": {"en"}}
	r = e.post(anon, "/complaint", valid)
	if r.status != 200 || e.complaintCount() != before+1 {
		t.Fatalf("valid public complaint: %d", r.status)
	}
	p, _ := e.store().ListComplaints(context.Background(), store.ComplaintFilter{ListQuery: app.ListQuery{Scope: everyHospital, Limit: 1}})
	got := p.Items[0]
	if !strings.Contains(r.body, got.TrackingCode) || !strings.Contains(r.body, `class="tracking-code"`) ||
		got.HospitalID != e.hospA.ID || got.SourceCode != "patient" || got.ContactPhone != "+966507654321" {
		t.Fatalf("thank-you page or stored complaint wrong: %+v", got)
	}
	// A filled honeypot looks like success and writes nothing.
	trap := url.Values{"website": {"http://spam.example"}}
	for k, v := range valid {
		trap[k] = v
	}
	r = e.post(anon, "/complaint", trap)
	if r.status != 200 || !strings.Contains(r.body, `class="tracking-code"`) || e.complaintCount() != before+1 {
		t.Fatalf("honeypot: %d, count %d", r.status, e.complaintCount())
	}
}

func TestPublicComplaintBurstIsRateLimited(t *testing.T) {
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Limit(0.001), LoginBurst: 3})
	anon := e.client()
	form := url.Values{"hospital": {e.hospA.Code}, "description": {"Too cold in the waiting room."}}
	for i := range 3 {
		if r := e.post(anon, "/complaint", form); r.status != 200 {
			t.Fatalf("submission %d: %d", i+1, r.status)
		}
	}
	r := e.post(anon, "/complaint", form)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too cold in the waiting room.") {
		t.Fatalf("fourth submission: %d (want 429 with the input kept)", r.status)
	}
	if e.complaintCount() != 3 {
		t.Fatalf("%d complaints written, want 3", e.complaintCount())
	}
	if r := e.get(anon, "/track?code=AAAA-AAAA-AAAA-AAAA"); r.status != http.StatusTooManyRequests {
		t.Errorf("tracking look-up after the burst: %d", r.status)
	}
	if r := e.postJSON(anon, "POST", "/api/v1/public/complaints", "", map[string]string{"hospital": e.hospA.Code}); r.status != http.StatusTooManyRequests ||
		!strings.Contains(r.body, `"rate_limited"`) {
		t.Errorf("public API after the burst: %d %s", r.status, r.body)
	}
}

func TestPublicTracking(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	x := e.createDirect(e.hospA, "The pharmacy queue was two hours long.")
	admin := app.Principal{Email: "admin@px360.demo", Role: app.RolePXAdmin, Scope: everyHospital}
	if err := e.a.Complaints.AddNote(ctx, admin, x.ID, "INTERNAL: pharmacist on leave", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Complaints.Move(ctx, admin, x.ID, complaints.Transition{To: app.StatusInProgress, Public: true,
		Note: "We are reviewing the pharmacy staffing."}); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	if r := e.get(anon, "/track"); r.status != 200 || !strings.Contains(r.body, `name="code"`) {
		t.Fatalf("tracking form: %d", r.status)
	}
	unknown := e.get(anon, "/track?code=ZZZZ-ZZZZ-ZZZZ-ZZZZ")
	malformed := e.get(anon, "/track?code="+url.QueryEscape("<b>not a code</b>"))
	if unknown.status != http.StatusNotFound || malformed.status != http.StatusNotFound || unknown.body != malformed.body {
		t.Fatalf("unknown %d and malformed %d must answer alike", unknown.status, malformed.status)
	}
	if !strings.Contains(unknown.body, "could not find") {
		t.Error("the not-found page does not say so")
	}
	typed := strings.ToLower(strings.ReplaceAll(x.TrackingCode, "-", ""))
	r := e.do(anon, "GET", "/track?code="+typed, nil, http.Header{"Accept-Language": {"en"}})
	if r.status != 200 {
		t.Fatalf("real code: %d", r.status)
	}
	// The patient chose Arabic, so the page answers in Arabic until they switch.
	for _, want := range []string{`lang="ar"`, views.T("ar", "track.status.in_progress"), "We are reviewing the pharmacy staffing.", x.TrackingCode, e.hospA.NameAR} {
		if !strings.Contains(r.body, want) {
			t.Errorf("tracking page lacks %q", want)
		}
	}
	for _, never := range []string{"INTERNAL", "admin@px360.demo", "system"} {
		if strings.Contains(r.body, never) {
			t.Errorf("tracking page shows %q", never)
		}
	}
	// The public API answers the same.
	api := e.get(anon, "/api/v1/public/track/"+x.TrackingCode)
	var out struct {
		Status  string `json:"status"`
		Updates []struct {
			Kind, Note string
		} `json:"updates"`
	}
	if api.status != 200 || json.Unmarshal([]byte(api.body), &out) != nil || out.Status != "in_progress" || len(out.Updates) != 2 ||
		strings.Contains(api.body, "INTERNAL") {
		t.Fatalf("public track API: %d %s", api.status, api.body)
	}
	a1, a2 := e.get(anon, "/api/v1/public/track/ZZZZ-ZZZZ-ZZZZ-ZZZZ"), e.get(anon, "/api/v1/public/track/nope")
	if a1.status != 404 || a2.status != 404 || a1.body != a2.body {
		t.Fatalf("public track API unknown %d / malformed %d differ", a1.status, a2.status)
	}
}

func TestComplaintAPI(t *testing.T) {
	e := newEnv(t)
	token := e.token(app.RoleHospitalAdmin)
	c := e.client()
	body := map[string]any{"hospital": strings.ToLower(e.hospA.Code), "department": e.deptA.Code, "type": "complaint",
		"severity": "critical", "priority": "urgent", "source": "moh", "description": "Medication given late.",
		"contact_name": "Ali", "contact_phone": "0551234567", "preferred_language": "en", "moh_ref": "937-1"}
	r := e.postJSON(c, "POST", "/api/v1/complaints", token, body)
	var created map[string]any
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &created) != nil {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	keys := make([]string, 0, len(created))
	for k := range created {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"due_at", "id", "status", "tracking_code"}) || created["status"] != "open" {
		t.Fatalf("create answer: %s", r.body)
	}
	id := int64(created["id"].(float64))
	if x := e.complaint(id); x.DepartmentID != e.deptA.ID || x.Severity != app.SeverityCritical || x.TrackingCode != created["tracking_code"] {
		t.Fatalf("stored: %+v", x)
	}
	// The same MOH reference twice in one hospital is refused on the field.
	if r := e.postJSON(c, "POST", "/api/v1/complaints", token, body); r.status != http.StatusConflict && r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `"moh_ref"`) {
		t.Fatalf("duplicate MOH reference: %d %s", r.status, r.body)
	}
	if r := e.postJSON(c, "POST", "/api/v1/complaints", token, map[string]any{"hospital": "NOPE", "description": ""}); r.status != 422 ||
		!strings.Contains(r.body, `"hospital"`) {
		t.Fatalf("invalid create: %d %s", r.status, r.body)
	}

	list := e.postJSON(c, "GET", "/api/v1/complaints?hospital="+e.hospA.Code+"&status=open,in_progress", token, nil)
	var page struct {
		Items []struct {
			ID           int64  `json:"id"`
			Hospital     string `json:"hospital"`
			TrackingCode string `json:"tracking_code"`
		} `json:"items"`
	}
	if list.status != 200 || json.Unmarshal([]byte(list.body), &page) != nil || len(page.Items) == 0 || page.Items[0].ID != id ||
		page.Items[0].Hospital != e.hospA.Code {
		t.Fatalf("list: %d %s", list.status, list.body)
	}
	if r := e.postJSON(c, "GET", "/api/v1/complaints?hospital="+e.hospA.Code+"&status=closed", token, nil); strings.Contains(r.body, created["tracking_code"].(string)) {
		t.Fatal("status filter ignored")
	}
	if r := e.postJSON(c, "GET", "/api/v1/complaints?status=nonsense", token, nil); r.status != 422 {
		t.Fatalf("bad status filter: %d", r.status)
	}

	path := fmt.Sprintf("/api/v1/complaints/%d", id)
	conflict := e.postJSON(c, "POST", path+"/transitions", token, map[string]any{"to": "closed", "note": "x"})
	var errBody struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if conflict.status != http.StatusConflict || json.Unmarshal([]byte(conflict.body), &errBody) != nil ||
		errBody.Error.Code != "conflict" || !strings.Contains(errBody.Error.Message, "not allowed") {
		t.Fatalf("illegal transition: %d %s", conflict.status, conflict.body)
	}
	if e.complaint(id).Status != app.StatusOpen {
		t.Fatal("the refused transition changed the status")
	}
	ok := e.postJSON(c, "POST", path+"/transitions", token, map[string]any{"to": "in_progress", "note": "On it", "public": true})
	if ok.status != 200 || !strings.Contains(ok.body, `"status":"in_progress"`) {
		t.Fatalf("legal transition: %d %s", ok.status, ok.body)
	}
	one := e.postJSON(c, "GET", path, token, nil)
	if one.status != 200 || !strings.Contains(one.body, `"timeline":[`) || !strings.Contains(one.body, `"On it"`) ||
		!strings.Contains(one.body, `"sla_state":"on_time"`) {
		t.Fatalf("get: %d %s", one.status, one.body)
	}

	// The public API: 201 with only the tracking code.
	pub := e.postJSON(e.client(), "POST", "/api/v1/public/complaints", "", map[string]any{"hospital": e.hospB.Code,
		"description": "Parking is full every morning.", "preferred_language": "ar"})
	if pub.status != http.StatusCreated || !strings.HasPrefix(pub.body, `{"tracking_code":"`) {
		t.Fatalf("public create: %d %s", pub.status, pub.body)
	}
	if bad := e.postJSON(e.client(), "POST", "/api/v1/public/complaints", "", map[string]any{"hospital": e.hospB.Code}); bad.status != 422 ||
		!strings.Contains(bad.body, `"description"`) {
		t.Fatalf("public invalid: %d %s", bad.status, bad.body)
	}
}

func TestComplaintsOfAnotherHospitalAreNotFound(t *testing.T) {
	e := newEnv(t)
	b := e.createDirect(e.hospB, "Complaint at hospital B.")
	a := e.createDirect(e.hospA, "Complaint at hospital A.")
	c := e.login(app.RoleHospitalAdmin)
	token := e.token(app.RoleHospitalAdmin)
	page := fmt.Sprintf("/complaints/%d", b.ID)
	if r := e.get(c, page); r.status != 404 {
		t.Errorf("page: %d", r.status)
	}
	for _, p := range []string{"/transitions", "/assign", "/notes"} {
		if r := e.post(c, page+p, url.Values{"to": {"in_progress"}, "comment": {"x"}}); r.status != 404 {
			t.Errorf("POST %s: %d", p, r.status)
		}
	}
	api := fmt.Sprintf("/api/v1/complaints/%d", b.ID)
	if r := e.postJSON(e.client(), "GET", api, token, nil); r.status != 404 {
		t.Errorf("API get: %d", r.status)
	}
	if r := e.postJSON(e.client(), "POST", api+"/transitions", token, map[string]any{"to": "in_progress"}); r.status != 404 {
		t.Errorf("API transition: %d", r.status)
	}
	if e.complaint(b.ID).Status != app.StatusOpen || len(e.timeline(b.ID)) != 1 {
		t.Fatal("hospital B's complaint was changed")
	}
	list := e.get(c, "/complaints")
	if strings.Contains(list.body, b.TrackingCode) || !strings.Contains(list.body, a.TrackingCode) {
		t.Error("the list shows another hospital's complaint or misses its own")
	}
	if r := e.get(c, "/complaints?q="+b.TrackingCode); strings.Contains(r.body, page) || !strings.Contains(r.body, "Nothing here yet.") {
		t.Error("a tracking-code search reaches another hospital")
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/complaints?hospital="+e.hospB.Code, token, nil); r.status != 422 {
		t.Errorf("API list filtered by hospital B: %d", r.status)
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/complaints", token, nil); strings.Contains(r.body, b.TrackingCode) {
		t.Error("the API list shows another hospital's complaint")
	}
}

func TestComplaintExportIsTheFilteredListAndAudited(t *testing.T) {
	e := newEnv(t)
	e.createDirect(e.hospA, "=HYPERLINK(\"http://evil.example\")")
	e.createDirect(e.hospB, "Complaint at hospital B.")
	c := e.login(app.RoleHospitalAdmin)
	r := e.get(c, "/complaints/export.csv?status=open")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
	if !strings.HasPrefix(lines[0], "tracking_code,hospital_code,") || len(lines) != 2 {
		t.Fatalf("export has %d lines (want the header and hospital A's one complaint): %q", len(lines), r.body)
	}
	if !strings.Contains(r.body, `"'=HYPERLINK(`) || strings.Contains(r.body, "hospital B") {
		t.Fatalf("formula not defused or another hospital exported: %s", r.body)
	}
	if r := e.get(c, "/complaints/export.csv?status=closed"); strings.Count(strings.TrimSpace(r.body), "\n") != 0 {
		t.Fatal("the export ignores the filter")
	}
	a, err := e.store().ListAudit(context.Background(), store.AuditFilter{Scope: everyHospital, Action: "complaint.export"})
	if err != nil || a.Count != 2 {
		t.Fatalf("export audit rows: %d %v", a.Count, err)
	}
	if r := e.get(e.login(app.RoleStaff), "/complaints/export.csv"); r.status != 403 {
		t.Fatalf("staff export: %d", r.status)
	}
}

// TestComplaintValuesAreTranslated covers the keys the views build from values (the
// catalog test sees only literal keys).
func TestComplaintValuesAreTranslated(t *testing.T) {
	var keys []string
	for _, s := range app.ComplaintStatuses {
		keys = append(keys, "complaint.status."+string(s), "track.status."+string(s), "track.explain."+string(s))
	}
	for _, s := range app.Severities {
		keys = append(keys, "complaint.severity."+string(s))
	}
	for _, p := range app.Priorities {
		keys = append(keys, "complaint.priority."+string(p))
	}
	for _, x := range app.ComplaintTypes {
		keys = append(keys, "complaint.type."+string(x), "track.type."+string(x))
	}
	for _, x := range app.ResolutionCategories {
		keys = append(keys, "complaint.resolution."+string(x))
	}
	for _, x := range app.SLAStates {
		keys = append(keys, "complaint.sla."+string(x))
	}
	for _, x := range app.EscalationLevels {
		keys = append(keys, "complaint.escalation."+string(x))
	}
	keys = append(keys, "complaint.hold."+string(app.HoldPatient), "complaint.hold."+string(app.HoldThirdParty))
	for _, k := range keys {
		if en, ar := views.T("en", k), views.T("ar", k); en == k || ar == k || en == ar {
			t.Errorf("%s: not translated in both languages", k)
		}
	}
}
