package providertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Kind names the fake API a request reached.
type Kind string

// The APIs served by HTTP. KindAny in FailNext or FailAlways means every API.
const (
	KindUnifonic Kind = "unifonic" // POST /rest/SMS/messages
	KindTwilio   Kind = "twilio"   // POST /2010-04-01/Accounts/{sid}/Messages.json
	KindWhatsApp Kind = "whatsapp" // POST /{version}/{phone-number-id}/messages
	KindGateway  Kind = "gateway"  // any method on /gateway/...
	KindAny      Kind = "*"
)

// Credentials the fake accepts; anything else gets the provider's auth error.
const (
	UnifonicAppSid        = "test-unifonic-app-sid"
	TwilioAccountSID      = "AC00000000000000000000000000000001"
	TwilioAuthToken       = "test-twilio-auth-token"
	WhatsAppPhoneNumberID = "100000000000001"
	WhatsAppAccessToken   = "test-whatsapp-access-token"
)

// maxRequestBody caps what the fake reads of one request.
const maxRequestBody = 1 << 20

// Request is one request the fake received, accepted or not.
type Request struct {
	Kind   Kind
	Method string
	Path   string
	Header http.Header

	Recipient      string   // as sent: "9665…" for Unifonic and WhatsApp, "+9665…" for Twilio
	Body           string   // SMS text or WhatsApp free text
	Sender         string   // Unifonic SenderID, Twilio From or MessagingServiceSid
	Template       string   // WhatsApp template name
	Lang           string   // WhatsApp template language code
	Params         []string // WhatsApp template body parameters
	Reference      string   // Unifonic CorrelationID, WhatsApp biz_opaque_callback_data, gateway "id"
	StatusCallback string   // Twilio StatusCallback

	Query url.Values // the URL query
	Form  url.Values // the form-encoded body, if any
	JSON  []byte     // the raw body when it was JSON
	Raw   []byte     // the raw body

	Status     int    // HTTP status the fake answered
	ProviderID string // id handed out when accepted
}

type failure struct {
	n      int
	always bool
	status int
	body   string
}

// HTTP is one httptest server speaking the Unifonic, Twilio, WhatsApp Cloud API and a
// generic gateway wire format. It is safe for concurrent use and never sleeps.
type HTTP struct {
	srv *httptest.Server

	mu       sync.Mutex
	seq      int64
	reqs     []Request
	failures map[Kind]*failure
	byTo     map[string]int
	byRef    map[string]int
	total    int
}

// NewHTTP starts the fake on 127.0.0.1 and closes it when the test ends.
func NewHTTP(t testing.TB) *HTTP {
	t.Helper()
	h := &HTTP{failures: map[Kind]*failure{}, byTo: map[string]int{}, byRef: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rest/SMS/messages", h.unifonic)
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", h.twilio)
	mux.HandleFunc("POST /{version}/{phone}/messages", h.whatsapp)
	// The gateway is routed first: its free-form paths overlap the WhatsApp pattern.
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/gateway/") {
			h.gateway(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// URL is the base URL for every API, e.g. "http://127.0.0.1:41234"; the gateway
// lives under URL()+"/gateway/".
func (h *HTTP) URL() string { return h.srv.URL }

// Client is an *http.Client for the fake.
func (h *HTTP) Client() *http.Client { return h.srv.Client() }

// FailNext makes the next n well-formed requests to kind fail with status and the
// provider's own error body for that status (status 200 gives Unifonic's
// "success":false).
func (h *HTTP) FailNext(kind Kind, n, status int) {
	h.FailNextWithBody(kind, n, status, "")
}

// FailNextWithBody is FailNext with a given response body ("" for the canned one).
func (h *HTTP) FailNextWithBody(kind Kind, n, status int, body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures[kind] = &failure{n: n, status: status, body: body}
}

// FailAlways makes every well-formed request to kind fail with status until Recover.
func (h *HTTP) FailAlways(kind Kind, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures[kind] = &failure{always: true, status: status}
}

// Recover stops the scripted failures of kind.
func (h *HTTP) Recover(kind Kind) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.failures, kind)
}

// Reset forgets recorded requests, counters and scripted failures.
func (h *HTTP) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs, h.total = nil, 0
	h.failures, h.byTo, h.byRef = map[Kind]*failure{}, map[string]int{}, map[string]int{}
}

