package his

import (
	"context"

	"px360/app"
)

// Integration returns one integration (system admins).
func (s *Service) Integration(ctx context.Context, by app.Principal, id int64) (app.Integration, error) {
	if !by.Can(app.PermSystemManage) {
		return app.Integration{}, app.ErrForbidden
	}
	return s.st.IntegrationByID(ctx, id)
}

// JourneyTemplate returns one journey with its stages: group-wide journeys to every
// survey manager, a hospital's journeys to the managers of that hospital.
func (s *Service) JourneyTemplate(ctx context.Context, by app.Principal, id int64) (app.JourneyTemplate, error) {
	if !by.Can(app.PermSurveyManage) {
		return app.JourneyTemplate{}, app.ErrForbidden
	}
	t, err := s.st.JourneyTemplateByID(ctx, id)
	if err != nil {
		return t, err
	}
	if t.HospitalID != 0 && !by.Scope.Allows(t.HospitalID) {
		return app.JourneyTemplate{}, app.ErrNotFound
	}
	return t, nil
}

// CanEditJourney reports whether by may change t: group-wide journeys need a group-wide
// user, as SaveJourneyTemplate requires.
func CanEditJourney(by app.Principal, t app.JourneyTemplate) bool {
	if !by.Can(app.PermSurveyManage) {
		return false
	}
	if t.HospitalID == 0 {
		return by.Scope.All
	}
	return by.Scope.Allows(t.HospitalID)
}
