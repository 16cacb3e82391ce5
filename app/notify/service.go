// Package notify sends PX360's notifications: SMS, WhatsApp and email through the
// providers an admin configured, and in-app notifications to staff.
//
// The pipeline: a use case (or an outbox event handler) calls Enqueue inside its own
// transaction, which renders the hospital's template in the recipient's language,
// applies the contact rules (E.164 numbers, opt-outs, quiet hours) and writes one
// pending message row per recipient and channel, keyed for idempotency. Senders claim
// due messages with a lease, hand each to its provider and record the outcome and one
// attempt row in one transaction: sent (with the provider's id), retried with
// exponential backoff (5xx, timeouts), or failed for good (4xx). Provider callbacks then
// move a sent message to delivered, failed or bounced.
//
// Duplicates: a message is sent again only when the process dies after the provider
// accepted it and before the outcome was written; at start-up every message still
// "sending" goes back to pending. So a crash duplicates at most the messages that were
// in flight — at most Senders, each once. Providers that take a reference get our
// message id (Unifonic correlation id, the email Message-ID) so they can spot the repeat.
package notify

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"px360/app"
	"px360/app/vault"
	"px360/store"
)

// Service is the notifications module.
type Service struct {
	st    *store.Store
	vault *vault.Vault
	log   *slog.Logger

	Now         func() time.Time
	HTTPClient  *http.Client // for the HTTP providers (nil: a client with a 15 s timeout)
	Senders     int          // concurrent provider calls
	Batch       int          // messages claimed at a time
	MaxAttempts int          // tries before a message fails for good
	BaseDelay   time.Duration
	MaxDelay    time.Duration
	Lease       time.Duration // how long a claimed message belongs to its sender
	DefaultURL  string        // public base URL when no admin set one (from the listen address)
	// Translate names statuses and escalation levels in a language ("complaint.status.open");
	// the appliance sets it to the views' message catalog.
	Translate func(lang, key string) string

	mu        sync.Mutex
	providers map[app.Channel]*loadedProvider // cache, dropped on save
}

// New returns the service.
func New(st *store.Store, v *vault.Vault, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, vault: v, log: log, Now: time.Now, Senders: 4, Batch: 64, MaxAttempts: 6,
		BaseDelay: 30 * time.Second, MaxDelay: time.Hour, Lease: 2 * time.Minute, DefaultURL: "http://localhost:8080",
		providers: map[app.Channel]*loadedProvider{}}
}

// settingPublicURL is the settings key of the address patients' links start with.
const settingPublicURL = "notify.public_url"

// PublicURL returns the base of links in messages ("https://px.hospital.sa"), without a
// trailing slash.
func (s *Service) PublicURL(ctx context.Context) string {
	if v, err := s.st.Setting(ctx, settingPublicURL); err == nil && v != "" {
		return strings.TrimRight(v, "/")
	}
	return strings.TrimRight(s.DefaultURL, "/")
}

// SetPublicURL stores the base of links in messages; it must be an http(s) URL.
func (s *Service) SetPublicURL(ctx context.Context, by app.Principal, raw string) error {
	if !by.Can(app.PermSystemManage) {
		return app.ErrForbidden
	}
	raw = strings.TrimSpace(raw)
	if raw != "" && !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") || strings.ContainsAny(raw, " \"'<>") {
		return app.FieldErrors{"public_url": "err.url_invalid"}.Err()
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, settingPublicURL, strings.TrimRight(raw, "/")); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.public_url", Entity: "setting", EntityID: settingPublicURL,
			Summary: map[string]any{"url": raw}})
	})
}

// canManage reports whether by may change the notification settings of hospital (0:
// the system defaults, group-wide users only).
func canManage(by app.Principal, hospitalID int64) bool {
	if !by.Can(app.PermNotifyManage) {
		return false
	}
	if hospitalID == 0 {
		return by.Scope.All
	}
	return by.Scope.Allows(hospitalID)
}
