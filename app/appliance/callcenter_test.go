package appliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"px360/app"
	"px360/app/appliance"
	"px360/app/callcenter"
	"px360/app/demo"
)

// TestLowCallRatingOpensOneAction follows a call rated 2 through the real appliance: the
// API records it, the outbox carries callcenter.low_rating to the actions module, and
// exactly one action with source call_center is listed, however often the outbox runs
// and however the call is edited afterwards. A call rated 4 opens nothing.
func TestLowCallRatingOpensOneAction(t *testing.T) {
	ctx := context.Background()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: t.TempDir(), Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web.Handler())
	defer srv.Close()
	call := func(method, path, token string, body any) (int, []byte) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		return res.StatusCode, out.Bytes()
	}
	status, body := call("POST", "/api/v1/auth/token", "", map[string]string{"email": "staff@px360.demo", "password": demo.Password})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	drain := func() {
		t.Helper()
		for {
			n, err := a.Outbox.Dispatch(ctx, time.Now().Add(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
	type created struct {
		ID int64 `json:"id"`
	}
	record := func(rating int) created {
		t.Helper()
		status, body := call("POST", "/api/v1/callcenter/interactions", tok.AccessToken, map[string]any{"hospital": "RCH",
			"call_type": "complaint", "caller_name": "Fahad", "caller_phone": "0551112222", "agent_email": "staff@px360.demo",
			"wait_seconds": 120, "talk_seconds": 300, "resolved": false, "satisfaction": rating, "notes": "Nobody called back."})
		var c created
		if status != http.StatusCreated || json.Unmarshal(body, &c) != nil || c.ID == 0 {
			t.Fatalf("record: %d %s", status, body)
		}
		return c
	}
	actions := func() []app.Action {
		t.Helper()
		status, body := call("GET", "/api/v1/actions?source_type=call_center", tok.AccessToken, nil)
		var page struct {
			Items []struct {
				ID       int64  `json:"id"`
				Source   string `json:"source"`
				SourceID string `json:"source_id"`
			} `json:"items"`
		}
		if status != 200 || json.Unmarshal(body, &page) != nil {
			t.Fatalf("actions: %d %s", status, body)
		}
		var out []app.Action
		for _, it := range page.Items {
			out = append(out, app.Action{ID: it.ID, Source: app.ActionSource(it.Source), SourceID: it.SourceID})
		}
		return out
	}

	low := record(2)
	if got := actions(); len(got) != 0 {
		t.Fatalf("an action before the outbox ran: %+v", got)
	}
	drain()
	drain()
	got := actions()
	if len(got) != 1 || got[0].Source != app.ActionFromCallCenter || got[0].SourceID != fmt.Sprint(low.ID) {
		t.Fatalf("after dispatch: %+v", got)
	}
	// Edits that lower the rating again change nothing: the event went out once.
	staff, _, err := a.Store.UserByEmail(ctx, "staff@px360.demo")
	if err != nil {
		t.Fatal(err)
	}
	by := app.PrincipalOf(staff, "")
	for _, rating := range []int{1, 5, 2} {
		if _, err := a.CallCenter.UpdateCall(ctx, by, low.ID, callcenter.CallInput{Type: app.CallComplaint, Satisfaction: rating}); err != nil {
			t.Fatal(err)
		}
	}
	record(4)
	drain()
	if got := actions(); len(got) != 1 {
		t.Fatalf("after edits and a good call: %+v", got)
	}
	var events int
	a.Store.R.QueryRow(`select count(*) from outbox where kind = ?`, app.EventCallLowRating).Scan(&events)
	if events != 1 {
		t.Fatalf("%d low-rating events", events)
	}
}
