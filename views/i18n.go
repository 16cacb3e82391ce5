package views

import (
	"fmt"
	"strings"
)

// T returns the message for key in lang ("en" or "ar"), formatted with args. A missing
// key returns the key itself (a test keeps the catalog complete in both languages).
func T(lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	s := m.en
	if lang == "ar" {
		s = m.ar
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// PickLanguage returns "ar" or "en" from an Accept-Language header (first supported wins).
func PickLanguage(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.SplitN(tag, "-", 2)[0]) {
		case "ar":
			return "ar"
		case "en":
			return "en"
		}
	}
	return "en"
}

type message struct{ en, ar string }
