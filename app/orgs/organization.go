package orgs

import (
	"context"
	"errors"

	"px360/app"
	"px360/store"
)

// NameOrganization sets the English and Arabic names of the hospital group, creating
// it when no hospital exists yet (the setup wizard names it before the first hospital).
// Only PX admins manage it.
func (s *Service) NameOrganization(ctx context.Context, by app.Principal, nameEN, nameAR string) (app.Organization, error) {
	if !by.Can(app.PermHospitalManage) {
		return app.Organization{}, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	o := app.Organization{NameEN: app.RequiredText(fe, "name_en", nameEN, 200), NameAR: app.RequiredText(fe, "name_ar", nameAR, 200)}
	if err := fe.Err(); err != nil {
		return o, err
	}
	before, err := s.st.Organization(ctx)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return o, err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		id, err := tx.EnsureOrganization(ctx, o.NameEN, o.NameAR)
		if err != nil {
			return err
		}
		o.ID = id
		if err := tx.RenameOrganization(ctx, id, o.NameEN, o.NameAR); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "organization.update", Entity: "organization", EntityID: itoa(id),
			Summary: map[string]any{"before": map[string]string{"name_en": before.NameEN, "name_ar": before.NameAR},
				"after": map[string]string{"name_en": o.NameEN, "name_ar": o.NameAR}}})
	})
	return o, err
}
