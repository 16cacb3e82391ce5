package orgs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/orgs"
	"px360/app/vault"
	"px360/store"
)

type env struct {
	st     *store.Store
	svc    *orgs.Service
	hospA  app.Hospital
	hospB  app.Hospital
	adminA app.Principal // hospital-admin of A only
	adminB app.Principal // hospital-admin of B only
	viewer app.Principal // viewer of A
}

var testNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, svc: orgs.New(st, v)}
	e.hospA = e.hospital(t, "A")
	e.hospB = e.hospital(t, "B")
	e.adminA = app.Principal{UserID: "admin-a", Email: "admin-a@example.com", Role: app.RoleHospitalAdmin,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	e.adminB = app.Principal{UserID: "admin-b", Email: "admin-b@example.com", Role: app.RoleHospitalAdmin,
		Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
	e.viewer = app.Principal{UserID: "viewer-a", Email: "viewer@example.com", Role: app.RoleViewer,
		Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	return e
}

func (e *env) hospital(t testing.TB, code string) app.Hospital {
	t.Helper()
	h, err := e.svc.SaveHospital(context.Background(), app.System, app.Hospital{Code: code, NameEN: "Hospital " + code,
		NameAR: "مستشفى " + code, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (e *env) department(t testing.TB, hospitalID int64, code string) app.Department {
	t.Helper()
	d, err := e.svc.SaveDepartment(context.Background(), app.System, app.Department{HospitalID: hospitalID, Code: code,
		NameEN: "Dept " + code, NameAR: "قسم " + code, Category: app.DeptMedical, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) patient(t testing.TB, hospitalID int64, mrn, nid string) app.Patient {
	t.Helper()
	p, err := e.svc.SavePatient(context.Background(), app.System, app.Patient{HospitalID: hospitalID, MRN: mrn,
		NameEN: "Patient " + mrn, NationalID: nid})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) staff(t testing.TB, hospitalID int64, no string) app.Staff {
	t.Helper()
	x, err := e.svc.SaveStaff(context.Background(), app.System, app.Staff{HospitalID: hospitalID, EmployeeNo: no,
		NameEN: "Staff " + no, Kind: app.StaffNurse, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// count returns the number of rows in table, read straight from the database.
func (e *env) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := e.st.R.QueryRow(`select count(*) from ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantFields checks that err is an *app.Error with code and exactly the given fields.
func wantFields(t *testing.T, err error, code string, fields map[string]string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %v", code, fields)
	}
	if got := app.ErrorCode(err); got != code {
		t.Errorf("code = %q, want %q (%v)", got, code, err)
	}
	got := app.Fields(err)
	if len(got) != len(fields) {
		t.Errorf("fields = %v, want %v", got, fields)
	}
	for f, msg := range fields {
		if got[f] != msg {
			t.Errorf("field %q = %q, want %q (all: %v)", f, got[f], msg, got)
		}
	}
}

func TestSaveDepartment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.department(t, e.hospA.ID, "ER")
	valid := func() app.Department {
		return app.Department{HospitalID: e.hospA.ID, Code: "ICU", NameEN: "Intensive Care", NameAR: "العناية المركزة",
			Category: app.DeptNursing, Active: true}
	}
	tests := []struct {
		name   string
		by     app.Principal
		edit   func(*app.Department)
		code   string
		fields map[string]string
	}{
		{"missing names", app.System, func(d *app.Department) { d.NameEN, d.NameAR = "", "   " },
			app.EInvalid, map[string]string{"name_en": "err.required", "name_ar": "err.required"}},
		{"name too long", app.System, func(d *app.Department) { d.NameEN = strings.Repeat("x", 201) },
			app.EInvalid, map[string]string{"name_en": "err.too_long"}},
		{"missing code", app.System, func(d *app.Department) { d.Code = "" },
			app.EInvalid, map[string]string{"code": "err.required"}},
		{"code with a space", app.System, func(d *app.Department) { d.Code = "IC U" },
			app.EInvalid, map[string]string{"code": "err.code_chars"}},
		{"code with a slash", app.System, func(d *app.Department) { d.Code = "ICU/2" },
			app.EInvalid, map[string]string{"code": "err.code_chars"}},
		{"code in Arabic letters", app.System, func(d *app.Department) { d.Code = "قسم" },
			app.EInvalid, map[string]string{"code": "err.code_chars"}},
		{"unknown category", app.System, func(d *app.Department) { d.Category = "magic" },
			app.EInvalid, map[string]string{"category": "err.choose_option"}},
		{"missing hospital", app.System, func(d *app.Department) { d.HospitalID = 0 },
			app.EInvalid, map[string]string{"hospital_id": "err.required"}},
		{"duplicate code in the same hospital", app.System, func(d *app.Department) { d.Code = "ER" },
			app.EConflict, map[string]string{"code": "err.code_taken"}},
		{"duplicate code differing in case", app.System, func(d *app.Department) { d.Code = " er " },
			app.EConflict, map[string]string{"code": "err.code_taken"}},
		{"hospital-admin of A saving into B", e.adminA, func(d *app.Department) { d.HospitalID = e.hospB.ID },
			app.EInvalid, map[string]string{"hospital_id": "err.hospital_not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count(t, "departments")
			d := valid()
			tt.edit(&d)
			_, err := e.svc.SaveDepartment(ctx, tt.by, d)
			wantFields(t, err, tt.code, tt.fields)
			if after := e.count(t, "departments"); after != before {
				t.Errorf("departments %d -> %d: a rejected department was written", before, after)
			}
		})
	}

	t.Run("viewer is forbidden", func(t *testing.T) {
		if _, err := e.svc.SaveDepartment(ctx, e.viewer, valid()); !errors.Is(err, app.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})

	t.Run("same code in another hospital is fine", func(t *testing.T) {
		d := valid()
		d.HospitalID, d.Code = e.hospB.ID, "er"
		got, err := e.svc.SaveDepartment(ctx, app.System, d)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == 0 || got.Code != "ER" || got.HospitalID != e.hospB.ID {
			t.Fatalf("saved %+v", got)
		}
		stored, err := e.svc.Department(ctx, app.System, got.ID)
		if err != nil || stored.Code != "ER" || stored.NameAR != "العناية المركزة" || stored.Category != app.DeptNursing {
			t.Fatalf("stored %+v, %v", stored, err)
		}
	})

	t.Run("hospital-admin of A edits a department of A and it is audited", func(t *testing.T) {
		d := valid()
		d.Code = "onc-1"
		got, err := e.svc.SaveDepartment(ctx, e.adminA, d)
		if err != nil {
			t.Fatal(err)
		}
		got.NameEN = "Oncology"
		if _, err := e.svc.SaveDepartment(ctx, e.adminA, got); err != nil {
			t.Fatal(err)
		}
		stored, _ := e.svc.Department(ctx, e.adminA, got.ID)
		if stored.NameEN != "Oncology" || stored.Code != "ONC-1" {
			t.Fatalf("stored %+v", stored)
		}
		page, err := e.st.ListAudit(ctx, store.AuditFilter{Scope: app.Scope{All: true}, Action: "department."})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 || page.Items[0].Action != "department.update" || page.Items[0].ActorEmail != "admin-a@example.com" ||
			page.Items[0].EntityID != fmt.Sprint(got.ID) {
			t.Fatalf("latest department audit = %+v", page.Items[0])
		}
	})

	t.Run("hospital-admin of B cannot edit a department of A", func(t *testing.T) {
		er, err := e.st.DepartmentByCode(ctx, e.hospA.ID, "ER")
		if err != nil {
			t.Fatal(err)
		}
		er.NameEN = "Taken over"
		er.HospitalID = e.hospB.ID
		if _, err := e.svc.SaveDepartment(ctx, e.adminB, er); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		if got, _ := e.svc.Department(ctx, app.System, er.ID); got.NameEN == "Taken over" || got.HospitalID != e.hospA.ID {
			t.Fatalf("department changed: %+v", got)
		}
	})
}

func TestSavePatientNationalID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		nid   string
		want  string // stored national ID, when valid
		valid bool
	}{
		{"citizen starting with 1", "1012345678", "1012345678", true},
		{"resident starting with 2", "2012345678", "2012345678", true},
		{"Arabic-Indic digits are normalised", "١٠١٢٣٤٥٦٧٨", "1012345678", true},
		{"spaces and dashes are dropped", " 101-234 5678 ", "1012345678", true},
		{"empty is allowed", "", "", true},
		{"starting with 3", "3012345678", "", false},
		{"starting with 0", "0012345678", "", false},
		{"nine digits", "101234567", "", false},
		{"eleven digits", "10123456789", "", false},
		{"letters", "10123A5678", "", false},
		{"Arabic-Indic with a letter", "١٠١٢٣٤٥٦٧x", "", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count(t, "patients")
			p, err := e.svc.SavePatient(ctx, app.System, app.Patient{HospitalID: e.hospA.ID, MRN: fmt.Sprintf("NID-%d", i),
				NameEN: "Test Patient", NationalID: tt.nid})
			if !tt.valid {
				wantFields(t, err, app.EInvalid, map[string]string{"national_id": "err.national_id_invalid"})
				if after := e.count(t, "patients"); after != before {
					t.Errorf("patients %d -> %d: a rejected patient was written", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.svc.Patient(ctx, app.System, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.NationalID != tt.want {
				t.Fatalf("decrypted national ID = %q, want %q", got.NationalID, tt.want)
			}
		})
	}
}

func TestSavePatient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const nid = "1012345678"
	p, err := e.svc.SavePatient(ctx, e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-1", NameEN: "  Sara Ali ",
		NameAR: "سارة علي", NationalID: "١٠١٢٣٤٥٦٧٨", Phone: "٠٥٠ ١٢٣ ٤٥٦٧", Email: "Sara@Example.com",
		BirthDate: time.Date(1985, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Patient returns it decrypted and normalised", func(t *testing.T) {
		got, err := e.svc.Patient(ctx, e.adminA, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NationalID != nid || got.NameEN != "Sara Ali" || got.Phone != "0501234567" || got.Email != "sara@example.com" ||
			got.Language != "ar" || !got.BirthDate.Equal(time.Date(1985, 6, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("patient = %+v", got)
		}
	})

	t.Run("database holds no plaintext national ID", func(t *testing.T) {
		var enc []byte
		var idx string
		if err := e.st.R.QueryRow(`select national_id_enc, national_id_idx from patients where id = ?`, p.ID).Scan(&enc, &idx); err != nil {
			t.Fatal(err)
		}
		if len(enc) == 0 || idx == "" {
			t.Fatalf("enc %d bytes, idx %q: national ID not stored", len(enc), idx)
		}
		for _, plain := range []string{nid, "١٠١٢٣٤٥٦٧٨", "12345678"} {
			if bytes.Contains(enc, []byte(plain)) || strings.Contains(idx, plain) {
				t.Errorf("stored national ID contains plaintext %q", plain)
			}
		}
		var hits int
		if err := e.st.R.QueryRow(`select count(*) from patients where cast(national_id_enc as text) like ? or national_id_idx like ?`,
			"%"+nid+"%", "%"+nid+"%").Scan(&hits); err != nil {
			t.Fatal(err)
		}
		if hits != 0 {
			t.Errorf("%d rows match the plaintext national ID", hits)
		}
		var summaries string
		if err := e.st.R.QueryRow(`select group_concat(summary, ' ') from audit_log`).Scan(&summaries); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(summaries, nid) {
			t.Error("the audit log contains the national ID")
		}
	})

	t.Run("PatientsByNationalID finds it through the blind index", func(t *testing.T) {
		for _, q := range []string{nid, "١٠١٢٣٤٥٦٧٨", "101 234 5678"} {
			ps, err := e.svc.PatientsByNationalID(ctx, e.adminA, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 || ps[0].ID != p.ID {
				t.Errorf("search %q found %+v, want patient %d", q, ps, p.ID)
			}
		}
		if ps, _ := e.svc.PatientsByNationalID(ctx, e.adminA, "1012345679"); len(ps) != 0 {
			t.Errorf("another national ID found %+v", ps)
		}
		if ps, _ := e.svc.PatientsByNationalID(ctx, e.adminB, nid); len(ps) != 0 {
			t.Errorf("admin of B found A's patient by national ID: %+v", ps)
		}
	})

	t.Run("editing with an empty national ID keeps the stored one", func(t *testing.T) {
		edit, err := e.svc.Patient(ctx, e.adminA, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit.NationalID, edit.NameEN = "", "Sara A. Ali"
		if _, err := e.svc.SavePatient(ctx, e.adminA, edit); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Patient(ctx, e.adminA, p.ID)
		if got.NameEN != "Sara A. Ali" || got.NationalID != nid {
			t.Fatalf("after edit: name %q national ID %q", got.NameEN, got.NationalID)
		}
		if ps, _ := e.svc.PatientsByNationalID(ctx, e.adminA, nid); len(ps) != 1 {
			t.Fatalf("blind index lost after edit: %+v", ps)
		}
	})

	t.Run("editing with a new national ID replaces it", func(t *testing.T) {
		edit, _ := e.svc.Patient(ctx, e.adminA, p.ID)
		edit.NationalID = "2099999999"
		if _, err := e.svc.SavePatient(ctx, e.adminA, edit); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Patient(ctx, e.adminA, p.ID)
		if got.NationalID != "2099999999" {
			t.Fatalf("national ID = %q", got.NationalID)
		}
		if ps, _ := e.svc.PatientsByNationalID(ctx, e.adminA, nid); len(ps) != 0 {
			t.Fatalf("old national ID still finds the patient: %+v", ps)
		}
	})

	t.Run("validation", func(t *testing.T) {
		tests := []struct {
			name   string
			by     app.Principal
			p      app.Patient
			code   string
			fields map[string]string
		}{
			{"duplicate MRN in the same hospital", e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-1", NameEN: "Other"},
				app.EConflict, map[string]string{"mrn": "err.mrn_taken"}},
			{"missing MRN", e.adminA, app.Patient{HospitalID: e.hospA.ID, NameEN: "Other"},
				app.EInvalid, map[string]string{"mrn": "err.required"}},
			{"MRN with a space", e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN 2", NameEN: "Other"},
				app.EInvalid, map[string]string{"mrn": "err.mrn_chars"}},
			{"no name in either language", e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-2"},
				app.EInvalid, map[string]string{"name_en": "err.name_one_language"}},
			{"bad e-mail, phone and language", e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-2", NameAR: "اسم",
				Email: "nope", Phone: "12", Language: "fr"},
				app.EInvalid, map[string]string{"email": "err.email_invalid", "phone": "err.phone_invalid", "language": "err.choose_option"}},
			{"birth date in the future", e.adminA, app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-2", NameEN: "X",
				BirthDate: testNow.AddDate(0, 0, 1)},
				app.EInvalid, map[string]string{"birth_date": "err.birth_date_invalid"}},
			{"hospital outside scope", e.adminA, app.Patient{HospitalID: e.hospB.ID, MRN: "MRN-2", NameEN: "X"},
				app.EInvalid, map[string]string{"hospital_id": "err.hospital_not_allowed"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.count(t, "patients")
				_, err := e.svc.SavePatient(ctx, tt.by, tt.p)
				wantFields(t, err, tt.code, tt.fields)
				if after := e.count(t, "patients"); after != before {
					t.Errorf("patients %d -> %d", before, after)
				}
			})
		}
	})

	t.Run("same MRN in another hospital is fine", func(t *testing.T) {
		if _, err := e.svc.SavePatient(ctx, e.adminB, app.Patient{HospitalID: e.hospB.ID, MRN: "MRN-1", NameAR: "آخر"}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("viewer cannot save or read patients", func(t *testing.T) {
		if _, err := e.svc.SavePatient(ctx, e.viewer, app.Patient{HospitalID: e.hospA.ID, MRN: "V-1", NameEN: "X"}); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("save err = %v", err)
		}
		if _, err := e.svc.Patient(ctx, e.viewer, p.ID); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("read err = %v", err)
		}
	})
}

func TestScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var patientsA, staffA []int64
	for i := range 3 {
		patientsA = append(patientsA, e.patient(t, e.hospA.ID, fmt.Sprintf("A-%d", i), "").ID)
		staffA = append(staffA, e.staff(t, e.hospA.ID, fmt.Sprintf("EA-%d", i)).ID)
	}
	pB := e.patient(t, e.hospB.ID, "B-1", "2011111111")
	pB2 := e.patient(t, e.hospB.ID, "A-1", "") // same MRN as a patient of A
	sB := e.staff(t, e.hospB.ID, "EB-1")
	dB := e.department(t, e.hospB.ID, "DB")
	dA := e.department(t, e.hospA.ID, "DA")

	t.Run("ListPatients never returns B's rows to admin of A", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			q       app.ListQuery
			wantIDs []int64 // checked when not nil
		}{
			{"no filter", app.ListQuery{}, patientsA},
			{"filter by B", app.ListQuery{HospitalID: e.hospB.ID}, []int64{}},
			{"MRN shared with B", app.ListQuery{Search: "A-1"}, patientsA[1:2]},
			{"MRN only in B", app.ListQuery{Search: "B-1"}, []int64{}},
			{"name prefix", app.ListQuery{Search: "Patient"}, patientsA},
			{"one per page", app.ListQuery{Limit: 1}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				page, err := e.svc.ListPatients(ctx, e.adminA, c.q)
				if err != nil {
					t.Fatal(err)
				}
				ids := []int64{}
				for _, p := range page.Items {
					ids = append(ids, p.ID)
					if p.HospitalID != e.hospA.ID {
						t.Errorf("returned patient %d of hospital %d", p.ID, p.HospitalID)
					}
				}
				slices.Sort(ids)
				if c.wantIDs != nil && (!slices.Equal(ids, c.wantIDs) || page.Count != len(c.wantIDs)) {
					t.Errorf("ids %v count %d, want %v", ids, page.Count, c.wantIDs)
				}
				if page.Count > len(patientsA) {
					t.Errorf("count %d includes B's rows", page.Count)
				}
			})
		}
	})

	t.Run("ListStaff never returns B's rows to admin of A", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			q       app.ListQuery
			wantIDs []int64
		}{
			{"no filter", app.ListQuery{}, staffA},
			{"filter by B", app.ListQuery{HospitalID: e.hospB.ID}, []int64{}},
			{"employee number of B", app.ListQuery{Search: "EB-1"}, []int64{}},
			{"name prefix", app.ListQuery{Search: "Staff"}, staffA},
		} {
			t.Run(c.name, func(t *testing.T) {
				page, err := e.svc.ListStaff(ctx, e.adminA, c.q, 0)
				if err != nil {
					t.Fatal(err)
				}
				ids := []int64{}
				for _, s := range page.Items {
					ids = append(ids, s.ID)
					if s.HospitalID != e.hospA.ID {
						t.Errorf("returned staff %d of hospital %d", s.ID, s.HospitalID)
					}
				}
				slices.Sort(ids)
				if !slices.Equal(ids, c.wantIDs) || page.Count != len(c.wantIDs) {
					t.Errorf("ids %v count %d, want %v", ids, page.Count, c.wantIDs)
				}
			})
		}
	})

	t.Run("px-admin sees both hospitals", func(t *testing.T) {
		page, err := e.svc.ListPatients(ctx, app.System, app.ListQuery{})
		if err != nil || page.Count != 5 {
			t.Fatalf("count %d, %v; want 5", page.Count, err)
		}
	})

	t.Run("records of B are not found for admin of A", func(t *testing.T) {
		if _, err := e.svc.Patient(ctx, e.adminA, pB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Patient err = %v", err)
		}
		if _, err := e.svc.Patient(ctx, e.adminA, pB2.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Patient (same MRN) err = %v", err)
		}
		if _, err := e.svc.Staff(ctx, e.adminA, sB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Staff err = %v", err)
		}
		if _, err := e.svc.Department(ctx, e.adminA, dB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Department err = %v", err)
		}
		if _, err := e.svc.Hospital(ctx, e.adminA, e.hospB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Hospital err = %v", err)
		}
		if ps, err := e.svc.PatientsByNationalID(ctx, e.adminA, "2011111111"); err != nil || len(ps) != 0 {
			t.Errorf("PatientsByNationalID = %+v, %v", ps, err)
		}
		// The same calls succeed for the admin of B, so the failures above are about scope.
		if _, err := e.svc.Patient(ctx, e.adminB, pB.ID); err != nil {
			t.Errorf("admin of B: Patient err = %v", err)
		}
		if _, err := e.svc.Staff(ctx, e.adminB, sB.ID); err != nil {
			t.Errorf("admin of B: Staff err = %v", err)
		}
		if _, err := e.svc.Department(ctx, e.adminB, dB.ID); err != nil {
			t.Errorf("admin of B: Department err = %v", err)
		}
	})

	t.Run("admin of A cannot edit B's records or move A's into B", func(t *testing.T) {
		p, _, _ := e.st.PatientByID(ctx, app.Scope{All: true}, pB.ID)
		p.NameEN = "Changed"
		if _, err := e.svc.SavePatient(ctx, e.adminA, p); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("SavePatient(B's) err = %v", err)
		}
		s, _ := e.st.StaffByID(ctx, app.Scope{All: true}, sB.ID)
		s.NameEN = "Changed"
		if _, err := e.svc.SaveStaff(ctx, e.adminA, s); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("SaveStaff(B's) err = %v", err)
		}
		mine, _, _ := e.st.PatientByID(ctx, app.Scope{All: true}, patientsA[0])
		mine.HospitalID = e.hospB.ID
		_, err := e.svc.SavePatient(ctx, e.adminA, mine)
		wantFields(t, err, app.EInvalid, map[string]string{"hospital_id": "err.hospital_not_allowed"})
		staffInB := app.Staff{HospitalID: e.hospA.ID, EmployeeNo: "EA-X", NameEN: "X", Kind: app.StaffNurse, DepartmentID: dB.ID}
		_, err = e.svc.SaveStaff(ctx, e.adminA, staffInB)
		wantFields(t, err, app.EInvalid, map[string]string{"department_id": "err.department_not_in_hospital"})
		staffInB.DepartmentID = dA.ID
		if _, err := e.svc.SaveStaff(ctx, e.adminA, staffInB); err != nil {
			t.Errorf("control: staff in A's department: %v", err)
		}
		if got, _, _ := e.st.PatientByID(ctx, app.Scope{All: true}, pB.ID); got.NameEN == "Changed" {
			t.Error("B's patient changed")
		}
	})
}

// importPatients runs ImportPatients and turns a panic into a test failure, so one
// crashing input does not take the rest of the tests down with it.
func importPatients(t *testing.T, e *env, by app.Principal, data string) (res orgs.ImportResult, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("ImportPatients panicked: %v", p)
		}
	}()
	return e.svc.ImportPatients(context.Background(), by, strings.NewReader(data))
}

func importStaff(t *testing.T, e *env, by app.Principal, data string) (res orgs.ImportResult, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("ImportStaff panicked: %v", p)
		}
	}()
	return e.svc.ImportStaff(context.Background(), by, strings.NewReader(data))
}

type rowErr struct {
	line   int
	fields map[string]string
}

func checkRowErrors(t *testing.T, got []orgs.RowError, want []rowErr) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d row errors, want %d: %+v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i].Line != want[i].line {
			t.Errorf("error %d: line %d, want %d (%v)", i, got[i].Line, want[i].line, got[i].Reasons)
			continue
		}
		if len(got[i].Reasons) != len(want[i].fields) {
			t.Errorf("line %d: reasons %v, want %v", got[i].Line, got[i].Reasons, want[i].fields)
		}
		for f, msg := range want[i].fields {
			if got[i].Reasons[f] != msg {
				t.Errorf("line %d: reason %q = %q, want %q (all %v)", got[i].Line, f, got[i].Reasons[f], msg, got[i].Reasons)
			}
		}
	}
}

func (e *env) patientByMRN(t *testing.T, hospitalID int64, mrn string) (app.Patient, bool) {
	t.Helper()
	var id int64
	err := e.st.R.QueryRow(`select id from patients where hospital_id = ? and mrn = ?`, hospitalID, mrn).Scan(&id)
	if err != nil {
		return app.Patient{}, false
	}
	p, err := e.svc.Patient(context.Background(), app.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return p, true
}

const patientHeader = "hospital_code,mrn,name_en,name_ar,national_id,phone,email,language,birth_date\n"

func TestImportPatients(t *testing.T) {
	goodRows := []string{
		"A,M-1,Alice,أليس,1012345678,0501234567,alice@example.com,en,1980-05-01", // line 2
		"A,M-5,Bob,,,,,,", // line 7
		"A,M-5,Bobby,بوبي,2012345678,,,AR,1990-01-31", // line 8: same MRN, updates line 7's patient
		"a,M-7,Lower Case Code,,,,,,",                 // line 10: hospital code is case-insensitive
	}
	data := patientHeader +
		goodRows[0] + "\n" +
		"A,,No MRN,,,,,,\n" + // line 3
		"A,M-2,Bad NID,,3012345678,,,,\n" + // line 4
		"ZZ,M-3,Unknown Hospital,,,,,,\n" + // line 5
		"B,M-4,Outside Scope,,,,,,\n" + // line 6
		goodRows[1] + "\n" +
		goodRows[2] + "\n" +
		"A,M-6,Bad Date,,,,,,1980-13-45\n" + // line 9
		goodRows[3] + "\n"

	e := newEnv(t)
	ctx := context.Background()
	res, err := importPatients(t, e, e.adminA, data)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("counts", func(t *testing.T) {
		if res.Created != 3 || res.Updated != 1 {
			t.Errorf("created %d updated %d, want 3 and 1", res.Created, res.Updated)
		}
	})
	t.Run("row errors name the line and field", func(t *testing.T) {
		checkRowErrors(t, res.Errors, []rowErr{
			{3, map[string]string{"mrn": "err.required"}},
			{4, map[string]string{"national_id": "err.national_id_invalid"}},
			{5, map[string]string{"hospital_code": "err.hospital_not_allowed"}},
			{6, map[string]string{"hospital_code": "err.hospital_not_allowed"}},
			{9, map[string]string{"birth_date": "err.date_invalid"}},
		})
		if got := orgs.LineList(res.Errors); got != "3, 4, 5, 6, 9" {
			t.Errorf("LineList = %q", got)
		}
	})
	t.Run("bad rows wrote nothing", func(t *testing.T) {
		if n := e.count(t, "patients"); n != 3 {
			t.Errorf("%d patients, want 3", n)
		}
		for _, mrn := range []string{"", "M-2", "M-3", "M-4", "M-6"} {
			for _, h := range []int64{e.hospA.ID, e.hospB.ID} {
				if _, ok := e.patientByMRN(t, h, mrn); ok {
					t.Errorf("patient %q exists in hospital %d", mrn, h)
				}
			}
		}
	})
	t.Run("stored rows", func(t *testing.T) {
		alice, ok := e.patientByMRN(t, e.hospA.ID, "M-1")
		if !ok || alice.NameEN != "Alice" || alice.NameAR != "أليس" || alice.NationalID != "1012345678" ||
			alice.Email != "alice@example.com" || alice.Language != "en" || alice.BirthDate.Format(time.DateOnly) != "1980-05-01" {
			t.Errorf("M-1 = %+v", alice)
		}
		bob, ok := e.patientByMRN(t, e.hospA.ID, "M-5")
		if !ok || bob.NameEN != "Bobby" || bob.NameAR != "بوبي" || bob.NationalID != "2012345678" || bob.Language != "ar" ||
			bob.BirthDate.Format(time.DateOnly) != "1990-01-31" {
			t.Errorf("M-5 (second row should win) = %+v", bob)
		}
		if _, ok := e.patientByMRN(t, e.hospA.ID, "M-7"); !ok {
			t.Error("M-7 (lower-case hospital code) missing")
		}
	})
	t.Run("import is audited and the chain verifies", func(t *testing.T) {
		page, err := e.st.ListAudit(ctx, store.AuditFilter{Scope: app.Scope{All: true}, Action: "patient.import"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || !strings.Contains(page.Items[0].Summary, `"created":3`) ||
			!strings.Contains(page.Items[0].Summary, `"updated":1`) {
			t.Errorf("import audit = %+v", page.Items)
		}
		if _, err := e.st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
	t.Run("re-import of the good rows only updates", func(t *testing.T) {
		again, err := importPatients(t, e, e.adminA, patientHeader+strings.Join(goodRows, "\n")+"\n")
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Updated != len(goodRows) || len(again.Errors) != 0 {
			t.Errorf("re-import: %+v, want 0 created, %d updated", again, len(goodRows))
		}
		if n := e.count(t, "patients"); n != 3 {
			t.Errorf("%d patients after re-import, want 3", n)
		}
	})
	t.Run("viewer is forbidden", func(t *testing.T) {
		if _, err := importPatients(t, e, e.viewer, data); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestImportPatientsRejectsWholeFile(t *testing.T) {
	good := "A,G-1,Good One,,,,,,\nA,G-2,Good Two,,,,,,\n"
	tests := []struct {
		name    string
		data    string
		message string
		field   string // a field the error must carry, when set
	}{
		{"unknown column", "hospital_code,mrn,name_en,shoe_size\nA,G-1,Good One,42\n", "err.csv_unknown_column", "shoe_size"},
		{"missing required column", "hospital_code,name_en\nA,Good One\n", "err.csv_missing_column", "mrn"},
		{"empty file", "", "err.csv_empty", ""},
		{"only blank lines", "\n\n\n", "err.csv_empty", ""},
		{"malformed header", "hospital_code,\"mrn\n", "err.csv_malformed", ""},
		{"unterminated quote in a later column", patientHeader + good + "A,\"G-3,Broken,,,,,,\n", "err.csv_malformed", "line"},
		{"unterminated quote in the first column", patientHeader + good + "\"A,G-3,Broken,,,,,,\n", "err.csv_malformed", "line"},
		{"bare quote in the first column", patientHeader + good + "A\"B,G-3,Broken,,,,,,\n" + good, "err.csv_malformed", "line"},
		{"bare quote in a later column", patientHeader + good + "A,G\"3,Broken,,,,,,\n", "err.csv_malformed", "line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.count(t, "audit_log")
			res, err := importPatients(t, e, e.adminA, tt.data)
			if app.ErrorCode(err) != app.EInvalid || app.ErrorMessage(err) != tt.message {
				t.Fatalf("err = %v, want invalid %s", err, tt.message)
			}
			if tt.field != "" {
				if _, ok := app.Fields(err)[tt.field]; !ok {
					t.Errorf("error fields %v lack %q", app.Fields(err), tt.field)
				}
			}
			if res.Created != 0 || res.Updated != 0 || len(res.Errors) != 0 {
				t.Errorf("result %+v, want empty", res)
			}
			if n := e.count(t, "patients"); n != 0 {
				t.Errorf("%d patients written", n)
			}
			if after := e.count(t, "audit_log"); after != before {
				t.Errorf("audit rows %d -> %d", before, after)
			}
		})
	}
}

func TestImportPatientsFormat(t *testing.T) {
	t.Run("UTF-8 BOM on the header", func(t *testing.T) {
		e := newEnv(t)
		res, err := importPatients(t, e, e.adminA, "\ufeffhospital_code,mrn,name_en\nA,M-1,Alice\n")
		if err != nil || res.Created != 1 || len(res.Errors) != 0 {
			t.Fatalf("res %+v, err %v", res, err)
		}
		if _, ok := e.patientByMRN(t, e.hospA.ID, "M-1"); !ok {
			t.Fatal("patient not stored")
		}
	})

	t.Run("columns in any order, CRLF, blank lines and padding", func(t *testing.T) {
		e := newEnv(t)
		data := "MRN , Name_AR,hospital_code\r\n\r\nM-1, سارة ,A\r\n , , \r\nM-2,\"علي, محمد\",A\r\n"
		res, err := importPatients(t, e, e.adminA, data)
		if err != nil || res.Created != 2 || len(res.Errors) != 0 {
			t.Fatalf("res %+v, err %v", res, err)
		}
		p, _ := e.patientByMRN(t, e.hospA.ID, "M-2")
		if p.NameAR != "علي, محمد" {
			t.Fatalf("name_ar = %q", p.NameAR)
		}
	})

	t.Run("line numbers count blank and multi-line records", func(t *testing.T) {
		e := newEnv(t)
		data := patientHeader + "\n" + // line 2 blank
			"A,M-1,\"Two\nLines\",,,,,,\n" + // lines 3-4
			"A,M 2,Bad MRN,,,,,,\n" // line 5
		res, err := importPatients(t, e, e.adminA, data)
		if err != nil {
			t.Fatal(err)
		}
		checkRowErrors(t, res.Errors, []rowErr{{5, map[string]string{"mrn": "err.mrn_chars"}}})
	})

	t.Run("more than one batch", func(t *testing.T) {
		e := newEnv(t)
		var b strings.Builder
		b.WriteString("hospital_code,mrn,name_en\n")
		const n = 1200
		for i := range n {
			fmt.Fprintf(&b, "A,M-%04d,Patient %d\n", i, i)
		}
		res, err := importPatients(t, e, e.adminA, b.String())
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != n || res.Updated != 0 || len(res.Errors) != 0 {
			t.Fatalf("res created %d updated %d errors %d, want %d/0/0", res.Created, res.Updated, len(res.Errors), n)
		}
		page, err := e.svc.ListPatients(context.Background(), e.adminA, app.ListQuery{})
		if err != nil || page.Count != n {
			t.Fatalf("ListPatients count %d, %v; want %d", page.Count, err, n)
		}
		for _, mrn := range []string{"M-0000", "M-0499", "M-0500", "M-0999", "M-1000", "M-1199"} {
			if _, ok := e.patientByMRN(t, e.hospA.ID, mrn); !ok {
				t.Errorf("%s missing", mrn)
			}
		}
		audit, err := e.st.ListAudit(context.Background(), store.AuditFilter{Scope: app.Scope{All: true}, Action: "patient.import"})
		if err != nil || len(audit.Items) != 3 {
			t.Errorf("%d patient.import audit rows (one per 500-row batch), want 3; %v", len(audit.Items), err)
		}
	})
}

const staffHeader = "hospital_code,employee_no,name_en,name_ar,kind,job_title,department_code,email,phone\n"

func TestImportStaff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	er := e.department(t, e.hospA.ID, "ER")
	e.department(t, e.hospB.ID, "ONLYB")
	goodRows := []string{
		"A,E-1,Dr One,د. واحد,physician,Consultant,er,One@Example.com,050 123 4567", // line 2
		"A,E-6,Nurse Six,,Nurse,,,,",                    // line 8
		"A,E-6,Nurse Six Senior,,nurse,Head Nurse,ER,,", // line 9: same employee_no, updates line 8's
	}
	data := staffHeader +
		goodRows[0] + "\n" +
		"A,,No Number,,nurse,,,,\n" + // line 3
		"A,E-2,Bad Kind,,wizard,,,,\n" + // line 4
		"ZZ,E-3,Unknown Hospital,,nurse,,,,\n" + // line 5
		"B,E-4,Outside Scope,,nurse,,,,\n" + // line 6
		"A,E-5,Unknown Dept,,nurse,,ONLYB,,\n" + // line 7: department of another hospital
		goodRows[1] + "\n" +
		goodRows[2] + "\n" +
		"A,E-7,Bad Email,,admin,,,not-an-email,\n" // line 10

	res, err := importStaff(t, e, e.adminA, data)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Updated != 1 {
		t.Errorf("created %d updated %d, want 2 and 1", res.Created, res.Updated)
	}
	checkRowErrors(t, res.Errors, []rowErr{
		{3, map[string]string{"employee_no": "err.required"}},
		{4, map[string]string{"kind": "err.choose_option"}},
		{5, map[string]string{"hospital_code": "err.hospital_not_allowed"}},
		{6, map[string]string{"hospital_code": "err.hospital_not_allowed"}},
		{7, map[string]string{"department_code": "err.department_unknown"}},
		{10, map[string]string{"email": "err.email_invalid"}},
	})
	if n := e.count(t, "staff"); n != 2 {
		t.Errorf("%d staff rows, want 2", n)
	}
	page, err := e.svc.ListStaff(ctx, app.System, app.ListQuery{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	byNo := map[string]app.Staff{}
	for _, s := range page.Items {
		byNo[s.EmployeeNo] = s
	}
	if s := byNo["E-1"]; s.DepartmentID != er.ID || s.Kind != app.StaffPhysician || s.Email != "one@example.com" ||
		s.Phone != "0501234567" || s.NameAR != "د. واحد" || !s.Active {
		t.Errorf("E-1 = %+v", s)
	}
	if s := byNo["E-6"]; s.NameEN != "Nurse Six Senior" || s.JobTitle != "Head Nurse" || s.DepartmentID != er.ID || s.Kind != app.StaffNurse {
		t.Errorf("E-6 (second row should win) = %+v", s)
	}

	t.Run("re-import of the good rows only updates", func(t *testing.T) {
		again, err := importStaff(t, e, e.adminA, staffHeader+strings.Join(goodRows, "\n")+"\n")
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Updated != len(goodRows) || len(again.Errors) != 0 {
			t.Errorf("re-import: %+v, want 0 created, %d updated", again, len(goodRows))
		}
		if n := e.count(t, "staff"); n != 2 {
			t.Errorf("%d staff rows after re-import, want 2", n)
		}
	})

	t.Run("whole-file errors write nothing", func(t *testing.T) {
		before := e.count(t, "staff")
		for name, data := range map[string]string{
			"unknown column": "hospital_code,employee_no,name_en,kind,salary\nA,E-9,X,nurse,100\n",
			"missing kind":   "hospital_code,employee_no,name_en\nA,E-9,X\n",
			"empty":          "",
			"malformed":      staffHeader + "A,E-9,X,,nurse,,,,\nA,\"E-10,X,,nurse,,,,\n",
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := importStaff(t, e, e.adminA, data); app.ErrorCode(err) != app.EInvalid {
					t.Errorf("err = %v, want code invalid", err)
				}
				if n := e.count(t, "staff"); n != before {
					t.Errorf("staff %d -> %d", before, n)
				}
			})
		}
	})

	t.Run("staff viewer is forbidden", func(t *testing.T) {
		if _, err := importStaff(t, e, e.viewer, data); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestImportUpdatesOnlyTheColumnsTheFileHas: a file with a few columns updates those and
// leaves the rest of an existing record alone.
func TestImportUpdatesOnlyTheColumnsTheFileHas(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	full := patientHeader + "A,M-9,Nadia,نادية,1012345670,0501112222,nadia@example.com,en,1975-07-07\n"
	if res, err := importPatients(t, e, e.adminA, full); err != nil || res.Created != 1 {
		t.Fatalf("seed: %+v %v", res, err)
	}
	res, err := importPatients(t, e, e.adminA, "hospital_code,mrn,phone\nA,M-9,0503334444\n")
	if err != nil || res.Updated != 1 || len(res.Errors) != 0 {
		t.Fatalf("partial update: %+v %v", res, err)
	}
	p, _ := e.patientByMRN(t, e.hospA.ID, "M-9")
	if p.Phone != "0503334444" || p.NameEN != "Nadia" || p.NameAR != "نادية" || p.Email != "nadia@example.com" ||
		p.Language != "en" || p.NationalID != "1012345670" || p.BirthDate.Format(time.DateOnly) != "1975-07-07" {
		t.Fatalf("after a phone-only import: %+v", p)
	}

	// Staff: a department change clears the section (it belongs to the old department);
	// a file without department_code keeps both, and keeps the active flag.
	d1, d2 := e.department(t, e.hospA.ID, "D1"), e.department(t, e.hospA.ID, "D2")
	sec, err := e.svc.SaveSection(ctx, app.System, app.Section{DepartmentID: d1.ID, NameEN: "Ward", NameAR: "جناح", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.svc.SaveStaff(ctx, app.System, app.Staff{HospitalID: e.hospA.ID, DepartmentID: d1.ID, SectionID: sec.ID,
		EmployeeNo: "S-1", NameEN: "Sami", Kind: app.StaffNurse, Active: false})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := importStaff(t, e, e.adminA, "hospital_code,employee_no,name_en,kind,phone\nA,S-1,Sami,nurse,0509998888\n"); err != nil || res.Updated != 1 {
		t.Fatalf("staff phone update: %+v %v", res, err)
	}
	got, _ := e.svc.Staff(ctx, app.System, x.ID)
	if got.DepartmentID != d1.ID || got.SectionID != sec.ID || got.Active || got.Phone != "0509998888" {
		t.Fatalf("a file without department_code changed the department, section or active flag: %+v", got)
	}
	if res, err := importStaff(t, e, e.adminA, "hospital_code,employee_no,name_en,kind,department_code\nA,S-1,Sami,nurse,D2\n"); err != nil || res.Updated != 1 {
		t.Fatalf("staff move: %+v %v", res, err)
	}
	got, _ = e.svc.Staff(ctx, app.System, x.ID)
	if got.DepartmentID != d2.ID || got.SectionID != 0 {
		t.Fatalf("after moving to D2: department %d section %d, want %d and none", got.DepartmentID, got.SectionID, d2.ID)
	}
}
