package provider_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

func unifonicSender(t *testing.T, baseURL string) *provider.Unifonic {
	t.Helper()
	u, err := provider.NewUnifonic(provider.UnifonicConfig{BaseURL: baseURL, AppSid: providertest.UnifonicAppSid, SenderID: "HOSPITAL"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const arabicSMS = "تم استلام شكواك رقم 1042. \"شكراً\" لكم\nPX360 & co"

func TestUnifonicSendsTheDocumentedForm(t *testing.T) {
	fake := providertest.NewHTTP(t)
	u := unifonicSender(t, fake.URL())
	res, err := u.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "msg-7", To: "+966501234567", Lang: "ar", Body: arabicSMS})
	if err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests(providertest.KindUnifonic)
	if len(reqs) != 1 {
		t.Fatalf("fake got %d requests", len(reqs))
	}
	r := reqs[0]
	want := map[string]string{
		"AppSid": providertest.UnifonicAppSid, "SenderID": "HOSPITAL", "Recipient": "966501234567",
		"Body": arabicSMS, "responseType": "JSON", "CorrelationID": "msg-7",
	}
	for k, v := range want {
		if got := r.Form.Get(k); got != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if len(r.Form) != len(want) {
		t.Errorf("form has extra fields: %v", r.Form)
	}
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
	if res.ProviderID == "" || res.ProviderID != r.ProviderID || res.HTTPStatus != http.StatusOK {
		t.Errorf("result %+v, fake handed out %q", res, r.ProviderID)
	}
	if fake.Accepted("+966501234567") != 1 || fake.AcceptedRef("msg-7") != 1 {
		t.Errorf("accepted counters: to %d ref %d", fake.Accepted("+966501234567"), fake.AcceptedRef("msg-7"))
	}
}

func TestUnifonicFailures(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		wantPermanent bool
		wantCode      string
		wantReason    string
	}{
		{"500 is transient", 500, false, "ER-500", "Internal server error"},
		{"429 is transient", 429, false, "ER-429", "Too many requests"},
		{"400 with error body is permanent", 400, true, "ER-01", "Wrong AppSid"},
		{"200 with success false is permanent", 200, true, "ER-01", "Wrong AppSid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := providertest.NewHTTP(t)
			fake.FailNext(providertest.KindUnifonic, 1, tc.status)
			u := unifonicSender(t, fake.URL())
			_, err := u.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
			wantFailure(t, err, tc.wantPermanent, tc.status, tc.wantCode, tc.wantReason)
			if fake.Total() != 0 {
				t.Errorf("fake counted %d accepted", fake.Total())
			}
		})
	}
	t.Run("wrong app sid is permanent", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		u, err := provider.NewUnifonic(provider.UnifonicConfig{BaseURL: fake.URL(), AppSid: "nope"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = u.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
		wantFailure(t, err, true, 401, "ER-01", "Wrong AppSid")
	})
	t.Run("a recipient that is not E.164 never reaches the wire", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		_, err := unifonicSender(t, fake.URL()).Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+96650abc", Body: "x"})
		wantFailure(t, err, true, 0, "invalid_message", "")
		if n := len(fake.Requests()); n != 0 {
			t.Errorf("fake got %d requests", n)
		}
	})
	t.Run("an unreachable server is transient", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		base := srv.URL
		srv.Close()
		_, err := unifonicSender(t, base).Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
		wantFailure(t, err, false, 0, "", "")
	})
}

func TestUnifonicAcceptsStringAndNumberIDs(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"number", `{"success":true,"message":"","errorCode":"ER-00","data":{"MessageID":42000348806924,"Status":"Sent"}}`, "42000348806924"},
		{"string", `{"success":"true","message":"","errorCode":"ER-00","data":{"MessageID":"abc-1","Status":"Queued"}}`, "abc-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			res, err := unifonicSender(t, srv.URL).Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if res.ProviderID != tc.want {
				t.Errorf("ProviderID = %q, want %q", res.ProviderID, tc.want)
			}
		})
	}
}
