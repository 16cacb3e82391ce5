package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponseBody caps how much of a provider's answer we read; real answers are a few
// hundred bytes, and an endless body must not exhaust memory.
const maxResponseBody = 64 << 10

// defaultHTTPTimeout bounds a whole request when the caller gives no client.
const defaultHTTPTimeout = 15 * time.Second

// httpClient returns c, or a client with a 15 s timeout when c is nil.
func httpClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: defaultHTTPTimeout}
}

// roundTrip sends req and returns the status and at most maxResponseBody bytes of the
// body. Failures to reach the provider or to read its answer are transient *Errors.
func roundTrip(client *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, transportError(req.Context(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		e := transportError(req.Context(), err)
		e.Status = resp.StatusCode
		return resp.StatusCode, nil, e
	}
	// Drain a little more so the connection can be reused; give up on huge bodies.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	return resp.StatusCode, body, nil
}

// transportError wraps a network or context failure as a transient *Error. The request
// URL is left out of the reason because gateway URLs may carry credentials.
func transportError(ctx context.Context, err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = errors.Join(ctxErr, err)
	}
	return &Error{Reason: err.Error(), cause: err}
}

// newRequest builds a request with a body and content type.
func newRequest(ctx context.Context, method, target, contentType, body string) (*http.Request, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// snippet shortens a response body for use as a reason.
func snippet(body []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), ""))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
