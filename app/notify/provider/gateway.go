package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// GatewayConfig describes a local SMS gateway's HTTP API so hospitals can use the
// aggregator they already have. URL and Body are templates with the placeholders
// {{to}} (E.164 with "+"), {{to_digits}}, {{body}}, {{id}} and {{lang}}.
type GatewayConfig struct {
	// Method is "POST" (default) or "GET". With GET the parameters go only in the URL.
	Method string `json:"method"`
	// URL is the endpoint template; substituted values are query-escaped.
	// It may carry credentials. Secret: store encrypted.
	URL string `json:"url"`
	// Format of a POST body: "form" (default) or "json".
	Format string `json:"format"`
	// Body is the POST body template. For "form", key=value pairs on separate lines or
	// joined by "&"; values are substituted then form-encoded. For "json", JSON text
	// whose placeholders sit inside strings; values are JSON-string-escaped.
	Body string `json:"body"`
	// Headers are sent with every request, e.g. an API key. Secret: store encrypted.
	Headers map[string]string `json:"headers"`
	// SuccessStatus is the HTTP status meaning accepted; 0 means any 2xx.
	SuccessStatus int `json:"success_status"`
	// SuccessContains, when set, must appear in the response body for a success.
	SuccessContains string `json:"success_contains"`
	// IDField names a top-level JSON field of the response holding the gateway's
	// message id (string or number).
	IDField string `json:"id_field"`
}

