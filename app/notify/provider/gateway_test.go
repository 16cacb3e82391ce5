package provider_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

func gatewaySender(t *testing.T, cfg provider.GatewayConfig) *provider.Gateway {
	t.Helper()
	g, err := provider.NewGateway(cfg, nil)
	if err != nil {
		t.Fatalf("NewGateway: %v", err)
	}
	return g
}

var gatewayMsg = provider.Message{ID: "msg-11", To: "+966501234567", Lang: "ar", Body: arabicSMS}

func TestGatewayRequests(t *testing.T) {
	fake := providertest.NewHTTP(t)

	t.Run("form POST with pairs on lines", func(t *testing.T) {
		fake.Reset()
		g := gatewaySender(t, provider.GatewayConfig{
			URL: fake.URL() + "/gateway/send", Format: "form",
			Body:    "user=px360\nmobile={{to_digits}}\ntext={{body}}\nref={{id}}&lang={{lang}}",
			Headers: map[string]string{"X-Api-Key": "k3y"},
			IDField: "message_id",
		})
		res, err := g.Send(ctxTimeout(t, 5*time.Second), gatewayMsg)
		if err != nil {
			t.Fatal(err)
		}
		r := onlyRequest(t, fake)
		want := url.Values{"user": {"px360"}, "mobile": {"966501234567"}, "text": {arabicSMS}, "ref": {"msg-11"}, "lang": {"ar"}}
		if r.Method != http.MethodPost || r.Form.Encode() != want.Encode() {
			t.Errorf("%s form %v, want POST %v", r.Method, r.Form, want)
		}
		if r.Header.Get("X-Api-Key") != "k3y" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("headers %v", r.Header)
		}
		if res.ProviderID == "" || res.ProviderID != r.ProviderID {
			t.Errorf("ProviderID = %q, fake handed out %q", res.ProviderID, r.ProviderID)
		}
	})

	t.Run("JSON POST keeps quotes, newlines and Arabic intact", func(t *testing.T) {
		fake.Reset()
		g := gatewaySender(t, provider.GatewayConfig{
			URL: fake.URL() + "/gateway/json", Format: "json",
			Body:            `{"to":"{{to}}","text":"{{body}}","meta":{"id":"{{id}}","lang":"{{lang}}"},"flash":false}`,
			SuccessContains: `"status":"ok"`,
		})
		if _, err := g.Send(ctxTimeout(t, 5*time.Second), gatewayMsg); err != nil {
			t.Fatal(err)
		}
		r := onlyRequest(t, fake)
		var got struct {
			To, Text string
			Meta     struct{ ID, Lang string }
			Flash    bool
		}
		if err := json.Unmarshal(r.JSON, &got); err != nil {
			t.Fatalf("body %s is not JSON: %v", r.Raw, err)
		}
		if got.To != "+966501234567" || got.Text != arabicSMS || got.Meta.ID != "msg-11" || got.Meta.Lang != "ar" {
			t.Errorf("decoded %+v", got)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
		}
	})

	t.Run("GET puts escaped values only in the URL", func(t *testing.T) {
		fake.Reset()
		g := gatewaySender(t, provider.GatewayConfig{
			Method: "GET", URL: fake.URL() + "/gateway/get?key=abc&to={{to}}&msg={{body}}&id={{id}}",
		})
		if _, err := g.Send(ctxTimeout(t, 5*time.Second), gatewayMsg); err != nil {
			t.Fatal(err)
		}
		r := onlyRequest(t, fake)
		want := url.Values{"key": {"abc"}, "to": {"+966501234567"}, "msg": {arabicSMS}, "id": {"msg-11"}}
		if r.Method != http.MethodGet || r.Query.Encode() != want.Encode() || len(r.Raw) != 0 {
			t.Errorf("%s query %v body %q, want GET %v and no body", r.Method, r.Query, r.Raw, want)
		}
	})
}

func onlyRequest(t *testing.T, fake *providertest.HTTP) providertest.Request {
	t.Helper()
	reqs := fake.Requests(providertest.KindGateway)
	if len(reqs) != 1 {
		t.Fatalf("fake got %d gateway requests", len(reqs))
	}
	return reqs[0]
}

