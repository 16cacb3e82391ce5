package provider

import "strings"

// e164Digits returns the digits of an E.164 number written with or without a leading
// "+", the form Unifonic and WhatsApp expect.
func e164Digits(to string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(to), "+")
	if len(s) < 7 || len(s) > 15 {
		return "", invalidMessage("recipient is not an E.164 number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", invalidMessage("recipient is not an E.164 number")
		}
	}
	return s, nil
}
