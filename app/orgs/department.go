package orgs

import (
	"context"
	"slices"

	"px360/app"
	"px360/store"
)

// ListDepartments lists departments in by's scope.
func (s *Service) ListDepartments(ctx context.Context, by app.Principal, q app.ListQuery) (app.Page[app.Department], error) {
	if !by.Can(app.PermOrgView) {
		return app.Page[app.Department]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListDepartments(ctx, q)
}

// Departments returns all departments in by's scope (for pickers).
func (s *Service) Departments(ctx context.Context, by app.Principal) ([]app.Department, error) {
	if !by.Can(app.PermOrgView) {
		return nil, app.ErrForbidden
	}
	return s.st.Departments(ctx, by.Scope)
}

// Department returns one department in by's scope.
func (s *Service) Department(ctx context.Context, by app.Principal, id int64) (app.Department, error) {
	if !by.Can(app.PermOrgView) {
		return app.Department{}, app.ErrForbidden
	}
	return s.st.DepartmentByID(ctx, by.Scope, id)
}

// SaveDepartment creates (ID 0) or edits a department of a hospital in by's scope.
func (s *Service) SaveDepartment(ctx context.Context, by app.Principal, d app.Department) (app.Department, error) {
	if !by.Can(app.PermOrgManage) {
		return d, app.ErrForbidden
	}
	var before app.Department
	if d.ID != 0 {
		var err error
		if before, err = s.st.DepartmentByID(ctx, by.Scope, d.ID); err != nil {
			return d, err
		}
	}
	fe := app.FieldErrors{}
	s.hospitalIn(ctx, by, fe, d.HospitalID)
	sameHospital(fe, before.HospitalID, d.HospitalID)
	d.Code = code(fe, "code", d.Code)
	d.NameEN = app.RequiredText(fe, "name_en", d.NameEN, 200)
	d.NameAR = app.RequiredText(fe, "name_ar", d.NameAR, 200)
	if !slices.Contains(app.DepartmentCategories, d.Category) {
		fe.Add("category", "err.choose_option")
	}
	if err := fe.Err(); err != nil {
		return d, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := d.ID == 0
		if err := tx.SaveDepartment(ctx, &d); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("department", created), Entity: "department", EntityID: itoa(d.ID),
			HospitalID: d.HospitalID, Summary: app.SavedSummary(created, before, d)})
	})
	return d, err
}

// ListSections lists sections in by's scope, optionally of one department.
func (s *Service) ListSections(ctx context.Context, by app.Principal, q app.ListQuery, departmentID int64) (app.Page[app.Section], error) {
	if !by.Can(app.PermOrgView) {
		return app.Page[app.Section]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListSections(ctx, q, departmentID)
}

// Section returns one section in by's scope.
func (s *Service) Section(ctx context.Context, by app.Principal, id int64) (app.Section, error) {
	if !by.Can(app.PermOrgView) {
		return app.Section{}, app.ErrForbidden
	}
	return s.st.SectionByID(ctx, by.Scope, id)
}

// SaveSection creates (ID 0) or edits a section; its hospital follows its department.
func (s *Service) SaveSection(ctx context.Context, by app.Principal, x app.Section) (app.Section, error) {
	if !by.Can(app.PermOrgManage) {
		return x, app.ErrForbidden
	}
	var before app.Section
	if x.ID != 0 {
		var err error
		if before, err = s.st.SectionByID(ctx, by.Scope, x.ID); err != nil {
			return x, err
		}
	}
	fe := app.FieldErrors{}
	if x.DepartmentID == 0 {
		fe.Add("department_id", "err.required")
	} else if d, err := s.st.DepartmentByID(ctx, by.Scope, x.DepartmentID); err != nil {
		fe.Add("department_id", "err.department_not_allowed")
	} else if before.ID != 0 && d.HospitalID != before.HospitalID {
		fe.Add("department_id", "err.hospital_fixed")
	} else {
		x.HospitalID = d.HospitalID
	}
	x.NameEN = app.RequiredText(fe, "name_en", x.NameEN, 200)
	x.NameAR = app.RequiredText(fe, "name_ar", x.NameAR, 200)
	if err := fe.Err(); err != nil {
		return x, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := x.ID == 0
		if err := tx.SaveSection(ctx, &x); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("section", created), Entity: "section", EntityID: itoa(x.ID),
			HospitalID: x.HospitalID, Summary: app.SavedSummary(created, before, x)})
	})
	return x, err
}
