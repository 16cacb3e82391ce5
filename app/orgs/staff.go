package orgs

import (
	"context"
	"net/mail"
	"slices"
	"strings"

	"px360/app"
	"px360/store"
)

// ListStaff lists staff in by's scope.
func (s *Service) ListStaff(ctx context.Context, by app.Principal, q app.ListQuery, departmentID int64) (app.Page[app.Staff], error) {
	if !by.Can(app.PermStaffView) {
		return app.Page[app.Staff]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListStaff(ctx, q, departmentID)
}

// Staff returns one staff member in by's scope.
func (s *Service) Staff(ctx context.Context, by app.Principal, id int64) (app.Staff, error) {
	if !by.Can(app.PermStaffView) {
		return app.Staff{}, app.ErrForbidden
	}
	return s.st.StaffByID(ctx, by.Scope, id)
}

// StaffByIDs returns the staff with the given ids in by's scope, keyed by id.
func (s *Service) StaffByIDs(ctx context.Context, by app.Principal, ids []int64) (map[int64]app.Staff, error) {
	if !by.Can(app.PermStaffView) {
		return nil, app.ErrForbidden
	}
	return s.st.StaffByIDs(ctx, by.Scope, ids)
}

// validateStaff normalises x and returns its field errors; department, section and
// manager must belong to the same hospital.
func (s *Service) validateStaff(ctx context.Context, by app.Principal, x *app.Staff) app.FieldErrors {
	fe := app.FieldErrors{}
	s.hospitalIn(ctx, by, fe, x.HospitalID)
	x.EmployeeNo = app.RequiredText(fe, "employee_no", x.EmployeeNo, 40)
	x.NameEN = app.RequiredText(fe, "name_en", x.NameEN, 200)
	x.NameAR = app.OptionalText(fe, "name_ar", x.NameAR, 200)
	x.JobTitle = app.OptionalText(fe, "job_title", x.JobTitle, 200)
	x.Phone = app.NormalizePhone(fe, "phone", x.Phone)
	x.Email = strings.ToLower(app.OptionalText(fe, "email", x.Email, 254))
	if x.Email != "" {
		if a, err := mail.ParseAddress(x.Email); err != nil || a.Address != x.Email {
			fe.Add("email", "err.email_invalid")
		}
	}
	if !slices.Contains(app.StaffKinds, x.Kind) {
		fe.Add("kind", "err.choose_option")
	}
	if x.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, x.DepartmentID); err != nil || d.HospitalID != x.HospitalID {
			fe.Add("department_id", "err.department_not_in_hospital")
		}
	}
	if x.SectionID != 0 {
		if sec, err := s.st.SectionByID(ctx, by.Scope, x.SectionID); err != nil || sec.DepartmentID != x.DepartmentID {
			fe.Add("section_id", "err.section_not_in_department")
		}
	}
	if x.ReportsTo != 0 {
		if m, err := s.st.StaffByID(ctx, by.Scope, x.ReportsTo); err != nil || m.HospitalID != x.HospitalID || m.ID == x.ID {
			fe.Add("reports_to", "err.manager_invalid")
		}
	}
	return fe
}

// SaveStaff creates (ID 0) or edits a staff member.
func (s *Service) SaveStaff(ctx context.Context, by app.Principal, x app.Staff) (app.Staff, error) {
	if !by.Can(app.PermStaffManage) {
		return x, app.ErrForbidden
	}
	var before app.Staff
	if x.ID != 0 {
		var err error
		if before, err = s.st.StaffByID(ctx, by.Scope, x.ID); err != nil {
			return x, err
		}
	}
	fe := s.validateStaff(ctx, by, &x)
	sameHospital(fe, before.HospitalID, x.HospitalID)
	if x.ID != 0 && x.DepartmentID != before.DepartmentID && x.SectionID == before.SectionID {
		x.SectionID = 0 // the section belonged to the old department
		delete(fe, "section_id")
	}
	if err := fe.Err(); err != nil {
		return x, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error { return saveStaff(ctx, tx, &x, before) })
	return x, err
}

func saveStaff(ctx context.Context, tx *store.Tx, x *app.Staff, before app.Staff) error {
	created := x.ID == 0
	if err := tx.SaveStaff(ctx, x); err != nil {
		return err
	}
	if err := tx.Emit(ctx, app.EventStaffSaved, x.HospitalID, map[string]int64{"id": x.ID}); err != nil {
		return err
	}
	return tx.Audit(ctx, app.Audit{Action: app.SavedAction("staff", created), Entity: "staff", EntityID: itoa(x.ID),
		HospitalID: x.HospitalID, Summary: app.SavedSummary(created, before, *x)})
}
