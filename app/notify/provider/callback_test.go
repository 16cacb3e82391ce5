package provider_test

import (
	"net/url"
	"reflect"
	"testing"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

// Twilio's published request-validation example.
var (
	twilioExampleURL  = "https://mycompany.com/myapp.php?foo=1&bar=2"
	twilioExampleForm = url.Values{
		"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"},
		"From": {"+14158675309"}, "To": {"+18005551212"},
	}
)

const twilioExampleSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8="

func TestTwilioSignature(t *testing.T) {
	if got := provider.TwilioSignature("12345", twilioExampleURL, twilioExampleForm); got != twilioExampleSignature {
		t.Fatalf("signature = %q, want Twilio's %q", got, twilioExampleSignature)
	}
	tampered := url.Values{}
	for k, v := range twilioExampleForm {
		tampered[k] = v
	}
	tampered.Set("Digits", "9999")
	tests := []struct {
		name   string
		token  string
		url    string
		form   url.Values
		header string
		want   bool
	}{
		{"genuine", "12345", twilioExampleURL, twilioExampleForm, twilioExampleSignature, true},
		{"tampered parameter", "12345", twilioExampleURL, tampered, twilioExampleSignature, false},
		{"extra query parameter", "12345", twilioExampleURL + "&x=1", twilioExampleForm, twilioExampleSignature, false},
		{"wrong token", "54321", twilioExampleURL, twilioExampleForm, twilioExampleSignature, false},
		{"missing header", "12345", twilioExampleURL, twilioExampleForm, "", false},
		{"empty token", "", twilioExampleURL, twilioExampleForm, provider.TwilioSignature("", twilioExampleURL, twilioExampleForm), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := provider.VerifyTwilio(tc.token, tc.url, tc.form, tc.header); got != tc.want {
				t.Errorf("VerifyTwilio = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("repeated parameters are signed sorted and once each", func(t *testing.T) {
		form := url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234", "1234"}}
		if got := provider.TwilioSignature("12345", twilioExampleURL, form); got != "IK+Dwps556ElfBT0I3Rgjkr1wJU=" {
			t.Errorf("signature = %q", got)
		}
	})
}

func TestParseTwilioStatus(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		want   provider.StatusUpdate
		wantOK bool
	}{
		{"queued counts as sent", providertest.TwilioStatusForm("SM1", "queued", "+966501234567", 0), provider.StatusUpdate{ProviderID: "SM1", Status: "sent"}, true},
		{"sent", providertest.TwilioStatusForm("SM1", "sent", "+966501234567", 0), provider.StatusUpdate{ProviderID: "SM1", Status: "sent"}, true},
		{"delivered", providertest.TwilioStatusForm("SM1", "delivered", "+966501234567", 0), provider.StatusUpdate{ProviderID: "SM1", Status: "delivered"}, true},
		{"undelivered with code", providertest.TwilioStatusForm("SM1", "undelivered", "+966501234567", 30003), provider.StatusUpdate{ProviderID: "SM1", Status: "failed", Reason: "30003"}, true},
		{"failed with code and message", func() url.Values {
			f := providertest.TwilioStatusForm("SM2", "failed", "+966501234567", 30006)
			f.Set("ErrorMessage", "Landline or unreachable carrier")
			return f
		}(), provider.StatusUpdate{ProviderID: "SM2", Status: "failed", Reason: "30006: Landline or unreachable carrier"}, true},
		{"failed without details", providertest.TwilioStatusForm("SM3", "failed", "+966501234567", 0), provider.StatusUpdate{ProviderID: "SM3", Status: "failed", Reason: "failed"}, true},
		{"inbound message is not a status", providertest.TwilioInboundForm("+966501234567", "+15005550006", "STOP"), provider.StatusUpdate{}, false},
		{"no sid", url.Values{"MessageStatus": {"delivered"}}, provider.StatusUpdate{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := provider.ParseTwilioStatus(tc.form)
			if ok != tc.wantOK || got != tc.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestParseTwilioInbound(t *testing.T) {
	got, ok := provider.ParseTwilioInbound(providertest.TwilioInboundForm("+966501234567", "+15005550006", "STOP"))
	if !ok || got != (provider.Inbound{From: "+966501234567", Body: "STOP"}) {
		t.Errorf("got %+v %v", got, ok)
	}
	wa := providertest.TwilioInboundForm("whatsapp:+966501234567", "whatsapp:+15005550006", "إيقاف")
	if got, ok := provider.ParseTwilioInbound(wa); !ok || got.From != "+966501234567" || got.Body != "إيقاف" {
		t.Errorf("whatsapp via Twilio: got %+v %v", got, ok)
	}
	if _, ok := provider.ParseTwilioInbound(providertest.TwilioStatusForm("SM1", "delivered", "+966501234567", 0)); ok {
		t.Error("a status callback parsed as an inbound message")
	}
}

func TestVerifyWhatsAppSignature(t *testing.T) {
	body := providertest.WhatsAppTextWebhook("966501234567", "STOP")
	good := providertest.SignWhatsApp("app-secret", body)
	tests := []struct {
		name   string
		secret string
		body   []byte
		header string
		want   bool
	}{
		{"genuine", "app-secret", body, good, true},
		{"wrong secret", "other", body, good, false},
		{"tampered body", "app-secret", append([]byte(" "), body...), good, false},
		{"missing header", "app-secret", body, "", false},
		{"no sha256= prefix", "app-secret", body, good[len("sha256="):], false},
		{"not hex", "app-secret", body, "sha256=zz" + good[9:], false},
		{"truncated", "app-secret", body, good[:len(good)-2], false},
		{"sha1 header", "app-secret", body, "sha1=" + good[len("sha256="):], false},
		{"empty secret", "", body, providertest.SignWhatsApp("", body), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := provider.VerifyWhatsAppSignature(tc.secret, tc.body, tc.header); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestVerifyWhatsAppSubscription(t *testing.T) {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"vt"}, "hub.challenge": {"1158201444"}}
	if c, ok := provider.VerifyWhatsAppSubscription("vt", q); !ok || c != "1158201444" {
		t.Errorf("got %q %v", c, ok)
	}
	if _, ok := provider.VerifyWhatsAppSubscription("other", q); ok {
		t.Error("wrong token accepted")
	}
	if _, ok := provider.VerifyWhatsAppSubscription("", url.Values{"hub.mode": {"subscribe"}}); ok {
		t.Error("empty token accepted")
	}
}

// A delivery as Meta sends it: two changes, statuses of every kind and inbound messages.
const whatsAppWebhook = `{
  "object": "whatsapp_business_account",
  "entry": [{
    "id": "102290129340398",
    "changes": [{
      "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [
          {"id": "wamid.A", "status": "sent", "timestamp": "1750263773", "recipient_id": "966501234567",
           "conversation": {"id": "c1", "origin": {"type": "utility"}}, "pricing": {"billable": true, "pricing_model": "PMP", "category": "utility"},
           "biz_opaque_callback_data": "msg-3"},
          {"id": "wamid.B", "status": "delivered", "timestamp": "1750263774", "recipient_id": "966501234567"},
          {"id": "wamid.C", "status": "read", "timestamp": "1750263775", "recipient_id": "966501234567"},
          {"id": "wamid.D", "status": "failed", "timestamp": "1750263776", "recipient_id": "966501234567",
           "errors": [{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable",
                       "error_data": {"details": "Message Undeliverable."}}]},
          {"id": "wamid.E", "status": "deleted", "timestamp": "1750263777", "recipient_id": "966501234567"}
        ]
      },
      "field": "messages"
    }, {
      "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Ahmed"}, "wa_id": "966501234567"}],
        "messages": [
          {"from": "966501234567", "id": "wamid.I1", "timestamp": "1750263780", "type": "text", "text": {"body": "STOP"}},
          {"from": "966509876543", "id": "wamid.I2", "timestamp": "1750263781", "type": "button",
           "context": {"from": "15550783881", "id": "wamid.A"}, "button": {"payload": "UNSUBSCRIBE", "text": "إلغاء الاشتراك"}},
          {"from": "966509876543", "id": "wamid.I3", "timestamp": "1750263782", "type": "image", "image": {"id": "media1", "mime_type": "image/jpeg"}}
        ]
      },
      "field": "messages"
    }]
  }]
}`

func TestParseWhatsAppWebhook(t *testing.T) {
	updates, inbound, err := provider.ParseWhatsAppWebhook([]byte(whatsAppWebhook))
	if err != nil {
		t.Fatal(err)
	}
	wantUpdates := []provider.StatusUpdate{
		{ProviderID: "wamid.A", Status: "sent"},
		{ProviderID: "wamid.B", Status: "delivered"},
		{ProviderID: "wamid.C", Status: "delivered"},
		{ProviderID: "wamid.D", Status: "failed", Reason: "131026: Message undeliverable (Message Undeliverable.)"},
	}
	if !reflect.DeepEqual(updates, wantUpdates) {
		t.Errorf("updates\n got %+v\nwant %+v", updates, wantUpdates)
	}
	wantInbound := []provider.Inbound{{From: "+966501234567", Body: "STOP"}, {From: "+966509876543", Body: "UNSUBSCRIBE"}}
	if !reflect.DeepEqual(inbound, wantInbound) {
		t.Errorf("inbound\n got %+v\nwant %+v", inbound, wantInbound)
	}

	t.Run("fake payloads parse", func(t *testing.T) {
		u, _, err := provider.ParseWhatsAppWebhook(providertest.WhatsAppStatusWebhook("wamid.X", "failed", "+966501234567", 131047, "Re-engagement message"))
		if err != nil || len(u) != 1 || u[0].Status != "failed" || u[0].Reason != "131047: Re-engagement message" {
			t.Errorf("got %+v %v", u, err)
		}
		_, in, err := provider.ParseWhatsAppWebhook(providertest.WhatsAppTextWebhook("+966501234567", "توقف"))
		if err != nil || len(in) != 1 || in[0] != (provider.Inbound{From: "+966501234567", Body: "توقف"}) {
			t.Errorf("got %+v %v", in, err)
		}
	})
	t.Run("malformed JSON is an error", func(t *testing.T) {
		if _, _, err := provider.ParseWhatsAppWebhook([]byte(`{"entry":[`)); err == nil {
			t.Error("no error")
		}
	})
	t.Run("unrelated webhook yields nothing", func(t *testing.T) {
		u, in, err := provider.ParseWhatsAppWebhook([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}`))
		if err != nil || len(u) != 0 || len(in) != 0 {
			t.Errorf("got %v %v %v", u, in, err)
		}
	})
}

func FuzzParseWhatsAppWebhook(f *testing.F) {
	f.Add([]byte(whatsAppWebhook))
	f.Add(providertest.WhatsAppStatusWebhook("wamid.X", "failed", "966501234567", 131026, "x"))
	f.Add([]byte(`{"entry":[{"changes":[{"value":{"messages":[{"from":"+","type":"text"}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		updates, inbound, err := provider.ParseWhatsAppWebhook(body)
		if err != nil {
			return
		}
		for _, u := range updates {
			if u.ProviderID == "" || (u.Status != "sent" && u.Status != "delivered" && u.Status != "failed") {
				t.Errorf("bad update %+v", u)
			}
		}
		for _, in := range inbound {
			if len(in.From) < 2 || in.From[0] != '+' {
				t.Errorf("bad sender %q", in.From)
			}
		}
	})
}

func FuzzVerifyTwilio(f *testing.F) {
	f.Add("12345", twilioExampleURL, "Digits", "1234", twilioExampleSignature)
	f.Fuzz(func(t *testing.T, token, u, key, value, header string) {
		form := url.Values{key: {value}}
		ok := provider.VerifyTwilio(token, u, form, header)
		if ok && header != provider.TwilioSignature(token, u, form) {
			t.Errorf("accepted a header that is not the signature")
		}
		if token != "" && !provider.VerifyTwilio(token, u, form, provider.TwilioSignature(token, u, form)) {
			t.Errorf("rejected its own signature")
		}
	})
}
