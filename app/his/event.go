package his

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
	"px360/app/hl7"
)

// JSONEvent is one event of the JSON API, as the HIS sends it.
type JSONEvent struct {
	EventID      string `json:"event_id"`
	Type         string `json:"type"` // A01 … or a code mapped by the integration
	Hospital     string `json:"hospital"`
	MRN          string `json:"mrn"`
	NationalID   string `json:"national_id"`
	NameEN       string `json:"name_en"`
	NameAR       string `json:"name_ar"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Language     string `json:"language"`
	BirthDate    string `json:"birth_date"` // YYYY-MM-DD
	Deceased     bool   `json:"deceased"`
	Visit        string `json:"visit"`
	PatientClass string `json:"patient_class"`
	Department   string `json:"department"`
	Location     string `json:"location"`
	Doctor       string `json:"doctor"`
	AdmitAt      string `json:"admit_at"` // RFC 3339
	DischargeAt  string `json:"discharge_at"`
	OccurredAt   string `json:"occurred_at"`
}

// fromJSON checks a JSON event and turns it into an HISEvent.
func fromJSON(e JSONEvent, in app.Integration) (app.HISEvent, error) {
	ev := app.HISEvent{ExternalID: strings.TrimSpace(e.EventID), HospitalCode: strings.TrimSpace(e.Hospital),
		MRN: strings.TrimSpace(e.MRN), NationalID: e.NationalID, NameEN: e.NameEN, NameAR: e.NameAR, Phone: e.Phone, Email: e.Email,
		Language: strings.ToLower(strings.TrimSpace(e.Language)), Deceased: e.Deceased, Visit: strings.TrimSpace(e.Visit),
		PatientClass: strings.ToUpper(strings.TrimSpace(e.PatientClass)), Department: strings.TrimSpace(e.Department),
		Location: e.Location, Doctor: e.Doctor}
	ev.Event = mapEvent(in, strings.TrimSpace(e.Type))
	var problems []string
	if !app.KnownHISEvent(ev.Event) {
		problems = append(problems, fmt.Sprintf("type %q is not a known event (A01, A02, A03, A04, A05, A08, A11, A13, or one the integration maps)", e.Type))
	}
	if ev.MRN == "" {
		problems = append(problems, "mrn is required")
	}
	if ev.Visit == "" {
		problems = append(problems, "visit is required")
	}
	if len(ev.ExternalID) > 100 || len(ev.MRN) > 64 || len(ev.Visit) > 64 {
		problems = append(problems, "event_id, mrn or visit is too long")
	}
	for name, v := range map[string]string{"admit_at": e.AdmitAt, "discharge_at": e.DischargeAt, "occurred_at": e.OccurredAt} {
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			problems = append(problems, name+" must be an RFC 3339 time, e.g. 2026-11-27T10:30:00+03:00")
			continue
		}
		switch name {
		case "admit_at":
			ev.AdmitAt = t
		case "discharge_at":
			ev.DischargeAt = t
		default:
			ev.OccurredAt = t
		}
	}
	if e.BirthDate != "" {
		t, err := time.Parse(time.DateOnly, e.BirthDate)
		if err != nil {
			problems = append(problems, "birth_date must be YYYY-MM-DD")
		}
		ev.BirthDate = t
	}
	if len(problems) > 0 {
		return ev, errors.New(strings.Join(problems, "; "))
	}
	return ev, nil
}

// mapEvent applies the integration's event map ("discharge" → "A03"); codes are
// compared without case.
func mapEvent(in app.Integration, code string) string {
	for k, v := range in.EventMap {
		if strings.EqualFold(k, code) {
			return strings.ToUpper(v)
		}
	}
	return strings.ToUpper(code)
}

// fromHL7 turns an ADT message into an HISEvent; loc reads timestamps without an offset.
func fromHL7(raw string, in app.Integration, loc *time.Location) (app.HISEvent, error) {
	m, err := hl7.Parse([]byte(raw))
	if err != nil {
		return app.HISEvent{}, err
	}
	a, err := hl7.ExtractADT(m)
	if err != nil {
		return app.HISEvent{}, err
	}
	ev := app.HISEvent{ExternalID: a.ControlID, Event: mapEvent(in, a.Event), HospitalCode: a.SendingFacility, MRN: a.MRN,
		NationalID: a.NationalID, Phone: a.Phone, Email: a.Email, Language: a.Language, Deceased: a.Deceased, Visit: a.Visit,
		PatientClass: a.PatientClass, Department: a.PointOfCare,
		Location: strings.Trim(strings.Join([]string{a.PointOfCare, a.Room, a.Bed}, " / "), " /"),
		Doctor:   strings.TrimSpace(strings.Join([]string{a.DoctorID, a.DoctorFamily, a.DoctorGiven}, " "))}
	if a.GivenName != "" || a.FamilyName != "" {
		ev.NameEN = strings.TrimSpace(titleCase(a.GivenName) + " " + titleCase(a.FamilyName))
	}
	if !app.KnownHISEvent(ev.Event) {
		return ev, fmt.Errorf("event %q is not one PX360 takes (A01, A02, A03, A04, A05, A08, A11, A13)", a.Event)
	}
	if ev.Visit == "" {
		return ev, errors.New("PV1-19 (visit number) is empty")
	}
	if ev.AdmitAt, err = hl7.Time(a.Admit, loc); err != nil {
		return ev, fmt.Errorf("PV1-44: %w", err)
	}
	if ev.DischargeAt, err = hl7.Time(a.Discharge, loc); err != nil {
		return ev, fmt.Errorf("PV1-45: %w", err)
	}
	if t, err := hl7.Time(m.Get("EVN", 2, 0), loc); err == nil && !t.IsZero() {
		ev.OccurredAt = t
	} else if t, err := hl7.Time(a.MessageTime, loc); err == nil {
		ev.OccurredAt = t
	}
	if b, err := hl7.Time(a.BirthDate, loc); err == nil && len(a.BirthDate) == 8 {
		ev.BirthDate = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	}
	return ev, nil
}

// titleCase turns "AL-HARBI" into "Al-Harbi" for display.
func titleCase(s string) string {
	b := []rune(strings.ToLower(s))
	up := true
	for i, r := range b {
		if up && r >= 'a' && r <= 'z' {
			b[i] = r - 32
		}
		up = r == ' ' || r == '-' || r == '\''
	}
	return string(b)
}

// decodeJSON reads the raw JSON of one stored event.
func decodeJSON(raw string) (JSONEvent, error) {
	var e JSONEvent
	err := json.Unmarshal([]byte(raw), &e)
	return e, err
}