// Gateway sends SMS through a configurable HTTP gateway.
type Gateway struct {
	cfg    GatewayConfig
	method string
	json   bool
	pairs  [][2]string // form body: key and value template
	client *http.Client
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]*)\s*\}\}`)

var gatewayPlaceholders = map[string]bool{"to": true, "to_digits": true, "body": true, "id": true, "lang": true}

// NewGateway checks cfg, including every placeholder and the shape of the body
// template, and returns a sender; a nil client means a 15 s timeout client.
func NewGateway(cfg GatewayConfig, client *http.Client) (*Gateway, error) {
	g := &Gateway{cfg: cfg, client: httpClient(client)}
	switch strings.ToUpper(strings.TrimSpace(cfg.Method)) {
	case "", http.MethodPost:
		g.method = http.MethodPost
	case http.MethodGet:
		g.method = http.MethodGet
	default:
		return nil, fmt.Errorf("gateway: method must be POST or GET")
	}
	switch strings.ToLower(strings.TrimSpace(cfg.Format)) {
	case "", "form":
	case "json":
		g.json = true
	default:
		return nil, fmt.Errorf("gateway: format must be form or json")
	}
	for _, field := range []struct{ name, tmpl string }{{"url", cfg.URL}, {"body", cfg.Body}} {
		if err := checkPlaceholders(field.tmpl); err != nil {
			return nil, fmt.Errorf("gateway: %s: %w", field.name, err)
		}
	}
	if strings.TrimSpace(cfg.URL) == "" {
		return nil, fmt.Errorf("gateway: url is required")
	}
	sample := Message{ID: "id", To: "+966500000000", Lang: "en", Body: "x"}
	if err := checkHTTPURL(g.url(sample)); err != nil {
		return nil, fmt.Errorf("gateway: url: %w", err)
	}
	if g.method == http.MethodGet && strings.TrimSpace(cfg.Body) != "" {
		return nil, fmt.Errorf("gateway: body must be empty for GET; put the parameters in the url")
	}
	if g.method == http.MethodPost {
		if strings.TrimSpace(cfg.Body) == "" {
			return nil, fmt.Errorf("gateway: body is required for POST")
		}
		if g.json {
			sample.Body = "a \"quoted\"\nline"
			if !json.Valid([]byte(g.jsonBody(sample))) {
				return nil, fmt.Errorf("gateway: body is not valid JSON with placeholders inside strings")
			}
		} else {
			pairs, err := parseFormTemplate(cfg.Body)
			if err != nil {
				return nil, fmt.Errorf("gateway: body: %w", err)
			}
			g.pairs = pairs
		}
	}
	for k := range cfg.Headers {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") || strings.ContainsAny(cfg.Headers[k], "\r\n") {
			return nil, fmt.Errorf("gateway: header %q is not a valid header", k)
		}
	}
	if cfg.SuccessStatus != 0 && (cfg.SuccessStatus < 100 || cfg.SuccessStatus > 599) {
		return nil, fmt.Errorf("gateway: success_status must be an HTTP status or 0")
	}
	return g, nil
}

func checkPlaceholders(tmpl string) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(tmpl, -1) {
		if !gatewayPlaceholders[m[1]] {
			return fmt.Errorf("unknown placeholder %s (use {{to}}, {{to_digits}}, {{body}}, {{id}} or {{lang}})", m[0])
		}
	}
	return nil
}

// parseFormTemplate splits "a=1&b={{to}}" or one pair per line into pairs.
func parseFormTemplate(tmpl string) ([][2]string, error) {
	var pairs [][2]string
	for _, line := range strings.Split(strings.ReplaceAll(tmpl, "\r\n", "\n"), "\n") {
		for _, part := range strings.Split(line, "&") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return nil, fmt.Errorf("%q is not a key=value pair", part)
			}
			pairs = append(pairs, [2]string{k, strings.TrimSpace(v)})
		}
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no key=value pairs")
	}
	return pairs, nil
}

// substitute replaces the placeholders of tmpl with m's values passed through escape.
func substitute(tmpl string, m Message, escape func(string) string) string {
	digits := strings.TrimPrefix(m.To, "+")
	return placeholderRE.ReplaceAllStringFunc(tmpl, func(ph string) string {
		var v string
		switch placeholderRE.FindStringSubmatch(ph)[1] {
		case "to":
			v = "+" + digits
		case "to_digits":
			v = digits
		case "body":
			v = m.Body
		case "id":
			v = m.ID
		case "lang":
			v = m.Lang
		}
		return escape(v)
	})
}

func (g *Gateway) url(m Message) string {
	return substitute(strings.TrimSpace(g.cfg.URL), m, url.QueryEscape)
}

func (g *Gateway) formBody(m Message) string {
	var b strings.Builder
	for i, p := range g.pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(substitute(p[1], m, func(s string) string { return s })))
	}
	return b.String()
}

func (g *Gateway) jsonBody(m Message) string {
	return substitute(g.cfg.Body, m, jsonEscape)
}

// jsonEscape returns s escaped for use inside a JSON string, without the quotes.
func jsonEscape(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := bytes.TrimSpace(buf.Bytes())
	return string(out[1 : len(out)-1])
}

// Send makes one request to the gateway. Success is the configured status (or any
// 2xx) and, when configured, the marker text in the body; a success status without
// the marker is a permanent failure.
func (g *Gateway) Send(ctx context.Context, m Message) (Result, error) {
	digits, err := e164Digits(m.To)
	if err != nil {
		return Result{}, fmt.Errorf("gateway: %w", err)
	}
	if m.Body == "" {
		return Result{}, fmt.Errorf("gateway: %w", invalidMessage("empty body"))
	}
	m.To = "+" + digits
	var body, contentType string
	if g.method == http.MethodPost {
		if g.json {
			body, contentType = g.jsonBody(m), "application/json; charset=utf-8"
		} else {
			body, contentType = g.formBody(m), "application/x-www-form-urlencoded"
		}
	}
	req, err := newRequest(ctx, g.method, g.url(m), contentType, body)
	if err != nil {
		return Result{}, fmt.Errorf("gateway: %w", invalidMessage("bad request URL"))
	}
	req.Header.Del("Accept")
	for k, v := range g.cfg.Headers {
		req.Header.Set(k, v)
	}
	status, respBody, err := roundTrip(g.client, req)
	if err != nil {
		return Result{}, fmt.Errorf("gateway: %w", err)
	}
	statusOK := status >= 200 && status <= 299
	if g.cfg.SuccessStatus != 0 {
		statusOK = status == g.cfg.SuccessStatus
	}
	if !statusOK {
		reason := gatewayReason(respBody)
		e := statusError(status, "", reason)
		if status >= 200 && status <= 299 {
			e.Permanent = true // an unexpected success code: the gateway's contract is broken
		}
		return Result{}, fmt.Errorf("gateway: %w", e)
	}
	if g.cfg.SuccessContains != "" && !bytes.Contains(respBody, []byte(g.cfg.SuccessContains)) {
		reason := gatewayReason(respBody)
		if reason == "" {
			reason = "response lacks the success marker"
		}
		return Result{}, fmt.Errorf("gateway: %w", &Error{Permanent: true, Status: status, Reason: reason})
	}
	return Result{ProviderID: g.providerID(respBody), HTTPStatus: status}, nil
}

func (g *Gateway) providerID(body []byte) string {
	if g.cfg.IDField == "" {
		return ""
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	raw, ok := fields[g.cfg.IDField]
	if !ok {
		return ""
	}
	var id flexibleID
	if json.Unmarshal(raw, &id) != nil {
		return ""
	}
	return string(id)
}

// gatewayReason picks a message out of a JSON error body, or returns the body text.
func gatewayReason(body []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		for _, k := range []string{"message", "error_description", "error", "detail", "description", "status"} {
			var s string
			if json.Unmarshal(fields[k], &s) == nil && s != "" {
				return s
			}
			var nested struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(fields[k], &nested) == nil && nested.Message != "" {
				return nested.Message
			}
		}
	}
	return snippet(body)
}
