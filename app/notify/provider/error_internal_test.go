package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestStatusErrorClassification(t *testing.T) {
	tests := []struct {
		status        int
		wantPermanent bool
	}{
		{400, true}, {401, true}, {403, true}, {404, true}, {422, true},
		{408, false}, {429, false}, {500, false}, {502, false}, {503, false}, {504, false}, {302, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			e := statusError(tc.status, "", "")
			if e.Permanent != tc.wantPermanent {
				t.Errorf("permanent = %v, want %v", e.Permanent, tc.wantPermanent)
			}
			if e.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestErrorTextAndWrapping(t *testing.T) {
	e := &Error{Permanent: true, Status: 400, Code: "21211", Reason: "The 'To' number is not a valid phone number."}
	if got, want := e.Error(), "permanent failure: status 400 code 21211: The 'To' number is not a valid phone number."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("twilio: %w", e)
	if !IsPermanent(wrapped) {
		t.Error("IsPermanent lost the wrapped error")
	}
	if IsPermanent(errors.New("plain")) || IsPermanent(nil) {
		t.Error("IsPermanent is true for a non-provider error")
	}
	te := transportError(context.Background(), fmt.Errorf("dial: %w", context.DeadlineExceeded))
	if te.Permanent || !errors.Is(te, context.DeadlineExceeded) {
		t.Errorf("transport error %v: permanent %v, wraps deadline %v", te, te.Permanent, errors.Is(te, context.DeadlineExceeded))
	}
	if got := (&Error{Reason: "connection refused"}).Error(); got != "transient failure: connection refused" {
		t.Errorf("Error() = %q", got)
	}
}

func TestE164Digits(t *testing.T) {
	for in, want := range map[string]string{"+966501234567": "966501234567", "966501234567": "966501234567", " +15005550006 ": "15005550006"} {
		if got, err := e164Digits(in); err != nil || got != want {
			t.Errorf("e164Digits(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "+", "+96650-123-4567", "+٩٦٦٥٠١٢٣٤٥٦٧", "+1234", "+1234567890123456"} {
		if _, err := e164Digits(in); !IsPermanent(err) {
			t.Errorf("e164Digits(%q) err = %v, want permanent", in, err)
		}
	}
}
