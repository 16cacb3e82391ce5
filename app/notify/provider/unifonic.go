package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// UnifonicConfig is the Unifonic SMS account the appliance sends from.
type UnifonicConfig struct {
	// BaseURL defaults to https://el.cloud.unifonic.com.
	BaseURL string `json:"base_url"`
	// AppSid identifies and authenticates the application. Secret: store encrypted.
	AppSid string `json:"app_sid"`
	// SenderID is the registered sender name; empty uses the account default.
	SenderID string `json:"sender_id"`
}

// Unifonic sends SMS through Unifonic's REST API (POST /rest/SMS/messages).
type Unifonic struct {
	endpoint string
	cfg      UnifonicConfig
	client   *http.Client
}

// NewUnifonic checks cfg and returns a sender; a nil client means a 15 s timeout client.
func NewUnifonic(cfg UnifonicConfig, client *http.Client) (*Unifonic, error) {
	base, err := baseURL("unifonic", cfg.BaseURL, "https://el.cloud.unifonic.com")
	if err != nil {
		return nil, err
	}
	if err := required("unifonic", "app_sid", cfg.AppSid); err != nil {
		return nil, err
	}
	return &Unifonic{endpoint: base + "/rest/SMS/messages", cfg: cfg, client: httpClient(client)}, nil
}

// unifonicResponse is Unifonic's answer; "success" has been seen as a boolean and as a string.
type unifonicResponse struct {
	Success   json.RawMessage `json:"success"`
	Message   string          `json:"message"`
	ErrorCode string          `json:"errorCode"`
	Data      json.RawMessage `json:"data"` // an object on success; {} or [] on failure
}

type unifonicData struct {
	MessageID flexibleID `json:"MessageID"`
	Status    string     `json:"Status"`
}

func (r unifonicResponse) ok() bool {
	s := string(bytes.TrimSpace(r.Success))
	return s == "true" || s == `"true"`
}

// Send posts m as one SMS. Unifonic can answer HTTP 200 with "success":false; that
// is a permanent failure carrying Unifonic's message.
func (u *Unifonic) Send(ctx context.Context, m Message) (Result, error) {
	to, err := e164Digits(m.To)
	if err != nil {
		return Result{}, fmt.Errorf("unifonic: %w", err)
	}
	if m.Body == "" {
		return Result{}, fmt.Errorf("unifonic: %w", invalidMessage("empty body"))
	}
	form := url.Values{
		"AppSid":       {u.cfg.AppSid},
		"Recipient":    {to},
		"Body":         {m.Body},
		"responseType": {"JSON"},
	}
	if u.cfg.SenderID != "" {
		form.Set("SenderID", u.cfg.SenderID)
	}
	if m.ID != "" {
		form.Set("CorrelationID", m.ID)
	}
	req, err := newRequest(ctx, http.MethodPost, u.endpoint, "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return Result{}, fmt.Errorf("unifonic: %w", err)
	}
	status, body, err := roundTrip(u.client, req)
	if err != nil {
		return Result{}, fmt.Errorf("unifonic: %w", err)
	}
	var resp unifonicResponse
	jsonErr := json.Unmarshal(body, &resp)
	if status < 200 || status > 299 {
		reason := resp.Message
		if jsonErr != nil {
			reason = snippet(body)
		}
		if reason == "" {
			reason = resp.ErrorCode
		}
		return Result{}, fmt.Errorf("unifonic: %w", statusError(status, resp.ErrorCode, reason))
	}
	if jsonErr != nil {
		// Without a readable answer we cannot tell whether Unifonic took the message.
		return Result{}, fmt.Errorf("unifonic: %w", &Error{Status: status, Reason: "unreadable response: " + snippet(body)})
	}
	if !resp.ok() {
		reason := resp.Message
		if reason == "" {
			reason = resp.ErrorCode
		}
		if reason == "" {
			reason = "request rejected"
		}
		return Result{}, fmt.Errorf("unifonic: %w", &Error{Permanent: true, Status: status, Code: resp.ErrorCode, Reason: reason})
	}
	var data unifonicData
	_ = json.Unmarshal(resp.Data, &data) // accepted even if the details are unreadable
	return Result{ProviderID: string(data.MessageID), HTTPStatus: status}, nil
}

// flexibleID accepts an id sent as a JSON string or a JSON number, keeping the digits
// of large numbers exactly.
type flexibleID string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexibleID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexibleID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return errors.New("id is neither a string nor a number")
		}
		*f = flexibleID(n.String())
	}
	return nil
}
