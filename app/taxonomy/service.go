// Package taxonomy owns the complaint taxonomy (domain → category → subcategory →
// classification, system-wide or limited to a hospital) and the list of sources
// complaints come from: their admin use cases, the default set loaded on first start,
// and the look-ups intake uses to check a chosen category or source.
package taxonomy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"px360/app"
	"px360/store"
)

// Service implements the taxonomy and source use cases.
type Service struct {
	st *store.Store
}

// New returns the taxonomy service.
func New(st *store.Store) *Service { return &Service{st: st} }

// ErrCategoryNotAllowed is returned by ValidCategoryFor for an unknown, inactive or
// other hospital's category.
var ErrCategoryNotAllowed = &app.Error{Code: app.EInvalid, Message: "err.taxonomy_category_not_allowed"}

// ErrSourceNotAllowed is returned by ValidSourceFor for an unknown or inactive source, or
// one not used for the case's type.
var ErrSourceNotAllowed = &app.Error{Code: app.EInvalid, Message: "err.taxonomy_source_not_allowed"}

// Tree returns every category by may see (system-wide and their hospitals'), inactive
// ones included, as trees of domains.
func (s *Service) Tree(ctx context.Context, by app.Principal) ([]app.CategoryNode, error) {
	if !by.Can(app.PermComplaintView) {
		return nil, app.ErrForbidden
	}
	cs, err := s.st.Categories(ctx, by.Scope)
	if err != nil {
		return nil, err
	}
	return app.CategoryTree(cs), nil
}

// ActiveTree returns the active categories a complaint of hospitalID may be filed
// under: what intake pickers offer. An inactive node hides everything below it.
func (s *Service) ActiveTree(ctx context.Context, hospitalID int64) ([]app.CategoryNode, error) {
	cs, err := s.st.Categories(ctx, app.Scope{HospitalIDs: []int64{hospitalID}})
	if err != nil {
		return nil, err
	}
	return app.ActiveOnly(app.CategoryTree(cs)), nil
}

// Children returns the children of parentID (0: the domains) that by may see.
func (s *Service) Children(ctx context.Context, by app.Principal, parentID int64) ([]app.Category, error) {
	if !by.Can(app.PermComplaintView) {
		return nil, app.ErrForbidden
	}
	return s.st.CategoryChildren(ctx, by.Scope, parentID)
}

// Category returns one category by may see.
func (s *Service) Category(ctx context.Context, by app.Principal, id int64) (app.Category, error) {
	if !by.Can(app.PermComplaintView) {
		return app.Category{}, app.ErrForbidden
	}
	return s.st.CategoryByID(ctx, by.Scope, id)
}

// Path returns the category and its ancestors, domain first (name it with app.CategoryPathName).
func (s *Service) Path(ctx context.Context, by app.Principal, id int64) ([]app.Category, error) {
	if !by.Can(app.PermComplaintView) {
		return nil, app.ErrForbidden
	}
	return s.st.CategoryPath(ctx, by.Scope, id)
}

// ValidCategoryFor checks that a complaint of hospitalID may be filed under category id:
// it exists, is system-wide or that hospital's, and it and its ancestors are active.
// It returns ErrCategoryNotAllowed otherwise.
func (s *Service) ValidCategoryFor(ctx context.Context, hospitalID, id int64) error {
	path, err := s.st.CategoryPath(ctx, app.Scope{HospitalIDs: []int64{hospitalID}}, id)
	if app.ErrorCode(err) == app.ENotFound {
		return ErrCategoryNotAllowed
	}
	if err != nil {
		return fmt.Errorf("check category %d: %w", id, err)
	}
	for _, c := range path {
		if !c.Active {
			return ErrCategoryNotAllowed
		}
	}
	return nil
}

// SaveCategory creates (ID 0) or edits a category. A node's parent, level and hospital
// are fixed once saved (so no node can end up under its own descendant); to retire a
// node, deactivate it.
func (s *Service) SaveCategory(ctx context.Context, by app.Principal, c app.Category) (app.Category, error) {
	if !by.Can(app.PermTaxonomyManage) {
		return c, app.ErrForbidden
	}
	var before app.Category
	fe := app.FieldErrors{}
	if c.ID != 0 {
		var err error
		if before, err = s.st.CategoryByID(ctx, by.Scope, c.ID); err != nil {
			return c, err
		}
		if c.ParentID != before.ParentID {
			fe.Add("parent_id", "err.taxonomy_parent_fixed")
		}
		if c.HospitalID != before.HospitalID {
			fe.Add("hospital_id", "err.hospital_fixed")
		}
		if !before.EditableBy(by) {
			fe.Add("hospital_id", "err.taxonomy_system_wide")
		}
	}
	if err := s.checkPlace(ctx, by, fe, &c); err != nil {
		return c, err
	}
	c.Code = code(fe, "code", c.Code, strings.ToUpper)
	c.NameEN = app.RequiredText(fe, "name_en", c.NameEN, 200)
	c.NameAR = app.RequiredText(fe, "name_ar", c.NameAR, 200)
	c.DescriptionEN = app.OptionalText(fe, "description_en", c.DescriptionEN, 2000)
	c.DescriptionAR = app.OptionalText(fe, "description_ar", c.DescriptionAR, 2000)
	sortOrder(fe, c.SortOrder)
	if err := fe.Err(); err != nil {
		return c, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := c.ID == 0
		if err := tx.SaveCategory(ctx, &c); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("taxonomy", created), Entity: "taxonomy", EntityID: itoa(c.ID),
			HospitalID: c.HospitalID, Summary: app.SavedSummary(created, before, c)})
	})
	return c, err
}

