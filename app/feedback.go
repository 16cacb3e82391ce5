package app

import (
	"slices"
	"time"
)

// FeedbackType says what a patient's feedback is: praise, an idea, a question, …
type FeedbackType string

const (
	FeedbackCompliment        FeedbackType = "compliment"
	FeedbackSuggestion        FeedbackType = "suggestion"
	FeedbackGeneral           FeedbackType = "general"
	FeedbackInquiry           FeedbackType = "inquiry"
	FeedbackSatisfactionCheck FeedbackType = "satisfaction_check"
)

// FeedbackTypes lists every feedback type.
var FeedbackTypes = []FeedbackType{FeedbackCompliment, FeedbackSuggestion, FeedbackGeneral, FeedbackInquiry, FeedbackSatisfactionCheck}

// Valid reports whether t is a known type.
func (t FeedbackType) Valid() bool { return slices.Contains(FeedbackTypes, t) }

// FeedbackStatus is where feedback is in its (short) workflow.
type FeedbackStatus string

const (
	FeedbackSubmitted    FeedbackStatus = "submitted"
	FeedbackReviewed     FeedbackStatus = "reviewed"
	FeedbackAcknowledged FeedbackStatus = "acknowledged"
	FeedbackClosed       FeedbackStatus = "closed"
)

// FeedbackStatuses lists every status in workflow order.
var FeedbackStatuses = []FeedbackStatus{FeedbackSubmitted, FeedbackReviewed, FeedbackAcknowledged, FeedbackClosed}

var feedbackTransitions = map[FeedbackStatus][]FeedbackStatus{
	FeedbackSubmitted:    {FeedbackReviewed, FeedbackAcknowledged, FeedbackClosed},
	FeedbackReviewed:     {FeedbackAcknowledged, FeedbackClosed},
	FeedbackAcknowledged: {FeedbackClosed},
	FeedbackClosed:       {FeedbackReviewed}, // reopened for another look
}

// Valid reports whether s is a known status.
func (s FeedbackStatus) Valid() bool { return slices.Contains(FeedbackStatuses, s) }

// Next lists the statuses s may move to.
func (s FeedbackStatus) Next() []FeedbackStatus { return slices.Clone(feedbackTransitions[s]) }

// CanMoveTo reports whether the workflow allows s → to.
func (s FeedbackStatus) CanMoveTo(to FeedbackStatus) bool {
	return slices.Contains(feedbackTransitions[s], to)
}

// FeedbackClass is the area of the hospital feedback is about.
type FeedbackClass string

const (
	ClassHospital   FeedbackClass = "hospital"
	ClassMedical    FeedbackClass = "medical"
	ClassNonMedical FeedbackClass = "non_medical"
	ClassNursing    FeedbackClass = "nursing"
	ClassER         FeedbackClass = "er"
	ClassSupport    FeedbackClass = "support"
)

// FeedbackClasses lists every classification.
var FeedbackClasses = []FeedbackClass{ClassHospital, ClassMedical, ClassNonMedical, ClassNursing, ClassER, ClassSupport}

// Valid reports whether c is a known classification.
func (c FeedbackClass) Valid() bool { return slices.Contains(FeedbackClasses, c) }

// Feedback is one piece of patient feedback (not a complaint: praise, ideas, questions).
type Feedback struct {
	ID             int64
	HospitalID     int64
	DepartmentID   int64 // 0 when not classified to a department
	Type           FeedbackType
	Status         FeedbackStatus
	Classification FeedbackClass // "" until staff classify it
	PatientName    string
	PatientPhone   string
	PatientEmail   string
	Language       string // "ar" or "en": the language answers go out in
	Text           string
	TrackingCode   string
	CreatedBy      string // "" for the public form
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ClosedAt       time.Time
}

// FeedbackResponse is an answer staff sent to the patient through the notifications
// module. Channel is "" and MessageID 0 when no channel could reach the patient.
type FeedbackResponse struct {
	ID         int64
	FeedbackID int64
	Text       string
	Channel    Channel
	MessageID  int64
	SentBy     string
	At         time.Time
}

// RecordLogEntry is one line of a feedback's or an observation's history. Public entries
// are shown on the public tracking page (without the actor).
type RecordLogEntry struct {
	ID         int64
	RecordID   int64
	At         time.Time
	Actor      string // an e-mail, "system", or "anonymous" for a reporter who stays unnamed
	Kind       string // "created", "status", "assigned", "classified", "resolved", "response", "attachment", "sla_overdue", ...
	FromStatus string
	ToStatus   string
	Note       string
	Public     bool
}

// ObservationStatus is where a staff observation is in its lifecycle.
type ObservationStatus string

const (
	ObservationNew        ObservationStatus = "new"
	ObservationTriage     ObservationStatus = "triage"
	ObservationAssigned   ObservationStatus = "assigned"
	ObservationInProgress ObservationStatus = "in_progress"
	ObservationResolved   ObservationStatus = "resolved"
	ObservationClosed     ObservationStatus = "closed"
	ObservationRejected   ObservationStatus = "rejected"
)

