package app

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"
)

// ComplaintType distinguishes complaints from inquiries and appreciation.
type ComplaintType string

const (
	TypeComplaint    ComplaintType = "complaint"
	TypeInquiry      ComplaintType = "inquiry"
	TypeAppreciation ComplaintType = "appreciation"
)

// ComplaintTypes lists every type.
var ComplaintTypes = []ComplaintType{TypeComplaint, TypeInquiry, TypeAppreciation}

// Valid reports whether t is a known type.
func (t ComplaintType) Valid() bool { return slices.Contains(ComplaintTypes, t) }

// ComplaintStatus is where a complaint is in its workflow.
type ComplaintStatus string

const (
	StatusOpen              ComplaintStatus = "open"
	StatusInProgress        ComplaintStatus = "in_progress"
	StatusOnHold            ComplaintStatus = "on_hold" // waiting for the patient or a third party: the SLA clock pauses
	StatusPartiallyResolved ComplaintStatus = "partially_resolved"
	StatusResolved          ComplaintStatus = "resolved"
	StatusClosed            ComplaintStatus = "closed"
	StatusCancelled         ComplaintStatus = "cancelled"
	StatusReopened          ComplaintStatus = "reopened"
)

// ComplaintStatuses lists every status in workflow order.
var ComplaintStatuses = []ComplaintStatus{StatusOpen, StatusInProgress, StatusOnHold, StatusPartiallyResolved,
	StatusResolved, StatusClosed, StatusCancelled, StatusReopened}

// complaintTransitions are the allowed moves; everything else is refused with a conflict.
var complaintTransitions = map[ComplaintStatus][]ComplaintStatus{
	StatusOpen:              {StatusInProgress, StatusOnHold, StatusResolved, StatusCancelled},
	StatusInProgress:        {StatusOnHold, StatusPartiallyResolved, StatusResolved, StatusCancelled},
	StatusOnHold:            {StatusInProgress, StatusCancelled},
	StatusPartiallyResolved: {StatusInProgress, StatusOnHold, StatusResolved, StatusCancelled},
	StatusResolved:          {StatusClosed, StatusReopened},
	StatusClosed:            {StatusReopened},
	StatusReopened:          {StatusInProgress, StatusOnHold, StatusResolved, StatusCancelled},
	StatusCancelled:         {},
}

// Valid reports whether s is a known status.
func (s ComplaintStatus) Valid() bool { return slices.Contains(ComplaintStatuses, s) }

// CanMoveTo reports whether the workflow allows s → to.
func (s ComplaintStatus) CanMoveTo(to ComplaintStatus) bool {
	return slices.Contains(complaintTransitions[s], to)
}

// Next lists the statuses s may move to.
func (s ComplaintStatus) Next() []ComplaintStatus { return slices.Clone(complaintTransitions[s]) }

// Active reports whether the complaint is still being worked on (its SLA clock runs or is paused).
func (s ComplaintStatus) Active() bool {
	return s != StatusResolved && s != StatusClosed && s != StatusCancelled
}

// ResolutionCategory says how a resolved complaint ended.
type ResolutionCategory string

const (
	ResolutionFullAction       ResolutionCategory = "full_action_taken"
	ResolutionPartialAction    ResolutionCategory = "partial_action_taken"
	ResolutionNoActionNeeded   ResolutionCategory = "no_action_needed"
	ResolutionCannotResolve    ResolutionCategory = "cannot_resolve"
	ResolutionPatientWithdrawn ResolutionCategory = "patient_withdrawn"
)

// ResolutionCategories lists every resolution category.
var ResolutionCategories = []ResolutionCategory{ResolutionFullAction, ResolutionPartialAction, ResolutionNoActionNeeded,
	ResolutionCannotResolve, ResolutionPatientWithdrawn}

// Valid reports whether r is a known resolution category.
func (r ResolutionCategory) Valid() bool { return slices.Contains(ResolutionCategories, r) }

// HoldReason says whom an on-hold complaint waits for.
type HoldReason string

const (
	HoldPatient    HoldReason = "awaiting_patient"
	HoldThirdParty HoldReason = "awaiting_third_party"
)

