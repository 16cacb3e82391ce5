package app

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestE164(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      error
	}{
		{"0501234567", "+966501234567", nil},
		{"050 123 4567", "+966501234567", nil},
		{"٠٥٠١٢٣٤٥٦٧", "+966501234567", nil},
		{"501234567", "+966501234567", nil},
		{"966501234567", "+966501234567", nil},
		{"+966501234567", "+966501234567", nil},
		{"+966 (50) 123-4567", "+966501234567", nil},
		{"00966501234567", "+966501234567", nil},
		{"+9660501234567", "+966501234567", nil},
		{"+447700900123", "+447700900123", nil},
		{"0044 7700 900123", "+447700900123", nil},
		{"", "", ErrPhoneEmpty},
		{"05012x4567", "", ErrPhoneCharacters},
		{"050123456", "", ErrPhoneNotMobile},
		{"0112345678", "", ErrPhoneNotMobile},
		{"+966112345678", "", ErrPhoneNotMobile},
		{"+96650123456", "", ErrPhoneLength},
		{"12345", "", ErrPhoneLocal},
		{"+12", "", ErrPhoneLength},
	} {
		got, err := E164(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("E164(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestQuietHours(t *testing.T) {
	riy := Riyadh()
	r := DefaultContactRules(1)
	for _, c := range []struct {
		at    time.Time
		quiet bool
		until time.Time
	}{
		{time.Date(2026, 11, 27, 21, 59, 0, 0, riy), false, time.Time{}},
		{time.Date(2026, 11, 27, 22, 0, 0, 0, riy), true, time.Date(2026, 11, 28, 8, 0, 0, 0, riy)},
		{time.Date(2026, 11, 28, 3, 30, 0, 0, riy), true, time.Date(2026, 11, 28, 8, 0, 0, 0, riy)},
		{time.Date(2026, 11, 28, 8, 0, 0, 0, riy), false, time.Time{}},
	} {
		q, until := r.Quiet(c.at.UTC(), riy)
		if q != c.quiet || !until.Equal(c.until) {
			t.Errorf("Quiet(%v) = %v %v, want %v %v", c.at, q, until, c.quiet, c.until)
		}
	}
	day := ContactRules{QuietStart: 60, QuietEnd: 360}
	if q, until := day.Quiet(time.Date(2026, 1, 1, 2, 0, 0, 0, riy), riy); !q || until.Hour() != 6 {
		t.Errorf("same-day window: %v %v", q, until)
	}
	if q, _ := (ContactRules{}).Quiet(time.Now(), riy); q {
		t.Error("equal start and end means no quiet hours")
	}
}

func TestTemplateVarsAndRender(t *testing.T) {
	vars, err := TemplateVars("Dear {{patient_name}}, code {{ tracking_code }} ({{patient_name}})")
	if err != nil || !slices.Equal(vars, []string{"patient_name", "tracking_code"}) {
		t.Fatalf("vars = %v, %v", vars, err)
	}
	for _, bad := range []string{"{{patient_name", "x }}", "{{Patient}}", "{{}}", "{{a b}}"} {
		if _, err := TemplateVars(bad); err == nil {
			t.Errorf("TemplateVars(%q) accepted", bad)
		}
	}
	got := RenderTemplate("مرحباً {{patient_name}}، {{missing}}!", map[string]string{"patient_name": "محمد"})
	if got != "مرحباً محمد، !" {
		t.Errorf("render = %q", got)
	}
}

func TestTemplateValidateRejectsUnknownVariables(t *testing.T) {
	tp := Template{Key: NotifyComplaintAcknowledged, Channel: ChannelSMS, BodyEN: "code {{tracking_code}} {{survey_link}}"}
	fe := tp.Validate()
	if fe["body_en"] != "err.template_unknown_var" {
		t.Fatalf("unknown variable not rejected: %v", fe)
	}
	tp.BodyEN = "code {{tracking_code}}"
	if fe := tp.Validate(); len(fe) != 0 {
		t.Fatalf("valid template refused: %v", fe)
	}
}

func TestEveryDefaultTemplateIsValid(t *testing.T) {
	for _, k := range NotificationKinds {
		for _, ch := range Channels {
			tp := DefaultTemplate(k.Key, ch)
			if tp.BodyEN == "" || tp.BodyAR == "" || tp.SubjectEN == "" || tp.SubjectAR == "" {
				t.Errorf("%s/%s: default text missing", k.Key, ch)
			}
			if fe := tp.Validate(); len(fe) != 0 {
				t.Errorf("%s/%s: default template invalid: %v", k.Key, ch, fe)
			}
		}
	}
}
