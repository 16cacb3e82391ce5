package app

import (
	"slices"
	"testing"
	"time"
)

func TestSLAClockDue(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	cal := DefaultCalendar(riy)
	business := SLARule{Hours: 24, BusinessHours: true}
	calendar := SLARule{Hours: 24}
	thu10 := at(riy, 2026, 11, 26, 10, 0)
	// A pause of three calendar days over the weekend: Thursday 12:00 to Sunday 12:00. The
	// working time inside it is Thursday 12-16 and Sunday 08-12: 8 hours.
	weekendPause := []Pause{{Start: at(riy, 2026, 11, 26, 12, 0), End: at(riy, 2026, 11, 29, 12, 0), Reason: "awaiting patient"}}
	tests := []struct {
		name   string
		rule   SLARule
		start  time.Time
		pauses []Pause
		want   time.Time
	}{
		{"issue example", business, at(riy, 2026, 11, 26, 14, 0), nil, at(riy, 2026, 12, 1, 14, 0)},
		{"business rule without pause", business, thu10, nil, at(riy, 2026, 12, 1, 10, 0)},
		{"business rule: a weekend pause moves due by its 8 working hours", business, thu10, weekendPause, at(riy, 2026, 12, 2, 10, 0)},
		{"calendar rule ignores weekends", calendar, at(riy, 2026, 11, 26, 14, 0), nil, at(riy, 2026, 11, 27, 14, 0)},
		{"business rule: running time before a pause counts working hours only", business, at(riy, 2026, 11, 26, 14, 0),
			[]Pause{{Start: at(riy, 2026, 11, 29, 12, 0), End: at(riy, 2026, 11, 30, 12, 0)}}, at(riy, 2026, 12, 2, 14, 0)},
		{"calendar rule: the same pause moves due by 72 hours", calendar, thu10, weekendPause, at(riy, 2026, 11, 30, 10, 0)},
		{"pause after the due time does not move it", calendar, thu10, []Pause{{Start: at(riy, 2026, 11, 28, 10, 0), End: at(riy, 2026, 11, 29, 10, 0)}}, at(riy, 2026, 11, 27, 10, 0)},
		{"pause starting exactly at due does not move it", calendar, thu10, []Pause{{Start: at(riy, 2026, 11, 27, 10, 0), End: at(riy, 2026, 11, 29, 10, 0)}}, at(riy, 2026, 11, 27, 10, 0)},
		{"two pauses add up", calendar, thu10, []Pause{
			{Start: at(riy, 2026, 11, 26, 11, 0), End: at(riy, 2026, 11, 26, 13, 0)},
			{Start: at(riy, 2026, 11, 26, 20, 0), End: at(riy, 2026, 11, 27, 1, 0)},
		}, at(riy, 2026, 11, 27, 17, 0)},
		{"zero hours is due at start", SLARule{BusinessHours: true}, at(riy, 2026, 11, 27, 10, 0), nil, at(riy, 2026, 11, 27, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SLAClock{Rule: tt.rule, Calendar: cal, Start: tt.start, Pauses: tt.pauses}
			got, ok := c.Due()
			if !ok || !got.Equal(tt.want) {
				t.Errorf("Due() = %v, %v; want %v", got.In(riy), ok, tt.want)
			}
			if got := c.Remaining(tt.want); got != 0 {
				t.Errorf("Remaining at due = %v, want 0", got)
			}
		})
	}
}

