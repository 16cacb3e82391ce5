package provider_test

import (
	"errors"
	"testing"

	"px360/app/notify/provider"
)

// wantFailure asserts err is a *provider.Error with the given classification; empty
// code or reason are not checked.
func wantFailure(t *testing.T, err error, permanent bool, status int, code, reason string) {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *provider.Error", err)
	}
	if pe.Permanent != permanent || provider.IsPermanent(err) != permanent {
		t.Errorf("permanent = %v, want %v (%v)", pe.Permanent, permanent, err)
	}
	if pe.Status != status {
		t.Errorf("status = %d, want %d", pe.Status, status)
	}
	if code != "" && pe.Code != code {
		t.Errorf("code = %q, want %q", pe.Code, code)
	}
	if reason != "" && pe.Reason != reason {
		t.Errorf("reason = %q, want %q", pe.Reason, reason)
	}
}