// ObservationStatuses lists every status in workflow order.
var ObservationStatuses = []ObservationStatus{ObservationNew, ObservationTriage, ObservationAssigned, ObservationInProgress,
	ObservationResolved, ObservationClosed, ObservationRejected}

var observationTransitions = map[ObservationStatus][]ObservationStatus{
	ObservationNew:        {ObservationTriage, ObservationAssigned, ObservationRejected},
	ObservationTriage:     {ObservationAssigned, ObservationRejected},
	ObservationAssigned:   {ObservationInProgress, ObservationResolved, ObservationRejected},
	ObservationInProgress: {ObservationResolved},
	ObservationResolved:   {ObservationClosed, ObservationInProgress},
	ObservationClosed:     {},
	ObservationRejected:   {},
}

// Valid reports whether s is a known status.
func (s ObservationStatus) Valid() bool { return slices.Contains(ObservationStatuses, s) }

// Next lists the statuses s may move to.
func (s ObservationStatus) Next() []ObservationStatus { return slices.Clone(observationTransitions[s]) }

// CanMoveTo reports whether the lifecycle allows s → to.
func (s ObservationStatus) CanMoveTo(to ObservationStatus) bool {
	return slices.Contains(observationTransitions[s], to)
}

// Active reports whether the observation is still being worked on (its SLA clock runs).
func (s ObservationStatus) Active() bool {
	return s != ObservationResolved && s != ObservationClosed && s != ObservationRejected
}

// ObservationCategory is a category (ParentID 0) or a subcategory of observations.
// HospitalID 0 is the group-wide default set; a hospital may add its own.
type ObservationCategory struct {
	ID         int64
	HospitalID int64
	ParentID   int64
	Code       string
	NameEN     string
	NameAR     string
	Active     bool
	Position   int
}

// Observation is a staff safety or process report. The reporter is anonymous unless they
// chose to identify themselves: then, and only then, ReporterName/ReporterContact are set.
type Observation struct {
	ID              int64
	HospitalID      int64
	DepartmentID    int64 // 0 when not known
	CategoryID      int64 // 0 when unclassified
	SubcategoryID   int64
	Severity        Severity
	Status          ObservationStatus
	Description     string
	Location        string
	TrackingCode    string
	Identified      bool
	ReporterName    string
	ReporterContact string
	AssignedTo      string // user id, "" when unassigned
	DueAt           time.Time
	ReminderHours   float64 // the SLA rule's reminder: "due soon" from this long before DueAt
	Resolution      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ResolvedAt      time.Time
	ClosedAt        time.Time
}

// ObservationSLARule says how long observations of one severity may take in a hospital
// (HospitalID 0: the group default) and how long before that the reminder goes.
type ObservationSLARule struct {
	HospitalID    int64
	Severity      Severity
	Hours         float64
	ReminderHours float64 // 0: no reminder
}

// DefaultObservationSLA is the rule of a severity no saved rule covers.
func DefaultObservationSLA(s Severity) ObservationSLARule {
	switch s {
	case SeverityCritical:
		return ObservationSLARule{Severity: s, Hours: 4, ReminderHours: 1}
	case SeverityHigh:
		return ObservationSLARule{Severity: s, Hours: 24, ReminderHours: 4}
	case SeverityLow:
		return ObservationSLARule{Severity: s, Hours: 168, ReminderHours: 24}
	}
	return ObservationSLARule{Severity: SeverityMedium, Hours: 72, ReminderHours: 12}
}

// Due returns the due time of an observation created at start under r.
func (r ObservationSLARule) Due(start time.Time) time.Time {
	return start.Add(time.Duration(r.Hours * float64(time.Hour))).UTC().Truncate(time.Second)
}

// Observation SLA milestones: the reminder before due, and the due time itself.
const (
	ObservationReminder = "reminder"
	ObservationOverdue  = "overdue"
)

// ObservationMilestones returns the reminder and overdue instants for a due time under r,
// in time order (the reminder is left out when r has none).
func ObservationMilestones(r ObservationSLARule, due time.Time) []Milestone {
	var out []Milestone
	if r.ReminderHours > 0 {
		out = append(out, Milestone{Kind: ObservationReminder, At: due.Add(-time.Duration(r.ReminderHours * float64(time.Hour)))})
	}
	return append(out, Milestone{Kind: ObservationOverdue, At: due})
}

// Notification keys of the feedback and observation modules.
const (
	NotifyFeedbackResponse    NotificationKey = "feedback.response"
	NotifyObservationAssigned NotificationKey = "observation.assigned"
	NotifyObservationReminder NotificationKey = "observation.reminder"
	NotifyObservationOverdue  NotificationKey = "observation.overdue"
)

// Record types of the two modules, in attachments, analysis events and audit rows.
const (
	RecordFeedback    = "feedback"
	RecordObservation = "observation"
)

// AnonymousActor is the actor of the steps an unnamed reporter takes.
const AnonymousActor = "anonymous"