func TestGatewayOutcomes(t *testing.T) {
	tests := []struct {
		name          string
		cfg           provider.GatewayConfig
		status        int
		body          string
		wantErr       bool
		wantPermanent bool
		wantReason    string
		wantID        string
	}{
		{name: "any 2xx with an id field", status: 202, body: `{"result":{"ok":true},"msgid":12345678901}`, cfg: provider.GatewayConfig{IDField: "msgid"}, wantID: "12345678901"},
		{name: "500 is transient", status: 500, body: "upstream down", wantErr: true, wantReason: "upstream down"},
		{name: "503 is transient", status: 503, body: "", wantErr: true, wantReason: "Service Unavailable"},
		{name: "400 with a message is permanent", status: 400, body: `{"error":{"message":"invalid mobile number"}}`, wantErr: true, wantPermanent: true, wantReason: "invalid mobile number"},
		{name: "429 is transient", status: 429, body: `{"message":"slow down"}`, wantErr: true, wantReason: "slow down"},
		{name: "missing success marker is permanent", status: 200, body: `{"status":"ERROR","description":"insufficient balance"}`, cfg: provider.GatewayConfig{SuccessContains: `"status":"OK"`}, wantErr: true, wantPermanent: true, wantReason: "insufficient balance"},
		{name: "success marker present", status: 200, body: `OK:9912`, cfg: provider.GatewayConfig{SuccessContains: "OK:"}},
		{name: "exact success status", status: 201, body: "", cfg: provider.GatewayConfig{SuccessStatus: 201}},
		{name: "other 2xx than the success status is permanent", status: 200, body: "", cfg: provider.GatewayConfig{SuccessStatus: 201}, wantErr: true, wantPermanent: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			cfg := tc.cfg
			cfg.URL, cfg.Body = srv.URL+"/send", "to={{to}}&text={{body}}"
			res, err := gatewaySender(t, cfg).Send(ctxTimeout(t, 5*time.Second), gatewayMsg)
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				if res.ProviderID != tc.wantID || res.HTTPStatus != tc.status {
					t.Errorf("result %+v, want id %q status %d", res, tc.wantID, tc.status)
				}
				return
			}
			wantFailure(t, err, tc.wantPermanent, tc.status, "", tc.wantReason)
		})
	}
}

func TestNewGatewayValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  provider.GatewayConfig
		want string
	}{
		{"unknown placeholder in url", provider.GatewayConfig{Method: "GET", URL: "https://sms.example/send?to={{phone}}"}, "{{phone}}"},
		{"unknown placeholder in body", provider.GatewayConfig{URL: "https://sms.example/send", Body: "to={{to}}&text={{message}}"}, "{{message}}"},
		{"GET with a body", provider.GatewayConfig{Method: "GET", URL: "https://sms.example/send?to={{to}}", Body: "text={{body}}"}, "GET"},
		{"POST without a body", provider.GatewayConfig{URL: "https://sms.example/send"}, "body"},
		{"bad method", provider.GatewayConfig{Method: "PUT", URL: "https://sms.example/send", Body: "a=b"}, "method"},
		{"bad format", provider.GatewayConfig{Format: "xml", URL: "https://sms.example/send", Body: "a=b"}, "format"},
		{"not a url", provider.GatewayConfig{URL: "sms.example/send", Body: "a=b"}, "url"},
		{"form pair without =", provider.GatewayConfig{URL: "https://sms.example/send", Body: "to={{to}}\njunk"}, "key=value"},
		{"JSON with a placeholder outside a string", provider.GatewayConfig{Format: "json", URL: "https://sms.example/send", Body: `{"text":{{body}}}`}, "JSON"},
		{"header with a newline", provider.GatewayConfig{URL: "https://sms.example/send", Body: "a=b", Headers: map[string]string{"X-Key": "a\r\nX-Evil: 1"}}, "header"},
		{"success status out of range", provider.GatewayConfig{URL: "https://sms.example/send", Body: "a=b", SuccessStatus: 1000}, "success_status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := provider.NewGateway(tc.cfg, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func FuzzGatewayJSONBodyStaysValid(f *testing.F) {
	f.Add("تم استلام شكواك", "msg-1")
	f.Add("quote \" backslash \\ newline \n tab \t", "id\"x")
	f.Add("\x00\u2028<script>", "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]string
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(v)
	}))
	f.Cleanup(srv.Close)
	g, err := provider.NewGateway(provider.GatewayConfig{
		URL: srv.URL, Format: "json", Body: `{"text":"{{body}}","id":"{{id}}"}`, IDField: "text",
	}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, id string) {
		if body == "" {
			return
		}
		res, err := g.Send(t.Context(), provider.Message{ID: id, To: "+966501234567", Body: body})
		if err != nil {
			t.Fatalf("gateway rejected the JSON: %v", err)
		}
		if utf8.ValidString(body) && res.ProviderID != body {
			t.Errorf("round trip %q, want %q", res.ProviderID, body)
		}
	})
}
