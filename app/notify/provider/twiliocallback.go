package provider

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// TwilioSignature computes Twilio's X-Twilio-Signature for a webhook: the full URL
// Twilio called, followed by every POST parameter's name and value sorted by name,
// signed with HMAC-SHA1 under the auth token and base64-encoded.
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	keys := slices.Sorted(maps.Keys(form))
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		// Repeated parameters are signed sorted and once each, as Twilio's libraries do.
		values := slices.Compact(slices.Sorted(slices.Values(form[k])))
		for _, v := range values {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyTwilio reports whether header is Twilio's signature of the request, compared
// in constant time. fullURL must be the URL exactly as Twilio called it (scheme,
// host, path and query as configured in the StatusCallback).
func VerifyTwilio(authToken, fullURL string, form url.Values, header string) bool {
	if authToken == "" || header == "" {
		return false
	}
	want := TwilioSignature(authToken, fullURL, form)
	return subtle.ConstantTimeCompare([]byte(want), []byte(header)) == 1
}

// ParseTwilioStatus reads a Twilio status callback. ok is false when the form is not
// one (no MessageSid or no known MessageStatus).
func ParseTwilioStatus(form url.Values) (StatusUpdate, bool) {
	sid := form.Get("MessageSid")
	if sid == "" {
		sid = form.Get("SmsSid")
	}
	raw := form.Get("MessageStatus")
	if raw == "" {
		raw = form.Get("SmsStatus")
	}
	var status string
	switch strings.ToLower(raw) {
	case "accepted", "scheduled", "queued", "sending", "sent":
		status = StatusSent
	case "delivered", "read":
		status = StatusDelivered
	case "undelivered", "failed", "canceled":
		status = StatusFailed
	}
	if sid == "" || status == "" {
		return StatusUpdate{}, false
	}
	u := StatusUpdate{ProviderID: sid, Status: status}
	code, msg := form.Get("ErrorCode"), form.Get("ErrorMessage")
	switch {
	case code != "" && msg != "":
		u.Reason = code + ": " + msg
	case code != "":
		u.Reason = code
	default:
		u.Reason = msg
	}
	if status == StatusFailed && u.Reason == "" {
		u.Reason = strings.ToLower(raw)
	}
	return u, true
}

// ParseTwilioInbound reads an incoming SMS webhook. ok is false when the form has no
// sender or is a status callback rather than a message.
func ParseTwilioInbound(form url.Values) (Inbound, bool) {
	from := normalizeFrom(form.Get("From"))
	status := form.Get("MessageStatus")
	if status == "" {
		status = form.Get("SmsStatus")
	}
	if from == "" || (status != "" && status != "received") {
		return Inbound{}, false
	}
	if _, hasBody := form["Body"]; !hasBody {
		return Inbound{}, false
	}
	return Inbound{From: from, Body: form.Get("Body")}, true
}
