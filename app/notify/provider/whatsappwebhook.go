package provider

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// VerifyWhatsAppSignature reports whether header ("sha256=<hex>", sent by Meta as
// X-Hub-Signature-256) is the HMAC-SHA256 of the raw body under the app secret. A
// missing or malformed header is false.
func VerifyWhatsAppSignature(appSecret string, body []byte, header string) bool {
	if appSecret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(mac.Sum(nil), got)
}

type waWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Statuses []struct {
					ID     string    `json:"id"`
					Status string    `json:"status"`
					Errors []waError `json:"errors"`
				} `json:"statuses"`
				Messages []struct {
					From string `json:"from"`
					Type string `json:"type"`
					Text struct {
						Body string `json:"body"`
					} `json:"text"`
					Button struct {
						Payload string `json:"payload"`
						Text    string `json:"text"`
					} `json:"button"`
					Interactive struct {
						ButtonReply struct {
							ID    string `json:"id"`
							Title string `json:"title"`
						} `json:"button_reply"`
					} `json:"interactive"`
				} `json:"messages"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type waError struct {
	Code      json.Number `json:"code"`
	Title     string      `json:"title"`
	Message   string      `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// ParseWhatsAppWebhook reads a WhatsApp Cloud API webhook delivery: the status
// updates (read counts as delivered) and the incoming text and button messages (a
// button's payload, falling back to its label).
// Other message types and unknown statuses are skipped; malformed JSON is an error.
func ParseWhatsAppWebhook(body []byte) ([]StatusUpdate, []Inbound, error) {
	var hook waWebhook
	if err := json.Unmarshal(body, &hook); err != nil {
		return nil, nil, fmt.Errorf("whatsapp webhook: %w", err)
	}
	var updates []StatusUpdate
	var inbound []Inbound
	for _, entry := range hook.Entry {
		for _, change := range entry.Changes {
			for _, s := range change.Value.Statuses {
				u := StatusUpdate{ProviderID: s.ID}
				switch s.Status {
				case "sent":
					u.Status = StatusSent
				case "delivered", "read":
					u.Status = StatusDelivered
				case "failed":
					u.Status = StatusFailed
					u.Reason = waErrorsReason(s.Errors)
					if u.Reason == "" {
						u.Reason = "failed"
					}
				default:
					continue
				}
				if u.ProviderID == "" {
					continue
				}
				updates = append(updates, u)
			}
			for _, m := range change.Value.Messages {
				from := normalizeFrom(m.From)
				if from == "" {
					continue
				}
				var text string
				switch m.Type {
				case "text":
					text = m.Text.Body
				case "button":
					text = m.Button.Payload // our own value, e.g. "STOP"; defaults to the label
					if text == "" {
						text = m.Button.Text
					}
				case "interactive":
					text = m.Interactive.ButtonReply.ID
					if text == "" {
						text = m.Interactive.ButtonReply.Title
					}
				default:
					continue
				}
				inbound = append(inbound, Inbound{From: from, Body: text})
			}
		}
	}
	return updates, inbound, nil
}

// waErrorsReason joins a failed status's errors as "code: message".
func waErrorsReason(errs []waError) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		msg := e.Message
		if msg == "" {
			msg = e.Title
		}
		if d := e.ErrorData.Details; d != "" && d != msg {
			msg += " (" + d + ")"
		}
		if c := e.Code.String(); c != "" {
			msg = c + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

// VerifyWhatsAppSubscription answers Meta's webhook subscribe handshake, a GET with
// hub.mode=subscribe, hub.verify_token and hub.challenge: when the token matches, the
// handler must reply 200 with challenge as the body.
func VerifyWhatsAppSubscription(verifyToken string, query url.Values) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(verifyToken), []byte(query.Get("hub.verify_token"))) != 1 {
		return "", false
	}
	return query.Get("hub.challenge"), true
}
