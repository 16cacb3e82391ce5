package views

import (
	"strconv"
	"testing"

	"px360/app"
	"px360/app/callcenter"
)

// TestCallCenterNamesAreTranslated checks the message families the call-center and
// appreciation screens build from values: every value the product can hold has a name.
func TestCallCenterNamesAreTranslated(t *testing.T) {
	var want []string
	for _, c := range app.CallTypes {
		want = append(want, "call.type."+string(c))
	}
	for n := 1; n <= 5; n++ {
		want = append(want, "call.rating."+strconv.Itoa(n))
	}
	for _, c := range callcenter.CallColumns {
		if c != "department" {
			want = append(want, "call.column."+c)
		}
	}
	for _, k := range app.SenderKinds {
		want = append(want, "appreciation.kind."+string(k), "appreciation.from_kind."+string(k))
	}
	for _, v := range app.Visibilities {
		want = append(want, "appreciation.visibility."+string(v), "appreciation.visibility_help."+string(v))
	}
	for _, s := range app.AppreciationStatuses {
		want = append(want, "appreciation.status."+string(s))
	}
	for _, b := range app.BadgeCodes {
		want = append(want, "badge."+string(b))
	}
	for _, key := range want {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s has no translation", key)
		}
	}
}

func TestDuration(t *testing.T) {
	for sec, want := range map[int]string{0: "0:00", 95: "1:35", 3600: "1:00:00", 3725: "1:02:05"} {
		if got := Duration(sec); got != want {
			t.Errorf("Duration(%d) = %s, want %s", sec, got, want)
		}
		if back, ok := app.ParseSeconds(Duration(sec)); !ok || back != sec {
			t.Errorf("ParseSeconds(Duration(%d)) = %d %v", sec, back, ok)
		}
	}
}
