package app

import (
	"strings"
	"unicode/utf8"
)

// RequiredText trims v and adds "err.required" or "err.too_long" (over maxLen runes) to fe.
func RequiredText(fe FieldErrors, field, v string, maxLen int) string {
	v = strings.TrimSpace(v)
	if v == "" {
		fe.Add(field, "err.required")
	} else if utf8.RuneCountInString(v) > maxLen {
		fe.Add(field, "err.too_long")
	}
	return v
}

// OptionalText trims v and adds "err.too_long" to fe when it is over maxLen runes.
func OptionalText(fe FieldErrors, field, v string, maxLen int) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > maxLen {
		fe.Add(field, "err.too_long")
	}
	return v
}

// NormalizePhone keeps a phone number's digits (Arabic-Indic digits typed on an Arabic
// keyboard become ASCII) with an optional leading +, dropping spaces, dashes and
// brackets; anything else, or fewer than 7 or more than 15 digits, is "err.phone_invalid".
func NormalizePhone(fe FieldErrors, field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	var b strings.Builder
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			fe.Add(field, "err.phone_invalid")
			return v
		}
	}
	if n := len(strings.TrimPrefix(b.String(), "+")); n < 7 || n > 15 {
		fe.Add(field, "err.phone_invalid")
	}
	return b.String()
}

// SpreadsheetSafe defuses export cells a spreadsheet would run as a formula (starting with
// = + - @, tab or carriage return) with a leading apostrophe; normalised phone numbers
// ("+9665…") are left as they are. It changes rec in place and returns it.
func SpreadsheetSafe(rec []string) []string {
	for i, v := range rec {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && !isPhoneNumber(v) {
			rec[i] = "'" + v
		}
	}
	return rec
}

func isPhoneNumber(v string) bool {
	return len(v) > 1 && v[0] == '+' && strings.Trim(v[1:], "0123456789") == ""
}
