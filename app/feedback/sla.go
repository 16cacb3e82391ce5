package feedback

import (
	"context"
	"fmt"
	"math"

	"px360/app"
	"px360/store"
)

// SLARules returns the rule of each severity (mildest first) that new observations of
// a hospital run under (hospitalID 0: the group's defaults). Users of some hospitals may
// read their own hospitals' rules and the group's.
func (s *Service) SLARules(ctx context.Context, by app.Principal, hospitalID int64) ([]app.ObservationSLARule, error) {
	if !by.Can(app.PermFeedbackView) {
		return nil, app.ErrForbidden
	}
	if hospitalID != 0 && !by.Scope.Allows(hospitalID) {
		return nil, app.ErrNotFound
	}
	out := make([]app.ObservationSLARule, 0, len(app.Severities))
	for _, sev := range app.Severities {
		r, err := s.SLARule(ctx, hospitalID, sev)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// MaxSLAHours bounds an observation SLA (a year).
const MaxSLAHours = 8760

// SaveSLARules saves a hospital's rules (hospitalID 0: the group's defaults, PX admins
// only). They apply to observations reported, or triaged to a new severity, from now on.
// Field errors are named "<severity>_hours" and "<severity>_reminder".
func (s *Service) SaveSLARules(ctx context.Context, by app.Principal, hospitalID int64, rules []app.ObservationSLARule) error {
	if !by.Can(app.PermSLAManage) || (hospitalID == 0 && !by.Scope.All) {
		return app.ErrForbidden
	}
	if hospitalID != 0 {
		if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
			return err
		}
	}
	fe := app.FieldErrors{}
	for _, r := range rules {
		if !r.Severity.Valid() {
			return app.FieldErrors{"severity": "err.choose_option"}.Err()
		}
		if math.IsNaN(r.Hours) || r.Hours <= 0 || r.Hours > MaxSLAHours {
			fe.Add(string(r.Severity)+"_hours", "err.observation_sla_hours")
		}
		if math.IsNaN(r.ReminderHours) || r.ReminderHours < 0 || r.ReminderHours >= r.Hours {
			fe.Add(string(r.Severity)+"_reminder", "err.observation_sla_reminder")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		for _, r := range rules {
			r.HospitalID = hospitalID
			if err := tx.SaveObservationSLARule(ctx, r); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "observation_sla.update", Entity: "observation_sla", EntityID: fmt.Sprint(hospitalID),
			HospitalID: hospitalID, Summary: rules})
	})
}
