package provider

import (
	"fmt"
	"net/url"
	"strings"
)

// baseURL returns raw (or def when raw is empty) without a trailing slash, checking it
// is an absolute http(s) URL.
func baseURL(provider, raw, def string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = def
	}
	if err := checkHTTPURL(raw); err != nil {
		return "", fmt.Errorf("%s: base_url: %w", provider, err)
	}
	return strings.TrimRight(raw, "/"), nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL")
	}
	return nil
}

// required returns an error naming field when v is blank.
func required(provider, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s: %s is required", provider, field)
	}
	return nil
}