// Requests returns a copy of the requests received so far, in order; with kinds it
// keeps only those.
func (h *HTTP) Requests(kinds ...Kind) []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, 0, len(h.reqs))
	for _, r := range h.reqs {
		if len(kinds) == 0 || containsKind(kinds, r.Kind) {
			out = append(out, r)
		}
	}
	return out
}

func containsKind(kinds []Kind, k Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Accepted counts accepted messages to a recipient, given with or without "+".
func (h *HTTP) Accepted(recipient string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byTo[digitsOf(recipient)]
}

// AcceptedRef counts accepted messages carrying reference (our message id).
func (h *HTTP) AcceptedRef(reference string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byRef[reference]
}

// Total counts all accepted messages.
func (h *HTTP) Total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// scriptedFailure consumes one failure for kind, if any.
func (h *HTTP) scriptedFailure(kind Kind) (status int, body string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range []Kind{kind, KindAny} {
		f := h.failures[k]
		if f == nil {
			continue
		}
		if !f.always {
			if f.n <= 0 {
				continue
			}
			f.n--
		}
		return f.status, f.body, true
	}
	return 0, "", false
}

// finish records req, counts it when accepted (id != "") and writes the answer.
func (h *HTTP) finish(w http.ResponseWriter, req Request, status int, body any) {
	h.mu.Lock()
	req.Status = status
	h.reqs = append(h.reqs, req)
	if req.ProviderID != "" {
		h.total++
		h.byTo[digitsOf(req.Recipient)]++
		if req.Reference != "" {
			h.byRef[req.Reference]++
		}
	}
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	switch b := body.(type) {
	case string:
		_, _ = io.WriteString(w, b)
	default:
		_ = json.NewEncoder(w).Encode(b)
	}
}

// fail answers a scripted failure if one is due.
func (h *HTTP) fail(w http.ResponseWriter, req Request) bool {
	status, body, ok := h.scriptedFailure(req.Kind)
	if !ok {
		return false
	}
	if body == "" {
		body = cannedError(req.Kind, status)
	}
	h.finish(w, req, status, body)
	return true
}

func (h *HTTP) nextSeq() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return h.seq
}

