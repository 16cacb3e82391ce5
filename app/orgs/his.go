package orgs

import (
	"context"
	"errors"
	"strings"

	"px360/app"
	"px360/store"
)

// hisNIDPurpose binds the national IDs kept with inbound HIS messages.
const hisNIDPurpose = "inbound-message.national_id"

// SealHISNationalID encrypts a national ID taken out of an inbound HIS message.
func (s *Service) SealHISNationalID(nid string) ([]byte, error) {
	return s.vault.Encrypt(hisNIDPurpose, nid)
}

// OpenHISNationalID decrypts what SealHISNationalID sealed.
func (s *Service) OpenHISNationalID(enc []byte) (string, error) {
	return s.vault.Decrypt(hisNIDPurpose, enc)
}

// UpsertFromHIS creates or updates the patient an HIS message describes, found by MRN in
// its hospital, inside the caller's transaction. The HIS is the source of truth for the
// fields it sends: a non-empty value replaces the stored one, an empty one keeps it. The
// national ID is sealed like any other. The search index follows through the outbox.
// HIS updates are not audited one by one: the inbound message log keeps every message.
func (s *Service) UpsertFromHIS(ctx context.Context, tx *store.Tx, in app.Patient) (app.Patient, bool, error) {
	in.MRN = strings.TrimSpace(in.MRN)
	if in.MRN == "" || len(in.MRN) > 64 {
		return in, false, &app.Error{Code: app.EInvalid, Message: "err.mrn_invalid"}
	}
	p, err := tx.PatientByMRN(ctx, in.HospitalID, in.MRN)
	created := errors.Is(err, app.ErrNotFound)
	if err != nil && !created {
		return p, false, err
	}
	if created {
		p = app.Patient{HospitalID: in.HospitalID, MRN: in.MRN, Language: "ar"}
	}
	changed := created
	set := func(dst *string, v string, max int) {
		v = strings.TrimSpace(v)
		if len([]rune(v)) > max {
			v = string([]rune(v)[:max])
		}
		if v != "" && v != *dst {
			*dst, changed = v, true
		}
	}
	set(&p.NameEN, in.NameEN, 200)
	set(&p.NameAR, in.NameAR, 200)
	set(&p.Phone, in.Phone, 20)
	set(&p.Email, in.Email, 200)
	if in.Language == "ar" || in.Language == "en" {
		set(&p.Language, in.Language, 2)
	}
	if !in.BirthDate.IsZero() && !in.BirthDate.Equal(p.BirthDate) {
		p.BirthDate, changed = in.BirthDate, true
	}
	if p.NameEN == "" && p.NameAR == "" {
		p.NameEN, changed = in.MRN, true // the record needs a name; the HIS sent none
	}
	nid := nationalIDDigits(in.NationalID)
	if nid == "" && !changed {
		return p, false, nil
	}
	enc, idx, err := s.sealNationalID(nid)
	if err != nil {
		return p, false, err
	}
	p.NationalID = nid
	if err := tx.SavePatient(ctx, &p, enc, idx, nid == ""); err != nil {
		return p, false, err
	}
	return p, created, tx.Emit(ctx, app.EventPatientSaved, p.HospitalID, map[string]int64{"id": p.ID})
}
