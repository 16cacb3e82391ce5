package his

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"px360/app"
	"px360/store"
)

// VisitView is a visit with its events and journey, as the API and the patient page show it.
type VisitView struct {
	Visit    app.Visit
	Hospital app.Hospital
	Events   []app.VisitEvent
	Journey  *JourneyView
}

// JourneyView is a visit's journey state.
type JourneyView struct {
	Instance app.JourneyInstance
	Template app.JourneyTemplate
	Progress int
	Surveys  []store.JourneySurvey
}

// Visits returns the visits of the patients with mrn in the user's hospitals, newest
// first (at most 50 per patient).
func (s *Service) Visits(ctx context.Context, by app.Principal, mrn string) ([]VisitView, error) {
	if !by.Can(app.PermPatientView) {
		return nil, app.ErrForbidden
	}
	mrn = strings.TrimSpace(mrn)
	if mrn == "" || len(mrn) > 64 {
		return nil, app.FieldErrors{"mrn": "err.required"}.Err()
	}
	hospitals, err := s.st.Hospitals(ctx, by.Scope)
	if err != nil {
		return nil, err
	}
	var out []VisitView
	for _, h := range hospitals {
		p, err := s.st.PatientByMRN(ctx, h.ID, mrn)
		if errors.Is(err, app.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		vs, err := s.PatientVisits(ctx, by, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// PatientVisits returns one patient's visits with events and journeys.
func (s *Service) PatientVisits(ctx context.Context, by app.Principal, patientID int64) ([]VisitView, error) {
	visits, events, err := s.st.VisitsOfPatient(ctx, patientID, 50)
	if err != nil {
		return nil, err
	}
	var out []VisitView
	templates := map[int64]app.JourneyTemplate{}
	for _, v := range visits {
		if !by.Scope.Allows(v.HospitalID) {
			continue
		}
		h, err := s.st.HospitalByID(ctx, by.Scope, v.HospitalID)
		if err != nil {
			return nil, err
		}
		vv := VisitView{Visit: v, Hospital: h, Events: events[v.ID]}
		j, err := s.st.JourneyOfVisit(ctx, v.ID)
		if err == nil {
			t, ok := templates[j.TemplateID]
			if !ok {
				if t, err = s.st.JourneyTemplateByID(ctx, j.TemplateID); err != nil {
					return nil, err
				}
				templates[j.TemplateID] = t
			}
			sv, err := s.st.JourneySurveys(ctx, j.ID)
			if err != nil {
				return nil, err
			}
			vv.Journey = &JourneyView{Instance: j, Template: t, Progress: j.Progress(t), Surveys: sv}
		} else if !errors.Is(err, app.ErrNotFound) {
			return nil, err
		}
		out = append(out, vv)
	}
	return out, nil
}

// Messages pages through the inbound message log.
func (s *Service) Messages(ctx context.Context, by app.Principal, q app.ListQuery, f store.InboundFilter) (app.Page[app.InboundMessage], error) {
	if !by.Can(app.PermSystemManage) {
		return app.Page[app.InboundMessage]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListInbound(ctx, q, f)
}

// Message returns one logged message.
func (s *Service) Message(ctx context.Context, by app.Principal, id int64) (app.InboundMessage, error) {
	if !by.Can(app.PermSystemManage) {
		return app.InboundMessage{}, app.ErrForbidden
	}
	return s.st.InboundByID(ctx, by.Scope, id)
}

// Reprocess puts a message that failed back in the queue (after the integration's
// mapping or the organisation's data was fixed).
func (s *Service) Reprocess(ctx context.Context, by app.Principal, id int64) error {
	if !by.Can(app.PermSystemManage) {
		return app.ErrForbidden
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		ok, err := tx.ReprocessInbound(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Code: app.EConflict, Message: "err.reprocess_not_error"}
		}
		return tx.Audit(ctx, app.Audit{Action: "his.reprocess", Entity: "his_message", EntityID: strconv.FormatInt(id, 10)})
	})
	if err == nil {
		s.wake()
	}
	return err
}
