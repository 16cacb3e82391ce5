package providertest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"px360/app/notify/provider/providertest"
)

type answer struct {
	status int
	body   map[string]any
}

func post(t *testing.T, h *providertest.HTTP, path, contentType, body string, prepare func(*http.Request)) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if prepare != nil {
		prepare(req)
	}
	resp, err := h.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a answer
	a.status = resp.StatusCode
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("answer %q is not JSON: %v", raw, err)
	}
	return a
}

const formType = "application/x-www-form-urlencoded"

func TestHTTPFakeValidatesLikeTheProviders(t *testing.T) {
	h := providertest.NewHTTP(t)
	twilioPath := "/2010-04-01/Accounts/" + providertest.TwilioAccountSID + "/Messages.json"
	twilioAuth := func(r *http.Request) { r.SetBasicAuth(providertest.TwilioAccountSID, providertest.TwilioAuthToken) }
	waPath := "/v21.0/" + providertest.WhatsAppPhoneNumberID + "/messages"
	waAuth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+providertest.WhatsAppAccessToken) }
	unifonicForm := func(mod func(url.Values)) string {
		f := url.Values{"AppSid": {providertest.UnifonicAppSid}, "Recipient": {"966501234567"}, "Body": {"hi"}, "responseType": {"JSON"}}
		mod(f)
		return f.Encode()
	}
	tests := []struct {
		name        string
		path, ctype string
		body        string
		prepare     func(*http.Request)
		wantStatus  int
		wantField   string // a top-level (or error.) field of the answer
		wantValue   any
	}{
		{"unifonic ok", "/rest/SMS/messages", formType, unifonicForm(func(url.Values) {}), nil, 200, "success", true},
		{"unifonic wrong app sid", "/rest/SMS/messages", formType, unifonicForm(func(f url.Values) { f.Set("AppSid", "x") }), nil, 401, "errorCode", "ER-01"},
		{"unifonic plus in recipient", "/rest/SMS/messages", formType, unifonicForm(func(f url.Values) { f.Set("Recipient", "+966501234567") }), nil, 400, "errorCode", "ER-04"},
		{"unifonic empty body", "/rest/SMS/messages", formType, unifonicForm(func(f url.Values) { f.Del("Body") }), nil, 400, "errorCode", "ER-03"},
		{"twilio ok", twilioPath, formType, "To=%2B966501234567&From=%2B15005550006&Body=hi", twilioAuth, 201, "status", "queued"},
		{"twilio no auth", twilioPath, formType, "To=%2B966501234567&From=%2B1&Body=hi", nil, 401, "code", float64(20003)},
		{"twilio To without plus", twilioPath, formType, "To=966501234567&From=%2B1&Body=hi", twilioAuth, 400, "code", float64(21211)},
		{"twilio no sender", twilioPath, formType, "To=%2B966501234567&Body=hi", twilioAuth, 400, "code", float64(21603)},
		{"twilio no body", twilioPath, formType, "To=%2B966501234567&From=%2B1", twilioAuth, 400, "code", float64(21602)},
		{"whatsapp ok", waPath, "application/json", `{"messaging_product":"whatsapp","to":"966501234567","type":"text","text":{"body":"hi"}}`, waAuth, 200, "messaging_product", "whatsapp"},
		{"whatsapp bad token", waPath, "application/json", `{}`, nil, 401, "error.code", float64(190)},
		{"whatsapp unknown phone id", "/v21.0/999/messages", "application/json", `{}`, waAuth, 400, "error.code", float64(100)},
		{"whatsapp plus in to", waPath, "application/json", `{"messaging_product":"whatsapp","to":"+966501234567","type":"text","text":{"body":"hi"}}`, waAuth, 400, "error.code", float64(100)},
		{"whatsapp template without language", waPath, "application/json", `{"messaging_product":"whatsapp","to":"966501234567","type":"template","template":{"name":"t"}}`, waAuth, 400, "error.code", float64(100)},
		{"gateway ok", "/gateway/x", formType, "to=%2B966501234567&text=hi", nil, 200, "status", "ok"},
		{"gateway missing text", "/gateway/x", formType, "to=%2B966501234567", nil, 400, "status", "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := post(t, h, tc.path, tc.ctype, tc.body, tc.prepare)
			if a.status != tc.wantStatus {
				t.Errorf("status %d, want %d (%v)", a.status, tc.wantStatus, a.body)
			}
			got := a.body[tc.wantField]
			if name, ok := strings.CutPrefix(tc.wantField, "error."); ok {
				errObj, _ := a.body["error"].(map[string]any)
				got = errObj[name]
			}
			if got != tc.wantValue {
				t.Errorf("%s = %v, want %v (%v)", tc.wantField, got, tc.wantValue, a.body)
			}
		})
	}
	if got := h.Total(); got != 4 {
		t.Errorf("Total = %d, want the 4 ok requests", got)
	}
	if got := len(h.Requests()); got != len(tests) {
		t.Errorf("recorded %d requests, want %d", got, len(tests))
	}
}

