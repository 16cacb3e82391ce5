package views

import (
	"strings"
	"testing"

	"px360/app"
)

func TestRawForDisplayMasksNationalIDs(t *testing.T) {
	hl7 := "MSH|^~\\&|MEDORA|HHRUH|PX360|HHRUH|20250314083512||ADT^A01|C1|P|2.5\r" +
		"PID|1||100245871^^^HHRUH^MR~1087654321^^^SAMOI^NI||AL-OTAIBI^FAHAD||19780622|M|||||||||||2087654321\r" +
		"PV1|1|I|MED3\r"
	for _, tc := range []struct {
		name    string
		m       app.InboundMessage
		want    []string
		mustNot []string
	}{
		{"HL7: one segment a line, PID-3 NI and PID-19 masked", app.InboundMessage{Format: app.IntegrationHL7, Raw: hl7},
			[]string{"\nPID|1||100245871^^^HHRUH^MR~••••••4321^^^SAMOI^NI|", "|••••••4321\nPV1|1|I|MED3"},
			[]string{"1087654321", "2087654321", "\r"}},
		{"JSON: indented, national_id masked", app.InboundMessage{Format: app.IntegrationJSON,
			Raw: `{"mrn":"M1","national_id":"1087654321","visit":"V"}`},
			[]string{"\n  \"national_id\": \"••••••4321\",", `"mrn": "M1"`}, []string{"1087654321"}},
		{"not HL7 at all: kept as it came", app.InboundMessage{Format: app.IntegrationHL7, Raw: "hello\rworld"},
			[]string{"hello\nworld"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rawForDisplay(tc.m)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.mustNot {
				if strings.Contains(got, w) {
					t.Errorf("shows %q:\n%s", w, got)
				}
			}
		})
	}
}