func TestSLAClockOpenPause(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	start := at(riy, 2026, 11, 26, 10, 0)
	c := SLAClock{Rule: SLARule{Hours: 24, BusinessHours: true}, Calendar: DefaultCalendar(riy), Start: start,
		Pauses: []Pause{{Start: at(riy, 2026, 11, 26, 12, 0), Reason: "awaiting third party"}}}
	if due, ok := c.Due(); ok {
		t.Errorf("Due() = %v, true during an open pause", due)
	}
	later := at(riy, 2026, 12, 10, 12, 0)
	if got := c.State(later); got != SLAPaused {
		t.Errorf("State = %s, want paused", got)
	}
	if got := c.Elapsed(later); got != 2*time.Hour {
		t.Errorf("Elapsed = %v, want the 2 hours before the pause", got)
	}
	if got := c.Remaining(later); got != 22*time.Hour {
		t.Errorf("Remaining = %v, want 22h", got)
	}
	if ms := c.Milestones(); len(ms) != 0 {
		t.Errorf("Milestones = %v while paused, want none", ms)
	}
	// Resuming on Sunday 10:00 restarts the clock: 22 working hours from then is Tuesday 16:00.
	c.Pauses[0].End = at(riy, 2026, 11, 29, 10, 0)
	if due, ok := c.Due(); !ok || !due.Equal(at(riy, 2026, 12, 1, 16, 0)) {
		t.Errorf("after resuming Due() = %v, %v; want Tuesday 16:00", due.In(riy), ok)
	}
}

func TestSLAClockElapsed(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	start := at(riy, 2026, 11, 26, 10, 0)
	pauses := []Pause{{Start: at(riy, 2026, 11, 26, 12, 0), End: at(riy, 2026, 11, 29, 12, 0)}}
	tests := []struct {
		name string
		rule SLARule
		now  time.Time
		want time.Duration
	}{
		{"before start", SLARule{Hours: 24}, at(riy, 2026, 11, 26, 9, 0), 0},
		{"calendar: inside the pause", SLARule{Hours: 24}, at(riy, 2026, 11, 27, 0, 0), 2 * time.Hour},
		{"calendar: after the pause", SLARule{Hours: 24}, at(riy, 2026, 11, 29, 13, 0), 3 * time.Hour},
		{"business: after the pause", SLARule{Hours: 24, BusinessHours: true}, at(riy, 2026, 11, 29, 13, 0), 3 * time.Hour},
		{"business: overnight counts nothing", SLARule{Hours: 24, BusinessHours: true}, at(riy, 2026, 11, 30, 7, 0), 6 * time.Hour},
		{"business: breached by 2 working hours", SLARule{Hours: 24, BusinessHours: true}, at(riy, 2026, 12, 2, 12, 0), 26 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SLAClock{Rule: tt.rule, Calendar: DefaultCalendar(riy), Start: start, Pauses: pauses}
			if got := c.Elapsed(tt.now); got != tt.want {
				t.Errorf("Elapsed = %v, want %v", got, tt.want)
			}
			if got, want := c.Remaining(tt.now), 24*time.Hour-tt.want; got != want {
				t.Errorf("Remaining = %v, want %v", got, want)
			}
		})
	}
}

func TestSLAClockState(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	start := at(riy, 2026, 11, 26, 14, 0)
	def := SLAClock{Rule: DefaultSLARule(), Start: start}                                                                                // due Sunday 14:00, reminder 1 at Saturday 14:00
	noReminder := SLAClock{Rule: SLARule{Hours: 8}, Start: start}                                                                        // due 22:00, due soon from 20:00
	business := SLAClock{Rule: SLARule{Hours: 24, BusinessHours: true, Reminder1Hours: 4}, Calendar: DefaultCalendar(riy), Start: start} // due Tuesday 14:00, due soon from Tuesday 10:00
	tests := []struct {
		name  string
		clock SLAClock
		now   time.Time
		want  SLAState
	}{
		{"default rule: a day in", def, at(riy, 2026, 11, 27, 14, 0), SLAOnTime},
		{"default rule: just before reminder 1", def, at(riy, 2026, 11, 28, 13, 59), SLAOnTime},
		{"default rule: at reminder 1", def, at(riy, 2026, 11, 28, 14, 0), SLADueSoon},
		{"default rule: just before due", def, at(riy, 2026, 11, 29, 13, 59), SLADueSoon},
		{"default rule: at due", def, at(riy, 2026, 11, 29, 14, 0), SLABreached},
		{"no reminder: quarter of allowance is 2h", noReminder, at(riy, 2026, 11, 26, 19, 59), SLAOnTime},
		{"no reminder: 2h before due", noReminder, at(riy, 2026, 11, 26, 20, 0), SLADueSoon},
		{"business: Monday evening, 6 working hours left", business, at(riy, 2026, 11, 30, 20, 0), SLAOnTime},
		{"business: Tuesday 07:00, still 6 working hours", business, at(riy, 2026, 12, 1, 7, 0), SLAOnTime},
		{"business: Tuesday 10:00", business, at(riy, 2026, 12, 1, 10, 0), SLADueSoon},
		{"business: Tuesday 14:00", business, at(riy, 2026, 12, 1, 14, 0), SLABreached},
		{"business: Friday after", business, at(riy, 2026, 12, 4, 9, 0), SLABreached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.clock.State(tt.now); got != tt.want {
				t.Errorf("State(%v) = %s, want %s", tt.now, got, tt.want)
			}
		})
	}
}

