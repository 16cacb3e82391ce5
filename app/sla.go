package app

import (
	"math"
	"slices"
	"time"
)

// Severity is how serious a complaint is; SLA rules may differ by it.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity, mildest first.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return slices.Contains(Severities, s) }

// Priority is how soon staff should act on a complaint, set apart from its severity (a
// mild complaint from the ministry may still be urgent). The issue names no values; these
// are ours.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityMedium Priority = "medium"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, least pressing first.
var Priorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityUrgent}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// EscalationLevel is who hears about a late complaint, in the order of the issue.
type EscalationLevel string

const (
	EscalateDepartmentManager EscalationLevel = "department_manager"
	EscalateHospitalAdmin     EscalationLevel = "hospital_admin"
	EscalatePXAdmin           EscalationLevel = "px_admin"
)

// EscalationLevels lists every level, nearest first.
var EscalationLevels = []EscalationLevel{EscalateDepartmentManager, EscalateHospitalAdmin, EscalatePXAdmin}

// Valid reports whether l is a known escalation level.
func (l EscalationLevel) Valid() bool { return slices.Contains(EscalationLevels, l) }

// EscalationStep escalates to Level at HoursAfterBreach from the due time, counted like the
// rule's allowance; a negative value escalates before the due time.
type EscalationStep struct {
	Level            EscalationLevel
	HoursAfterBreach float64
}

// SLARule says how long complaints of one kind may take. Zero-valued selector fields
// (HospitalID, SourceCode, Severity, Priority) mean "any"; MatchSLARule picks the most
// specific rule.
type SLARule struct {
	ID             int64
	HospitalID     int64
	SourceCode     string
	Severity       Severity
	Priority       Priority
	Hours          float64          // time allowed
	BusinessHours  bool             // count the hospital calendar's working time, not calendar hours
	Reminder1Hours float64          // first reminder, hours before due (0 = none)
	Reminder2Hours float64          // second reminder, hours before due (0 = none)
	Escalations    []EscalationStep // in order
}

// SLASubject is what a rule is matched against: the complaint's selector values.
type SLASubject struct {
	HospitalID int64
	SourceCode string
	Severity   Severity
	Priority   Priority
}

// DefaultSLARule applies when no rule matches, so every complaint has a due time: 72
// calendar hours (the three days patients are usually promised), reminders 24 and 4 hours
// before due, escalation to the department manager at breach, to the hospital admin a day
// later and to the PX admin three days after breach.
func DefaultSLARule() SLARule {
	return SLARule{Hours: 72, Reminder1Hours: 24, Reminder2Hours: 4, Escalations: []EscalationStep{
		{Level: EscalateDepartmentManager, HoursAfterBreach: 0},
		{Level: EscalateHospitalAdmin, HoursAfterBreach: 24},
		{Level: EscalatePXAdmin, HoursAfterBreach: 72},
	}}
}

// MatchSLARule returns the most specific rule matching s: the one with most selector
// fields set; on a tie the one setting the field that comes first in hospital > source >
// severity > priority; then the lowest ID. Without a match it returns DefaultSLARule()
// and false, so the caller always has a rule to apply.
func MatchSLARule(rules []SLARule, s SLASubject) (SLARule, bool) {
	best, bestRank, found := SLARule{}, 0, false
	for _, r := range rules {
		if (r.HospitalID != 0 && r.HospitalID != s.HospitalID) || (r.SourceCode != "" && r.SourceCode != s.SourceCode) ||
			(r.Severity != "" && r.Severity != s.Severity) || (r.Priority != "" && r.Priority != s.Priority) {
			continue
		}
		rank := r.specificity()
		if !found || rank > bestRank || (rank == bestRank && r.ID < best.ID) {
			best, bestRank, found = r, rank, true
		}
	}
	if !found {
		return DefaultSLARule(), false
	}
	return best, true
}

// specificity ranks a rule: the number of set fields times 16, plus a bit per set field
// in precedence order, so comparing ranks compares count first, then precedence.
func (r SLARule) specificity() int {
	set := []bool{r.HospitalID != 0, r.SourceCode != "", r.Severity != "", r.Priority != ""}
	count, bits := 0, 0
	for _, ok := range set {
		bits <<= 1
		if ok {
			count++
			bits |= 1
		}
	}
	return count<<4 | bits
}

// Pause is a stretch during which the clock stands still (awaiting the patient or a third
// party). An open pause has a zero End.
type Pause struct {
	Start, End time.Time
	Reason     string
}

// SLAState is where a clock stands at a moment.
type SLAState string

const (
	SLAOnTime   SLAState = "on_time"
	SLADueSoon  SLAState = "due_soon"
	SLABreached SLAState = "breached"
	SLAPaused   SLAState = "paused"
)

// SLAStates lists every state, for filters.
var SLAStates = []SLAState{SLAOnTime, SLADueSoon, SLABreached, SLAPaused}

// Milestone kinds. An escalation's kind is MilestoneEscalation followed by its level, e.g.
// "escalation:hospital_admin", so the sweep can record each once.
const (
	MilestoneReminder1  = "reminder1"
	MilestoneReminder2  = "reminder2"
	MilestoneBreach     = "breach"
	MilestoneEscalation = "escalation:"
)

