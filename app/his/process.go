package his

import (
	"context"
	"errors"
	"fmt"
	"time"

	"px360/app"
	"px360/store"
)

// processBatch is how many stored messages one transaction applies.
const processBatch = 200

// Process applies every stored message that is waiting, oldest first, and returns how
// many it handled. The job calls it every second and whenever new messages arrive.
func (s *Service) Process(ctx context.Context) (int, error) {
	total := 0
	integrations := map[int64]app.Integration{}
	for ctx.Err() == nil {
		msgs, err := s.st.ReceivedInbound(ctx, processBatch)
		if err != nil || len(msgs) == 0 {
			return total, err
		}
		hospitals := map[string]app.Hospital{}
		err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
			for _, m := range msgs {
				in, ok := integrations[m.IntegrationID]
				if !ok {
					if in, err = s.st.IntegrationByID(ctx, m.IntegrationID); err != nil {
						return err
					}
					integrations[m.IntegrationID] = in
				}
				if err := s.applyOne(ctx, tx, in, m, hospitals); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(msgs)
	}
	return total, ctx.Err()
}

// applyOne applies one message inside a savepoint: a message that cannot be applied
// is rolled back alone and marked with its error.
func (s *Service) applyOne(ctx context.Context, tx *store.Tx, in app.Integration, m app.InboundMessage, hospitals map[string]app.Hospital) error {
	if _, err := tx.ExecContext(ctx, `savepoint msg`); err != nil {
		return err
	}
	h, ev, err := s.apply(ctx, tx, in, m, hospitals)
	if err == nil {
		if err := tx.FinishInbound(ctx, m.ID, app.InboundProcessed, "", h.ID, ev.Event, ev.MRN, ev.Visit); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `release msg`)
		return err
	}
	var fail *applyError
	if !errors.As(err, &fail) {
		return err // the database itself failed: the whole batch is retried later
	}
	if _, err := tx.ExecContext(ctx, `rollback to msg`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `release msg`); err != nil {
		return err
	}
	s.log.Warn("HIS message not applied", "message", m.ID, "err", fail.reason)
	return tx.FinishInbound(ctx, m.ID, app.InboundError, fail.reason, h.ID, ev.Event, ev.MRN, ev.Visit)
}

// applyError is a message that cannot be applied (its content), as opposed to a failure
// of the database.
type applyError struct{ reason string }

func (e *applyError) Error() string { return e.reason }

func refuse(format string, args ...any) error { return &applyError{fmt.Sprintf(format, args...)} }

// apply turns one message into patient, visit, visit event and journey changes.
func (s *Service) apply(ctx context.Context, tx *store.Tx, in app.Integration, m app.InboundMessage, hospitals map[string]app.Hospital) (app.Hospital, app.HISEvent, error) {
	var ev app.HISEvent
	var err error
	loc := app.Riyadh()
	if in.HospitalID != 0 {
		if h, err := s.hospitalOf(ctx, in, "", hospitals); err == nil {
			loc = h.Zone()
		}
	}
	switch m.Format {
	case app.IntegrationHL7:
		ev, err = fromHL7(m.Raw, in, loc)
	default:
		var e JSONEvent
		if e, err = decodeJSON(m.Raw); err == nil {
			ev, err = fromJSON(e, in)
		}
	}
	if err != nil {
		return app.Hospital{}, ev, refuse("%v", err)
	}
	if ev.NationalID == nidMarker {
		ev.NationalID = ""
	}
	if len(m.NIDEnc) > 0 && s.orgs != nil {
		if ev.NationalID, err = s.orgs.OpenHISNationalID(m.NIDEnc); err != nil {
			return app.Hospital{}, ev, err
		}
	}
	h, err := s.hospitalOf(ctx, in, ev.HospitalCode, hospitals)
	if err != nil {
		return h, ev, refuse("%v", err)
	}
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = m.ReceivedAt
	}
	phone := ""
	if ev.Phone != "" {
		if n, err := app.E164(ev.Phone); err == nil {
			phone = n
		}
	}
	p, _, err := s.orgs.UpsertFromHIS(ctx, tx, app.Patient{HospitalID: h.ID, MRN: ev.MRN, NameEN: ev.NameEN, NameAR: ev.NameAR,
		Phone: phone, Email: ev.Email, Language: ev.Language, BirthDate: ev.BirthDate, NationalID: ev.NationalID})
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			return h, ev, refuse("patient: %s", ae.Message)
		}
		return h, ev, err
	}
	if ev.Deceased {
		if err := tx.SetPatientDeceased(ctx, p.ID, true); err != nil {
			return h, ev, err
		}
	}
	v, err := tx.VisitByNumber(ctx, h.ID, ev.Visit)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return h, ev, err
	}
	if v.ID != 0 && v.PatientID != p.ID {
		return h, ev, refuse("visit %s belongs to another patient (MRN changed without a merge message)", ev.Visit)
	}
	firstEvent := v.ID == 0
	v.HospitalID, v.PatientID, v.Number = h.ID, p.ID, ev.Visit
	s.applyToVisit(ctx, &v, ev)
	if err := tx.SaveVisit(ctx, &v); err != nil {
		return h, ev, err
	}
	if err := tx.AddVisitEvent(ctx, app.VisitEvent{VisitID: v.ID, MessageID: m.ID, Event: ev.Event, OccurredAt: ev.OccurredAt}); err != nil {
		return h, ev, err
	}
	if err := s.advanceJourney(ctx, tx, h, v, ev, m.ID, firstEvent); err != nil {
		return h, ev, err
	}
	return h, ev, tx.Emit(ctx, app.EventVisitUpdated, h.ID, map[string]any{"visit_id": v.ID, "event": ev.Event})
}

// applyToVisit updates a visit from an event so that the order of arrival does not
// matter: times are taken whenever the HIS sends them and a discharge is only undone
// by a cancel-discharge (A13); a cancelled admission (A11) stays cancelled unless the
// HIS admits the visit again (A01).
func (s *Service) applyToVisit(ctx context.Context, v *app.Visit, ev app.HISEvent) {
	if ev.PatientClass != "" {
		v.PatientClass = ev.PatientClass
	}
	if ev.Location != "" {
		v.Location = ev.Location
	}
	if ev.Doctor != "" {
		v.Doctor = ev.Doctor
	}
	if ev.Department != "" && v.DepartmentID == 0 {
		if d, err := s.st.DepartmentByCode(ctx, v.HospitalID, ev.Department); err == nil {
			v.DepartmentID = d.ID
		}
	}
	if !ev.AdmitAt.IsZero() {
		v.AdmitAt = ev.AdmitAt
	}
	switch ev.Event {
	case "A01", "A04", "A05":
		if v.AdmitAt.IsZero() {
			v.AdmitAt = ev.OccurredAt
		}
		if ev.Event == "A01" {
			v.Cancelled = false
		}
	case "A03":
		if !ev.DischargeAt.IsZero() {
			v.DischargeAt = ev.DischargeAt
		} else if v.DischargeAt.IsZero() {
			v.DischargeAt = ev.OccurredAt
		}
	case "A11":
		v.Cancelled = true
	case "A13":
		v.DischargeAt = time.Time{}
	}
	if ev.Event != "A03" && ev.Event != "A13" && !ev.DischargeAt.IsZero() {
		v.DischargeAt = ev.DischargeAt
	}
	if !ev.OccurredAt.Before(v.LastEventAt) {
		v.LastEvent, v.LastEventAt = ev.Event, ev.OccurredAt
	}
}
