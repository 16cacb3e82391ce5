package app

import "time"

// Event is a fact written to the outbox in the same transaction as the change that
// caused it. Subscribers receive it at least once; they key idempotency on ID.
type Event struct {
	Seq        int64
	ID         string // UUID
	Kind       string // "patient.saved", "staff.saved", ...
	HospitalID int64
	Payload    []byte // JSON
	CreatedAt  time.Time
	Attempts   int
	LastError  string
	FailedAt   time.Time // set when retries are exhausted
	DoneAt     time.Time
}

// Event kinds raised by the core.
const (
	EventStaffSaved   = "staff.saved"
	EventPatientSaved = "patient.saved"
	EventUserSaved    = "user.saved"
)

// Events of the feedback, observation and call-center modules that other modules react to.
const (
	// EventObservationCreated is {"id", "hospital_id", "department_id", "severity", "category"};
	// the actions module opens an action for a high or critical one.
	EventObservationCreated = "observation.created"
	// EventCallLowRating is {"interaction_id", "hospital_id", "department_id", "rating", "agent_email"},
	// emitted once per interaction rated 2 or less; the actions module opens an action.
	EventCallLowRating = "callcenter.low_rating"
)
