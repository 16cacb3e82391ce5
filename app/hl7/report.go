package hl7

import (
	"encoding/json"
	"io"
)

// Report is one line of `px360 hl7 parse`: what PX360 reads from a message. Absent
// fields are empty strings; the national ID itself is never printed.
type Report struct {
	Accepted          bool   `json:"accepted"`
	Error             string `json:"error"`
	Event             string `json:"event"`
	ControlID         string `json:"control_id"`
	MRN               string `json:"mrn"`
	Visit             string `json:"visit"`
	PatientClass      string `json:"patient_class"`
	Admit             string `json:"admit"`
	Discharge         string `json:"discharge"`
	Phone             string `json:"phone"`
	NationalIDPresent bool   `json:"national_id_present"`
}

// Check parses one message and reports it. phone normalises the mobile number (to
// E.164); a number it refuses is reported empty.
func Check(raw []byte, phone func(string) (string, error)) Report {
	m, err := Parse(raw)
	if err != nil {
		return Report{Error: err.Error()}
	}
	a, err := ExtractADT(m)
	r := Report{Event: a.Event, ControlID: a.ControlID, MRN: a.MRN, Visit: a.Visit, PatientClass: a.PatientClass,
		Admit: a.Admit, Discharge: a.Discharge, NationalIDPresent: a.NationalID != ""}
	if a.Phone != "" {
		if p, perr := phone(a.Phone); perr == nil {
			r.Phone = p
		}
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Accepted = true
	return r
}

// WriteReports reads a file of messages (plain or MLLP-framed) and writes one JSON line
// per message. It returns how many messages were not accepted.
func WriteReports(data []byte, w io.Writer, phone func(string) (string, error)) (int, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	bad := 0
	msgs := Split(data)
	if len(msgs) == 0 {
		msgs = [][]byte{data}
	}
	for _, raw := range msgs {
		r := Check(raw, phone)
		if !r.Accepted {
			bad++
		}
		if err := enc.Encode(r); err != nil {
			return bad, err
		}
	}
	return bad, nil
}
