package app

import (
	"crypto/rand"
	"encoding/base32"
	"slices"
	"time"
)

// Channel is how a notification reaches a person.
type Channel string

const (
	ChannelEmail    Channel = "email"
	ChannelSMS      Channel = "sms"
	ChannelWhatsApp Channel = "whatsapp"
	ChannelInApp    Channel = "inapp"
)

// Channels lists every channel; OutboundChannels those that go through a provider.
var (
	Channels         = []Channel{ChannelSMS, ChannelWhatsApp, ChannelEmail, ChannelInApp}
	OutboundChannels = []Channel{ChannelSMS, ChannelWhatsApp, ChannelEmail}
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Phone reports whether c is addressed by a phone number (and so keeps quiet hours).
func (c Channel) Phone() bool { return c == ChannelSMS || c == ChannelWhatsApp }

// Purpose separates what a patient may opt out of: survey invitations, or service
// messages about their own care and complaints.
type Purpose string

const (
	PurposeService Purpose = "service"
	PurposeSurvey  Purpose = "survey"
)

// Purposes lists every purpose.
var Purposes = []Purpose{PurposeService, PurposeSurvey}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Audience is who a notification is for: contact rules (opt-out, quiet hours, frequency
// cap) protect patients; staff notifications are work.
type Audience string

const (
	AudiencePatient Audience = "patient"
	AudienceStaff   Audience = "staff"
)

// MessageStatus is where one outbound message is in its delivery.
type MessageStatus string

const (
	MessagePending    MessageStatus = "pending"    // waiting for its time (retry, quiet hours, cap)
	MessageSending    MessageStatus = "sending"    // claimed by a sender
	MessageSent       MessageStatus = "sent"       // the provider accepted it
	MessageDelivered  MessageStatus = "delivered"  // the provider confirmed delivery
	MessageFailed     MessageStatus = "failed"     // permanently, or out of retries
	MessageBounced    MessageStatus = "bounced"    // the provider reported it undeliverable after sending
	MessageSuppressed MessageStatus = "suppressed" // not sent: the recipient opted out
)

// MessageStatuses lists every status in pipeline order.
var MessageStatuses = []MessageStatus{MessagePending, MessageSending, MessageSent, MessageDelivered,
	MessageFailed, MessageBounced, MessageSuppressed}

// Valid reports whether s is a known status.
func (s MessageStatus) Valid() bool { return slices.Contains(MessageStatuses, s) }

// Final reports whether nothing more will happen to a message in status s.
func (s MessageStatus) Final() bool {
	return s == MessageDelivered || s == MessageFailed || s == MessageBounced || s == MessageSuppressed
}

// Message is one notification to one recipient on one outbound channel.
type Message struct {
	ID          int64
	HospitalID  int64
	Key         NotificationKey
	Channel     Channel
	Purpose     Purpose
	Audience    Audience
	Recipient   string // E.164 phone number or email address
	PatientKey  string // "p:<patient id>" or the address: what the frequency cap counts
	Lang        string
	Subject     string
	Body        string
	Template    string   // WhatsApp template name
	Params      []string // WhatsApp template parameters
	Status      MessageStatus
	Attempts    int
	NextAt      time.Time
	Provider    string
	ProviderID  string
	LastError   string
	OptOutToken string
	DedupeKey   string
	ResentFrom  int64
	CreatedAt   time.Time
	SentAt      time.Time
	DeliveredAt time.Time
	UpdatedAt   time.Time
}

// MessageAttempt is one try to hand a message to its provider.
type MessageAttempt struct {
	ID         int64
	MessageID  int64
	Attempt    int
	At         time.Time
	Outcome    string // "sent", "retry", "failed", "deferred", "suppressed"
	HTTPStatus int
	ProviderID string
	Error      string
	Millis     int64
}

// InboxItem is an in-app notification for one user.
type InboxItem struct {
	ID         int64
	UserID     string
	HospitalID int64
	Key        NotificationKey
	Title      string
	Body       string
	Link       string
	CreatedAt  time.Time
	ReadAt     time.Time
}

// OptOut records that a contact does not want messages of one purpose on one channel.
type OptOut struct {
	Contact   string
	Channel   Channel
	Purpose   Purpose
	Source    string // "link", "keyword", "staff"
	CreatedAt time.Time
}

// ContactRules are a hospital's limits on messages to patients.
type ContactRules struct {
	HospitalID int64
	QuietStart int // minutes after midnight, hospital time; equal to QuietEnd means no quiet hours
	QuietEnd   int
	CapCount   int // at most this many messages per patient per CapHours (0: no cap)
	CapHours   int
}

// DefaultContactRules are what a hospital gets until an admin changes them: quiet from
// 22:00 to 08:00, at most three messages a day.
func DefaultContactRules(hospitalID int64) ContactRules {
	return ContactRules{HospitalID: hospitalID, QuietStart: 22 * 60, QuietEnd: 8 * 60, CapCount: 3, CapHours: 24}
}

// Quiet reports whether t falls in the quiet hours in loc, and if so when they end.
func (r ContactRules) Quiet(t time.Time, loc *time.Location) (bool, time.Time) {
	if r.QuietStart == r.QuietEnd {
		return false, time.Time{}
	}
	lt := t.In(loc)
	mins := lt.Hour()*60 + lt.Minute()
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	at := func(day time.Time, m int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
	}
	if r.QuietStart < r.QuietEnd { // e.g. 01:00–06:00, within one day
		if mins >= r.QuietStart && mins < r.QuietEnd {
			return true, at(midnight, r.QuietEnd)
		}
		return false, time.Time{}
	}
	switch { // across midnight, e.g. 22:00–08:00
	case mins >= r.QuietStart:
		return true, at(midnight.AddDate(0, 0, 1), r.QuietEnd)
	case mins < r.QuietEnd:
		return true, at(midnight, r.QuietEnd)
	}
	return false, time.Time{}
}

// NewOptOutToken returns a random token for a message's opt-out link: 80 bits, 16
// lower-case base32 characters, short enough for an SMS.
func NewOptOutToken() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return lowerBase32.EncodeToString(b)
}

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Provider kinds an admin can configure.
const (
	ProviderSMTP     = "smtp"
	ProviderUnifonic = "unifonic"
	ProviderTwilio   = "twilio"
	ProviderGateway  = "gateway"
	ProviderWhatsApp = "whatsapp"
)

// ProviderKinds lists the provider kinds each outbound channel can use.
var ProviderKinds = map[Channel][]string{
	ChannelEmail:    {ProviderSMTP},
	ChannelSMS:      {ProviderUnifonic, ProviderTwilio, ProviderGateway},
	ChannelWhatsApp: {ProviderWhatsApp},
}

// ProviderConfig is the provider an outbound channel sends through. Config is the
// provider's settings as JSON; secret fields are stored encrypted and never shown back.
type ProviderConfig struct {
	Channel   Channel
	Kind      string
	Enabled   bool
	Config    []byte
	UpdatedAt time.Time
}
