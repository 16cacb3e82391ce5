package app

import "strings"

// PhoneError says why a number cannot receive text messages. Key is a message-catalog
// key for the screens; Reason is the same in English for logs and the delivery log.
type PhoneError struct {
	Key    string
	Reason string
}

func (e *PhoneError) Error() string { return e.Reason }

// Reasons a phone number is refused.
var (
	ErrPhoneEmpty      = &PhoneError{"err.phone_empty", "no phone number"}
	ErrPhoneCharacters = &PhoneError{"err.phone_invalid", "the number has characters other than digits, spaces, dashes, brackets and a leading +"}
	ErrPhoneLength     = &PhoneError{"err.phone_length", "the number has too few or too many digits for a mobile number"}
	ErrPhoneNotMobile  = &PhoneError{"err.phone_not_mobile", "a Saudi number that is not a mobile number (mobiles start with 05)"}
	ErrPhoneLocal      = &PhoneError{"err.phone_local", "a local number without a country code that is not a Saudi mobile"}
)

// E164 normalises a mobile number to E.164 ("+9665XXXXXXXX"). Saudi numbers are accepted
// in every form people write them: 05XXXXXXXX, 5XXXXXXXX, 9665XXXXXXXX, +9665XXXXXXXX and
// 009665XXXXXXXX, with spaces, dashes, brackets and Arabic-Indic digits. Other countries
// need their code (+ or 00). A refused number returns a *PhoneError.
func E164(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ErrPhoneEmpty
	}
	var d strings.Builder
	plus := false
	for i, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r >= '٠' && r <= '٩':
			d.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹': // Persian digits, also on some keyboards
			d.WriteRune('0' + (r - '۰'))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u00a0':
		default:
			return "", ErrPhoneCharacters
		}
	}
	digits := d.String()
	switch {
	case plus:
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "966") && len(digits) == 12:
	case strings.HasPrefix(digits, "05") && len(digits) == 10:
		digits = "966" + digits[1:]
	case strings.HasPrefix(digits, "5") && len(digits) == 9:
		digits = "966" + digits
	case strings.HasPrefix(digits, "0") && len(digits) == 9, strings.HasPrefix(digits, "01"):
		return "", ErrPhoneNotMobile // a Saudi landline: 011 …, 012 …
	default:
		return "", ErrPhoneLocal
	}
	if strings.HasPrefix(digits, "9660") && len(digits) == 13 { // +966 05… written with both
		digits = "966" + digits[4:]
	}
	if strings.HasPrefix(digits, "966") {
		if len(digits) != 12 {
			return "", ErrPhoneLength
		}
		if digits[3] != '5' {
			return "", ErrPhoneNotMobile
		}
		return "+" + digits, nil
	}
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return "", ErrPhoneLength
	}
	return "+" + digits, nil
}
