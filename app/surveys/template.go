package surveys

import (
	"context"
	"fmt"

	"px360/app"
	"px360/store"
)

// Templates lists the newest version of every template the user may see.
func (s *Service) Templates(ctx context.Context, by app.Principal) ([]app.SurveyTemplate, error) {
	if !by.Can(app.PermSurveyView) && !by.Can(app.PermSurveySend) {
		return nil, app.ErrForbidden
	}
	return s.st.SurveyTemplates(ctx, by.Scope)
}

// Template returns one template version.
func (s *Service) Template(ctx context.Context, by app.Principal, id int64) (app.SurveyTemplate, error) {
	if !by.Can(app.PermSurveyView) && !by.Can(app.PermSurveySend) {
		return app.SurveyTemplate{}, app.ErrForbidden
	}
	return s.st.SurveyTemplateByID(ctx, by.Scope, id)
}

// Versions lists every version of the template family of id, newest first.
func (s *Service) Versions(ctx context.Context, by app.Principal, id int64) ([]app.SurveyTemplate, error) {
	t, err := s.Template(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return s.st.SurveyVersions(ctx, t.Family)
}

// canEdit reports whether by may change templates of hospital (0: group-wide).
func canEdit(by app.Principal, hospitalID int64) bool {
	if !by.Can(app.PermSurveyManage) {
		return false
	}
	if hospitalID == 0 {
		return by.Scope.All
	}
	return by.Scope.Allows(hospitalID)
}

// Template limits.
const (
	MaxName      = 200
	MaxQuestions = 100
)

func checkTemplate(t *app.SurveyTemplate) error {
	fe := app.FieldErrors{}
	t.NameEN = app.RequiredText(fe, "name_en", t.NameEN, MaxName)
	t.NameAR = app.RequiredText(fe, "name_ar", t.NameAR, MaxName)
	if !t.Kind.Valid() {
		fe.Add("kind", "err.choose_option")
	}
	if t.ExpiryDays < 1 || t.ExpiryDays > 365 {
		fe.Add("expiry_days", "err.number_range")
	}
	if t.ReminderHours < 0 || t.ReminderHours > 24*30 {
		fe.Add("reminder_hours", "err.number_range")
	}
	n := 0
	for _, p := range t.Def.Sections {
		n += len(p.Questions)
	}
	if n > MaxQuestions {
		fe.Add("sections", "err.survey_too_many")
	}
	for k, v := range t.Def.Validate() {
		fe.Add(k, v)
	}
	return fe.Err()
}

// Create adds a new template (a draft, version 1).
func (s *Service) Create(ctx context.Context, by app.Principal, t app.SurveyTemplate) (app.SurveyTemplate, error) {
	if !canEdit(by, t.HospitalID) {
		return t, app.ErrForbidden
	}
	t.ID, t.Family, t.Version, t.Status, t.Responses = 0, 0, 1, app.TemplateDraft, 0
	if err := checkTemplate(&t); err != nil {
		return t, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.InsertSurveyTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "survey_template.create", Entity: "survey_template", EntityID: fmt.Sprint(t.ID),
			HospitalID: t.HospitalID, Summary: map[string]any{"name": t.NameEN, "kind": t.Kind}})
	})
	return t, err
}

// Update changes a template version. A version that has responses (or is active and
// may get some at any moment) is left as it is: the change becomes the family's next
// version, a draft, which Update returns. A draft is changed in place.
func (s *Service) Update(ctx context.Context, by app.Principal, id int64, in app.SurveyTemplate) (app.SurveyTemplate, error) {
	var out app.SurveyTemplate
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		cur, err := tx.SurveyTemplateByID(ctx, by.Scope, id)
		if err != nil {
			return err
		}
		if !canEdit(by, cur.HospitalID) {
			return app.ErrForbidden
		}
		next := cur
		next.NameEN, next.NameAR, next.Def, next.ReminderHours, next.ExpiryDays = in.NameEN, in.NameAR, in.Def, in.ReminderHours, in.ExpiryDays
		if err := checkTemplate(&next); err != nil {
			return err
		}
		action := "survey_template.update"
		if cur.Status == app.TemplateDraft && cur.Responses == 0 {
			if err := tx.UpdateSurveyTemplate(ctx, &next); err != nil {
				return err
			}
		} else {
			versions, err := s.st.SurveyVersions(ctx, cur.Family)
			if err != nil {
				return err
			}
			if len(versions) > 0 && versions[0].Status == app.TemplateDraft && versions[0].ID != cur.ID {
				return &app.Error{Code: app.EConflict, Message: "err.survey_draft_exists"}
			}
			next.ID, next.Version, next.Status, next.Responses = 0, versions[0].Version+1, app.TemplateDraft, 0
			if err := tx.InsertSurveyTemplate(ctx, &next); err != nil {
				return err
			}
			action = "survey_template.version"
		}
		out = next
		return tx.Audit(ctx, app.Audit{Action: action, Entity: "survey_template", EntityID: fmt.Sprint(next.ID),
			HospitalID: next.HospitalID, Summary: map[string]any{"family": next.Family, "version": next.Version}})
	})
	return out, err
}

// Publish makes a version the active one of its family (the previous active version is
// archived; its invitations and responses keep it).
func (s *Service) Publish(ctx context.Context, by app.Principal, id int64) error {
	return s.setStatus(ctx, by, id, app.TemplateActive)
}

// Archive stops a version being used for new invitations.
func (s *Service) Archive(ctx context.Context, by app.Principal, id int64) error {
	return s.setStatus(ctx, by, id, app.TemplateArchived)
}

func (s *Service) setStatus(ctx context.Context, by app.Principal, id int64, status app.TemplateStatus) error {
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		t, err := tx.SurveyTemplateByID(ctx, by.Scope, id)
		if err != nil {
			return err
		}
		if !canEdit(by, t.HospitalID) {
			return app.ErrForbidden
		}
		if err := tx.SetSurveyStatus(ctx, t.ID, t.Family, status); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "survey_template." + string(status), Entity: "survey_template", EntityID: fmt.Sprint(t.ID),
			HospitalID: t.HospitalID, Summary: map[string]any{"family": t.Family, "version": t.Version}})
	})
}
