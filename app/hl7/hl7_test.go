package hl7

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSamplesParseAsTheREADMEListsThem checks every field the samples' README table lists.
func TestSamplesParseAsTheREADMEListsThem(t *testing.T) {
	for _, c := range []struct {
		file                                       string
		event, mrn, nid, visit, class              string
		poc, room, bed, facility, admit, discharge string
		phone, doctorID, doctorFamily, doctorGiven string
	}{
		{"adt_a01_inpatient.hl7", "A01", "100245871", "1087654321", "V25031400087", "I", "MED3", "312", "B", "HHRUH", "202503140820", "", "966501234567", "D10234", "AL-HARBI", "KHALID"},
		{"adt_a03_discharge.hl7", "A03", "100311402", "1123456789", "V25030900412", "I", "SURG2", "208", "A", "HHRUH", "202503091415", "202503131130", "966555678901", "D20456", "AL-ZAHRANI", "MAJED"},
		{"adt_a04_outpatient_registration.hl7", "A04", "100498120", "2345678901", "V25031700233", "O", "DERM", "CLN04", "", "HHRUH", "202503171000", "", "966532223344", "D30112", "BAKHSH", "RANIA"},
		{"adt_a08_update.hl7", "A08", "100067345", "1012345678", "V25031200056", "I", "CARD", "405", "A", "HHRUH", "202503121905", "", "966548765432", "D40078", "AL-GHAMDI", "YASSER"},
		{"adt_a11_cancel_admit.hl7", "A11", "100523907", "1109876543", "V25031800140", "I", "ORTH", "118", "C", "HHRUH", "202503180745", "", "966590001122", "D50211", "AL-ANAZI", "TARIQ"},
		{"adt_a04_er.hl7", "A04", "100587330", "1134567890", "V25031923011", "E", "ER", "B04", "", "HHRUH", "202503192310", "", "966563456789", "D60455", "AL-SAEED", "OMAR"},
	} {
		t.Run(c.file, func(t *testing.T) {
			m, err := Parse(sample(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ExtractADT(m)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{a.Event, a.MRN, a.NationalID, a.Visit, a.PatientClass, a.PointOfCare, a.Room, a.Bed, a.Facility,
				a.Admit, a.Discharge, a.Phone, a.DoctorID, a.DoctorFamily, a.DoctorGiven}
			want := []string{c.event, c.mrn, c.nid, c.visit, c.class, c.poc, c.room, c.bed, c.facility, c.admit, c.discharge,
				c.phone, c.doctorID, c.doctorFamily, c.doctorGiven}
			names := []string{"event", "mrn", "national id", "visit", "class", "point of care", "room", "bed", "facility", "admit",
				"discharge", "phone", "doctor id", "doctor family", "doctor given"}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s = %q, want %q", names[i], got[i], want[i])
				}
			}
		})
	}
}

