package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/callcenter"
	"px360/store"
)

// callUpload posts a multipart form: fields, and content as the file "file" named name.
func (e *env) callUpload(c *http.Client, path string, fields url.Values, name, content string) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return e.do(c, "POST", path, &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func (e *env) lastCall() app.CallInteraction {
	e.t.Helper()
	p, err := e.store().ListCalls(context.Background(), store.CallFilter{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 1}})
	if err != nil || len(p.Items) == 0 {
		e.t.Fatalf("no call: %v", err)
	}
	return p.Items[0]
}

func TestCallQuickEntryIsKeyboardFirst(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleStaff)
	r := e.get(c, "/calls/new")
	if r.status != 200 {
		t.Fatalf("quick entry: %d", r.status)
	}
	for _, want := range []string{`id="f-call_type" name="call_type" required autofocus accesskey="t"`, `accesskey="n"`,
		`accesskey="s"`, `type="tel"`, `name="hospital" value="` + fmt.Sprint(e.hospA.ID) + `"`, `aria-current="page"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	// "Save and new" comes first, so Enter in any field saves and starts the next call.
	if i, j := strings.Index(r.body, `value="new"`), strings.Index(r.body, `value="open"`); i < 0 || j < 0 || i > j {
		t.Error("save-and-new is not the form's first button")
	}

	// A mistake keeps what the agent typed and says what is wrong, beside the field.
	bad := url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}, "call_type": {"inquiry"}, "caller_name": {"سالم"},
		"wait_seconds": {"a while"}, "satisfaction": {"9"}, "next": {"new"}}
	r = e.post(c, "/calls", bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "سالم") || !strings.Contains(r.body, `id="f-wait_seconds-error"`) ||
		!strings.Contains(r.body, `id="f-satisfaction-error"`) || e.countRows("call_interactions") != 0 {
		t.Fatalf("bad entry: %d", r.status)
	}

	good := url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}, "call_type": {"appointment"}, "caller_phone": {"0501234567"},
		"wait_seconds": {"0:40"}, "talk_seconds": {"125"}, "resolved": {"1"}, "satisfaction": {"5"}, "next": {"new"}}
	r = e.post(c, "/calls", good)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/calls/new?hospital=%d", e.hospA.ID) {
		t.Fatalf("save and new: %d %s", r.status, r.header.Get("Location"))
	}
	call := e.lastCall()
	if call.AgentEmail != "staff@px360.demo" || call.WaitSeconds != 40 || call.TalkSeconds != 125 || !call.Resolved ||
		call.Satisfaction != 5 || call.CallerPhone != "+966501234567" {
		t.Fatalf("saved: %+v", call)
	}
	if r := e.get(c, "/calls/new"); !strings.Contains(r.body, "The call is saved.") {
		t.Error("no confirmation on the fresh form")
	}
	good.Set("next", "open")
	good.Set("notes", "Asked about visiting hours")
	r = e.post(c, "/calls", good)
	if !strings.HasPrefix(r.header.Get("Location"), "/calls/") {
		t.Fatalf("save: %d %s", r.status, r.header.Get("Location"))
	}
	page := e.get(c, r.header.Get("Location"))
	if page.status != 200 || !strings.Contains(page.body, "Asked about visiting hours") || !strings.Contains(page.body, "+966501234567") {
		t.Fatalf("record page: %d", page.status)
	}
	// The agent lowers the rating; the list shows it in red and words.
	id := e.lastCall().ID
	edit := url.Values{"call_type": {"appointment"}, "satisfaction": {"1"}, "agent_email": {"staff@px360.demo"}}
	if r := e.post(c, fmt.Sprintf("/calls/%d", id), edit); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.300s", r.status, r.body)
	}
	if r := e.get(c, "/calls?low=1"); !strings.Contains(r.body, "1 of 5 · low") || strings.Count(r.body, `class="clickable"`) != 1 {
		t.Fatalf("low-rated list: %.500s", r.body)
	}
	// Arabic: the same page, right to left.
	ar := e.login(app.RoleStaff)
	e.post(ar, "/language", url.Values{"lang": {"ar"}, "next": {"/"}})
	if r := e.get(ar, "/calls/new"); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "حفظ ومكالمة جديدة") {
		t.Error("the Arabic quick entry")
	}
	// A viewer may not record calls; another hospital's call does not exist for hospital A.
	if r := e.get(e.login(app.RoleViewer), "/calls/new"); r.status != http.StatusForbidden {
		t.Fatalf("viewer: %d", r.status)
	}
	other, err := e.a.CallCenter.RecordCall(context.Background(), app.System, callcenter.CallInput{HospitalID: e.hospB.ID,
		Type: app.CallInquiry, AgentEmail: "admin@px360.demo"})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.get(c, fmt.Sprintf("/calls/%d", other.ID)); r.status != http.StatusNotFound {
		t.Fatalf("hospital B's call: %d", r.status)
	}
}

func TestCallAPI(t *testing.T) {
	e := newEnv(t)
	token := e.token(app.RoleStaff)
	r := e.postJSON(e.client(), "POST", "/api/v1/callcenter/interactions", token, map[string]any{
		"hospital": "RCH", "call_type": "complaint", "caller_name": "Fahad", "caller_phone": "0551112222",
		"agent_email": "manager@px360.demo", "wait_seconds": 35, "talk_seconds": 240, "resolved": false, "satisfaction": 2,
		"notes": "Waited too long for a callback"})
	created := decodeAPI[struct {
		ID        int64 `json:"id"`
		LowRating bool  `json:"low_rating"`
	}](t, r)
	if r.status != http.StatusCreated || created.ID == 0 || !created.LowRating {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if c := e.lastCall(); c.ID != created.ID || c.AgentEmail != "manager@px360.demo" || c.Satisfaction != 2 || !c.LowRatingEmitted {
		t.Fatalf("stored: %+v", c)
	}
	type apiErr struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no hospital", map[string]any{"call_type": "inquiry"}, "hospital"},
		{"another hospital", map[string]any{"hospital": "JGH", "call_type": "inquiry"}, "hospital"},
		{"unknown type", map[string]any{"hospital": "RCH", "call_type": "chat"}, "call_type"},
		{"rating 0", map[string]any{"hospital": "RCH", "call_type": "inquiry", "satisfaction": 0}, "satisfaction"},
		{"negative talk", map[string]any{"hospital": "RCH", "call_type": "inquiry", "talk_seconds": -3}, "talk_seconds"},
		{"agent not of the hospital", map[string]any{"hospital": "RCH", "call_type": "inquiry", "agent_email": "nobody@px360.demo"}, "agent_email"},
		{"agent without the permission", map[string]any{"hospital": "RCH", "call_type": "inquiry", "agent_email": "viewer@px360.demo"}, "agent_email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.postJSON(e.client(), "POST", "/api/v1/callcenter/interactions", token, tc.body)
			body := decodeAPI[apiErr](t, r)
			if r.status != http.StatusUnprocessableEntity || body.Error.Code != "invalid" || body.Error.Message == "" ||
				body.Error.Fields[tc.field] == "" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	if r := e.postJSON(e.client(), "POST", "/api/v1/callcenter/interactions", token, map[string]any{"hospital": "RCH", "mood": "x"}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown field: %d", r.status)
	}
	if r := e.postJSON(e.client(), "POST", "/api/v1/callcenter/interactions", e.token(app.RoleViewer),
		map[string]any{"hospital": "RCH", "call_type": "inquiry"}); r.status != http.StatusForbidden {
		t.Fatalf("viewer: %d", r.status)
	}
	if n := e.countRows("call_interactions"); n != 1 {
		t.Fatalf("%d calls stored", n)
	}
}

func TestCallImportAndPerformancePages(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleDepartmentManager)
	if r := e.get(c, "/calls/import"); r.status != 200 || !strings.Contains(r.body, `name="map_agent_email" type="text" dir="ltr" value="agent_email"`) {
		t.Fatalf("import page: %d", r.status)
	}
	day := time.Now().In(app.Riyadh()).AddDate(0, 0, -1).Format(time.DateOnly) // yesterday: never in the future
	// Semicolons are not CSV: the mapping cannot find the columns, and the page says which it found.
	file := "\ufeffWhen;Kind;Agent e-mail;Rating\n"
	mapping := url.Values{"map_started_at": {"When"}, "map_call_type": {"Kind"}, "map_agent_email": {"Agent e-mail"}, "map_satisfaction": {"Rating"}}
	r := e.callUpload(c, "/calls/import", mapping, "calls.csv", file)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "When;Kind;Agent e-mail;Rating") ||
		!strings.Contains(r.body, "Your file has no column with this name.") {
		t.Fatalf("mapping failure: %d %.400s", r.status, r.body)
	}
	file = "\ufeffWhen,Kind,Agent e-mail,Rating,Talk,Done\n" +
		day + " 08:00,inquiry,staff@px360.demo,5,2:00,yes\n" +
		day + " 08:10,complaint,staff@px360.demo,1,4:00,no\n" +
		day + " 08:20,rumour,staff@px360.demo,3,1:00,yes\n" +
		day + " 08:30,inquiry,viewer@px360.demo,,1:00,no\n"
	mapping.Set("map_talk_seconds", "Talk")
	mapping.Set("map_resolved", "Done")
	r = e.callUpload(c, "/calls/import", mapping, "calls.csv", file)
	if r.status != 200 || !strings.Contains(r.body, "4 rows read: 2 calls recorded, 2 rows refused.") ||
		!strings.Contains(r.body, `<td class="num">4</td><td>Call type: Choose one of the options.</td>`) ||
		!strings.Contains(r.body, `<td class="num">5</td><td>Agent&#39;s e-mail: No call-center user of this hospital has this e-mail address.</td>`) ||
		!strings.Contains(r.body, "calls.csv") {
		t.Fatalf("import result: %d %s", r.status, r.body)
	}
	if r := e.callUpload(c, "/calls/import", nil, "", ""); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("no file: %d", r.status)
	}
	r = e.get(c, "/calls/performance?from="+day+"&to="+day)
	if r.status != 200 || !strings.Contains(r.body, "Saleh Staff") || !strings.Contains(r.body, "50%") || !strings.Contains(r.body, "3:00") ||
		!strings.Contains(r.body, "3.0") {
		t.Fatalf("performance: %d %s", r.status, r.body)
	}
	if r := e.get(c, "/calls/performance?from=2026-02-10&to=2026-02-01"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("backwards period: %d", r.status)
	}
	if r := e.get(e.login(app.RoleStaff), "/calls/performance"); r.status != http.StatusForbidden {
		t.Fatalf("an agent reads performance: %d", r.status)
	}
}

func TestAppreciationPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	recipient, err := e.store().StaffByEmployeeNo(ctx, e.hospA.ID, "E1001") // the demo staff user's own record
	if err != nil {
		t.Fatal(err)
	}
	other, _ := e.store().StaffByEmployeeNo(ctx, e.hospA.ID, "E1003")
	manager := e.login(app.RoleDepartmentManager)
	if r := e.get(manager, "/appreciation?staff_q=Nora"); r.status != 200 || !strings.Contains(r.body, "Nora Al-Shehri") ||
		strings.Contains(r.body, "Maria Santos") {
		t.Fatalf("recipient search: %d", r.status)
	}
	send := url.Values{"recipient": {fmt.Sprint(recipient.ID)}, "message": {"Thank you for staying late with my patient."},
		"sender_kind": {"colleague"}, "visibility": {"public"}, "action": {"send"}}
	r := e.post(manager, "/appreciation", send)
	if r.status != http.StatusSeeOther {
		t.Fatalf("send: %d %.300s", r.status, r.body)
	}
	page := r.header.Get("Location")
	// A patient's card, recorded anonymously, and a private one to someone else.
	e.post(manager, "/appreciation", url.Values{"recipient": {fmt.Sprint(recipient.ID)}, "message": {"شكراً على لطفك"},
		"sender_kind": {"patient"}, "visibility": {"public"}, "anonymous": {"1"}, "action": {"send"}})
	e.post(manager, "/appreciation", url.Values{"recipient": {fmt.Sprint(other.ID)}, "message": {"Between us: well done"},
		"visibility": {"private"}, "action": {"send"}})
	if r := e.post(manager, "/appreciation", url.Values{"recipient": {fmt.Sprint(recipient.ID)}, "action": {"send"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="f-message-error"`) || !strings.Contains(r.body, `<option value="`+fmt.Sprint(recipient.ID)+`" selected`) {
		t.Fatalf("no message: %d", r.status)
	}

	// The recipient reads it, is told about it, and acknowledges it; nobody else can.
	staff := e.login(app.RoleStaff)
	if r := e.get(staff, "/appreciation?box=received"); !strings.Contains(r.body, "staying late") || !strings.Contains(r.body, "شكراً على لطفك") ||
		strings.Contains(r.body, "Between us") {
		t.Fatalf("received: %.500s", r.body)
	}
	if n, _ := e.a.Notify.Unread(ctx, e.as(app.RoleStaff).UserID); n != 2 {
		t.Fatalf("the recipient has %d notifications", n)
	}
	if r := e.post(manager, page+"/acknowledge", nil); r.status != http.StatusForbidden {
		t.Fatalf("the sender acknowledged: %d", r.status)
	}
	if r := e.get(staff, page); !strings.Contains(r.body, page+"/acknowledge") || !strings.Contains(r.body, "First thanks of the month") {
		t.Fatalf("the recipient's page: %.500s", r.body)
	}
	if r := e.post(staff, page+"/acknowledge", nil); r.status != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", r.status)
	}
	if r := e.get(staff, page); !strings.Contains(r.body, "Acknowledged. Thank you!") || strings.Contains(r.body, page+"/acknowledge") {
		t.Fatal("after acknowledging")
	}
	// The private one is the sender's and the recipient's only.
	if r := e.get(e.login(app.RoleViewer), "/appreciation"); strings.Contains(r.body, "Between us") || !strings.Contains(r.body, "staying late") {
		t.Fatal("a viewer's feed")
	}

	// The leaderboard counts this month; the public wall shows public thanks, the
	// anonymous one without a name.
	if r := e.get(staff, "/appreciation/leaderboard"); r.status != 200 || !strings.Contains(r.body, "Dr. Khalid Al-Harbi") ||
		!strings.Contains(r.body, `<td class="num">2</td>`) {
		t.Fatalf("leaderboard: %d %.600s", r.status, r.body)
	}
	if r := e.get(staff, "/appreciation/leaderboard?month=2026-13"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad month: %d", r.status)
	}
	wall := e.get(e.client(), "/appreciation/wall/RCH")
	if wall.status != 200 || !strings.Contains(wall.body, "staying late") || !strings.Contains(wall.body, "Anonymous (patient)") ||
		!strings.Contains(wall.body, "Mona Manager") || strings.Contains(wall.body, "Between us") {
		t.Fatalf("wall: %d %s", wall.status, wall.body)
	}
	if r := e.get(e.client(), "/appreciation/wall/NOPE"); r.status != http.StatusNotFound {
		t.Fatalf("unknown wall: %d", r.status)
	}
}

func TestAppreciationWallIsRateLimited(t *testing.T) {
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Every(time.Hour), LoginBurst: 2})
	c := e.client()
	for i := range 2 {
		if r := e.get(c, "/appreciation/wall/RCH"); r.status != 200 {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
	}
	if r := e.get(c, "/appreciation/wall/RCH"); r.status != http.StatusTooManyRequests {
		t.Fatalf("third request: %d", r.status)
	}
}
