package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"px360/app"
)

// trackingCodeIn finds the tracking code a thank-you page shows.
func trackingCodeIn(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`id="tracking-code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no tracking code on the page: %.500s", body)
	}
	return m[1]
}

func TestPublicFeedbackFormAPIAndStaffWork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	anon := e.client()
	if r := e.get(anon, "/feedback/new?hospital="+e.hospA.Code); r.status != 200 || !strings.Contains(r.body, `name="text"`) ||
		!strings.Contains(r.body, e.hospA.NameEN) {
		t.Fatalf("form: %d %.300s", r.status, r.body)
	}
	// Bad input re-renders the form with the input kept.
	r := e.post(anon, "/feedback/new", url.Values{"hospital": {e.hospA.Code}, "type": {"suggestion"}, "text": {""},
		"patient_name": {"Sara"}, "language": {"en"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `aria-invalid="true"`) || !strings.Contains(r.body, `value="Sara"`) {
		t.Fatalf("empty text: %d %.500s", r.status, r.body)
	}
	r = e.post(anon, "/feedback/new", url.Values{"hospital": {e.hospA.Code}, "type": {"suggestion"}, "language": {"en"},
		"text": {"Please add shade in the car park."}, "patient_email": {"sara@example.com"}})
	if r.status != 200 {
		t.Fatalf("submit: %d %.300s", r.status, r.body)
	}
	code := trackingCodeIn(t, r.body)
	fb, err := e.store().FeedbackByTrackingCode(ctx, code)
	if err != nil || fb.Text != "Please add shade in the car park." || fb.HospitalID != e.hospA.ID {
		t.Fatalf("stored %+v %v", fb, err)
	}
	// The API: 201 with a code; bad input 422 in the error shape; unknown fields refused.
	r = e.postJSON(anon, "POST", "/api/v1/public/feedback", "", map[string]any{"hospital": e.hospA.Code, "type": "compliment",
		"text": "The night nurse on ward 4 was kind.", "language": "ar"})
	var created struct {
		TrackingCode string `json:"tracking_code"`
	}
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &created) != nil || app.NormalizeTrackingCode(created.TrackingCode) == "" {
		t.Fatalf("api: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"hospital": "NOPE", "text": "x"}, "hospital"},
		{map[string]any{"hospital": e.hospA.Code, "type": "rant", "text": "x"}, "type"},
		{map[string]any{"hospital": e.hospA.Code}, "text"},
	} {
		r := e.postJSON(anon, "POST", "/api/v1/public/feedback", "", c.body)
		var out struct {
			Error struct {
				Code    string            `json:"code"`
				Message string            `json:"message"`
				Fields  map[string]string `json:"fields"`
			} `json:"error"`
		}
		if r.status != http.StatusUnprocessableEntity || json.Unmarshal([]byte(r.body), &out) != nil || out.Error.Code != "invalid" ||
			out.Error.Fields[c.field] == "" || out.Error.Message == "" {
			t.Errorf("%v: %d %s", c.body, r.status, r.body)
		}
	}
	if r := e.postJSON(anon, "POST", "/api/v1/public/feedback", "", map[string]any{"hospital": e.hospA.Code, "text": "x", "ip": "1.2.3.4"}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"invalid"`) {
		t.Errorf("unknown field: %d %s", r.status, r.body)
	}
	if r := e.get(anon, "/api/v1/public/feedback/"+code); r.status != 200 || !strings.Contains(r.body, `"status":"submitted"`) {
		t.Errorf("api track: %d %s", r.status, r.body)
	}
	// Staff: the list, the record, classification, an answer and the status on the tracking page.
	mgr := e.login(app.RoleDepartmentManager)
	if r := e.get(mgr, "/feedback?status=submitted&q="+url.QueryEscape(code)); r.status != 200 || !strings.Contains(r.body, code) {
		t.Fatalf("list: %d", r.status)
	}
	page := fmt.Sprintf("/feedback/%d", fb.ID)
	if r := e.get(mgr, page); r.status != 200 || !strings.Contains(r.body, "Please add shade") || !strings.Contains(r.body, "/actions/new?") {
		t.Fatalf("record: %d %.300s", r.status, r.body)
	}
	if r := e.post(mgr, page+"/classify", url.Values{"classification": {"non_medical"}}); r.status != http.StatusSeeOther {
		t.Fatalf("classify: %d %.500s", r.status, r.body)
	}
	if r := e.post(mgr, page+"/transitions", url.Values{"to": {"submitted"}}); r.status != http.StatusConflict {
		t.Fatalf("refused move: %d", r.status)
	}
	if r := e.post(mgr, page+"/responses", url.Values{"response": {""}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty answer: %d", r.status)
	}
	if r := e.post(mgr, page+"/responses", url.Values{"response": {"Shade sails go up next month."}}); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d %.500s", r.status, r.body)
	}
	if r := e.post(mgr, page+"/actions", url.Values{"action": {"999999"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown action: %d", r.status)
	}
	r = e.get(anon, "/feedback/track?code="+url.QueryEscape(strings.ToLower(code)))
	if r.status != 200 || !strings.Contains(r.body, "Shade sails go up next month.") || strings.Contains(r.body, e.emails[app.RoleDepartmentManager]) {
		t.Fatalf("tracking: %d %.800s", r.status, r.body)
	}
	if r := e.get(anon, "/feedback/track?code=AAAA-BBBB-CCCC-DDDD"); r.status != http.StatusNotFound {
		t.Fatalf("unknown code: %d", r.status)
	}
	// Viewers read, and may not change.
	viewer := e.login(app.RoleViewer)
	if r := e.get(viewer, page); r.status != 200 || strings.Contains(r.body, page+"/responses") {
		t.Fatalf("viewer's record page: %d", r.status)
	}
}
