package provider

import "context"

// Message is one message to one recipient, already rendered.
type Message struct {
	// ID is our stable message id, the same across retries. It becomes the email
	// Message-ID (<ID@px360>) and the correlation reference where a provider takes one.
	ID string
	// To is an E.164 number with "+" for SMS and WhatsApp ("+966501234567"), or an
	// email address for email.
	To string
	// Lang is the recipient's language, "en" or "ar".
	Lang string
	// Subject is the email subject; other channels ignore it.
	Subject string
	// Body is the plain UTF-8 text of the message.
	Body string
	// Template is the approved WhatsApp template name; empty sends Body as free text,
	// which WhatsApp only allows inside the 24-hour customer-service window.
	Template string
	// Params are the WhatsApp template body parameters in order.
	Params []string
	// StatusCallback is the URL Twilio posts delivery updates to, when set.
	StatusCallback string
}

// Result is what a provider said when it accepted a message.
type Result struct {
	// ProviderID is the provider's message id (Twilio sid, Unifonic MessageID, WhatsApp
	// wamid, email Message-ID), used to match later delivery callbacks.
	ProviderID string
	// HTTPStatus is the provider's HTTP status; 0 for SMTP.
	HTTPStatus int
}

// Sender sends one message. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) (Result, error)
}

// The senders all satisfy Sender.
var (
	_ Sender = (*Email)(nil)
	_ Sender = (*Unifonic)(nil)
	_ Sender = (*Twilio)(nil)
	_ Sender = (*Gateway)(nil)
	_ Sender = (*WhatsApp)(nil)
)