func TestSLAClockMilestones(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	start := at(riy, 2026, 11, 26, 14, 0)
	tests := []struct {
		name  string
		clock SLAClock
		want  []Milestone
	}{
		{"default rule in calendar hours", SLAClock{Rule: DefaultSLARule(), Start: start}, []Milestone{
			{MilestoneReminder1, at(riy, 2026, 11, 28, 14, 0)},
			{MilestoneReminder2, at(riy, 2026, 11, 29, 10, 0)},
			{MilestoneBreach, at(riy, 2026, 11, 29, 14, 0)},
			{"escalation:department_manager", at(riy, 2026, 11, 29, 14, 0)},
			{"escalation:hospital_admin", at(riy, 2026, 11, 30, 14, 0)},
			{"escalation:px_admin", at(riy, 2026, 12, 2, 14, 0)},
		}},
		{"business rule counts working hours, an escalation before due sorts before breach", SLAClock{
			Rule: SLARule{Hours: 24, BusinessHours: true, Reminder1Hours: 8, Reminder2Hours: 2, Escalations: []EscalationStep{
				{EscalateDepartmentManager, -4}, {EscalateHospitalAdmin, 8}, {EscalatePXAdmin, 16},
			}},
			Calendar: DefaultCalendar(riy), Start: start,
		}, []Milestone{
			{MilestoneReminder1, at(riy, 2026, 11, 30, 14, 0)},
			{"escalation:department_manager", at(riy, 2026, 12, 1, 10, 0)},
			{MilestoneReminder2, at(riy, 2026, 12, 1, 12, 0)},
			{MilestoneBreach, at(riy, 2026, 12, 1, 14, 0)},
			{"escalation:hospital_admin", at(riy, 2026, 12, 2, 14, 0)},
			{"escalation:px_admin", at(riy, 2026, 12, 3, 14, 0)},
		}},
		{"no reminders: breach only", SLAClock{Rule: SLARule{Hours: 1}, Start: start}, []Milestone{
			{MilestoneBreach, at(riy, 2026, 11, 26, 15, 0)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.clock.Milestones()
			if !slices.EqualFunc(got, tt.want, func(a, b Milestone) bool { return a.Kind == b.Kind && a.At.Equal(b.At) }) {
				t.Errorf("Milestones:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestMatchSLARule(t *testing.T) {
	rules := []SLARule{
		{ID: 1, Hours: 72},
		{ID: 2, HospitalID: 1, Hours: 48},
		{ID: 3, SourceCode: "moh", Hours: 24},
		{ID: 4, HospitalID: 1, Severity: SeverityCritical, Hours: 12},
		{ID: 5, SourceCode: "moh", Severity: SeverityCritical, Hours: 10},
		{ID: 7, Priority: PriorityUrgent, Hours: 8},
		{ID: 6, Priority: PriorityUrgent, Hours: 9},
		{ID: 8, Severity: SeverityHigh, Hours: 30},
		{ID: 9, HospitalID: 2, SourceCode: "chi", Severity: SeverityLow, Priority: PriorityLow, Hours: 100},
	}
	tests := []struct {
		name    string
		rules   []SLARule
		subject SLASubject
		wantID  int64
		wantOK  bool
	}{
		{"catch-all when nothing else fits", rules, SLASubject{HospitalID: 3, SourceCode: "patient", Severity: SeverityLow}, 1, true},
		{"hospital rule over catch-all", rules, SLASubject{HospitalID: 1, SourceCode: "patient", Severity: SeverityLow}, 2, true},
		{"two fields beat one", rules, SLASubject{HospitalID: 1, SourceCode: "moh", Severity: SeverityCritical}, 4, true},
		{"tie on count: hospital beats source", rules, SLASubject{HospitalID: 1, SourceCode: "moh", Severity: SeverityLow}, 2, true},
		{"tie on count: source beats severity", rules, SLASubject{HospitalID: 5, SourceCode: "moh", Severity: SeverityHigh}, 3, true},
		{"tie on count: severity beats priority", rules, SLASubject{HospitalID: 5, Severity: SeverityHigh, Priority: PriorityUrgent}, 8, true},
		{"same selectors: lowest ID", rules, SLASubject{HospitalID: 5, Priority: PriorityUrgent}, 6, true},
		{"all four fields", rules, SLASubject{HospitalID: 2, SourceCode: "chi", Severity: SeverityLow, Priority: PriorityLow}, 9, true},
		{"three of four fields do not match the four-field rule", rules, SLASubject{HospitalID: 2, SourceCode: "chi", Severity: SeverityLow, Priority: PriorityHigh}, 1, true},
		{"no rule matches: default", rules[1:], SLASubject{HospitalID: 3}, 0, false},
		{"no rules: default", nil, SLASubject{HospitalID: 1}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchSLARule(tt.rules, tt.subject)
			if got.ID != tt.wantID || ok != tt.wantOK {
				t.Errorf("MatchSLARule = rule %d, %v; want %d, %v", got.ID, ok, tt.wantID, tt.wantOK)
			}
			if !ok && got.Hours != DefaultSLARule().Hours {
				t.Errorf("no match gave %v hours, want the default rule", got.Hours)
			}
		})
	}
}

func TestSLAValues(t *testing.T) {
	if !SeverityCritical.Valid() || Severity("urgent").Valid() || Severity("").Valid() {
		t.Error("Severity.Valid is wrong")
	}
	if !PriorityUrgent.Valid() || Priority("critical").Valid() {
		t.Error("Priority.Valid is wrong")
	}
	for _, e := range DefaultSLARule().Escalations {
		if !e.Level.Valid() {
			t.Errorf("default rule escalates to unknown level %q", e.Level)
		}
	}
	if EscalationLevel("ceo").Valid() {
		t.Error("EscalationLevel.Valid accepts ceo")
	}
	if got := ruleHours(0.1); got != 6*time.Minute {
		t.Errorf("0.1 hours = %v, want 6m", got)
	}
}

func BenchmarkDue(b *testing.B) {
	riy := mustZone(b, "Asia/Riyadh")
	start := at(riy, 2026, 11, 26, 10, 0)
	c := SLAClock{Rule: SLARule{Hours: 72, BusinessHours: true}, Calendar: DefaultCalendar(riy), Start: start, Pauses: []Pause{
		{Start: start.Add(2 * time.Hour), End: start.Add(50 * time.Hour)},
		{Start: start.Add(100 * time.Hour), End: start.Add(130 * time.Hour)},
		{Start: start.Add(150 * time.Hour), End: start.Add(151 * time.Hour)},
	}}
	for b.Loop() {
		c.Due()
	}
}
