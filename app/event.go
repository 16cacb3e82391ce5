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