func TestHTTPFakeScriptedFailures(t *testing.T) {
	h := providertest.NewHTTP(t)
	body := url.Values{"AppSid": {providertest.UnifonicAppSid}, "Recipient": {"966501234567"}, "Body": {"hi"}, "responseType": {"JSON"}}.Encode()
	h.FailNext(providertest.KindUnifonic, 2, 200)
	for i := 0; i < 2; i++ {
		a := post(t, h, "/rest/SMS/messages", formType, body, nil)
		if a.status != 200 || a.body["success"] != false {
			t.Errorf("attempt %d: %d %v, want success:false", i, a.status, a.body)
		}
	}
	if a := post(t, h, "/rest/SMS/messages", formType, body, nil); a.body["success"] != true {
		t.Errorf("third attempt %v, want success", a.body)
	}
	h.FailAlways(providertest.KindAny, 503)
	for i := 0; i < 3; i++ {
		if a := post(t, h, "/rest/SMS/messages", formType, body, nil); a.status != 503 {
			t.Errorf("always-fail attempt %d: %d", i, a.status)
		}
	}
	h.Recover(providertest.KindAny)
	if a := post(t, h, "/rest/SMS/messages", formType, body, nil); a.status != 200 {
		t.Errorf("after Recover: %d", a.status)
	}
	if h.Accepted("+966501234567") != 2 || h.Total() != 2 {
		t.Errorf("accepted %d total %d, want 2 and 2", h.Accepted("+966501234567"), h.Total())
	}
	h.Reset()
	if h.Total() != 0 || len(h.Requests()) != 0 {
		t.Error("Reset kept state")
	}
}

func TestHTTPFakeConcurrentIDsAreUnique(t *testing.T) {
	h := providertest.NewHTTP(t)
	const n = 200
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := url.Values{"To": {fmt.Sprintf("+9665%08d", i%10)}, "From": {"+1"}, "Body": {"hi"}}.Encode()
			req, _ := http.NewRequest(http.MethodPost, h.URL()+"/2010-04-01/Accounts/"+providertest.TwilioAccountSID+"/Messages.json", strings.NewReader(body))
			req.Header.Set("Content-Type", formType)
			req.SetBasicAuth(providertest.TwilioAccountSID, providertest.TwilioAuthToken)
			resp, err := h.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, r := range h.Requests(providertest.KindTwilio) {
		if r.ProviderID == "" || seen[r.ProviderID] {
			t.Fatalf("missing or duplicate id %q", r.ProviderID)
		}
		seen[r.ProviderID] = true
	}
	if len(seen) != n || h.Accepted(fmt.Sprintf("+9665%08d", 3)) != n/10 {
		t.Errorf("%d ids, %d for one recipient", len(seen), h.Accepted(fmt.Sprintf("+9665%08d", 3)))
	}
}
