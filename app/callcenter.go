package app

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// CallType classifies a call-center interaction.
type CallType string

const (
	CallInquiry     CallType = "inquiry"
	CallComplaint   CallType = "complaint"
	CallAppointment CallType = "appointment"
	CallFollowUp    CallType = "follow_up"
	CallFeedback    CallType = "feedback"
)

// CallTypes lists every call type in the order agents pick them.
var CallTypes = []CallType{CallInquiry, CallComplaint, CallAppointment, CallFollowUp, CallFeedback}

// Valid reports whether t is a known call type.
func (t CallType) Valid() bool { return slices.Contains(CallTypes, t) }

// callTypeWords are the ways telephony exports and people write each call type.
var callTypeWords = map[string]CallType{
	"inquiry": CallInquiry, "enquiry": CallInquiry, "question": CallInquiry, "استفسار": CallInquiry,
	"complaint": CallComplaint, "شكوى": CallComplaint,
	"appointment": CallAppointment, "booking": CallAppointment, "موعد": CallAppointment, "حجز": CallAppointment,
	"follow_up": CallFollowUp, "follow-up": CallFollowUp, "follow up": CallFollowUp, "followup": CallFollowUp, "متابعة": CallFollowUp,
	"feedback": CallFeedback, "ملاحظة": CallFeedback, "رأي": CallFeedback,
}

// ParseCallType reads a call type as a file or a person writes it: our codes, English
// words in any case ("Follow-up") or the Arabic word.
func ParseCallType(s string) (CallType, bool) {
	t, ok := callTypeWords[strings.ToLower(strings.TrimSpace(s))]
	return t, ok
}

// Limits of a call record.
const (
	MaxCallSeconds = 24 * 60 * 60 // a wait or talk time longer than a day is a typing error
	LowCallRating  = 2            // a satisfaction rating at or below this opens an improvement action
)

// CallInteraction is one call handled by the call center. Satisfaction is 0 when the
// caller gave no rating, else 1–5. LowRatingEmitted records that the low-rating event
// went out, so it goes out once per call whatever edits follow.
type CallInteraction struct {
	ID               int64
	HospitalID       int64
	DepartmentID     int64 // 0 when none
	Type             CallType
	CallerName       string
	CallerPhone      string // E.164 when the number is a valid mobile, else as typed (digits)
	PatientID        int64  // linked by MRN, or by a phone number only one patient has; 0 when none
	AgentUserID      string
	AgentEmail       string
	StartedAt        time.Time
	WaitSeconds      int
	TalkSeconds      int
	Resolved         bool
	Resolution       string
	Satisfaction     int
	Notes            string
	LowRatingEmitted bool
	ImportID         int64 // the CSV import that brought it, 0 when typed
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// HandleSeconds is the time the caller spent: waiting plus talking.
func (c CallInteraction) HandleSeconds() int { return c.WaitSeconds + c.TalkSeconds }

// LowRating reports whether the caller rated the call 2 or less.
func (c CallInteraction) LowRating() bool {
	return c.Satisfaction >= 1 && c.Satisfaction <= LowCallRating
}

// ParseSeconds reads a duration as agents and telephony exports write it: seconds
// ("95"), minutes and seconds ("1:35") or hours, minutes and seconds ("0:01:35").
// Arabic-Indic digits are accepted.
func ParseSeconds(s string) (int, bool) {
	s = strings.Map(func(r rune) rune {
		if r >= '٠' && r <= '٩' {
			return '0' + (r - '٠')
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	total := 0
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (i > 0 && (n > 59 || len(p) != 2)) {
			return 0, false
		}
		total = total*60 + n
		if total > 10*MaxCallSeconds {
			return 0, false
		}
	}
	return total, true
}

// CallImport is one CSV file of call records.
type CallImport struct {
	ID         int64
	HospitalID int64
	FileName   string
	Rows       int
	Good       int
	Bad        int
	CreatedBy  string
	CreatedAt  time.Time
}

// AgentPerformance is one agent's numbers over a period.
type AgentPerformance struct {
	AgentUserID      string
	AgentEmail       string
	AgentName        string
	Calls            int
	AvgHandleSeconds float64 // wait + talk
	Resolved         int
	Rated            int     // calls with a satisfaction rating
	AvgRating        float64 // over the rated calls; 0 when none
	LowRatings       int
}

// ResolutionRate is the share of calls resolved, 0–1.
func (p AgentPerformance) ResolutionRate() float64 {
	if p.Calls == 0 {
		return 0
	}
	return float64(p.Resolved) / float64(p.Calls)
}

// SenderKind is who thanks a staff member.
type SenderKind string

const (
	SenderPatient   SenderKind = "patient"
	SenderFamily    SenderKind = "family"
	SenderColleague SenderKind = "colleague"
)

// SenderKinds lists every sender kind.
var SenderKinds = []SenderKind{SenderColleague, SenderPatient, SenderFamily}

// Valid reports whether k is a known sender kind.
func (k SenderKind) Valid() bool { return slices.Contains(SenderKinds, k) }

// Visibility is who may read an appreciation: the sender and the recipient (private),
// also the users of the recipient's department, of the hospital, or also the public
// thank-you wall.
type Visibility string

const (
	VisibilityPrivate    Visibility = "private"
	VisibilityDepartment Visibility = "department"
	VisibilityHospital   Visibility = "hospital"
	VisibilityPublic     Visibility = "public"
)

// Visibilities lists every visibility, narrowest first.
var Visibilities = []Visibility{VisibilityPrivate, VisibilityDepartment, VisibilityHospital, VisibilityPublic}

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return slices.Contains(Visibilities, v) }

// AppreciationStatus is where an appreciation is: a draft its sender keeps, sent to the
// recipient, or acknowledged by them.
type AppreciationStatus string

const (
	AppreciationDraft        AppreciationStatus = "draft"
	AppreciationSent         AppreciationStatus = "sent"
	AppreciationAcknowledged AppreciationStatus = "acknowledged"
)

// AppreciationStatuses lists every status in workflow order.
var AppreciationStatuses = []AppreciationStatus{AppreciationDraft, AppreciationSent, AppreciationAcknowledged}

// AppreciationCategory is what a thank-you is for ("kindness").
type AppreciationCategory struct {
	ID     int64
	Code   string
	NameEN string
	NameAR string
	Active bool
}

// Appreciation is a thank-you to a staff member. The message is kept in the language it
// was written in. An anonymous appreciation has no sender name; the sender's user id is
// still stored (to stop abuse such as farming badges for a friend) and is never shown,
// not even to admins. SentAt decides the month it counts in, in the hospital's time zone.
type Appreciation struct {
	ID               int64
	HospitalID       int64
	DepartmentID     int64 // the recipient's department when it was written; 0 when none
	RecipientStaffID int64
	RecipientUserID  string // the recipient's user account (matched by the staff record's e-mail), "" when none
	SenderKind       SenderKind
	SenderName       string // "" when anonymous
	SenderUserID     string // who wrote or recorded it; never shown
	Anonymous        bool
	CategoryID       int64 // 0 when none
	Message          string
	Language         string // "ar" or "en"
	Visibility       Visibility
	Status           AppreciationStatus
	CreatedAt        time.Time
	UpdatedAt        time.Time
	SentAt           time.Time
	AcknowledgedAt   time.Time
}

// TextLanguage guesses the language of a free text: "ar" when it has more Arabic
// letters than Latin ones, else "en".
func TextLanguage(s string) string {
	ar, latin := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			ar++
		case unicode.IsLetter(r) && r < 0x250:
			latin++
		}
	}
	if ar > latin {
		return "ar"
	}
	return "en"
}

