package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// TwilioConfig is the Twilio account the appliance sends SMS from.
type TwilioConfig struct {
	// BaseURL defaults to https://api.twilio.com.
	BaseURL string `json:"base_url"`
	// AccountSID is the account ("AC…"), used in the URL and as the basic-auth user.
	AccountSID string `json:"account_sid"`
	// AuthToken is the basic-auth password and the webhook signing key. Secret: store encrypted.
	AuthToken string `json:"auth_token"`
	// From is the sending number (E.164) or alphanumeric sender; ignored when
	// MessagingServiceSID is set.
	From string `json:"from"`
	// MessagingServiceSID ("MG…") lets Twilio pick the sender from a pool.
	MessagingServiceSID string `json:"messaging_service_sid"`
}

// Twilio sends SMS through Twilio's Messages API.
type Twilio struct {
	endpoint string
	cfg      TwilioConfig
	client   *http.Client
}

// NewTwilio checks cfg and returns a sender; a nil client means a 15 s timeout client.
func NewTwilio(cfg TwilioConfig, client *http.Client) (*Twilio, error) {
	base, err := baseURL("twilio", cfg.BaseURL, "https://api.twilio.com")
	if err != nil {
		return nil, err
	}
	if err := required("twilio", "account_sid", cfg.AccountSID); err != nil {
		return nil, err
	}
	if err := required("twilio", "auth_token", cfg.AuthToken); err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.From) == "" && strings.TrimSpace(cfg.MessagingServiceSID) == "" {
		return nil, fmt.Errorf("twilio: from or messaging_service_sid is required")
	}
	endpoint := base + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	return &Twilio{endpoint: endpoint, cfg: cfg, client: httpClient(client)}, nil
}

// twilioResponse covers both Twilio's message resource and its error body.
type twilioResponse struct {
	SID     string      `json:"sid"`
	Code    json.Number `json:"code"`
	Message string      `json:"message"`
}

// Send posts m as one SMS and returns Twilio's message sid.
func (t *Twilio) Send(ctx context.Context, m Message) (Result, error) {
	digits, err := e164Digits(m.To)
	if err != nil {
		return Result{}, fmt.Errorf("twilio: %w", err)
	}
	if m.Body == "" {
		return Result{}, fmt.Errorf("twilio: %w", invalidMessage("empty body"))
	}
	form := url.Values{"To": {"+" + digits}, "Body": {m.Body}}
	if t.cfg.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", t.cfg.MessagingServiceSID)
	} else {
		form.Set("From", t.cfg.From)
	}
	if m.StatusCallback != "" {
		form.Set("StatusCallback", m.StatusCallback)
	}
	req, err := newRequest(ctx, http.MethodPost, t.endpoint, "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return Result{}, fmt.Errorf("twilio: %w", err)
	}
	req.SetBasicAuth(t.cfg.AccountSID, t.cfg.AuthToken)
	status, body, err := roundTrip(t.client, req)
	if err != nil {
		return Result{}, fmt.Errorf("twilio: %w", err)
	}
	var resp twilioResponse
	jsonErr := json.Unmarshal(body, &resp)
	if status < 200 || status > 299 {
		reason := resp.Message
		if jsonErr != nil {
			reason = snippet(body)
		}
		return Result{}, fmt.Errorf("twilio: %w", statusError(status, resp.Code.String(), reason))
	}
	// A 2xx means Twilio created the message; an unreadable body only costs us the sid.
	return Result{ProviderID: resp.SID, HTTPStatus: status}, nil
}
