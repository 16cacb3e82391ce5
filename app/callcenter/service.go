// Package callcenter records call-center interactions and their agents' performance,
// and runs staff appreciation: thank-you messages, badges and monthly leaderboards.
package callcenter

import (
	"io"
	"log/slog"
	"time"

	"px360/app/notify"
	"px360/store"
)

// Service is the call-center and appreciation module.
type Service struct {
	st     *store.Store
	notify *notify.Service
	log    *slog.Logger
	Now    func() time.Time
}

// New returns the service.
func New(st *store.Store, n *notify.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, notify: n, log: log, Now: time.Now}
}
