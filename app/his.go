package app

import (
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"
)

// IntegrationKind is how an HIS talks to PX360.
type IntegrationKind string

const (
	IntegrationHL7  IntegrationKind = "hl7"  // HL7 v2 over MLLP or HTTP
	IntegrationJSON IntegrationKind = "json" // JSON event batches over HTTP
)

// Integration is one inbound feed with its own API key (stored hashed).
type Integration struct {
	ID         int64
	Name       string
	Kind       IntegrationKind
	HospitalID int64             // 0: each event names its hospital (JSON) or MSH-4 does
	KeyPrefix  string            // the key's first characters, to tell keys apart
	ListenAddr string            // MLLP listener, e.g. "0.0.0.0:2575" ("" = none)
	EventMap   map[string]string // external event code -> ADT event ("discharge" -> "A03")
	Enabled    bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NewIntegrationKey returns a new API key: "px360_" and 32 base32 characters (160 bits).
func NewIntegrationKey() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "px360_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// HISEvents are the ADT events PX360 acts on, with what each means for a visit.
var HISEvents = map[string]string{
	"A01": "admit", "A02": "transfer", "A03": "discharge", "A04": "register", "A05": "pre-admit",
	"A08": "update", "A11": "cancel admit", "A13": "cancel discharge",
}

// KnownHISEvent reports whether code is one of HISEvents.
func KnownHISEvent(code string) bool { _, ok := HISEvents[code]; return ok }

// HISEvent is one event from the HIS in PX360's terms, whether it came as HL7 or JSON.
type HISEvent struct {
	ExternalID   string // HL7 control id or the JSON event_id: duplicates are ignored
	Event        string // A01 …
	HospitalCode string // when the integration is not tied to one hospital
	MRN          string
	NationalID   string // sensitive: sealed, never logged
	NameEN       string
	NameAR       string
	Phone        string
	Email        string
	Language     string
	BirthDate    time.Time
	Deceased     bool
	Visit        string
	PatientClass string // I inpatient, O outpatient, E emergency, D day case, …
	Department   string // department code (HL7: PV1-3.1 point of care)
	Location     string
	Doctor       string
	AdmitAt      time.Time
	DischargeAt  time.Time
	OccurredAt   time.Time
}

// InboundStatus is where a received message is.
type InboundStatus string

const (
	InboundReceived  InboundStatus = "received"  // stored, not yet applied
	InboundProcessed InboundStatus = "processed" // applied to patients, visits and journeys
	InboundDuplicate InboundStatus = "duplicate" // the same source and id came before
	InboundError     InboundStatus = "error"     // unparseable or not applicable; kept with the reason
)

// InboundStatuses lists every status.
var InboundStatuses = []InboundStatus{InboundReceived, InboundProcessed, InboundDuplicate, InboundError}

// InboundMessage is one message or event as received, kept whatever became of it.
type InboundMessage struct {
	ID            int64
	IntegrationID int64
	ReceivedAt    time.Time
	Format        IntegrationKind
	ExternalID    string
	Raw           string // national IDs are replaced by a marker; the ID itself is in NIDEnc
	NIDEnc        []byte
	Status        InboundStatus
	Error         string
	Event         string
	MRN           string
	Visit         string
	HospitalID    int64
	ProcessedAt   time.Time
	Attempts      int
}

// Visit is a hospital visit (encounter) as the HIS reported it.
type Visit struct {
	ID           int64
	HospitalID   int64
	PatientID    int64
	Number       string
	PatientClass string
	DepartmentID int64
	Location     string
	Doctor       string
	AdmitAt      time.Time
	DischargeAt  time.Time
	Cancelled    bool
	LastEvent    string
	LastEventAt  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// State summarises a visit: cancelled, discharged, admitted or registered.
func (v Visit) State() string {
	switch {
	case v.Cancelled:
		return "cancelled"
	case !v.DischargeAt.IsZero():
		return "discharged"
	case !v.AdmitAt.IsZero():
		return "admitted"
	}
	return "registered"
}

// VisitEvent is one event of a visit.
type VisitEvent struct {
	ID         int64
	VisitID    int64
	MessageID  int64
	Event      string
	OccurredAt time.Time
}

// JourneyTemplate is a patient journey: ordered stages for visits of some classes.
type JourneyTemplate struct {
	ID             int64
	HospitalID     int64 // 0: every hospital
	Code           string
	NameEN         string
	NameAR         string
	PatientClasses []string
	Active         bool
	Stages         []JourneyStage
}

// JourneyStage is one step of a journey, completed by an HIS event; it may schedule a
// survey DelayMinutes after that event, inside the daily send window.
type JourneyStage struct {
	ID           int64
	TemplateID   int64
	Seq          int
	Code         string
	NameEN       string
	NameAR       string
	TriggerEvent string
	SurveyFamily int64 // 0: none
	DelayMinutes int
	WindowStart  int // minutes after midnight, hospital time
	WindowEnd    int
}

// SendAt returns when a survey for an event at t may go: after the delay, moved into the
// send window (the same day if still ahead, else the next day's start).
func (s JourneyStage) SendAt(t time.Time, loc *time.Location) time.Time {
	at := t.Add(time.Duration(s.DelayMinutes) * time.Minute).In(loc)
	if s.WindowStart == s.WindowEnd {
		return at
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
	start, end := day.Add(time.Duration(s.WindowStart)*time.Minute), day.Add(time.Duration(s.WindowEnd)*time.Minute)
	switch {
	case at.Before(start):
		return start
	case !at.Before(end):
		return start.AddDate(0, 0, 1)
	}
	return at
}

// JourneyInstance is one visit's journey.
type JourneyInstance struct {
	ID          int64
	VisitID     int64
	TemplateID  int64
	Status      string // active, completed, cancelled
	StartedAt   time.Time
	CompletedAt time.Time
	Completed   map[int64]time.Time // stage id -> when it was completed
}

// Progress returns the share of stages completed, 0–100.
func (j JourneyInstance) Progress(t JourneyTemplate) int {
	if len(t.Stages) == 0 {
		return 0
	}
	n := 0
	for _, s := range t.Stages {
		if _, ok := j.Completed[s.ID]; ok {
			n++
		}
	}
	return n * 100 / len(t.Stages)
}

// Matches reports whether the journey starts for a visit of class.
func (t JourneyTemplate) Matches(class string) bool { return slices.Contains(t.PatientClasses, class) }

// Events of the HIS module.
const (
	// EventVisitUpdated is {"visit_id", "event"}: a visit changed.
	EventVisitUpdated = "visit.updated"
)
