package hl7

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ADT is what PX360 takes from an admission, discharge or transfer message.
type ADT struct {
	Event           string // A01, A03, … (MSH-9.2, else EVN-1)
	ControlID       string // MSH-10
	SendingApp      string // MSH-3
	SendingFacility string // MSH-4
	MessageTime     string // MSH-7 as sent
	MRN             string // PID-3 repetition of type MR
	NationalID      string // PID-3 repetition of type NI, else PID-19 (sensitive)
	FamilyName      string // PID-5.1
	GivenName       string // PID-5.2
	BirthDate       string // PID-7, YYYYMMDD
	Sex             string // PID-8
	Language        string // PID-15.1, e.g. "ar"
	Phone           string // PID-13 mobile: digits of XTN.5+6+7, else XTN.1
	Email           string // PID-13 repetition of type Internet
	Deceased        bool   // PID-30 = Y
	Visit           string // PV1-19.1
	PatientClass    string // PV1-2: I, O, E, …
	PointOfCare     string // PV1-3.1
	Room            string // PV1-3.2
	Bed             string // PV1-3.3
	Facility        string // PV1-3.4
	DoctorID        string // PV1-7.1
	DoctorFamily    string // PV1-7.2
	DoctorGiven     string // PV1-7.3
	Admit           string // PV1-44 as YYYYMMDDHHMM ("" when absent)
	Discharge       string // PV1-45 as YYYYMMDDHHMM ("" while admitted)
}

// ADT extraction errors say what is missing.
var (
	ErrNotADT = errors.New("hl7: not an ADT message")
	ErrNoMRN  = errors.New("hl7: PID-3 has no MRN (a repetition of type MR, or a first identifier)")
)

// SupportedEvents are the ADT events PX360 acts on.
var SupportedEvents = []string{"A01", "A02", "A03", "A04", "A05", "A08", "A11", "A13"}

// ExtractADT reads the ADT fields of m.
func ExtractADT(m *Message) (ADT, error) {
	var a ADT
	msh := m.Segments[0]
	typ := m.Repetitions(msh, 9)
	if len(typ) > 0 && m.Component(typ[0], 1) != "ADT" {
		return a, ErrNotADT
	}
	a.Event = m.Get("MSH", 9, 2)
	if a.Event == "" {
		a.Event = m.Get("EVN", 1, 0)
	}
	a.ControlID = m.Get("MSH", 10, 0)
	a.SendingApp = m.Get("MSH", 3, 1)
	a.SendingFacility = m.Get("MSH", 4, 1)
	a.MessageTime = m.Get("MSH", 7, 0)
	pid, ok := m.Segment("PID")
	if !ok {
		return a, errors.New("hl7: no PID segment")
	}
	var first string
	for _, rep := range m.Repetitions(pid, 3) {
		id, kind := m.Component(rep, 1), m.Component(rep, 5)
		switch {
		case kind == "MR" && a.MRN == "":
			a.MRN = id
		case kind == "NI" && a.NationalID == "":
			a.NationalID = id
		case first == "":
			first = id
		}
	}
	if a.MRN == "" {
		a.MRN = first
	}
	if a.NationalID == "" {
		a.NationalID = m.Get("PID", 19, 0)
	}
	a.FamilyName, a.GivenName = m.Get("PID", 5, 1), m.Get("PID", 5, 2)
	a.BirthDate = digits(m.Get("PID", 7, 1), 8)
	a.Sex = m.Get("PID", 8, 0)
	a.Language = strings.ToLower(m.Get("PID", 15, 1))
	a.Deceased = m.Get("PID", 30, 0) == "Y"
	for _, rep := range m.Repetitions(pid, 13) {
		use, equip := m.Component(rep, 2), m.Component(rep, 3)
		switch {
		case equip == "Internet" || use == "NET":
			if a.Email == "" {
				a.Email = strings.TrimSpace(m.Component(rep, 4))
			}
		case equip == "CP" && a.Phone == "":
			a.Phone = phoneOf(m, rep)
		}
	}
	if a.Phone == "" { // no mobile marked: the first telephone repetition
		for _, rep := range m.Repetitions(pid, 13) {
			if m.Component(rep, 3) != "Internet" && m.Component(rep, 2) != "NET" {
				a.Phone = phoneOf(m, rep)
				break
			}
		}
	}
	if _, ok := m.Segment("PV1"); ok {
		a.PatientClass = m.Get("PV1", 2, 0)
		a.PointOfCare, a.Room, a.Bed, a.Facility = m.Get("PV1", 3, 1), m.Get("PV1", 3, 2), m.Get("PV1", 3, 3), m.Get("PV1", 3, 4)
		a.DoctorID, a.DoctorFamily, a.DoctorGiven = m.Get("PV1", 7, 1), m.Get("PV1", 7, 2), m.Get("PV1", 7, 3)
		a.Visit = m.Get("PV1", 19, 1)
		a.Admit = digits(m.Get("PV1", 44, 1), 12)
		a.Discharge = digits(m.Get("PV1", 45, 1), 12)
	}
	if a.Event == "" {
		return a, errors.New("hl7: no event type in MSH-9.2 or EVN-1")
	}
	if a.MRN == "" {
		return a, ErrNoMRN
	}
	return a, nil
}

// phoneOf returns the digits of an XTN: country + area + local number, else XTN.1.
func phoneOf(m *Message, rep string) string {
	n := onlyDigits(m.Component(rep, 5) + m.Component(rep, 6) + m.Component(rep, 7))
	if n == "" {
		n = onlyDigits(m.Component(rep, 1))
	}
	return n
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digits keeps the first n digits of an HL7 timestamp ("20250314082000+0300" → 12 digits
// "202503140820"); shorter values are kept as they are.
func digits(ts string, n int) string {
	d := ts
	if i := strings.IndexAny(d, "+-."); i >= 0 {
		d = d[:i]
	}
	d = onlyDigits(d)
	if len(d) > n {
		d = d[:n]
	}
	return d
}

// Time reads an HL7 timestamp (YYYY[MM[DD[HH[MM[SS]]]]][.S][+/-ZZZZ]); without an offset
// it is taken in loc.
func Time(ts string, loc *time.Location) (time.Time, error) {
	ts = strings.TrimSpace(ts)
	if ts == "" {
		return time.Time{}, nil
	}
	zone := ""
	if i := strings.IndexAny(ts, "+-"); i >= 0 {
		ts, zone = ts[:i], ts[i:]
	}
	if i := strings.IndexByte(ts, '.'); i >= 0 {
		ts = ts[:i]
	}
	layouts := map[int]string{4: "2006", 6: "200601", 8: "20060102", 10: "2006010215", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(ts)]
	if !ok || onlyDigits(ts) != ts {
		return time.Time{}, fmt.Errorf("hl7: bad timestamp %q", clip(ts))
	}
	if zone != "" {
		if len(zone) != 5 || onlyDigits(zone[1:]) != zone[1:] {
			return time.Time{}, fmt.Errorf("hl7: bad time zone %q", zone)
		}
		return time.Parse(layout+"-0700", ts+zone)
	}
	return time.ParseInLocation(layout, ts, loc)
}
