package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"px360/app"
	"px360/store"
)

// BenchmarkPatientList measures list queries against a million patients spread over 20
// hospitals, as a hospital admin of one hospital sees them: the first page, a page deep
// in the list, a name-prefix search, an Arabic-name search and an MRN look-up. Each
// includes the capped count.
func BenchmarkPatientList(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), store.DBFile), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const hospitals, rows = 20, 1_000_000
	err = s.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "G", "G")
		if err != nil {
			return err
		}
		for i := 1; i <= hospitals; i++ {
			h := app.Hospital{OrganizationID: org, Code: fmt.Sprintf("H%02d", i), NameEN: "H", NameAR: "H", TimeZone: "Asia/Riyadh", Active: true}
			if err := tx.SaveHospital(ctx, &h); err != nil {
				return err
			}
		}
		stmt, err := tx.PrepareContext(ctx, `insert into patients(hospital_id, mrn, name_en, name_ar, name_key, name_key_ar,
			created_at, updated_at) values (?, ?, ?, ?, ?, ?, '', '')`)
		if err != nil {
			return err
		}
		first := []string{"Mohammed", "Abdullah", "Fatimah", "Noura", "Khalid", "Sara", "Omar", "Huda"}
		firstAR := []string{"محمد", "عبدالله", "فاطمة", "نورة", "خالد", "سارة", "عمر", "هدى"}
		family := []string{"Al-Harbi", "Al-Qahtani", "Al-Ghamdi", "Al-Zahrani", "Al-Otaibi", "Al-Dosari", "Al-Shehri", "Al-Mutairi", "Al-Anazi", "Al-Malki", "Al-Subaie"}
		familyAR := []string{"الحربي", "القحطاني", "الغامدي", "الزهراني", "العتيبي", "الدوسري", "الشهري", "المطيري", "العنزي", "المالكي", "السبيعي"}
		for i := 0; i < rows; i++ {
			f := (i / 8) % len(family)
			en := first[i%8] + " " + family[f]
			ar := firstAR[i%8] + " " + familyAR[f]
			if _, err := stmt.ExecContext(ctx, 1+i%hospitals, fmt.Sprintf("MRN%07d", i), en, ar, app.NameKey(en), app.NameKey(ar)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	scope := app.Scope{HospitalIDs: []int64{7}}
	mid, _ := s.ListPatients(ctx, app.ListQuery{Scope: scope, Search: "MRN0500006"})
	for _, bc := range []struct {
		name string
		q    app.ListQuery
	}{
		{"first page", app.ListQuery{Scope: scope}},
		{"deep page", app.ListQuery{Scope: scope, After: mid.Items[0].ID}},
		{"name prefix", app.ListQuery{Scope: scope, Search: "fatimah al-gh"}},
		{"arabic name prefix", app.ListQuery{Scope: scope, Search: "فاطمه الغ"}},
		{"broad name prefix (half the hospital's patients)", app.ListQuery{Scope: scope, Search: "fat"}},
		{"mrn", app.ListQuery{Scope: scope, Search: "MRN0999986"}},
		{"all hospitals first page", app.ListQuery{Scope: app.Scope{All: true}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := s.ListPatients(ctx, bc.q)
				if err != nil || len(p.Items) == 0 {
					b.Fatalf("%v %d", err, len(p.Items))
				}
			}
		})
	}
}
