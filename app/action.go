package app

import (
	"slices"
	"time"
)

// ActionSource is where an improvement action came from.
type ActionSource string

const (
	ActionFromSurvey      ActionSource = "survey"
	ActionFromComplaint   ActionSource = "complaint"
	ActionFromResolution  ActionSource = "complaint_resolution"
	ActionFromSocial      ActionSource = "social"
	ActionFromCallCenter  ActionSource = "call_center"
	ActionFromKPI         ActionSource = "kpi"
	ActionFromObservation ActionSource = "observation"
	ActionFromFeedback    ActionSource = "feedback"
	ActionFromManual      ActionSource = "manual"
)

// ActionSources lists every source.
var ActionSources = []ActionSource{ActionFromSurvey, ActionFromComplaint, ActionFromResolution, ActionFromSocial,
	ActionFromCallCenter, ActionFromKPI, ActionFromObservation, ActionFromFeedback, ActionFromManual}

// Valid reports whether s is a known source.
func (s ActionSource) Valid() bool { return slices.Contains(ActionSources, s) }

// ActionStatus is where an action is in its life.
type ActionStatus string

const (
	ActionOpen            ActionStatus = "open"
	ActionInProgress      ActionStatus = "in_progress"
	ActionPendingApproval ActionStatus = "pending_approval"
	ActionApproved        ActionStatus = "approved"
	ActionClosed          ActionStatus = "closed"
	ActionRejected        ActionStatus = "rejected"
	ActionCancelled       ActionStatus = "cancelled"
)

// ActionStatuses lists every status in workflow order.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionPendingApproval, ActionApproved, ActionClosed,
	ActionRejected, ActionCancelled}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool { return slices.Contains(ActionStatuses, s) }

// Finished reports whether nothing more happens to an action in status s.
func (s ActionStatus) Finished() bool { return s == ActionClosed || s == ActionCancelled }

// actionMoves lists the moves a person makes; approvals move pending_approval to
// approved or rejected through Approve and Reject, not through a move.
var actionMoves = map[ActionStatus][]ActionStatus{
	ActionOpen:            {ActionInProgress, ActionCancelled},
	ActionInProgress:      {ActionPendingApproval, ActionCancelled},
	ActionPendingApproval: {ActionCancelled},
	ActionApproved:        {ActionClosed, ActionInProgress},
	ActionRejected:        {ActionInProgress, ActionCancelled},
}

// CanMoveTo reports whether a person may move an action from s to to.
func (s ActionStatus) CanMoveTo(to ActionStatus) bool { return slices.Contains(actionMoves[s], to) }

// Moves returns the statuses a person may move an action in status s to.
func (s ActionStatus) Moves() []ActionStatus { return slices.Clone(actionMoves[s]) }

// Action is an improvement action: something to fix, with an owner, a due time, an
// approval chain and evidence.
type Action struct {
	ID            int64
	HospitalID    int64
	DepartmentID  int64
	OwnerUserID   string // "" while it waits in a queue
	OwnerRole     Role   // the queue: a role of the hospital (or department) when no user owns it
	Source        ActionSource
	SourceID      string // the source record (a response id, a complaint id, …)
	GroupKey      string // similar signals of one department in one week share an action
	SignalCount   int
	TitleEN       string
	TitleAR       string
	DescriptionEN string
	DescriptionAR string
	Category      string
	Severity      Severity
	Priority      Priority
	Status        ActionStatus
	DueAt         time.Time
	Approvals     []ActionApproval // the chain, level 1 first
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      time.Time
}

// ActionApproval is one level of an action's approval chain.
type ActionApproval struct {
	Level      int
	Role       Role   // who may decide at this level (in the action's hospital; department managers of its department)
	DecidedBy  string // user id
	DecidedAt  time.Time
	Approved   bool
	Comment    string
	Superseded bool // decided in an earlier round (before a rejection sent the action back)
}

// PendingLevel returns the first level of the current round that has no decision (0 when
// every level approved).
func (a Action) PendingLevel() int {
	for _, p := range a.Approvals {
		if !p.Superseded && p.DecidedAt.IsZero() {
			return p.Level
		}
	}
	return 0
}

