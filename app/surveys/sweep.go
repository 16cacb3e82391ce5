package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// sweepBatch is how many invitations one sweep step handles.
const sweepBatch = 500

// Sweep expires invitations past their expiry and sends the one reminder of those not
// completed when their time comes. The minute job calls it; it returns how many
// invitations it touched.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n, err := s.st.ExpireSurveys(ctx, now, sweepBatch)
		total += int(n)
		if err != nil || n < sweepBatch {
			if err != nil {
				return total, err
			}
			break
		}
	}
	for ctx.Err() == nil {
		due, err := s.st.DueReminders(ctx, now, sweepBatch)
		if err != nil || len(due) == 0 {
			return total, err
		}
		err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
			for _, in := range due {
				if err := s.remind(ctx, tx, in); err != nil {
					return fmt.Errorf("remind survey %d: %w", in.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(due)
	}
	return total, ctx.Err()
}

// remind sends an invitation's reminder, with the same link, on the channel of its
// invitation.
func (s *Service) remind(ctx context.Context, tx *store.Tx, in app.SurveyInstance) error {
	if in.Status == app.SurveyCompleted || in.Status == app.SurveyExpired || !in.ExpiresAt.After(tx.Now()) {
		return tx.MarkReminded(ctx, in.ID, false)
	}
	enc, err := tx.SurveyTokenEnc(ctx, in.ID)
	if err != nil {
		return err
	}
	token, err := s.vault.Decrypt(tokenPurpose, enc)
	if err != nil {
		return err
	}
	req := notify.Request{Key: app.NotifySurveyReminder, HospitalID: in.HospitalID,
		Patient: &notify.Patient{ID: in.PatientID, Name: in.Name, Phone: in.Phone, Email: in.Email, Lang: in.Lang},
		Vars:    s.vars(ctx, token, in.ExpiresAt, in.HospitalID), Ref: fmt.Sprintf("survey:%d:reminder", in.ID)}
	if in.Channel != "" {
		req.Channels = []app.Channel{in.Channel}
	}
	q, err := s.notify.EnqueueTx(ctx, tx, req)
	if err != nil {
		return err
	}
	return tx.MarkReminded(ctx, in.ID, q.MessageID != 0)
}

// StartAnonymous opens a new anonymous survey for a ward or kiosk link: it returns the
// token of a fresh invitation (valid for a day) for the location's active template.
func (s *Service) StartAnonymous(ctx context.Context, code string) (string, error) {
	if len(code) != 10 {
		return "", ErrUnknownLink
	}
	l, err := s.st.SurveyLocationByCode(ctx, code)
	if errors.Is(err, app.ErrNotFound) {
		return "", ErrUnknownLink
	}
	if err != nil {
		return "", err
	}
	token := app.NewSurveyToken()
	err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		t, err := tx.ActiveSurvey(ctx, l.Family)
		if err != nil {
			return ErrUnknownLink
		}
		in := app.SurveyInstance{TemplateID: t.ID, HospitalID: l.HospitalID, DepartmentID: l.DepartmentID, LocationID: l.ID,
			Lang: "ar", Source: app.SourceWard, ExpiresAt: tx.Now().Add(24 * time.Hour)}
		return tx.InsertSurveyInstance(ctx, &in, token, nil, time.Time{})
	})
	return token, err
}

// Settings returns a hospital's fatigue and exclusion rules.
func (s *Service) Settings(ctx context.Context, by app.Principal, hospitalID int64) (app.SurveySettings, error) {
	if !by.Can(app.PermSurveyManage) || !by.Scope.Allows(hospitalID) {
		return app.SurveySettings{}, app.ErrForbidden
	}
	return s.st.SurveySettings(ctx, hospitalID)
}

// SaveSettings stores a hospital's fatigue and exclusion rules.
func (s *Service) SaveSettings(ctx context.Context, by app.Principal, r app.SurveySettings) error {
	if !by.Can(app.PermSurveyManage) || !by.Scope.Allows(r.HospitalID) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	if r.FatigueDays < 0 || r.FatigueDays > 365 {
		fe.Add("fatigue_days", "err.number_range")
	}
	if r.MinAge < 0 || r.MinAge > 25 {
		fe.Add("min_age", "err.number_range")
	}
	slices.Sort(r.ExcludedDepartments)
	r.ExcludedDepartments = slices.Compact(r.ExcludedDepartments)
	for _, id := range r.ExcludedDepartments {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, id); err != nil || d.HospitalID != r.HospitalID {
			fe.Add("excluded_departments", "err.department_not_in_hospital")
			break
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveSurveySettings(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "survey.settings", Entity: "hospital", EntityID: fmt.Sprint(r.HospitalID),
			HospitalID: r.HospitalID, Summary: r})
	})
}