// Milestone is an instant at which the sweep has something to do for a complaint.
type Milestone struct {
	Kind string
	At   time.Time
}

// SLAClock is a complaint's SLA clock: it runs from Start under Rule, stands still during
// Pauses, and counts calendar time or Calendar's working time as the rule says. Pauses
// are in order and do not overlap; only the last may be open.
type SLAClock struct {
	Rule     SLARule
	Calendar Calendar
	Start    time.Time
	Pauses   []Pause
}

// Due returns the instant (UTC) at which the allowance is used up. The allowance is
// consumed only while the clock runs: a pause moves the due time by the counted time
// inside it, which for a business-hours rule is the working time in the pause only (a
// pause over a weekend costs the weekend nothing). A pause that starts after the due time
// does not move it. While a pause is open the due time is unknown: ok is false.
func (c SLAClock) Due() (due time.Time, ok bool) {
	t, rem := c.Start, ruleHours(c.Rule.Hours)
	for _, p := range c.Pauses {
		if p.End.IsZero() {
			return time.Time{}, false
		}
		ps := later(p.Start, t)
		used := c.count(t, ps)
		if used >= rem {
			return c.add(t, rem), true
		}
		rem -= used
		t = later(t, p.End)
	}
	return c.add(t, rem), true
}

// Elapsed returns the counted time the clock has run from Start to now, pauses excluded
// (an open pause counts as lasting until now).
func (c SLAClock) Elapsed(now time.Time) time.Duration {
	t, run := c.Start, time.Duration(0)
	for _, p := range c.Pauses {
		if !now.After(t) {
			return run
		}
		run += c.count(t, earlier(later(p.Start, t), now))
		if p.End.IsZero() {
			return run
		}
		t = later(t, p.End)
	}
	return run + c.count(t, now)
}

// Remaining returns the allowance left at now: negative once breached (for a business
// rule, by the working time since the due time).
func (c SLAClock) Remaining(now time.Time) time.Duration {
	return ruleHours(c.Rule.Hours) - c.Elapsed(now)
}

// State returns paused while a pause is open; breached from the due instant on;
// due_soon from Reminder1Hours before due (or a quarter of the allowance when the rule
// has no first reminder), counted like the allowance and measured back from the due time,
// so it changes at the same instant the first reminder fires; on_time before that.
func (c SLAClock) State(now time.Time) SLAState {
	due, ok := c.Due()
	switch {
	case !ok:
		return SLAPaused
	case !now.Before(due):
		return SLABreached
	case !now.Before(c.add(due, -c.soonWindow())):
		return SLADueSoon
	}
	return SLAOnTime
}

// Milestones returns the instants of the first and second reminder, the breach and each
// escalation step, measured from the current due time in the rule's counting mode (for a
// business rule, "4 hours before due" is 4 working hours), ordered by time; a reminder or
// step at the same instant keeps the rule's order, reminders before breach before
// escalations. Reminders of 0 hours are left out. A reminder larger than the allowance
// falls before Start: the sweep fires it at once. It returns nil while a pause is open;
// after resumption the sweep recomputes them and skips those already fired.
func (c SLAClock) Milestones() []Milestone {
	due, ok := c.Due()
	if !ok {
		return nil
	}
	var ms []Milestone
	if h := c.Rule.Reminder1Hours; h > 0 {
		ms = append(ms, Milestone{MilestoneReminder1, c.add(due, -ruleHours(h))})
	}
	if h := c.Rule.Reminder2Hours; h > 0 {
		ms = append(ms, Milestone{MilestoneReminder2, c.add(due, -ruleHours(h))})
	}
	ms = append(ms, Milestone{MilestoneBreach, due})
	for _, e := range c.Rule.Escalations {
		ms = append(ms, Milestone{MilestoneEscalation + string(e.Level), c.add(due, ruleHours(e.HoursAfterBreach))})
	}
	slices.SortStableFunc(ms, func(a, b Milestone) int { return a.At.Compare(b.At) })
	return ms
}

// soonWindow is how long before due a clock counts as due soon.
func (c SLAClock) soonWindow() time.Duration {
	if c.Rule.Reminder1Hours > 0 {
		return ruleHours(c.Rule.Reminder1Hours)
	}
	return ruleHours(c.Rule.Hours) / 4
}

// count returns the time between a and b that the rule counts (0 if b <= a).
func (c SLAClock) count(a, b time.Time) time.Duration {
	if c.Rule.BusinessHours {
		return c.Calendar.BusinessBetween(a, b)
	}
	return max(b.Sub(a), 0)
}

// add moves t by d of counted time, in UTC.
func (c SLAClock) add(t time.Time, d time.Duration) time.Time {
	if c.Rule.BusinessHours {
		return c.Calendar.AddBusiness(t, d)
	}
	return t.Add(d).UTC()
}

// ruleHours converts a rule's hours to a duration, rounded to the second so fractions like
// 0.1 hours come out exact.
func ruleHours(h float64) time.Duration {
	return time.Duration(math.Round(h*3600)) * time.Second
}

// EventCalendarChanged says a hospital's working days, hours or holidays changed: the
// complaints running there get their due times and milestones recomputed.
const EventCalendarChanged = "sla.calendar_changed"
