package app

import (
	"testing"
	"time"
)

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "95": 95, "1:35": 95, "0:01:35": 95, "1:00:00": 3600, " 12 ": 12, "٩٥": 95} {
		if got, ok := ParseSeconds(in); !ok || got != want {
			t.Errorf("ParseSeconds(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-5", "1:5", "1:60", "a", "1:2:3:4", "1.5", "99999999999"} {
		if got, ok := ParseSeconds(in); ok {
			t.Errorf("ParseSeconds(%q) = %d, want refused", in, got)
		}
	}
}

func TestParseCallType(t *testing.T) {
	for in, want := range map[string]CallType{"Follow-up": CallFollowUp, "follow_up": CallFollowUp, " INQUIRY ": CallInquiry,
		"شكوى": CallComplaint, "booking": CallAppointment} {
		if got, ok := ParseCallType(in); !ok || got != want {
			t.Errorf("ParseCallType(%q) = %s %v", in, got, ok)
		}
	}
	if _, ok := ParseCallType("chat"); ok {
		t.Error("chat is not a call type")
	}
}

func TestTextLanguage(t *testing.T) {
	for in, want := range map[string]string{"Thank you": "en", "شكراً جزيلاً": "ar", "شكراً Dr. Khalid على كل شيء": "ar", "": "en", "123": "en"} {
		if got := TextLanguage(in); got != want {
			t.Errorf("TextLanguage(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMonthInTheHospitalZone(t *testing.T) {
	riyadh := Riyadh()
	late := time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC) // 02:30 on 1 February in Riyadh
	if got := MonthOf(late, riyadh); got != "2026-02" {
		t.Fatalf("MonthOf = %s", got)
	}
	from, to, ok := MonthRange("2026-02", riyadh)
	if !ok || !from.Equal(time.Date(2026, 1, 31, 21, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 2, 28, 21, 0, 0, 0, time.UTC)) {
		t.Fatalf("MonthRange = %s %s %v", from, to, ok)
	}
	if !(late.After(from) && late.Before(to)) {
		t.Fatal("the late thank-you is not in February")
	}
	for _, bad := range []string{"", "2026-13", "2026-1", "Feb"} {
		if _, _, ok := MonthRange(bad, riyadh); ok {
			t.Errorf("MonthRange(%q) accepted", bad)
		}
	}
}

func TestAppreciationVisibleTo(t *testing.T) {
	a := Appreciation{HospitalID: 1, DepartmentID: 7, SenderUserID: "sender", RecipientUserID: "rcpt", Status: AppreciationSent}
	viewer := func(id string, deps ...int64) AppreciationViewer {
		return AppreciationViewer{UserID: id, Email: id + "@h.sa", Scope: Scope{HospitalIDs: []int64{1}}, DepartmentIDs: deps}
	}
	for _, tc := range []struct {
		vis  Visibility
		v    AppreciationViewer
		want bool
	}{
		{VisibilityPrivate, viewer("sender"), true},
		{VisibilityPrivate, viewer("rcpt"), true},
		{VisibilityPrivate, viewer("other", 7), false},
		{VisibilityPrivate, AppreciationViewer{UserID: "admin", Scope: Scope{All: true}, AllDepartments: true}, false},
		{VisibilityDepartment, viewer("other", 7), true},
		{VisibilityDepartment, viewer("other", 8), false},
		{VisibilityDepartment, AppreciationViewer{UserID: "admin", Scope: Scope{All: true}, AllDepartments: true}, true},
		{VisibilityHospital, viewer("other"), true},
		{VisibilityPublic, AppreciationViewer{UserID: "far", Scope: Scope{HospitalIDs: []int64{2}}}, false},
	} {
		a.Visibility = tc.vis
		if got := a.VisibleTo(tc.v, ""); got != tc.want {
			t.Errorf("%s to %s: %v, want %v", tc.vis, tc.v.UserID, got, tc.want)
		}
	}
	a.Visibility, a.RecipientUserID = VisibilityPrivate, ""
	if !a.VisibleTo(viewer("nurse"), "Nurse@h.sa") {
		t.Error("the recipient found by the staff record's e-mail")
	}
	a.Status, a.Visibility = AppreciationDraft, VisibilityPublic
	if a.VisibleTo(viewer("other"), "") || !a.VisibleTo(viewer("sender"), "") {
		t.Error("a draft is its sender's only")
	}
}
