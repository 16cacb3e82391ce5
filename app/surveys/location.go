package surveys

import (
	"context"
	"fmt"

	"px360/app"
	"px360/store"
	"px360/views/pdf"
)

// Locations lists the ward and kiosk links of the user's hospitals.
func (s *Service) Locations(ctx context.Context, by app.Principal) ([]app.SurveyLocation, error) {
	if !by.Can(app.PermSurveyManage) {
		return nil, app.ErrForbidden
	}
	return s.st.SurveyLocations(ctx, by.Scope)
}

// Location returns one ward or kiosk link of the user's hospitals.
func (s *Service) Location(ctx context.Context, by app.Principal, id int64) (app.SurveyLocation, error) {
	if !by.Can(app.PermSurveyManage) {
		return app.SurveyLocation{}, app.ErrForbidden
	}
	return s.st.SurveyLocationByID(ctx, by.Scope, id)
}

// WardTemplates lists the ward-survey families a link of hospital may use: the
// hospital's own and the group-wide ones that have an active version (newest versions).
// With hospital 0 it lists those of all the user's hospitals.
func (s *Service) WardTemplates(ctx context.Context, by app.Principal, hospitalID int64) ([]app.SurveyTemplate, error) {
	if !by.Can(app.PermSurveyManage) {
		return nil, app.ErrForbidden
	}
	all, err := s.st.SurveyTemplates(ctx, by.Scope)
	if err != nil {
		return nil, err
	}
	active, err := s.st.ActiveSurveyVersions(ctx)
	if err != nil {
		return nil, err
	}
	var out []app.SurveyTemplate
	for _, t := range all {
		if t.Kind == app.SurveyWard && active[t.Family] > 0 && (hospitalID == 0 || t.HospitalID == 0 || t.HospitalID == hospitalID) {
			out = append(out, t)
		}
	}
	return out, nil
}

// MaxLocationName bounds a location's name.
const MaxLocationName = 200

// SaveLocation creates (ID 0) or changes a ward or kiosk link. The template must be a
// ward survey with an active version, group-wide or the hospital's own; the department
// and section, when given, must be the hospital's. A new link gets a random public code
// that never changes (posters stay valid when the link is edited).
func (s *Service) SaveLocation(ctx context.Context, by app.Principal, l app.SurveyLocation) (app.SurveyLocation, error) {
	if !by.Can(app.PermSurveyManage) {
		return l, app.ErrForbidden
	}
	var before app.SurveyLocation
	if l.ID != 0 {
		var err error
		if before, err = s.st.SurveyLocationByID(ctx, by.Scope, l.ID); err != nil {
			return l, err
		}
		l.Code, l.CreatedAt = before.Code, before.CreatedAt
	}
	fe := app.FieldErrors{}
	l.NameEN = app.RequiredText(fe, "name_en", l.NameEN, MaxLocationName)
	l.NameAR = app.RequiredText(fe, "name_ar", l.NameAR, MaxLocationName)
	switch {
	case l.HospitalID == 0:
		fe.Add("hospital_id", "err.required")
	case !by.Scope.Allows(l.HospitalID):
		fe.Add("hospital_id", "err.hospital_not_allowed")
	}
	if l.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, l.DepartmentID); err != nil || d.HospitalID != l.HospitalID {
			fe.Add("department_id", "err.department_not_in_hospital")
		}
	}
	if l.SectionID != 0 {
		if x, err := s.st.SectionByID(ctx, by.Scope, l.SectionID); err != nil || x.HospitalID != l.HospitalID ||
			(l.DepartmentID != 0 && x.DepartmentID != l.DepartmentID) {
			fe.Add("section_id", "err.survey_section_mismatch")
		}
	}
	if l.Family == 0 {
		fe.Add("family", "err.required")
	} else if l.HospitalID != 0 {
		ok := false
		if ts, err := s.WardTemplates(ctx, by, l.HospitalID); err == nil {
			for _, t := range ts {
				ok = ok || t.Family == l.Family
			}
		}
		if !ok {
			fe.Add("family", "err.survey_location_template")
		}
	}
	if err := fe.Err(); err != nil {
		return l, err
	}
	action := "survey_location.update"
	if l.ID == 0 {
		action, l.Code = "survey_location.create", app.NewLocationCode()
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveSurveyLocation(ctx, &l); err != nil {
			return fmt.Errorf("save survey location: %w", err)
		}
		return tx.Audit(ctx, app.Audit{Action: action, Entity: "survey_location", EntityID: fmt.Sprint(l.ID), HospitalID: l.HospitalID,
			Summary: map[string]any{"name": l.NameEN, "family": l.Family, "department": l.DepartmentID, "kiosk": l.Kiosk, "active": l.Active}})
	})
	return l, err
}

// LocationURL is the public address of a ward or kiosk link.
func (s *Service) LocationURL(ctx context.Context, l app.SurveyLocation) string {
	return s.notify.PublicURL(ctx) + "/w/" + l.Code
}

// qrSize is the side of the QR code image in pixels (sharp when printed at A4 width).
const qrSize = 1024

// QR returns a link's address as a PNG QR code.
func (s *Service) QR(ctx context.Context, by app.Principal, id int64) ([]byte, error) {
	l, err := s.Location(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return pdf.QR(s.LocationURL(ctx, l), qrSize)
}

// Poster returns a printable bilingual A4 poster of a link: the hospital, the ward, an
// invitation to answer and the QR code with its address.
func (s *Service) Poster(ctx context.Context, by app.Principal, id int64) ([]byte, error) {
	l, err := s.Location(ctx, by, id)
	if err != nil {
		return nil, err
	}
	h, err := s.st.HospitalByID(ctx, by.Scope, l.HospitalID)
	if err != nil {
		return nil, err
	}
	url := s.LocationURL(ctx, l)
	png, err := pdf.QR(url, qrSize)
	if err != nil {
		return nil, err
	}
	inviteEN, inviteAR := posterInvite, posterInviteAR
	if l.Kiosk {
		inviteEN, inviteAR = posterKiosk, posterKioskAR
	}
	out, err := pdf.Poster(pdf.PosterInput{HospitalEN: h.NameEN, HospitalAR: h.NameAR, TitleEN: l.NameEN, TitleAR: l.NameAR,
		InviteEN: inviteEN, InviteAR: inviteAR, URL: url, QRPNG: png})
	if err != nil {
		return nil, fmt.Errorf("survey poster: %w", err)
	}
	return out, nil
}

// The poster's invitation. It is printed in both languages whatever the reader's.
var (
	posterInvite   = "How was your care today? Scan the code with your phone camera and tell us in two minutes. Your answers are anonymous."
	posterInviteAR = "كيف كانت رعايتك اليوم؟ امسح الرمز بكاميرا هاتفك وشاركنا رأيك في دقيقتين. إجاباتك مجهولة الهوية."
	posterKiosk    = "How was your visit today? Tap the screen or scan the code to tell us. Your answers are anonymous."
	posterKioskAR  = "كيف كانت زيارتك اليوم؟ المس الشاشة أو امسح الرمز لتشاركنا رأيك. إجاباتك مجهولة الهوية."
)
