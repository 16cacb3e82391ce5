package provider_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

func twilioSender(t *testing.T, cfg provider.TwilioConfig) *provider.Twilio {
	t.Helper()
	if cfg.AccountSID == "" {
		cfg.AccountSID = providertest.TwilioAccountSID
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = providertest.TwilioAuthToken
	}
	tw, err := provider.NewTwilio(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

func TestTwilioSendsTheDocumentedForm(t *testing.T) {
	tests := []struct {
		name     string
		cfg      provider.TwilioConfig
		callback string
		want     map[string]string
	}{
		{
			name:     "from number with status callback",
			cfg:      provider.TwilioConfig{From: "+15005550006"},
			callback: "https://px360.hospital.example/hooks/twilio?m=msg-9",
			want: map[string]string{"To": "+966501234567", "From": "+15005550006", "Body": arabicSMS,
				"StatusCallback": "https://px360.hospital.example/hooks/twilio?m=msg-9"},
		},
		{
			name: "messaging service instead of from",
			cfg:  provider.TwilioConfig{From: "+15005550006", MessagingServiceSID: "MG0123456789abcdef0123456789abcdef"},
			want: map[string]string{"To": "+966501234567", "MessagingServiceSid": "MG0123456789abcdef0123456789abcdef", "Body": arabicSMS},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := providertest.NewHTTP(t)
			tc.cfg.BaseURL = fake.URL()
			res, err := twilioSender(t, tc.cfg).Send(ctxTimeout(t, 5*time.Second), provider.Message{
				ID: "msg-9", To: "+966501234567", Body: arabicSMS, StatusCallback: tc.callback,
			})
			if err != nil {
				t.Fatal(err)
			}
			reqs := fake.Requests(providertest.KindTwilio)
			if len(reqs) != 1 {
				t.Fatalf("fake got %d requests", len(reqs))
			}
			r := reqs[0]
			if r.Path != "/2010-04-01/Accounts/"+providertest.TwilioAccountSID+"/Messages.json" {
				t.Errorf("path = %q", r.Path)
			}
			for k, v := range tc.want {
				if got := r.Form.Get(k); got != v {
					t.Errorf("form %s = %q, want %q", k, got, v)
				}
			}
			if len(r.Form) != len(tc.want) {
				t.Errorf("form = %v, want exactly %v", r.Form, tc.want)
			}
			if !strings.HasPrefix(res.ProviderID, "SM") || res.ProviderID != r.ProviderID || res.HTTPStatus != http.StatusCreated {
				t.Errorf("result %+v, fake handed out %q", res, r.ProviderID)
			}
		})
	}
}

func TestTwilioFailures(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		wantPermanent bool
		wantCode      string
		wantReason    string
	}{
		{"400 with error body is permanent with Twilio's message", 400, true, "21211", "The 'To' number is not a valid phone number."},
		{"500 is transient", 500, false, "20500", ""},
		{"429 is transient", 429, false, "20429", ""},
		{"408 is transient", 408, false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := providertest.NewHTTP(t)
			fake.FailNext(providertest.KindTwilio, 1, tc.status)
			_, err := twilioSender(t, provider.TwilioConfig{BaseURL: fake.URL(), From: "+15005550006"}).
				Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
			wantFailure(t, err, tc.wantPermanent, tc.status, tc.wantCode, tc.wantReason)
		})
	}
	t.Run("wrong auth token is permanent", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		_, err := twilioSender(t, provider.TwilioConfig{BaseURL: fake.URL(), From: "+1", AuthToken: "wrong"}).
			Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
		wantFailure(t, err, true, 401, "20003", "Authenticate")
	})
	t.Run("always failing keeps failing until recovered", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		fake.FailAlways(providertest.KindAny, 503)
		tw := twilioSender(t, provider.TwilioConfig{BaseURL: fake.URL(), From: "+15005550006"})
		for i := 0; i < 3; i++ {
			_, err := tw.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"})
			wantFailure(t, err, false, 503, "", "")
		}
		fake.Recover(providertest.KindAny)
		if _, err := tw.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Body: "x"}); err != nil {
			t.Fatalf("after Recover: %v", err)
		}
		if fake.Accepted("966501234567") != 1 {
			t.Errorf("accepted = %d, want 1", fake.Accepted("966501234567"))
		}
	})
}

func TestNewTwilioValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  provider.TwilioConfig
		want string
	}{
		{"missing account", provider.TwilioConfig{AuthToken: "t", From: "+1"}, "account_sid"},
		{"missing token", provider.TwilioConfig{AccountSID: "AC1", From: "+1"}, "auth_token"},
		{"missing sender", provider.TwilioConfig{AccountSID: "AC1", AuthToken: "t"}, "from"},
		{"relative base url", provider.TwilioConfig{BaseURL: "api.twilio.com", AccountSID: "AC1", AuthToken: "t", From: "+1"}, "base_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := provider.NewTwilio(tc.cfg, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
