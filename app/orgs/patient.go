package orgs

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// ListPatients lists patients in by's scope; Search is a name prefix, an MRN, or a
// national ID (found through its blind index, never by decrypting).
func (s *Service) ListPatients(ctx context.Context, by app.Principal, q app.ListQuery) (app.Page[app.Patient], error) {
	if !by.Can(app.PermPatientView) {
		return app.Page[app.Patient]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	p, err := s.st.ListPatients(ctx, q)
	if err != nil || !looksLikeNationalID(q.Search) || q.After != 0 || q.Before != 0 {
		return p, err
	}
	byNID, err := s.PatientsByNationalID(ctx, by, q.Search)
	if err != nil {
		return p, err
	}
	for _, x := range byNID {
		if q.HospitalID == 0 || x.HospitalID == q.HospitalID {
			p.Items = append(p.Items, x)
			p.Count++
		}
	}
	return p, nil
}

// Patients returns the patients with the given ids in by's scope, keyed by id, without
// decrypting national IDs (for search results).
func (s *Service) Patients(ctx context.Context, by app.Principal, ids []int64) (map[int64]app.Patient, error) {
	if !by.Can(app.PermPatientView) {
		return nil, app.ErrForbidden
	}
	return s.st.PatientsByIDs(ctx, by.Scope, ids)
}

func looksLikeNationalID(s string) bool {
	d := nationalIDDigits(strings.TrimSpace(s))
	return len(d) == 10 && (d[0] == '1' || d[0] == '2') && strings.Trim(d, "0123456789") == ""
}

// Patient returns one patient in by's scope with the national ID decrypted.
func (s *Service) Patient(ctx context.Context, by app.Principal, id int64) (app.Patient, error) {
	if !by.Can(app.PermPatientView) {
		return app.Patient{}, app.ErrForbidden
	}
	p, enc, err := s.st.PatientByID(ctx, by.Scope, id)
	if err != nil {
		return p, err
	}
	if len(enc) > 0 {
		if p.NationalID, err = s.vault.Decrypt(nidPurpose, enc); err != nil {
			return p, err
		}
	}
	return p, nil
}

// PatientsByNationalID finds patients in by's scope by national ID, through the blind index.
func (s *Service) PatientsByNationalID(ctx context.Context, by app.Principal, nid string) ([]app.Patient, error) {
	if !by.Can(app.PermPatientView) {
		return nil, app.ErrForbidden
	}
	return s.st.PatientsByNationalID(ctx, by.Scope, s.vault.BlindIndex(nidPurpose, nationalIDDigits(nid)))
}

// nationalIDDigits keeps digits (Arabic-Indic digits become ASCII) and drops spaces and dashes.
func nationalIDDigits(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r == ' ' || r == '-':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MaskNationalID shows only the last four digits.
func MaskNationalID(nid string) string {
	if len(nid) <= 4 {
		return strings.Repeat("•", len(nid))
	}
	return strings.Repeat("•", len(nid)-4) + nid[len(nid)-4:]
}

// validatePatient normalises p and returns its field errors. A Saudi national ID or
// iqama number is 10 digits starting with 1 or 2.
func (s *Service) validatePatient(ctx context.Context, by app.Principal, p *app.Patient, now time.Time) app.FieldErrors {
	fe := app.FieldErrors{}
	s.hospitalIn(ctx, by, fe, p.HospitalID)
	p.MRN = app.RequiredText(fe, "mrn", p.MRN, 32)
	for _, r := range p.MRN {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			fe.Add("mrn", "err.mrn_chars")
			break
		}
	}
	p.NameEN = app.OptionalText(fe, "name_en", p.NameEN, 200)
	p.NameAR = app.OptionalText(fe, "name_ar", p.NameAR, 200)
	if p.NameEN == "" && p.NameAR == "" {
		fe.Add("name_en", "err.name_one_language")
	}
	p.NationalID = nationalIDDigits(strings.TrimSpace(p.NationalID))
	if p.NationalID != "" && (len(p.NationalID) != 10 || (p.NationalID[0] != '1' && p.NationalID[0] != '2') ||
		strings.Trim(p.NationalID, "0123456789") != "") {
		fe.Add("national_id", "err.national_id_invalid")
	}
	p.Phone = app.NormalizePhone(fe, "phone", p.Phone)
	p.Email = strings.ToLower(app.OptionalText(fe, "email", p.Email, 254))
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			fe.Add("email", "err.email_invalid")
		}
	}
	if p.Language == "" {
		p.Language = "ar"
	}
	if !app.ValidLanguage(p.Language) {
		fe.Add("language", "err.choose_option")
	}
	if !p.BirthDate.IsZero() && (p.BirthDate.After(now) || p.BirthDate.Year() < 1900) {
		fe.Add("birth_date", "err.birth_date_invalid")
	}
	return fe
}

// SavePatient creates (ID 0) or edits a patient. An empty national ID on edit keeps the
// stored one (the form never shows it back in full).
func (s *Service) SavePatient(ctx context.Context, by app.Principal, p app.Patient) (app.Patient, error) {
	if !by.Can(app.PermPatientManage) {
		return p, app.ErrForbidden
	}
	var before app.Patient
	if p.ID != 0 {
		var err error
		if before, _, err = s.st.PatientByID(ctx, by.Scope, p.ID); err != nil {
			return p, err
		}
	}
	fe := s.validatePatient(ctx, by, &p, s.st.Now())
	sameHospital(fe, before.HospitalID, p.HospitalID)
	if err := fe.Err(); err != nil {
		return p, err
	}
	enc, idx, err := s.sealNationalID(p.NationalID)
	if err != nil {
		return p, err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error { return savePatient(ctx, tx, &p, before, enc, idx) })
	return p, err
}

func (s *Service) sealNationalID(nid string) ([]byte, string, error) {
	if nid == "" {
		return nil, "", nil
	}
	enc, err := s.vault.Encrypt(nidPurpose, nid)
	return enc, s.vault.BlindIndex(nidPurpose, nid), err
}

// patientAudit is what the audit log may say about a patient: never the national ID.
func patientAudit(p app.Patient) map[string]any {
	return map[string]any{"mrn": p.MRN, "name_en": p.NameEN, "name_ar": p.NameAR, "phone": p.Phone,
		"email": p.Email, "language": p.Language, "has_national_id": p.NationalID != ""}
}

func savePatient(ctx context.Context, tx *store.Tx, p *app.Patient, before app.Patient, enc []byte, idx string) error {
	created := p.ID == 0
	if err := tx.SavePatient(ctx, p, enc, idx, !created && p.NationalID == ""); err != nil {
		return err
	}
	if err := tx.Emit(ctx, app.EventPatientSaved, p.HospitalID, map[string]int64{"id": p.ID}); err != nil {
		return err
	}
	return tx.Audit(ctx, app.Audit{Action: app.SavedAction("patient", created), Entity: "patient", EntityID: itoa(p.ID),
		HospitalID: p.HospitalID, Summary: app.SavedSummary(created, patientAudit(before), patientAudit(*p))})
}