// Complaint is one complaint, inquiry or appreciation.
type Complaint struct {
	ID                int64
	HospitalID        int64
	DepartmentID      int64 // 0 when not yet assigned
	AssigneeStaffID   int64 // 0 when none
	StaffInvolvedID   int64 // 0 when none
	PatientID         int64 // 0 when the complainant is not a registered patient
	Type              ComplaintType
	Status            ComplaintStatus
	Severity          Severity
	Priority          Priority
	SourceCode        string
	CategoryID        int64 // the most specific taxonomy node chosen, 0 when unclassified
	Title             string
	Description       string
	ContactName       string
	ContactPhone      string
	ContactEmail      string
	PreferredLanguage string // "ar" or "en"
	EncounterID       string
	TrackingCode      string
	Resolution        ResolutionCategory
	HoldReason        HoldReason
	MergedInto        int64 // the surviving complaint when this one was merged
	DueAt             time.Time
	Breached          bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ResolvedAt        time.Time
	ClosedAt          time.Time
}

// TimelineEntry is one line of a complaint's history. Public entries are shown to the
// patient on the tracking page.
type TimelineEntry struct {
	ID          int64
	ComplaintID int64
	At          time.Time
	ActorID     string
	ActorName   string
	Kind        string // "created", "status", "assigned", "note", "explanation", "escalated", "merged", ...
	FromStatus  ComplaintStatus
	ToStatus    ComplaintStatus
	Note        string
	Public      bool
}

// Complaint events written to the outbox.
const (
	EventComplaintCreated  = "complaint.created"
	EventComplaintUpdated  = "complaint.updated"
	EventComplaintResolved = "complaint.resolved"
	// EventComplaintStatusChanged is {"id", "from", "to"}: the patient hears of it.
	EventComplaintStatusChanged = "complaint.status_changed"
	// EventComplaintAssigned is {"id", "staff_id", "department_id"} when the responsible
	// staff member changes to someone.
	EventComplaintAssigned = "complaint.assigned"
	// EventComplaintEscalated is {"id", "level", "reason"} outside the SLA sweep (an
	// unsatisfied resolution survey).
	EventComplaintEscalated = "complaint.escalated"
	// EventSLAMilestones carries every milestone one SLA sweep transaction fired, as a list
	// of {"complaint_id", "hospital_id", "milestone", "level", "due_at"}; the
	// notifications module fans it out to the people concerned.
	EventSLAMilestones = "complaint.sla_milestones"
)

// ComplaintDoc is what the complaint search index holds.
type ComplaintDoc struct {
	ID         int64
	HospitalID int64
	Status     ComplaintStatus
	Severity   Severity
	CategoryID int64
	CreatedAt  time.Time
	Text       string // title, description and public notes, in whatever languages they were written
}

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a code read over the
// phone is not misheard or mistyped.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewTrackingCode returns a public tracking code: 16 Crockford base32 characters (80
// random bits) in four groups, e.g. "7K3M-Q9XD-2PHT-R4VB".
func NewTrackingCode() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(crockford[c&31])
	}
	return sb.String()
}

// NormalizeTrackingCode reads a code as a person typed it: case, spaces and dashes do not
// matter, and O, I and L are taken as 0, 1 and 1. It returns "" for anything that cannot
// be a tracking code.
func NormalizeTrackingCode(s string) string {
	var out []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 0x7f || strings.IndexByte(crockford, byte(r)) < 0 {
			return ""
		}
		out = append(out, byte(r))
	}
	if len(out) != 16 {
		return ""
	}
	return string(out[0:4]) + "-" + string(out[4:8]) + "-" + string(out[8:12]) + "-" + string(out[12:16])
}

// Explanation is a request to a staff member involved in a complaint to explain what
// happened, with its own due time; one reminder goes out when it is overdue.
type Explanation struct {
	ID          int64
	ComplaintID int64
	StaffID     int64
	Question    string
	RequestedBy string
	RequestedAt time.Time
	DueAt       time.Time
	RemindedAt  time.Time
	AnsweredAt  time.Time
	Answer      string
}

// Events about explanation requests and the resolution-satisfaction survey.
const (
	EventExplanationRequested = "complaint.explanation_requested"
	EventExplanationReminder  = "complaint.explanation_reminder"
	// EventResolutionAnswered is emitted by the surveys module when a patient answers the
	// resolution-satisfaction survey: {"complaint_id": 1, "satisfied": true}.
	EventResolutionAnswered = "resolution_survey.answered"
)
