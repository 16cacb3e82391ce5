// Package his takes what the hospital information system says — HL7 v2 ADT messages
// over MLLP or HTTP, or JSON event batches — and turns it into patients, visits, patient
// journeys and the surveys those journeys schedule.
//
// Receiving and applying are two steps. Receiving stores every message as it came (the
// raw text, parsed or not) and acknowledges it: once a sender has its ACK, the message is
// in the database, whatever happens next. Duplicates (the same integration and control
// id or event id) are stored as duplicates and never applied twice. A processor then
// applies the stored messages in arrival order, each in a savepoint of a batch
// transaction, so one bad message is marked with its error and the others go on.
// Applying is order-tolerant: a discharge that arrives before its admission still gives
// a visit with both times; a cancelled admission (A11) cancels the journey's surveys.
package his

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"px360/app"
	"px360/app/orgs"
	"px360/app/surveys"
	"px360/store"
)

// Service is the HIS integration and journeys module.
type Service struct {
	st      *store.Store
	orgs    *orgs.Service
	surveys *surveys.Service
	log     *slog.Logger
	Now     func() time.Time
	woken   chan struct{}
}

// New returns the service.
func New(st *store.Store, o *orgs.Service, sv *surveys.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, orgs: o, surveys: sv, log: log, Now: time.Now, woken: make(chan struct{}, 1)}
}

// Woken is signalled when new messages were stored, so the processor need not wait for
// its next tick.
func (s *Service) Woken() <-chan struct{} { return s.woken }

func (s *Service) wake() {
	select {
	case s.woken <- struct{}{}:
	default:
	}
}

// Authenticate returns the enabled integration of an API key; any failure is "not found".
func (s *Service) Authenticate(ctx context.Context, key string) (app.Integration, error) {
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, "px360_") || len(key) > 100 {
		return app.Integration{}, app.ErrNotFound
	}
	return s.st.IntegrationByKey(ctx, key)
}

// Integrations lists the integrations (system admins).
func (s *Service) Integrations(ctx context.Context, by app.Principal) ([]app.Integration, error) {
	if !by.Can(app.PermSystemManage) {
		return nil, app.ErrForbidden
	}
	return s.st.Integrations(ctx)
}

// IntegrationInput is an integration as created or edited.
type IntegrationInput struct {
	Name         string
	Kind         app.IntegrationKind
	HospitalCode string
	ListenAddr   string
	EventMap     map[string]string
	Enabled      bool
}

// SaveIntegration creates (id 0) or updates an integration. A new integration gets a new
// API key, returned once and stored only as a hash; rotate is true to replace the key of
// an existing one.
func (s *Service) SaveIntegration(ctx context.Context, by app.Principal, id int64, in IntegrationInput, rotate bool) (app.Integration, string, error) {
	if !by.Can(app.PermSystemManage) {
		return app.Integration{}, "", app.ErrForbidden
	}
	fe := app.FieldErrors{}
	name := app.RequiredText(fe, "name", in.Name, 100)
	if in.Kind != app.IntegrationHL7 && in.Kind != app.IntegrationJSON {
		fe.Add("kind", "err.choose_option")
	}
	var hospitalID int64
	if code := strings.TrimSpace(in.HospitalCode); code != "" {
		h, err := s.st.HospitalByCode(ctx, by.Scope, code)
		if err != nil {
			fe.Add("hospital", "err.hospital_unknown")
		}
		hospitalID = h.ID
	}
	addr := strings.TrimSpace(in.ListenAddr)
	if addr != "" {
		if in.Kind != app.IntegrationHL7 {
			fe.Add("listen", "err.listen_hl7_only")
		} else if err := checkListen(addr); err != nil {
			fe.Add("listen", "err.listen_invalid")
		}
	}
	emap := map[string]string{}
	for k, v := range in.EventMap {
		k, v = strings.TrimSpace(k), strings.ToUpper(strings.TrimSpace(v))
		if k == "" {
			continue
		}
		if !app.KnownHISEvent(v) || len(k) > 40 {
			fe.Add("event_map", "err.event_map")
			break
		}
		emap[k] = v
	}
	if err := fe.Err(); err != nil {
		return app.Integration{}, "", err
	}
	var out app.Integration
	var key string
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		out = app.Integration{ID: id, Name: name, Kind: in.Kind, HospitalID: hospitalID, ListenAddr: addr, EventMap: emap, Enabled: in.Enabled}
		if id != 0 {
			cur, err := s.st.IntegrationByID(ctx, id)
			if err != nil {
				return err
			}
			out.Kind, out.KeyPrefix, out.CreatedAt = cur.Kind, cur.KeyPrefix, cur.CreatedAt
		}
		if id == 0 || rotate {
			key = app.NewIntegrationKey()
			out.KeyPrefix = key[:10]
		}
		if err := tx.SaveIntegration(ctx, &out, key); err != nil {
			return err
		}
		action := "integration.update"
		if id == 0 {
			action = "integration.create"
		}
		return tx.Audit(ctx, app.Audit{Action: action, Entity: "integration", EntityID: fmt.Sprint(out.ID), HospitalID: hospitalID,
			Summary: map[string]any{"name": name, "kind": out.Kind, "listen": addr, "enabled": in.Enabled, "new_key": key != ""}})
	})
	return out, key, err
}

func checkListen(addr string) error {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 || i == len(addr)-1 {
		return fmt.Errorf("want HOST:PORT")
	}
	for _, r := range addr[i+1:] {
		if r < '0' || r > '9' {
			return fmt.Errorf("bad port")
		}
	}
	return nil
}

// hospitalOf resolves the hospital an event is for: the integration's, else the event's
// code (JSON "hospital", HL7 MSH-4).
func (s *Service) hospitalOf(ctx context.Context, in app.Integration, code string, cache map[string]app.Hospital) (app.Hospital, error) {
	key := fmt.Sprintf("%d/%s", in.HospitalID, code)
	if h, ok := cache[key]; ok {
		return h, nil
	}
	var h app.Hospital
	var err error
	if in.HospitalID != 0 {
		h, err = s.st.HospitalByID(ctx, app.System.Scope, in.HospitalID)
	} else {
		h, err = s.st.HospitalByCode(ctx, app.System.Scope, code)
		if err != nil {
			err = fmt.Errorf("unknown hospital %q: the integration has none and the event's code matches no hospital", code)
		}
	}
	if err == nil {
		cache[key] = h
	}
	return h, err
}