func TestEscapesRepetitionsAndEmail(t *testing.T) {
	m, err := Parse(sample(t, "adt_a08_update.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Get("PID", 11, 1); got != "Bldg 12 & 14, Olaya St" {
		t.Errorf("PID-11.1 = %q", got)
	}
	if got := m.Get("OBX", 5, 0); got != "Allergic to penicillin | sulfa" {
		t.Errorf("OBX-5 = %q", got)
	}
	pid, _ := m.Segment("PID")
	if n := len(m.Repetitions(pid, 3)); n != 2 {
		t.Errorf("PID-3 repetitions = %d", n)
	}
	m, _ = Parse(sample(t, "adt_a04_outpatient_registration.hl7"))
	a, _ := ExtractADT(m)
	if a.Email != "reena.dsouza@example.com" || a.Language != "en" || a.FamilyName != "D'SOUZA" {
		t.Errorf("email %q language %q family %q", a.Email, a.Language, a.FamilyName)
	}
	if got := m.Decode(`a\X41C3A9\b\.br\c\H\d\N\\Q\`); got != "aAéb\ncd\\Q\\" {
		t.Errorf("decode = %q", got)
	}
}

func TestSegmentEndingsAndDelimiters(t *testing.T) {
	base := "MSH|^~\\&|HIS|H|PX360|H|20250101120000||ADT^A01|C1|P|2.5\rPID|1||123^^^H^MR\rPV1|1|I"
	for name, raw := range map[string]string{
		"cr":   base + "\r",
		"lf":   strings.ReplaceAll(base, "\r", "\n"),
		"crlf": strings.ReplaceAll(base, "\r", "\r\n") + "\r\n\r\n",
	} {
		m, err := Parse([]byte(raw))
		if err != nil || len(m.Segments) != 3 || m.Get("PID", 3, 1) != "123" {
			t.Errorf("%s: %v %d", name, err, len(m.Segments))
		}
	}
	// Other encoding characters, taken from MSH.
	m, err := Parse([]byte("MSH#*$!%#HIS#H#PX360#H#20250101##ADT*A03#C2#P#2.5\rPID#1##77*!!!*H*MR$88*!!!*X*NI\rPV1#1#O"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ExtractADT(m)
	if err != nil || a.Event != "A03" || a.MRN != "77" || a.NationalID != "" || a.PatientClass != "O" {
		t.Errorf("custom delimiters: %+v %v", a, err)
	}
	for _, bad := range []string{"", "   ", "PID|1", "MSH|^~\\&", "MSH|^^\\&|x", "MSH|^~\\&|a\rP!D|x"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestEventFallsBackToEVN(t *testing.T) {
	m, _ := Parse([]byte("MSH|^~\\&|HIS|H|PX|H|2025||ADT|C3|P|2.5\rEVN|A13|2025\rPID|1||5^^^H^MR"))
	a, err := ExtractADT(m)
	if err != nil || a.Event != "A13" {
		t.Fatalf("%+v %v", a, err)
	}
	m, _ = Parse([]byte("MSH|^~\\&|HIS|H|PX|H|2025||ADT^A01|C4|P|2.5\rPID|1||"))
	if _, err := ExtractADT(m); err != ErrNoMRN {
		t.Fatalf("no MRN: %v", err)
	}
	m, _ = Parse([]byte("MSH|^~\\&|LAB|H|PX|H|2025||ORU^R01|C5|P|2.5\rPID|1||5^^^H^MR"))
	if _, err := ExtractADT(m); err != ErrNotADT {
		t.Fatalf("ORU: %v", err)
	}
}

func TestAckAndMLLP(t *testing.T) {
	m, _ := Parse(sample(t, "adt_a01_inpatient.hl7"))
	ack := Ack(m, AckAccept, "ok", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "ACK1")
	code, ctrl, err := AckCode(ack)
	if err != nil || code != "AA" || ctrl != m.Get("MSH", 10, 0) {
		t.Fatalf("ack %q: %s %s %v", ack, code, ctrl, err)
	}
	am, _ := Parse(ack)
	if am.Get("MSH", 5, 0) != "MEDORA" || am.Get("MSH", 9, 2) != "A01" {
		t.Errorf("ack header: %q", ack)
	}
	if code, _, _ := AckCode(Ack(nil, AckReject, "bad | text", time.Now(), "X")); code != "AR" {
		t.Error("ack without a message")
	}
	var buf bytes.Buffer
	WriteFrame(&buf, sample(t, "adt_a01_inpatient.hl7"))
	WriteFrame(&buf, sample(t, "adt_a03_discharge.hl7"))
	r := bufio.NewReader(&buf)
	for i := range 2 {
		f, err := ReadFrame(r)
		if err != nil {
			t.Fatal(i, err)
		}
		if _, err := Parse(f); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, err := ReadFrame(r); err == nil {
		t.Fatal("read past the end")
	}
	all := append(append(sample(t, "adt_a01_inpatient.hl7"), '\n'), sample(t, "adt_a03_discharge.hl7")...)
	if n := len(Split(all)); n != 2 {
		t.Fatalf("split plain file: %d", n)
	}
	var framed bytes.Buffer
	WriteFrame(&framed, sample(t, "adt_a04_er.hl7"))
	if n := len(Split(framed.Bytes())); n != 1 {
		t.Fatalf("split framed file: %d", n)
	}
}

func TestTime(t *testing.T) {
	riy := time.FixedZone("AST", 3*3600)
	got, err := Time("202503140820", riy)
	if err != nil || !got.Equal(time.Date(2025, 3, 14, 8, 20, 0, 0, riy)) {
		t.Errorf("%v %v", got, err)
	}
	got, err = Time("20250315141027+0300", time.UTC)
	if err != nil || !got.Equal(time.Date(2025, 3, 15, 11, 10, 27, 0, time.UTC)) {
		t.Errorf("%v %v", got, err)
	}
	for _, bad := range []string{"2025031", "abc", "20250315+03"} {
		if _, err := Time(bad, riy); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"adt_a01_inpatient.hl7", "adt_a08_update.hl7", "adt_a04_outpatient_registration.hl7"} {
		f.Add(sample(f, n))
	}
	f.Add([]byte("MSH|^~\\&|\\X4\\|\\"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		_, _ = ExtractADT(m)
		_ = Ack(m, AckAccept, "x", time.Unix(0, 0), "1")
		for _, s := range m.Segments {
			for i := range s.Fields {
				for _, r := range m.Repetitions(s, i) {
					_ = m.Component(r, 2)
				}
			}
		}
		if len(m.Raw) > len(b)+len(m.Segments)+8 {
			t.Fatalf("raw grew: %d from %d", len(m.Raw), len(b))
		}
	})
}

func BenchmarkParseADT(b *testing.B) {
	raw := sample(b, "adt_a08_update.hl7")
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ExtractADT(m); err != nil {
			b.Fatal(err)
		}
	}
}
