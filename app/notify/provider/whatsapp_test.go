package provider_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

func whatsAppSender(t *testing.T, baseURL string) *provider.WhatsApp {
	t.Helper()
	w, err := provider.NewWhatsApp(provider.WhatsAppConfig{
		BaseURL: baseURL, PhoneNumberID: providertest.WhatsAppPhoneNumberID, AccessToken: providertest.WhatsAppAccessToken,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWhatsAppSendsTheCloudAPIJSON(t *testing.T) {
	tests := []struct {
		name string
		msg  provider.Message
		want string // the exact JSON body, compacted
	}{
		{
			name: "template with parameters",
			msg:  provider.Message{ID: "msg-3", To: "+966501234567", Lang: "ar", Template: "complaint_received", Params: []string{"أحمد", "1042"}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"966501234567","type":"template",` +
				`"template":{"name":"complaint_received","language":{"code":"ar"},"components":[{"type":"body","parameters":[{"type":"text","text":"أحمد"},{"type":"text","text":"1042"}]}]},` +
				`"biz_opaque_callback_data":"msg-3"}`,
		},
		{
			name: "template without parameters has no components",
			msg:  provider.Message{ID: "msg-4", To: "+966501234567", Lang: "en", Template: "survey_invite"},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"966501234567","type":"template",` +
				`"template":{"name":"survey_invite","language":{"code":"en"}},"biz_opaque_callback_data":"msg-4"}`,
		},
		{
			name: "free text without a template",
			msg:  provider.Message{ID: "msg-5", To: "+966501234567", Lang: "ar", Body: arabicSMS},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"966501234567","type":"text",` +
				`"text":{"body":` + jsonString(arabicSMS) + `},"biz_opaque_callback_data":"msg-5"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := providertest.NewHTTP(t)
			res, err := whatsAppSender(t, fake.URL()).Send(ctxTimeout(t, 5*time.Second), tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			reqs := fake.Requests(providertest.KindWhatsApp)
			if len(reqs) != 1 {
				t.Fatalf("fake got %d requests", len(reqs))
			}
			r := reqs[0]
			if r.Path != "/v21.0/"+providertest.WhatsAppPhoneNumberID+"/messages" {
				t.Errorf("path = %q", r.Path)
			}
			if got := r.Header.Get("Authorization"); got != "Bearer "+providertest.WhatsAppAccessToken {
				t.Errorf("Authorization = %q", got)
			}
			var got, want any
			if err := json.Unmarshal(r.JSON, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body\n got %s\nwant %s", r.JSON, tc.want)
			}
			if !strings.HasPrefix(res.ProviderID, "wamid.") || res.ProviderID != r.ProviderID || res.HTTPStatus != http.StatusOK {
				t.Errorf("result %+v, fake handed out %q", res, r.ProviderID)
			}
			if tc.msg.Template != "" && (r.Template != tc.msg.Template || r.Lang != tc.msg.Lang || !reflect.DeepEqual(r.Params, tc.msg.Params)) {
				t.Errorf("fake read template %q lang %q params %q", r.Template, r.Lang, r.Params)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestWhatsAppFailures(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		body          string
		wantPermanent bool
		wantCode      string
		wantReason    string
	}{
		{"400 with error body is permanent with Meta's message", 400, "", true, "131030", "Recipient phone number not in allowed list"},
		{"500 is transient", 500, "", false, "131000", "Something went wrong"},
		{"429 is transient", 429, "", false, "130429", "Rate limit hit"},
		{"a rate limit sent as 400 is still transient", 400,
			`{"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,"fbtrace_id":"x"}}`,
			false, "131056", "(#131056) (Business Account, Consumer Account) pair rate limit hit"},
		{"error details are kept", 400,
			`{"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (complaint_x) does not exist in ar"},"fbtrace_id":"x"}}`,
			true, "132001", "(#132001) Template name does not exist in the translation (template name (complaint_x) does not exist in ar)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := providertest.NewHTTP(t)
			fake.FailNextWithBody(providertest.KindWhatsApp, 1, tc.status, tc.body)
			_, err := whatsAppSender(t, fake.URL()).Send(ctxTimeout(t, 5*time.Second),
				provider.Message{ID: "m", To: "+966501234567", Lang: "ar", Template: "t"})
			wantFailure(t, err, tc.wantPermanent, tc.status, tc.wantCode, tc.wantReason)
		})
	}
	t.Run("an invalid token is permanent", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		w, err := provider.NewWhatsApp(provider.WhatsAppConfig{BaseURL: fake.URL(), PhoneNumberID: providertest.WhatsAppPhoneNumberID, AccessToken: "expired"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567", Template: "t"})
		wantFailure(t, err, true, 401, "190", "Invalid OAuth access token - Cannot parse access token")
	})
	t.Run("neither template nor body is permanent", func(t *testing.T) {
		fake := providertest.NewHTTP(t)
		_, err := whatsAppSender(t, fake.URL()).Send(ctxTimeout(t, 5*time.Second), provider.Message{ID: "m", To: "+966501234567"})
		wantFailure(t, err, true, 0, "invalid_message", "")
	})
	t.Run("a slow server is cut off by the context", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })
		start := time.Now()
		_, err := whatsAppSender(t, srv.URL).Send(ctxTimeout(t, 200*time.Millisecond), provider.Message{ID: "m", To: "+966501234567", Template: "t"})
		wantFailure(t, err, false, 0, "", "")
		if time.Since(start) > 5*time.Second {
			t.Errorf("Send ignored the context deadline")
		}
	})
}
