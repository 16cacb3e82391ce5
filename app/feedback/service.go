// Package feedback runs patient feedback (compliments, suggestions, inquiries, …) and
// staff observations (safety and process reports, anonymous unless the reporter chooses
// otherwise).
package feedback

import (
	"io"
	"log/slog"
	"time"

	"px360/app/files"
	"px360/app/notify"
	"px360/app/sla"
	"px360/store"
)

// Service is the feedback and observations module.
type Service struct {
	st     *store.Store
	notify *notify.Service
	sla    *sla.Service
	files  *files.Store
	log    *slog.Logger
	Now    func() time.Time
}

// New returns the service.
func New(st *store.Store, n *notify.Service, s *sla.Service, f *files.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, notify: n, sla: s, files: f, log: log, Now: time.Now}
}
