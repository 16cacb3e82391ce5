package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func embedded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := static.ReadFile("static/" + name)
	if err != nil {
		t.Fatalf("read embedded %s: %v", name, err)
	}
	return b
}

func TestURL(t *testing.T) {
	a := New()
	for _, name := range []string{"app.css", "app.js"} {
		t.Run(name, func(t *testing.T) {
			got := a.URL(name)
			sum := sha256.Sum256(embedded(t, name))
			want := "/assets/" + hex.EncodeToString(sum[:])[:12] + "/" + name
			if got != want {
				t.Errorf("URL(%q) = %q, want %q", name, got, want)
			}
			if again := a.URL(name); again != got {
				t.Errorf("URL(%q) changed between calls: %q then %q", name, got, again)
			}
			if other := New().URL(name); other != got {
				t.Errorf("URL(%q) differs between instances: %q and %q", name, got, other)
			}
		})
	}
	if a.URL("app.css") == a.URL("app.js") {
		t.Error("different files share a URL")
	}
}

func TestURLPanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("URL of an unknown asset did not panic")
		}
	}()
	New().URL("missing.css")
}

func TestHandler(t *testing.T) {
	a := New()
	css, js := embedded(t, "app.css"), embedded(t, "app.js")
	cssURL, jsURL := a.URL("app.css"), a.URL("app.js")
	cssETag := `"` + strings.Split(cssURL, "/")[2] + `"`

	tests := []struct {
		name        string
		method      string
		target      string
		header      map[string]string
		status      int
		contentType string
		cache       string
		encoding    string
		body        []byte // nil: not checked
		directOnly  bool   // ServeMux redirects this path itself before the handler runs
	}{
		{
			name: "current stylesheet is immutable", method: "GET", target: cssURL,
			status: 200, contentType: "text/css; charset=utf-8", cache: cacheImmutable, body: css,
		},
		{
			name: "current script is immutable", method: "GET", target: jsURL,
			status: 200, contentType: "text/javascript; charset=utf-8", cache: cacheImmutable, body: js,
		},
		{
			name: "stale hash serves current content for revalidation", method: "GET", target: "/assets/000000000000/app.css",
			status: 200, contentType: "text/css; charset=utf-8", cache: cacheRevalidate, body: css,
		},
		{
			name: "gzip when accepted", method: "GET", target: cssURL,
			header: map[string]string{"Accept-Encoding": "br, gzip;q=0.8"},
			status: 200, contentType: "text/css; charset=utf-8", cache: cacheImmutable, encoding: "gzip", body: css,
		},
		{
			name: "no gzip when refused", method: "GET", target: cssURL,
			header: map[string]string{"Accept-Encoding": "gzip;q=0, deflate"},
			status: 200, contentType: "text/css; charset=utf-8", cache: cacheImmutable, body: css,
		},
		{
			name: "matching etag is not modified", method: "GET", target: cssURL,
			header: map[string]string{"If-None-Match": cssETag},
			status: 304, cache: cacheImmutable, body: []byte{},
		},
		{
			name: "head has headers and no body", method: "HEAD", target: cssURL,
			status: 200, contentType: "text/css; charset=utf-8", cache: cacheImmutable, body: []byte{},
		},
		{
			name: "unknown name is not found", method: "GET", target: "/assets/000000000000/evil.css",
			status: 404,
		},
		{
			name: "unknown name with a current-looking hash is not found", method: "GET",
			target: strings.Replace(cssURL, "app.css", "app.css.map", 1),
			status: 404,
		},
		{
			name: "missing hash is not found", method: "GET", target: "/assets/app.css",
			status: 404, directOnly: true,
		},
		{
			name: "empty name is not found", method: "GET", target: "/assets/app.css/",
			status: 404,
		},
		{
			name: "path outside the prefix is not found", method: "GET", target: "/static/app.css",
			status: 404,
		},
		{
			name: "post is not allowed", method: "POST", target: cssURL,
			status: 405,
		},
	}

	direct := a.Handler()
	mux := http.NewServeMux()
	mux.Handle("/assets/{hash}/{name...}", a.Handler())
	mux.Handle("/", a.Handler()) // so paths the pattern misses still reach the handler
	mounts := map[string]http.Handler{"direct": direct, "mux pattern": mux}

	for mount, h := range mounts {
		for _, tt := range tests {
			if tt.directOnly && mount != "direct" {
				continue
			}
			t.Run(mount+"/"+tt.name, func(t *testing.T) {
				req := httptest.NewRequest(tt.method, tt.target, nil)
				for k, v := range tt.header {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				res := rec.Result()

				if res.StatusCode != tt.status {
					t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
				}
				if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
				}
				if tt.contentType != "" {
					if got := res.Header.Get("Content-Type"); got != tt.contentType {
						t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
					}
				}
				if tt.cache != "" {
					if got := res.Header.Get("Cache-Control"); got != tt.cache {
						t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
					}
				}
				if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
					t.Errorf("Content-Encoding = %q, want %q", got, tt.encoding)
				}
				if tt.body == nil {
					return
				}
				body := rec.Body.Bytes()
				if tt.encoding == "gzip" {
					if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
						t.Errorf("Vary = %q, want Accept-Encoding", res.Header.Get("Vary"))
					}
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatalf("gzip reader: %v", err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatalf("gunzip: %v", err)
					}
				}
				if !bytes.Equal(body, tt.body) {
					t.Errorf("body: got %d bytes, want %d bytes of the embedded file", len(body), len(tt.body))
				}
			})
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"deflate, br", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
		{"x-gzip", true},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := acceptsGzip(tt.header); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

var cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

// The stylesheet must mirror under dir="rtl" by itself, so physical left/right
// properties and values are not allowed anywhere.
func TestStylesheetUsesLogicalDirectionsOnly(t *testing.T) {
	css := cssComment.ReplaceAllString(string(embedded(t, "app.css")), "")
	physical := regexp.MustCompile(`(?i)\b(left|right)\b`)
	for i, line := range strings.Split(css, "\n") {
		if physical.MatchString(line) {
			t.Errorf("app.css line %d uses a physical direction: %s", i+1, strings.TrimSpace(line))
		}
	}
}

// The HTML authors rely on these classes and features being styled.
func TestStylesheetCoversTheAgreedClasses(t *testing.T) {
	css := cssComment.ReplaceAllString(string(embedded(t, "app.css")), "")
	required := []string{
		"body.staff", ".shell", ".sidenav", ".page", ".topbar", ".topbar-title", ".lang-switch",
		"button.link", ".user-menu", ".content", ".skip-link", ".nav-toggle", ".nav-open",
		".brand", ".nav-group", ".nav-group-title", `[aria-current="page"]`,
		"body.public", ".public-main", ".auth-card", ".public-header",
		".page-header", ".page-actions", ".muted", ".small",
		".card", ".card > h2", ".tiles", ".tile", ".tile-label", ".tile-value",
		".table-wrap", ".table", "thead th", "tbody tr", ".num", "tr:hover", "tr.clickable", ".empty",
		".filters", ".pager", ".count",
		".form", ".field", ".req", ".help", ".field-error", ".field-error::before", ".has-error",
		`[aria-invalid="true"]`, ".error-summary", ".form-actions", "fieldset", "legend", "label.check",
		".btn", ".btn-primary", ".btn-danger", ".btn-small",
		".flash", ".alert", ".notice",
		".badge", ".badge-ok", ".badge-warn", ".badge-bad", ".badge-muted",
		".ltr", ".details", ".error-page", ".code-box",
		":focus-visible", "prefers-reduced-motion", "@media print", ":lang(ar)",
		`system-ui, "Segoe UI", Tahoma, "Noto Sans Arabic", "Geeza Pro", sans-serif`,
	}
	compact := strings.Join(strings.Fields(css), " ")
	for _, sel := range required {
		if !strings.Contains(compact, sel) {
			t.Errorf("app.css does not style %s", sel)
		}
	}
	if strings.Contains(css, "@import") || strings.Contains(css, "url(http") {
		t.Error("app.css pulls in outside resources")
	}
}

// The script must run under a CSP without unsafe-eval or unsafe-inline.
func TestScriptIsCSPSafe(t *testing.T) {
	js := string(embedded(t, "app.js"))
	forbidden := []string{"eval(", "new Function", "innerHTML", "outerHTML", "document.write", "setAttribute(\"on", ".style.cssText", "javascript:"}
	for _, f := range forbidden {
		if strings.Contains(js, f) {
			t.Errorf("app.js contains %q", f)
		}
	}
	timerWithString := regexp.MustCompile(`set(Timeout|Interval)\(\s*["'\x60]`)
	if timerWithString.MatchString(js) {
		t.Error("app.js passes a string to a timer (needs unsafe-eval)")
	}
}
