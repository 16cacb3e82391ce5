// Package orgs owns the organisation: hospitals, departments, sections, staff and
// patients, their admin use cases, and CSV imports of staff and patients. Every read and
// write is limited to the caller's hospitals; patients' national IDs are encrypted with a
// blind index for look-ups.
package orgs

import (
	"context"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/vault"
	"px360/store"
)

// Service implements the organisation use cases.
type Service struct {
	st    *store.Store
	vault *vault.Vault
}

// New returns the organisation service.
func New(st *store.Store, v *vault.Vault) *Service { return &Service{st: st, vault: v} }

// nidPurpose binds national-ID ciphertexts and blind indexes to their field.
const nidPurpose = "patient.national_id"

func code(fe app.FieldErrors, field, v string) string {
	v = strings.ToUpper(app.RequiredText(fe, field, v, 20))
	for _, r := range v {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			fe.Add(field, "err.code_chars")
			break
		}
	}
	return v
}

// hospitalIn checks that the hospital exists in by's scope.
func (s *Service) hospitalIn(ctx context.Context, by app.Principal, fe app.FieldErrors, id int64) {
	if id == 0 {
		fe.Add("hospital_id", "err.required")
		return
	}
	if _, err := s.st.HospitalByID(ctx, by.Scope, id); err != nil {
		fe.Add("hospital_id", "err.hospital_not_allowed")
	}
}

// sameHospital refuses to move an existing record (before != 0) to another hospital:
// its children, staff links and users stay behind, so a move is a new record instead.
func sameHospital(fe app.FieldErrors, before, after int64) {
	if before != 0 && after != before {
		fe.Add("hospital_id", "err.hospital_fixed")
	}
}

// Hospitals lists the hospitals in by's scope.
func (s *Service) Hospitals(ctx context.Context, by app.Principal) ([]app.Hospital, error) {
	if !by.Can(app.PermOrgView) {
		return nil, app.ErrForbidden
	}
	return s.st.Hospitals(ctx, by.Scope)
}

// Hospital returns one hospital in by's scope.
func (s *Service) Hospital(ctx context.Context, by app.Principal, id int64) (app.Hospital, error) {
	if !by.Can(app.PermOrgView) {
		return app.Hospital{}, app.ErrForbidden
	}
	return s.st.HospitalByID(ctx, by.Scope, id)
}

// SaveHospital creates (ID 0) or edits a hospital. Only PX admins manage hospitals.
func (s *Service) SaveHospital(ctx context.Context, by app.Principal, h app.Hospital) (app.Hospital, error) {
	if !by.Can(app.PermHospitalManage) {
		return h, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	h.Code = code(fe, "code", h.Code)
	h.NameEN = app.RequiredText(fe, "name_en", h.NameEN, 200)
	h.NameAR = app.RequiredText(fe, "name_ar", h.NameAR, 200)
	h.TimeZone = strings.TrimSpace(h.TimeZone)
	if h.TimeZone == "" {
		h.TimeZone = "Asia/Riyadh"
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil || !strings.Contains(h.TimeZone, "/") {
		fe.Add("time_zone", "err.time_zone_invalid")
	}
	if err := fe.Err(); err != nil {
		return h, err
	}
	var before app.Hospital
	if h.ID != 0 {
		var err error
		if before, err = s.st.HospitalByID(ctx, by.Scope, h.ID); err != nil {
			return h, err
		}
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "Hospital Group", "مجموعة المستشفيات")
		if err != nil {
			return err
		}
		h.OrganizationID = org
		created := h.ID == 0
		if err := tx.SaveHospital(ctx, &h); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("hospital", created), Entity: "hospital", EntityID: itoa(h.ID),
			HospitalID: h.ID, Summary: app.SavedSummary(created, before, h)})
	})
	return h, err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
