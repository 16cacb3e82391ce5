package views

import (
	"bytes"
	"strings"
	"testing"

	"px360/app"
)

// TestFeedbackNamesAreTranslated checks the message families the feedback and
// observation pages build from values: every status, type, area, log entry kind and
// SLA field has a name in both languages.
func TestFeedbackNamesAreTranslated(t *testing.T) {
	var want []string
	for _, s := range app.FeedbackStatuses {
		want = append(want, "feedback.status."+string(s))
	}
	for _, x := range app.FeedbackTypes {
		want = append(want, "feedback.type."+string(x))
	}
	for _, c := range app.FeedbackClasses {
		want = append(want, "feedback.class."+string(c))
	}
	for _, s := range app.ObservationStatuses {
		want = append(want, "observation.status."+string(s))
	}
	for _, s := range app.Severities {
		want = append(want, "observation.sla_hours_"+string(s), "observation.sla_reminder_"+string(s))
	}
	for _, k := range []string{"created", "status", "note", "classified", "response", "action_linked", "attachment", "assigned",
		"triaged", "sla_overdue"} {
		want = append(want, "feedback.log."+k)
	}
	for _, kind := range []string{app.RecordFeedback, app.RecordObservation} {
		want = append(want, kind+".track.title", kind+".track.intro", "audit."+kind+".file", "audit."+kind+"_file.view")
	}
	for _, key := range want {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s has no translation", key)
		}
	}
}

// TestObservationFormIsAnonymousByDefault renders the public form in Arabic: right to
// left, the anonymity notice, "identify me" unticked, the name fields optional.
func TestObservationFormIsAnonymousByDefault(t *testing.T) {
	f := Frame{Lang: "ar"}
	hs := []app.Hospital{{ID: 1, Code: "RCH", NameEN: "Riyadh Central", NameAR: "الرياض المركزي", Active: true}}
	cats := []app.ObservationCategory{{ID: 1, Code: "falls", NameEN: "Patient falls", NameAR: "سقوط المرضى"},
		{ID: 2, ParentID: 1, Code: "fall_risk", NameEN: "Fall risk", NameAR: "خطر سقوط"}}
	var buf bytes.Buffer
	if err := PublicObservationForm(f, NewForm(), hs, "", nil, cats, "").Render(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, s := range []string{`dir="rtl"`, "هذا البلاغ مجهول الهوية", `name="identify"`, `name="reporter_name"`,
		`value="fall_risk"`, "سقوط المرضى · خطر سقوط", `enctype="multipart/form-data"`, `name="website"`} {
		if !strings.Contains(page, s) {
			t.Errorf("the form lacks %q", s)
		}
	}
	if strings.Contains(page, `name="identify" value="1" checked`) || strings.Contains(page, `id="f-reporter_name" name="reporter_name" required`) {
		t.Error("identification is preselected or required")
	}
}
