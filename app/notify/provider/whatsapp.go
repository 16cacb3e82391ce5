package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// WhatsAppConfig is the WhatsApp Business phone number the appliance sends from
// through Meta's Cloud API.
type WhatsAppConfig struct {
	// BaseURL defaults to https://graph.facebook.com.
	BaseURL string `json:"base_url"`
	// APIVersion is the Graph API version in the path; defaults to v21.0.
	APIVersion string `json:"api_version"`
	// PhoneNumberID is the id of the sending business phone number (not the number itself).
	PhoneNumberID string `json:"phone_number_id"`
	// AccessToken is the system-user bearer token. Secret: store encrypted.
	AccessToken string `json:"access_token"`
	// AppSecret signs webhook deliveries (X-Hub-Signature-256). Secret: store encrypted.
	AppSecret string `json:"app_secret"`
	// VerifyToken answers Meta's webhook subscribe handshake. Secret: store encrypted.
	VerifyToken string `json:"verify_token"`
}

// WhatsApp sends template or free-text messages through the WhatsApp Cloud API.
type WhatsApp struct {
	endpoint string
	token    string
	client   *http.Client
}

// NewWhatsApp checks cfg and returns a sender; a nil client means a 15 s timeout client.
func NewWhatsApp(cfg WhatsAppConfig, client *http.Client) (*WhatsApp, error) {
	base, err := baseURL("whatsapp", cfg.BaseURL, "https://graph.facebook.com")
	if err != nil {
		return nil, err
	}
	version := strings.Trim(strings.TrimSpace(cfg.APIVersion), "/")
	if version == "" {
		version = "v21.0"
	}
	if strings.ContainsAny(version, "/?#") {
		return nil, fmt.Errorf("whatsapp: api_version %q is not a version", cfg.APIVersion)
	}
	if err := required("whatsapp", "phone_number_id", cfg.PhoneNumberID); err != nil {
		return nil, err
	}
	if err := required("whatsapp", "access_token", cfg.AccessToken); err != nil {
		return nil, err
	}
	endpoint := base + "/" + version + "/" + url.PathEscape(strings.TrimSpace(cfg.PhoneNumberID)) + "/messages"
	return &WhatsApp{endpoint: endpoint, token: cfg.AccessToken, client: httpClient(client)}, nil
}

type waRequest struct {
	MessagingProduct string      `json:"messaging_product"`
	RecipientType    string      `json:"recipient_type"`
	To               string      `json:"to"`
	Type             string      `json:"type"`
	Template         *waTemplate `json:"template,omitempty"`
	Text             *waText     `json:"text,omitempty"`
	// BizOpaqueCallbackData carries our message id; Meta echoes it in status webhooks.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type waTemplate struct {
	Name       string        `json:"name"`
	Language   waLanguage    `json:"language"`
	Components []waComponent `json:"components,omitempty"`
}

type waLanguage struct {
	Code string `json:"code"`
}

type waComponent struct {
	Type       string        `json:"type"`
	Parameters []waParameter `json:"parameters"`
}

type waParameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type waText struct {
	Body string `json:"body"`
}

type waResponse struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
	Error *struct {
		Message   string      `json:"message"`
		Type      string      `json:"type"`
		Code      json.Number `json:"code"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"error"`
}

// waTransientCodes are Cloud API error codes that arrive with HTTP 4xx yet pass with
// time: rate limits, throttling and temporary outages.
var waTransientCodes = map[string]bool{
	"1": true, "2": true, "4": true, "80007": true,
	"130429": true, "131000": true, "131016": true, "131056": true, "133004": true,
}

// Send posts m: a template message when m.Template is set, otherwise free text.
func (w *WhatsApp) Send(ctx context.Context, m Message) (Result, error) {
	to, err := e164Digits(m.To)
	if err != nil {
		return Result{}, fmt.Errorf("whatsapp: %w", err)
	}
	payload := waRequest{MessagingProduct: "whatsapp", RecipientType: "individual", To: to}
	if len(m.ID) <= 512 {
		payload.BizOpaqueCallbackData = m.ID
	}
	if m.Template != "" {
		lang := m.Lang
		if lang == "" {
			lang = "en"
		}
		payload.Type = "template"
		payload.Template = &waTemplate{Name: m.Template, Language: waLanguage{Code: lang}}
		if len(m.Params) > 0 {
			params := make([]waParameter, len(m.Params))
			for i, p := range m.Params {
				params[i] = waParameter{Type: "text", Text: p}
			}
			payload.Template.Components = []waComponent{{Type: "body", Parameters: params}}
		}
	} else {
		if m.Body == "" {
			return Result{}, fmt.Errorf("whatsapp: %w", invalidMessage("neither template nor body"))
		}
		payload.Type = "text"
		payload.Text = &waText{Body: m.Body}
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return Result{}, fmt.Errorf("whatsapp: %w", err)
	}
	req, err := newRequest(ctx, http.MethodPost, w.endpoint, "application/json", string(data))
	if err != nil {
		return Result{}, fmt.Errorf("whatsapp: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	status, body, err := roundTrip(w.client, req)
	if err != nil {
		return Result{}, fmt.Errorf("whatsapp: %w", err)
	}
	var resp waResponse
	jsonErr := json.Unmarshal(body, &resp)
	if status < 200 || status > 299 || resp.Error != nil {
		e := statusError(status, "", snippet(body))
		if jsonErr == nil && resp.Error != nil {
			e.Code = resp.Error.Code.String()
			if resp.Error.Message != "" {
				e.Reason = resp.Error.Message
			}
			if d := resp.Error.ErrorData.Details; d != "" && d != e.Reason {
				e.Reason += " (" + d + ")"
			}
			if waTransientCodes[e.Code] {
				e.Permanent = false
			}
		}
		if status >= 200 && status <= 299 {
			e.Permanent = !waTransientCodes[e.Code]
		}
		return Result{}, fmt.Errorf("whatsapp: %w", e)
	}
	var id string
	if len(resp.Messages) > 0 {
		id = resp.Messages[0].ID
	}
	return Result{ProviderID: id, HTTPStatus: status}, nil
}
