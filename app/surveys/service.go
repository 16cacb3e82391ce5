// Package surveys runs patient surveys: versioned bilingual templates, invitations with
// secure links sent through the notifications module, the page-by-page public survey,
// scoring and the negative rule, ward and kiosk links, fatigue and exclusion rules,
// results and the events other modules react to (survey.negative, analysis.requested,
// resolution_survey.answered).
//
// A template version that has responses is never changed: editing it creates the next
// version as a draft, and publishing the draft archives the old one. Invitations and
// responses keep the version they were made with.
package surveys

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/app/vault"
	"px360/store"
)

// Service is the surveys module.
type Service struct {
	st     *store.Store
	notify *notify.Service
	vault  *vault.Vault
	log    *slog.Logger
	Now    func() time.Time
}

// New returns the service.
func New(st *store.Store, n *notify.Service, v *vault.Vault, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, notify: n, vault: v, log: log, Now: time.Now}
}

// EnsureDefaults adds the built-in templates (active, group-wide) to an installation
// that has none.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	n, err := s.st.CountSurveyTemplates(ctx)
	if err != nil || n > 0 {
		return err
	}
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		for _, t := range app.DefaultSurveyTemplates() {
			t.Status = app.TemplateActive
			if err := tx.InsertSurveyTemplate(ctx, &t); err != nil {
				return fmt.Errorf("default survey %q: %w", t.NameEN, err)
			}
		}
		return nil
	})
}

// Link returns the public address of a survey token.
func (s *Service) Link(ctx context.Context, token string) string {
	return s.notify.PublicURL(ctx) + "/s/" + token
}

// tokenPurpose binds encrypted survey tokens to their use.
const tokenPurpose = "survey.token"
