package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is a failed send. Permanent means the same message would fail again (a bad
// number, a rejected mailbox, wrong credentials), so the caller should stop retrying;
// otherwise the failure may pass (timeouts, 5xx, 429, SMTP 4xx) and a retry can help.
type Error struct {
	Permanent bool
	Status    int    // HTTP status or SMTP reply code; 0 when the provider never answered
	Code      string // provider error code (Twilio "21211", Unifonic "ER-01", WhatsApp "131030"), or "invalid_message" when refused before sending
	Reason    string // the provider's own message text when it gave one
	cause     error  // network or context error behind a transient failure
}

// Error describes the failure in one line, e.g.
// "permanent failure: status 400 code 21211: The 'To' number is not a valid phone number.".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Permanent {
		b.WriteString("permanent failure")
	} else {
		b.WriteString("transient failure")
	}
	sep := ": "
	if e.Status != 0 {
		fmt.Fprintf(&b, "%sstatus %d", sep, e.Status)
		sep = " "
	}
	if e.Code != "" {
		fmt.Fprintf(&b, "%scode %s", sep, e.Code)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns the network or context error behind a transient failure, so
// errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.cause }

// IsPermanent reports whether err is, or wraps, a permanent *Error: retrying the same
// message cannot succeed.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// invalidMessage is the permanent error for a message no provider could accept.
func invalidMessage(format string, args ...any) *Error {
	return &Error{Permanent: true, Code: "invalid_message", Reason: fmt.Sprintf(format, args...)}
}

// statusError classifies a non-success HTTP answer: 4xx except 408 and 429 is
// permanent, everything else transient.
func statusError(status int, code, reason string) *Error {
	if reason == "" {
		reason = http.StatusText(status)
	}
	return &Error{Permanent: permanentStatus(status), Status: status, Code: code, Reason: reason}
}

func permanentStatus(status int) bool {
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
}