// BadgeCode names a badge.
type BadgeCode string

const (
	BadgeAppreciated5  BadgeCode = "appreciated_5"
	BadgeAppreciated10 BadgeCode = "appreciated_10"
	BadgeAppreciated25 BadgeCode = "appreciated_25"
	// BadgeFirstOfMonth goes to a staff member with the first appreciation they receive
	// in a calendar month of the hospital's time zone (once per month).
	BadgeFirstOfMonth BadgeCode = "first_of_month"
)

// CountBadges are the badges for a number of appreciations received (sent, not drafts).
var CountBadges = []struct {
	Code  BadgeCode
	Count int
}{{BadgeAppreciated5, 5}, {BadgeAppreciated10, 10}, {BadgeAppreciated25, 25}}

// BadgeCodes lists every badge.
var BadgeCodes = []BadgeCode{BadgeFirstOfMonth, BadgeAppreciated5, BadgeAppreciated10, BadgeAppreciated25}

// Badge is a badge a staff member earned. Period is the month ("2026-03") of a monthly
// badge and "" for a once-only badge.
type Badge struct {
	ID             int64
	HospitalID     int64
	StaffID        int64
	Code           BadgeCode
	Period         string
	AppreciationID int64
	AwardedAt      time.Time
}

// LeaderboardRow is one staff member on a monthly leaderboard. Equal counts share a rank.
type LeaderboardRow struct {
	Rank         int
	StaffID      int64
	NameEN       string
	NameAR       string
	DepartmentID int64
	Count        int
}

// MonthOf is the calendar month ("2026-03") of t in loc.
func MonthOf(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01") }

// MonthRange returns the first instant of month ("2026-03") in loc and the first of
// the next month, both in UTC, for queries over stored UTC times.
func MonthRange(month string, loc *time.Location) (from, to time.Time, ok bool) {
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return t.UTC(), t.AddDate(0, 1, 0).UTC(), true
}

// AppreciationViewer is who reads appreciations, with what decides what they may see.
type AppreciationViewer struct {
	UserID        string
	Email         string
	Scope         Scope
	DepartmentIDs []int64
	// AllDepartments lets appreciation admins read the department-level appreciations of
	// every department of their hospitals. Private ones stay between sender and recipient.
	AllDepartments bool
}

// VisibleTo reports whether v may read a: its sender always (drafts too); once sent, its
// recipient (by user id or the staff record's e-mail, recipientEmail), the users of its
// department (department), of its hospital (hospital and public). Never outside v's hospitals.
func (a Appreciation) VisibleTo(v AppreciationViewer, recipientEmail string) bool {
	if !v.Scope.Allows(a.HospitalID) {
		return false
	}
	if v.UserID != "" && a.SenderUserID == v.UserID {
		return true
	}
	if a.Status == AppreciationDraft {
		return false
	}
	if (v.UserID != "" && a.RecipientUserID == v.UserID) || (recipientEmail != "" && strings.EqualFold(recipientEmail, v.Email)) {
		return true
	}
	switch a.Visibility {
	case VisibilityHospital, VisibilityPublic:
		return true
	case VisibilityDepartment:
		return v.AllDepartments || (a.DepartmentID != 0 && slices.Contains(v.DepartmentIDs, a.DepartmentID))
	}
	return false
}

// NotifyAppreciationReceived tells a staff member they were thanked.
const NotifyAppreciationReceived NotificationKey = "appreciation.received"

// appreciationVars are the variables of NotifyAppreciationReceived's templates.
var appreciationVars = []string{"thanked_by", "appreciation_category", "appreciation_message", "appreciation_link"}
