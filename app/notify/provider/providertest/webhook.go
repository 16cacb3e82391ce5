package providertest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// waEnvelope wraps one change value the way Meta delivers it.
func waEnvelope(value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]string{"display_phone_number": "966110000000", "phone_number_id": WhatsAppPhoneNumberID}
	b, _ := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{
			"id":      "102290129340398",
			"changes": []any{map[string]any{"field": "messages", "value": value}},
		}},
	})
	return b
}

// WhatsAppStatusWebhook is the Cloud API webhook body reporting status ("sent",
// "delivered", "read" or "failed") of wamid sent to recipient (digits). For "failed",
// errCode and errTitle fill errors[0].
func WhatsAppStatusWebhook(wamid, status, recipient string, errCode int, errTitle string) []byte {
	st := map[string]any{
		"id": wamid, "status": status, "recipient_id": strings.TrimPrefix(recipient, "+"),
		"timestamp": fmt.Sprint(time.Now().Unix()),
	}
	if status == "failed" {
		st["errors"] = []any{map[string]any{
			"code": errCode, "title": errTitle, "message": errTitle,
			"error_data": map[string]string{"details": errTitle},
		}}
	}
	return waEnvelope(map[string]any{"statuses": []any{st}})
}

// WhatsAppTextWebhook is the Cloud API webhook body for a text message from
// (digits, with or without "+").
func WhatsAppTextWebhook(from, text string) []byte {
	from = strings.TrimPrefix(from, "+")
	return waEnvelope(map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]string{"name": "Patient"}, "wa_id": from}},
		"messages": []any{map[string]any{
			"from": from, "id": "wamid.inbound" + fmt.Sprint(time.Now().UnixNano()),
			"timestamp": fmt.Sprint(time.Now().Unix()), "type": "text",
			"text": map[string]string{"body": text},
		}},
	})
}

// SignWhatsApp returns the X-Hub-Signature-256 header Meta would send with body.
func SignWhatsApp(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// TwilioStatusForm is the form Twilio posts to a StatusCallback; errorCode 0 leaves
// ErrorCode out.
func TwilioStatusForm(sid, status, to string, errorCode int) url.Values {
	f := url.Values{
		"AccountSid":    {TwilioAccountSID},
		"ApiVersion":    {"2010-04-01"},
		"From":          {"+15005550006"},
		"MessageSid":    {sid},
		"MessageStatus": {status},
		"SmsSid":        {sid},
		"SmsStatus":     {status},
		"To":            {to},
	}
	if errorCode != 0 {
		f.Set("ErrorCode", fmt.Sprint(errorCode))
	}
	return f
}

// TwilioInboundForm is the form Twilio posts to a messaging webhook for an incoming SMS.
func TwilioInboundForm(from, to, body string) url.Values {
	return url.Values{
		"AccountSid":    {TwilioAccountSID},
		"ApiVersion":    {"2010-04-01"},
		"Body":          {body},
		"From":          {from},
		"MessageSid":    {"SM" + strings.Repeat("f", 32)},
		"NumMedia":      {"0"},
		"NumSegments":   {"1"},
		"SmsMessageSid": {"SM" + strings.Repeat("f", 32)},
		"SmsSid":        {"SM" + strings.Repeat("f", 32)},
		"SmsStatus":     {"received"},
		"To":            {to},
	}
}