// checkPlace checks where c goes: its parent (visible, not a classification), its level
// (the parent's plus one) and its hospital (a hospital-limited parent keeps its children
// in that hospital; system-wide nodes are PX admins' to write).
func (s *Service) checkPlace(ctx context.Context, by app.Principal, fe app.FieldErrors, c *app.Category) error {
	want := app.LevelDomain
	if c.ParentID != 0 {
		parent, err := s.st.CategoryByID(ctx, by.Scope, c.ParentID)
		switch {
		case app.ErrorCode(err) == app.ENotFound:
			fe.Add("parent_id", "err.taxonomy_parent_unknown")
			return nil
		case err != nil:
			return err
		case parent.Level >= app.LevelClassification:
			fe.Add("parent_id", "err.taxonomy_too_deep")
			return nil
		}
		want = parent.Level + 1
		if parent.HospitalID != 0 && c.HospitalID != parent.HospitalID {
			fe.Add("hospital_id", "err.taxonomy_parent_hospital")
		}
	}
	if c.Level != 0 && c.Level != want {
		fe.Add("level", "err.taxonomy_level")
	}
	c.Level = want
	switch {
	case c.HospitalID == 0 && !by.Can(app.PermHospitalManage):
		fe.Add("hospital_id", "err.taxonomy_system_wide")
	case c.HospitalID != 0:
		_, err := s.st.HospitalByID(ctx, by.Scope, c.HospitalID)
		if app.ErrorCode(err) == app.ENotFound {
			fe.Add("hospital_id", "err.hospital_not_allowed")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// AllSources returns every source, inactive ones included (the admin list).
func (s *Service) AllSources(ctx context.Context, by app.Principal) ([]app.Source, error) {
	if !by.Can(app.PermComplaintView) {
		return nil, app.ErrForbidden
	}
	return s.st.Sources(ctx)
}

// Sources returns the active sources a case of type forType may come from, in display
// order; forType "" returns every active source.
func (s *Service) Sources(ctx context.Context, forType app.ComplaintType) ([]app.Source, error) {
	all, err := s.st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	var out []app.Source
	for _, x := range all {
		if x.Active && (forType == "" || x.UsableFor.Serves(forType)) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Source returns one source.
func (s *Service) Source(ctx context.Context, by app.Principal, id int64) (app.Source, error) {
	if !by.Can(app.PermComplaintView) {
		return app.Source{}, app.ErrForbidden
	}
	return s.st.SourceByID(ctx, id)
}

// SourceByCode returns the source with code (case-insensitive), active or not.
func (s *Service) SourceByCode(ctx context.Context, code string) (app.Source, error) {
	return s.st.SourceByCode(ctx, code)
}

// ValidSourceFor returns the source with code if it is active and used for forType, else
// ErrSourceNotAllowed.
func (s *Service) ValidSourceFor(ctx context.Context, code string, forType app.ComplaintType) (app.Source, error) {
	x, err := s.st.SourceByCode(ctx, code)
	if app.ErrorCode(err) == app.ENotFound || (err == nil && (!x.Active || !x.UsableFor.Serves(forType))) {
		return app.Source{}, ErrSourceNotAllowed
	}
	return x, err
}

// SaveSource creates (ID 0) or edits a source. Sources are group-wide, so only PX admins
// change them; a built-in source keeps its code.
func (s *Service) SaveSource(ctx context.Context, by app.Principal, x app.Source) (app.Source, error) {
	if !by.Can(app.PermTaxonomyManage) || !by.Can(app.PermHospitalManage) {
		return x, app.ErrForbidden
	}
	var before app.Source
	if x.ID != 0 {
		var err error
		if before, err = s.st.SourceByID(ctx, x.ID); err != nil {
			return x, err
		}
	}
	x.System = before.System
	fe := app.FieldErrors{}
	x.Code = code(fe, "code", x.Code, strings.ToLower)
	if before.System && x.Code != before.Code {
		fe.Add("code", "err.taxonomy_source_code_fixed")
	}
	x.NameEN = app.RequiredText(fe, "name_en", x.NameEN, 200)
	x.NameAR = app.RequiredText(fe, "name_ar", x.NameAR, 200)
	if !x.UsableFor.Valid() {
		fe.Add("usable_for", "err.choose_option")
	}
	sortOrder(fe, x.SortOrder)
	if err := fe.Err(); err != nil {
		return x, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := x.ID == 0
		if err := tx.SaveSource(ctx, &x); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("source", created), Entity: "source", EntityID: itoa(x.ID),
			Summary: app.SavedSummary(created, before, x)})
	})
	return x, err
}

// code reads a code as the organisation's codes are written (letters, digits, dashes and
// underscores, at most 20), in the case fold gives it.
func code(fe app.FieldErrors, field, v string, fold func(string) string) string {
	v = fold(app.RequiredText(fe, field, v, 20))
	for _, r := range strings.ToUpper(v) {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			fe.Add(field, "err.code_chars")
			break
		}
	}
	return v
}

func sortOrder(fe app.FieldErrors, n int) {
	if n < 0 || n > 1_000_000 {
		fe.Add("sort_order", "err.number_invalid")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