// newRequest reads the body and the parts common to every API.
func newRequest(kind Kind, r *http.Request) (Request, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	req := Request{Kind: kind, Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Query: r.URL.Query(), Raw: raw}
	if err != nil {
		return req, err
	}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch media {
	case "application/x-www-form-urlencoded":
		req.Form, err = url.ParseQuery(string(raw))
	case "application/json":
		req.JSON = raw
	}
	return req, err
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func unifonicError(code, msg string) map[string]any {
	return map[string]any{"success": false, "message": msg, "errorCode": code, "data": map[string]any{}}
}

func (h *HTTP) unifonic(w http.ResponseWriter, r *http.Request) {
	req, err := newRequest(KindUnifonic, r)
	if err != nil || req.Form == nil {
		h.finish(w, req, http.StatusBadRequest, unifonicError("ER-11", "Request body must be form-encoded"))
		return
	}
	f := req.Form
	req.Recipient, req.Body, req.Sender, req.Reference = f.Get("Recipient"), f.Get("Body"), f.Get("SenderID"), f.Get("CorrelationID")
	switch {
	case f.Get("AppSid") != UnifonicAppSid:
		h.finish(w, req, http.StatusUnauthorized, unifonicError("ER-01", "Wrong AppSid"))
	case !isDigits(req.Recipient, 8, 15):
		h.finish(w, req, http.StatusBadRequest, unifonicError("ER-04", "Dest num is invalid"))
	case req.Body == "":
		h.finish(w, req, http.StatusBadRequest, unifonicError("ER-03", "Body is required"))
	case f.Get("responseType") != "JSON":
		h.finish(w, req, http.StatusBadRequest, unifonicError("ER-10", "responseType must be JSON"))
	default:
		if h.fail(w, req) {
			return
		}
		id := 42000000000000 + h.nextSeq()
		req.ProviderID = fmt.Sprint(id)
		h.finish(w, req, http.StatusOK, map[string]any{
			"success": true, "message": "", "errorCode": "ER-00",
			"data": map[string]any{
				"MessageID": id, "CorrelationID": req.Reference, "Status": "Sent",
				"NumberOfUnits": 1, "Cost": 0.05, "Balance": 1000, "Recipient": req.Recipient,
				"TimeCreated": time.Now().UTC().Format("2006-01-02 15:04:05.000"), "CurrencyCode": "SAR",
			},
		})
	}
}

func twilioError(status, code int, msg string) map[string]any {
	return map[string]any{
		"code": code, "message": msg, "status": status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
	}
}

func (h *HTTP) twilio(w http.ResponseWriter, r *http.Request) {
	req, err := newRequest(KindTwilio, r)
	user, pass, hasAuth := r.BasicAuth()
	if !hasAuth || user != TwilioAccountSID || pass != TwilioAuthToken || r.PathValue("sid") != TwilioAccountSID {
		h.finish(w, req, http.StatusUnauthorized, twilioError(401, 20003, "Authenticate"))
		return
	}
	if err != nil || req.Form == nil {
		h.finish(w, req, http.StatusBadRequest, twilioError(400, 21602, "Message body is required."))
		return
	}
	f := req.Form
	req.Recipient, req.Body, req.StatusCallback = f.Get("To"), f.Get("Body"), f.Get("StatusCallback")
	req.Sender = f.Get("MessagingServiceSid")
	if req.Sender == "" {
		req.Sender = f.Get("From")
	}
	switch {
	case !strings.HasPrefix(req.Recipient, "+") || !isDigits(req.Recipient[1:], 7, 15):
		h.finish(w, req, http.StatusBadRequest, twilioError(400, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", req.Recipient)))
	case req.Sender == "":
		h.finish(w, req, http.StatusBadRequest, twilioError(400, 21603, "A 'From' phone number is required."))
	case req.Body == "":
		h.finish(w, req, http.StatusBadRequest, twilioError(400, 21602, "Message body is required."))
	default:
		if h.fail(w, req) {
			return
		}
		sid := fmt.Sprintf("SM%032x", h.nextSeq())
		req.ProviderID = sid
		now := time.Now().UTC().Format(time.RFC1123Z)
		status := "queued"
		var from, service any
		if s := f.Get("MessagingServiceSid"); s != "" {
			status, service = "accepted", s
		} else {
			from = f.Get("From")
		}
		uri := "/2010-04-01/Accounts/" + TwilioAccountSID + "/Messages/" + sid
		h.finish(w, req, http.StatusCreated, map[string]any{
			"account_sid": TwilioAccountSID, "api_version": "2010-04-01", "body": req.Body,
			"date_created": now, "date_sent": nil, "date_updated": now, "direction": "outbound-api",
			"error_code": nil, "error_message": nil, "from": from, "messaging_service_sid": service,
			"num_media": "0", "num_segments": "1", "price": nil, "price_unit": "USD",
			"sid": sid, "status": status, "to": req.Recipient, "uri": uri + ".json",
			"subresource_uris": map[string]string{"media": uri + "/Media.json"},
		})
	}
}

func whatsAppError(code int, typ, msg string) map[string]any {
	return map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUvW",
	}}
}

type waRequest struct {
	MessagingProduct string `json:"messaging_product"`
	To               string `json:"to"`
	Type             string `json:"type"`
	Text             *struct {
		Body string `json:"body"`
	} `json:"text"`
	Template *struct {
		Name     string `json:"name"`
		Language struct {
			Code string `json:"code"`
		} `json:"language"`
		Components []struct {
			Type       string `json:"type"`
			Parameters []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"parameters"`
		} `json:"components"`
	} `json:"template"`
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data"`
}

func (h *HTTP) whatsapp(w http.ResponseWriter, r *http.Request) {
	req, err := newRequest(KindWhatsApp, r)
	if r.Header.Get("Authorization") != "Bearer "+WhatsAppAccessToken {
		h.finish(w, req, http.StatusUnauthorized, whatsAppError(190, "OAuthException", "Invalid OAuth access token - Cannot parse access token"))
		return
	}
	if phone := r.PathValue("phone"); phone != WhatsAppPhoneNumberID {
		h.finish(w, req, http.StatusBadRequest, whatsAppError(100, "GraphMethodException",
			fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", phone)))
		return
	}
	var body waRequest
	if err != nil || req.JSON == nil || json.Unmarshal(req.JSON, &body) != nil {
		h.finish(w, req, http.StatusBadRequest, whatsAppError(100, "OAuthException", "(#100) The parameter messaging_product is required."))
		return
	}
	req.Recipient, req.Reference = body.To, body.BizOpaqueCallbackData
	invalid := ""
	switch {
	case body.MessagingProduct != "whatsapp":
		invalid = "(#100) The parameter messaging_product is required."
	case !isDigits(body.To, 7, 15):
		invalid = "(#100) Invalid parameter: to"
	case body.Type == "text" && body.Text != nil && body.Text.Body != "":
		req.Body = body.Text.Body
	case body.Type == "template" && body.Template != nil && body.Template.Name != "" && body.Template.Language.Code != "":
		req.Template, req.Lang = body.Template.Name, body.Template.Language.Code
		for _, c := range body.Template.Components {
			if c.Type != "body" {
				continue
			}
			for _, p := range c.Parameters {
				req.Params = append(req.Params, p.Text)
			}
		}
	default:
		invalid = "(#100) Invalid parameter"
	}
	if invalid != "" {
		h.finish(w, req, http.StatusBadRequest, whatsAppError(100, "OAuthException", invalid))
		return
	}
	if h.fail(w, req) {
		return
	}
	id := "wamid." + base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("HBgM%s%016X", body.To, h.nextSeq())))
	req.ProviderID = id
	msg := map[string]any{"id": id}
	if body.Type == "template" {
		msg["message_status"] = "accepted"
	}
	h.finish(w, req, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []map[string]string{{"input": body.To, "wa_id": body.To}},
		"messages":          []map[string]any{msg},
	})
}

// gateway accepts anything under /gateway/ and guesses the fields from common names
// (to/recipient/mobile/phone, text/body/message, id/reference) in the query, form or
// top-level JSON; the raw request is recorded for exact assertions.
func (h *HTTP) gateway(w http.ResponseWriter, r *http.Request) {
	req, err := newRequest(KindGateway, r)
	if err != nil {
		h.finish(w, req, http.StatusBadRequest, map[string]string{"status": "error", "message": "unreadable request"})
		return
	}
	fields := map[string]string{}
	for k, v := range req.Query {
		fields[strings.ToLower(k)] = v[0]
	}
	for k, v := range req.Form {
		fields[strings.ToLower(k)] = v[0]
	}
	if req.JSON != nil {
		var obj map[string]any
		if json.Unmarshal(req.JSON, &obj) != nil {
			h.finish(w, req, http.StatusBadRequest, map[string]string{"status": "error", "message": "invalid JSON"})
			return
		}
		for k, v := range obj {
			if s, ok := v.(string); ok {
				fields[strings.ToLower(k)] = s
			}
		}
	}
	req.Recipient = firstOf(fields, "to", "recipient", "mobile", "phone", "number", "msisdn")
	req.Body = firstOf(fields, "text", "body", "message", "msg", "content")
	req.Reference = firstOf(fields, "id", "reference", "ref", "correlation_id")
	if req.Recipient == "" || req.Body == "" {
		h.finish(w, req, http.StatusBadRequest, map[string]string{"status": "error", "message": "recipient and text are required"})
		return
	}
	if h.fail(w, req) {
		return
	}
	req.ProviderID = fmt.Sprintf("gw-%d", h.nextSeq())
	h.finish(w, req, http.StatusOK, map[string]string{"status": "ok", "message_id": req.ProviderID})
}

func firstOf(fields map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := fields[k]; v != "" {
			return v
		}
	}
	return ""
}

// cannedError is the provider's own error body for a scripted failure.
func cannedError(kind Kind, status int) string {
	var body any
	switch kind {
	case KindUnifonic:
		switch {
		case status == http.StatusTooManyRequests:
			body = unifonicError("ER-429", "Too many requests")
		case status >= 500:
			body = unifonicError("ER-500", "Internal server error")
		default:
			body = unifonicError("ER-01", "Wrong AppSid")
		}
	case KindTwilio:
		switch {
		case status == http.StatusTooManyRequests:
			body = twilioError(status, 20429, "Too Many Requests")
		case status >= 500:
			body = twilioError(status, 20500, "An internal server error has occurred")
		default:
			body = twilioError(status, 21211, "The 'To' number is not a valid phone number.")
		}
	case KindWhatsApp:
		switch {
		case status == http.StatusTooManyRequests:
			body = whatsAppError(130429, "OAuthException", "Rate limit hit")
		case status >= 500:
			body = whatsAppError(131000, "OAuthException", "Something went wrong")
		default:
			body = whatsAppError(131030, "OAuthException", "Recipient phone number not in allowed list")
		}
	default:
		body = map[string]string{"status": "error", "message": "gateway failure"}
	}
	b, _ := json.Marshal(body)
	return string(b)
}
