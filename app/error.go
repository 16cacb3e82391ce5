package app

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. The web layer maps each to an HTTP status in one place.
const (
	ENotFound     = "not_found"
	EInvalid      = "invalid"
	EForbidden    = "forbidden"
	EConflict     = "conflict"
	EUnauthorized = "unauthorized"
	ELocked       = "locked"
	ERateLimited  = "rate_limited"
	ETooLarge     = "too_large"
	EInternal     = "internal"
)

// Error is a domain error a user may see. Message is a message-catalog key when it
// starts with "err.", so views can show it in the reader's language.
type Error struct {
	Code    string
	Message string
	Fields  FieldErrors
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, map[string]string(e.Fields))
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "err.internal"
}

// FieldErrors maps a form or JSON field name to a message-catalog key ("err.required").
type FieldErrors map[string]string

// Add records msg for field unless the field already has an error.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when there are no field errors, else an EInvalid *Error holding them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "err.invalid_form", Fields: f}
}

// Names returns the fields with errors in a stable order.
func (f FieldErrors) Names() []string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Fields returns the field errors carried by err, or nil.
func Fields(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrNotFound is the shared "no such record (that you may see)" error. Records outside
// a user's hospitals are reported as not found, so their existence does not leak.
var ErrNotFound = &Error{Code: ENotFound, Message: "err.not_found"}

// ErrForbidden is returned when the user lacks the permission for an operation.
var ErrForbidden = &Error{Code: EForbidden, Message: "err.forbidden"}
