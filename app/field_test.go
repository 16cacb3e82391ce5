package app

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"+966 50 123-4567": "+966501234567", "٠٥٠١٢٣٤٥٦٧": "0501234567", "(050) 1234567": "0501234567"} {
		fe := FieldErrors{}
		if got := NormalizePhone(fe, "phone", in); got != want || len(fe) != 0 {
			t.Errorf("%q → %q %v, want %q", in, got, fe, want)
		}
	}
	for _, bad := range []string{"123", "050x1234567", "+9665012345678901", "05+01234567"} {
		fe := FieldErrors{}
		NormalizePhone(fe, "phone", bad)
		if fe["phone"] != "err.phone_invalid" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSpreadsheetSafe(t *testing.T) {
	got := SpreadsheetSafe([]string{"=HYPERLINK(\"x\")", "+966501234567", "-5", "@sum", "\tx", "plain", ""})
	want := []string{"'=HYPERLINK(\"x\")", "+966501234567", "'-5", "'@sum", "'\tx", "plain", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q, want %q", got, want)
	}
}

func TestTextFields(t *testing.T) {
	fe := FieldErrors{}
	if RequiredText(fe, "a", "  x ", 5) != "x" || RequiredText(fe, "b", " ", 5) != "" || OptionalText(fe, "c", "toolong", 3) != "toolong" {
		t.Fatal("trimming")
	}
	if fe["a"] != "" || fe["b"] != "err.required" || fe["c"] != "err.too_long" {
		t.Fatalf("errors %v", fe)
	}
}