// ActionEntry is one line of an action's timeline.
type ActionEntry struct {
	ID       int64
	ActionID int64
	At       time.Time
	Actor    string
	Kind     string // created, status, assigned, approved, rejected, comment, evidence, signal
	From, To ActionStatus
	Note     string
}

// RoutingRule assigns new actions: the first active rule (lowest Position) whose
// non-empty criteria all match wins.
type RoutingRule struct {
	ID           int64
	Position     int
	HospitalID   int64 // 0: any
	Source       ActionSource
	DepartmentID int64
	Category     string
	Severity     Severity
	// Where it goes: a user, else a role (in the action's hospital, or its department
	// for department managers), and optionally a department.
	ToUserID       string
	ToRole         Role
	ToDepartmentID int64
	Active         bool
}

// Matches reports whether the rule applies to an action.
func (r RoutingRule) Matches(a Action) bool {
	return r.Active &&
		(r.HospitalID == 0 || r.HospitalID == a.HospitalID) &&
		(r.Source == "" || r.Source == a.Source) &&
		(r.DepartmentID == 0 || r.DepartmentID == a.DepartmentID) &&
		(r.Category == "" || r.Category == a.Category) &&
		(r.Severity == "" || r.Severity == a.Severity)
}

// ActionSettings are a hospital's action rules: the approval chain and due times.
type ActionSettings struct {
	HospitalID    int64
	ApprovalRoles []Role           // 1–3 levels, e.g. department manager then hospital admin
	FallbackRole  Role             // the queue when no rule matches
	DueHours      map[Priority]int // hours from creation to due, counted on the hospital's calendar
	DueSoonHours  int              // the "due soon" reminder, before due
}

// DefaultActionSettings are what a hospital has until an admin changes them.
func DefaultActionSettings(hospitalID int64) ActionSettings {
	return ActionSettings{HospitalID: hospitalID, ApprovalRoles: []Role{RoleDepartmentManager, RoleHospitalAdmin},
		FallbackRole: RoleHospitalAdmin, DueSoonHours: 24,
		DueHours: map[Priority]int{PriorityUrgent: 24, PriorityHigh: 72, PriorityMedium: 168, PriorityLow: 336}}
}

// Action events.
const (
	EventActionCreated = "action.created"
	EventActionUpdated = "action.updated"
)

// RiskBand names a risk score (likelihood × impact, 1–25).
func RiskBand(score int) string {
	switch {
	case score >= 15:
		return "extreme"
	case score >= 10:
		return "high"
	case score >= 5:
		return "moderate"
	}
	return "low"
}

// RootCauseCategory classifies a root cause.
type RootCauseCategory string

// RootCauseCategories lists the categories of the issue.
var RootCauseCategories = []RootCauseCategory{"process", "people", "equipment", "communication", "policy", "environment", "technology"}

// Valid reports whether c is a known category.
func (c RootCauseCategory) Valid() bool { return slices.Contains(RootCauseCategories, c) }

// RCA is a root cause analysis.
type RCA struct {
	ID                int64
	HospitalID        int64
	Title             string
	Problem           string
	Status            string   // draft, in_progress, review, closed
	Likelihood        int      // 1–5
	Impact            int      // 1–5
	Team              []string // user ids
	Links             []RCALink
	RootCauses        []RootCause
	CorrectiveActions []CorrectiveAction
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          time.Time
}

// Risk returns likelihood × impact (0 when either is unset).
func (r RCA) Risk() int { return r.Likelihood * r.Impact }

// RCALink points an RCA at a record it analyses.
type RCALink struct {
	Type string // complaint, observation, feedback, inquiry, action
	ID   int64
}

// RootCause is one cause with its five-whys chain.
type RootCause struct {
	ID       int64
	Category RootCauseCategory
	Text     string
	Whys     []string
}

// CorrectiveAction is what the RCA decided to change.
type CorrectiveAction struct {
	ID            int64
	Text          string
	OwnerUserID   string
	DueAt         time.Time
	Status        string // open, done
	Effectiveness int    // 1–5 after review, 0 before
}

// RCAStatuses lists an RCA's statuses in order.
var RCAStatuses = []string{"draft", "in_progress", "review", "closed"}
