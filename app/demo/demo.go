// Package demo loads a small, realistic hospital group so a newcomer can click through
// PX360 at once: two hospitals with departments, sections, staff and patients, and one
// user per role. Loading is idempotent: a second run changes nothing.
package demo

import (
	"context"
	"fmt"
	"strings"

	"px360/app"
	"px360/app/accounts"
	"px360/app/orgs"
	"px360/store"
)

// Password is the password of every demo user. Demo data is for evaluation only.
const Password = "px360-demo-2026"

// Login is one demo account to print at start.
type Login struct {
	Email, Role, Password string
}

const marker = "demo_loaded"

// Load creates the demo organisation unless it was loaded before, and returns the logins.
func Load(ctx context.Context, st *store.Store, acc *accounts.Service, org *orgs.Service) ([]Login, error) {
	logins := []Login{
		{"admin@px360.demo", string(app.RolePXAdmin), Password},
		{"hospital.admin@px360.demo", string(app.RoleHospitalAdmin), Password},
		{"manager@px360.demo", string(app.RoleDepartmentManager), Password},
		{"staff@px360.demo", string(app.RoleStaff), Password},
		{"viewer@px360.demo", string(app.RoleViewer), Password},
	}
	if done, err := st.Setting(ctx, marker); err != nil || done != "" {
		return logins, err
	}
	if _, err := st.HospitalByCode(ctx, app.Scope{All: true}, "RCH"); err == nil {
		return nil, fmt.Errorf("this data directory has part of the demo data (an earlier load stopped midway): use an empty --data directory")
	}
	by := app.System
	var hospitals []app.Hospital
	for _, h := range []app.Hospital{
		{Code: "RCH", NameEN: "Riyadh Central Hospital", NameAR: "مستشفى الرياض المركزي", TimeZone: "Asia/Riyadh", Active: true},
		{Code: "JGH", NameEN: "Jeddah General Hospital", NameAR: "مستشفى جدة العام", TimeZone: "Asia/Riyadh", Active: true},
	} {
		saved, err := org.SaveHospital(ctx, by, h)
		if err != nil {
			return nil, fmt.Errorf("demo hospital %s: %w", h.Code, err)
		}
		hospitals = append(hospitals, saved)
	}
	type dep struct {
		code, en, ar string
		cat          app.DepartmentCategory
		sections     [][2]string
	}
	deps := []dep{
		{"ER", "Emergency", "الطوارئ", app.DeptMedical, [][2]string{{"Triage", "الفرز"}, {"Resuscitation", "الإنعاش"}}},
		{"OPD", "Outpatient Clinics", "العيادات الخارجية", app.DeptMedical, [][2]string{{"Internal Medicine Clinic", "عيادة الباطنية"}, {"Pediatrics Clinic", "عيادة الأطفال"}}},
		{"NUR-IP", "Inpatient Nursing", "تمريض التنويم", app.DeptNursing, [][2]string{{"Ward 3A", "الجناح 3أ"}, {"Ward 4B", "الجناح 4ب"}}},
		{"RAD", "Radiology", "الأشعة", app.DeptMedical, nil},
		{"PHARM", "Pharmacy", "الصيدلية", app.DeptSupport, nil},
		{"PR", "Patient Relations", "علاقات المرضى", app.DeptNonMedical, nil},
		{"HK", "Housekeeping", "الإشراف البيئي", app.DeptSupport, nil},
	}
	first := map[int64]int64{} // hospital -> ER department id
	for _, h := range hospitals {
		for _, d := range deps {
			saved, err := org.SaveDepartment(ctx, by, app.Department{HospitalID: h.ID, Code: d.code, NameEN: d.en, NameAR: d.ar, Category: d.cat, Active: true})
			if err != nil {
				return nil, fmt.Errorf("demo department %s: %w", d.code, err)
			}
			if first[h.ID] == 0 {
				first[h.ID] = saved.ID
			}
			for _, sec := range d.sections {
				if _, err := org.SaveSection(ctx, by, app.Section{DepartmentID: saved.ID, NameEN: sec[0], NameAR: sec[1], Active: true}); err != nil {
					return nil, err
				}
			}
		}
	}
	people := []struct {
		en, ar string
		kind   app.StaffKind
		title  string
	}{
		{"Dr. Khalid Al-Harbi", "د. خالد الحربي", app.StaffPhysician, "Consultant, Emergency Medicine"},
		{"Dr. Sara Al-Qahtani", "د. سارة القحطاني", app.StaffPhysician, "Pediatrician"},
		{"Nora Al-Shehri", "نورة الشهري", app.StaffNurse, "Head Nurse"},
		{"Maria Santos", "ماريا سانتوس", app.StaffNurse, "Staff Nurse"},
		{"Faisal Al-Otaibi", "فيصل العتيبي", app.StaffAdmin, "Patient Relations Officer"},
		{"Ahmed Al-Zahrani", "أحمد الزهراني", app.StaffOther, "Pharmacist"},
	}
	for hi, h := range hospitals {
		for i, p := range people {
			no := fmt.Sprintf("E%d%03d", hi+1, i+1)
			email := strings.ToLower(no) + "@px360.demo"
			if hi == 0 && i == 0 { // the demo staff user's own record: assignments reach its bell
				email = "staff@px360.demo"
			}
			x := app.Staff{HospitalID: h.ID, DepartmentID: first[h.ID], EmployeeNo: no, NameEN: p.en,
				NameAR: p.ar, Kind: p.kind, JobTitle: p.title, Phone: fmt.Sprintf("+96655%07d", hi*1000+i), Email: email, Active: true}
			if _, err := org.SaveStaff(ctx, by, x); err != nil {
				return nil, fmt.Errorf("demo staff: %w", err)
			}
		}
		names := [][2]string{{"Abdullah Al-Dosari", "عبدالله الدوسري"}, {"Fatimah Al-Ghamdi", "فاطمة الغامدي"},
			{"Mohammed Al-Mutairi", "محمد المطيري"}, {"Aisha Al-Subaie", "عائشة السبيعي"}, {"Omar Al-Anazi", "عمر العنزي"},
			{"Huda Al-Malki", "هدى المالكي"}, {"Yousef Al-Shamrani", "يوسف الشمراني"}, {"Reem Al-Juhani", "ريم الجهني"}}
		for i, n := range names {
			p := app.Patient{HospitalID: h.ID, MRN: fmt.Sprintf("%s%06d", h.Code, 100+i), NameEN: n[0], NameAR: n[1],
				NationalID: fmt.Sprintf("1%09d", 102030400+hi*100+i), Phone: fmt.Sprintf("+96650%07d", hi*1000+i), Language: []string{"ar", "en"}[i%2]}
			if _, err := org.SavePatient(ctx, by, p); err != nil {
				return nil, fmt.Errorf("demo patient: %w", err)
			}
		}
	}
	deptOf := first[hospitals[0].ID]
	for i, l := range logins {
		in := accounts.UserInput{Email: l.Email, Name: []string{"Layla Admin", "Hassan Hospital-Admin", "Mona Manager", "Saleh Staff", "Viewer Account"}[i],
			Role: app.Role(l.Role), Language: "en", Password: l.Password, Active: true}
		if in.Role != app.RolePXAdmin {
			in.HospitalIDs = []int64{hospitals[0].ID}
		}
		if in.Role == app.RoleDepartmentManager {
			in.DepartmentIDs = []int64{deptOf}
		}
		if _, err := acc.CreateUser(ctx, by, in); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", l.Email, err)
		}
	}
	return logins, st.SetSetting(ctx, marker, "1")
}
