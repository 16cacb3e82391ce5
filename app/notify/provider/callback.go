package provider

// Delivery states reported by StatusUpdate.Status.
const (
	StatusSent      = "sent"      // the provider handed the message on; delivery unknown yet
	StatusDelivered = "delivered" // it reached the handset or was read
	StatusFailed    = "failed"    // it will not arrive; Reason says why
)

// StatusUpdate is a provider's delivery report for a message it accepted earlier.
type StatusUpdate struct {
	ProviderID string // the id Result.ProviderID returned at send time
	Status     string // StatusSent, StatusDelivered or StatusFailed
	Reason     string // the provider's error code and text for failures
}

// Inbound is a message a recipient sent back, e.g. "STOP" to opt out.
type Inbound struct {
	From string // "+" and the sender's digits
	Body string
}

// normalizeFrom turns "whatsapp:+9665…", "+9665…" or "9665…" into "+9665…".
func normalizeFrom(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) == 0 {
		return ""
	}
	return "+" + string(b)
}
