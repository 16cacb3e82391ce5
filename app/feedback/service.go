// Package feedback runs patient feedback (compliments, suggestions, inquiries, …) and
// staff observations (safety and process reports, anonymous unless the reporter chooses
// otherwise): public intake with tracking codes, the staff workflow with its log,
// answers to patients through the notifications module, links to improvement actions,
// attachments stripped of image metadata, and the observation SLA sweep.
//
// Anonymity is the rule of the observation intake: SubmitObservation takes no request
// details at all (no address, browser, session or user), and its transaction runs as a
// principal without an address, so neither the record, its log, its audit row nor its
// events can name the reporter unless they wrote their name into the form themselves.
package feedback

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
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

// Limits on free text, so one submission cannot fill the disk or the AI queue.
const (
	MaxText     = 8000
	MaxNote     = 4000
	MaxResponse = 2000
	MaxLocation = 200
	MaxName     = 200
)

// Principals of the public intake. Neither carries an address: the audit rows of public
// submissions hold none.
var (
	publicFeedback = app.Principal{Email: "public-form", Scope: app.Scope{All: true}}
	anonymous      = app.Principal{Email: app.AnonymousActor, Scope: app.Scope{All: true}}
)

// text trims v and records a field error when it is required and empty, too long, or
// not valid UTF-8.
func text(fe app.FieldErrors, field, v string, maxLen int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		fe.Add(field, "err.required")
	case !utf8.ValidString(v):
		fe.Add(field, "err.text_invalid")
	case utf8.RuneCountInString(v) > maxLen:
		fe.Add(field, "err.too_long")
	}
	return v
}

// checkDepartment adds a field error unless department id (optional) belongs to the hospital.
func (s *Service) checkDepartment(ctx context.Context, fe app.FieldErrors, field string, hospitalID, id int64) {
	if id == 0 || hospitalID == 0 {
		return
	}
	if d, err := s.st.DepartmentByID(ctx, app.Scope{All: true}, id); err != nil || d.HospitalID != hospitalID || !d.Active {
		fe.Add(field, "err.department_not_in_hospital")
	}
}

// checkHospital adds a field error unless id names an active hospital in scope.
func (s *Service) checkHospital(ctx context.Context, fe app.FieldErrors, scope app.Scope, id int64) bool {
	if id == 0 {
		fe.Add("hospital", "err.required")
		return false
	}
	h, err := s.st.HospitalByID(ctx, scope, id)
	if err != nil || !h.Active {
		fe.Add("hospital", "err.hospital_not_allowed")
		return false
	}
	return true
}

// analysisEvent asks the AI engine to analyse a record's free text.
func analysisEvent(ctx context.Context, tx *store.Tx, recordType string, id, hospitalID int64) error {
	return tx.Emit(ctx, app.EventAnalysisRequested, hospitalID, map[string]any{"record_type": recordType, "record_id": id,
		"hospital_id": hospitalID})
}

// hospitalZone is the time zone a hospital's times are written in for notifications.
func (s *Service) hospitalZone(ctx context.Context, hospitalID int64) *time.Location {
	return s.st.HospitalZone(ctx, hospitalID)
}

// tr translates a catalog key through the notifications module's translator.
func (s *Service) tr(lang, key string) string {
	if s.notify == nil || s.notify.Translate == nil {
		return key
	}
	return s.notify.Translate(lang, key)
}
