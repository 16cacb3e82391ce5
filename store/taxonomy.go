package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"px360/app"
)

const categoryCols = `id, coalesce(parent_id, 0), level, code, name_en, name_ar, description_en, description_ar,
	coalesce(hospital_id, 0), active, sort_order`

func scanCategory(r scanner) (app.Category, error) {
	var c app.Category
	var level, active int
	err := r.Scan(&c.ID, &c.ParentID, &level, &c.Code, &c.NameEN, &c.NameAR, &c.DescriptionEN, &c.DescriptionAR,
		&c.HospitalID, &active, &c.SortOrder)
	c.Level, c.Active = app.CategoryLevel(level), active == 1
	return c, err
}

// categoryVisible limits categories to the system-wide ones and those of scope's hospitals.
func categoryVisible(scope app.Scope) (string, []any) {
	if scope.All {
		return "1=1", nil
	}
	if len(scope.HospitalIDs) == 0 {
		return "hospital_id is null", nil
	}
	c, a := scopeIn("hospital_id", scope)
	return "(hospital_id is null or " + c + ")", a
}

func visibleTo(scope app.Scope, c app.Category) bool {
	return c.HospitalID == 0 || scope.Allows(c.HospitalID)
}

func queryCategories(ctx context.Context, q querier, query string, args ...any) ([]app.Category, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var cs []app.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// Categories returns every category scope may see (a taxonomy has hundreds of nodes, not
// millions), parents before children.
func (s *Store) Categories(ctx context.Context, scope app.Scope) ([]app.Category, error) {
	where, args := categoryVisible(scope)
	return queryCategories(ctx, s.R, `select `+categoryCols+` from complaint_categories where `+where+
		` order by level, sort_order, id`, args...)
}

// CategoryChildren returns the children of parentID (0: the domains) that scope may see.
func (s *Store) CategoryChildren(ctx context.Context, scope app.Scope, parentID int64) ([]app.Category, error) {
	where, args := categoryVisible(scope)
	parent := "parent_id is null"
	if parentID != 0 {
		parent, args = "parent_id = ?", append([]any{parentID}, args...)
	}
	return queryCategories(ctx, s.R, `select `+categoryCols+` from complaint_categories where `+parent+` and `+where+
		` order by sort_order, id`, args...)
}

// CategoryByID returns the category if scope may see it.
func (s *Store) CategoryByID(ctx context.Context, scope app.Scope, id int64) (app.Category, error) {
	c, err := scanCategory(s.R.QueryRowContext(ctx, `select `+categoryCols+` from complaint_categories where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !visibleTo(scope, c)) {
		return app.Category{}, app.ErrNotFound
	}
	return c, err
}

// CategoryPath returns the category and its ancestors, domain first, if scope may see them.
func (s *Store) CategoryPath(ctx context.Context, scope app.Scope, id int64) ([]app.Category, error) {
	cs, err := queryCategories(ctx, s.R, `with recursive up(id, depth) as (
			select id, 0 from complaint_categories where id = ?
			union all
			select c.parent_id, up.depth + 1 from complaint_categories c join up on c.id = up.id
			where c.parent_id is not null and up.depth < 8)
		select `+categoryCols+` from complaint_categories where id in (select id from up) order by level`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, app.ErrNotFound
	}
	for _, c := range cs {
		if !visibleTo(scope, c) {
			return nil, app.ErrNotFound
		}
	}
	return cs, nil
}

// SaveCategory inserts c (ID 0) or updates it. The parent and level are written on
// insert only: a saved node does not move.
func (tx *Tx) SaveCategory(ctx context.Context, c *app.Category) error {
	c.Code = strings.ToUpper(c.Code)
	var err error
	if c.ID == 0 {
		err = tx.QueryRowContext(ctx, `insert into complaint_categories(parent_id, level, code, name_en, name_ar,
			description_en, description_ar, hospital_id, active, sort_order, created_at, updated_at)
			values (?,?,?,?,?,?,?,?,?,?,?,?) returning id`, nullID(c.ParentID), int(c.Level), c.Code, c.NameEN, c.NameAR,
			c.DescriptionEN, c.DescriptionAR, nullID(c.HospitalID), boolInt(c.Active), c.SortOrder, ts(tx.now), ts(tx.now)).Scan(&c.ID)
	} else {
		err = affectOne(tx.ExecContext(ctx, `update complaint_categories set code = ?, name_en = ?, name_ar = ?,
			description_en = ?, description_ar = ?, active = ?, sort_order = ?, updated_at = ? where id = ?`,
			c.Code, c.NameEN, c.NameAR, c.DescriptionEN, c.DescriptionAR, boolInt(c.Active), c.SortOrder, ts(tx.now), c.ID))
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.code_taken", Fields: app.FieldErrors{"code": "err.code_taken"}}
	}
	return err
}

// CategoryCount counts every category, active or not, of every hospital.
func (tx *Tx) CategoryCount(ctx context.Context) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from complaint_categories`).Scan(&n)
	return n, err
}

const sourceCols = `id, code, name_en, name_ar, usable_for, active, sort_order, system`

func scanSource(r scanner) (app.Source, error) {
	var x app.Source
	var use string
	var active, system int
	err := r.Scan(&x.ID, &x.Code, &x.NameEN, &x.NameAR, &use, &active, &x.SortOrder, &system)
	x.UsableFor, x.Active, x.System = app.SourceUse(use), active == 1, system == 1
	return x, err
}

// Sources returns every source, active or not, in display order. Sources are group-wide.
func (s *Store) Sources(ctx context.Context) ([]app.Source, error) {
	rows, err := s.R.QueryContext(ctx, `select `+sourceCols+` from complaint_sources order by sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	var xs []app.Source
	for rows.Next() {
		x, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	return xs, rows.Err()
}

// SourceByID returns one source.
func (s *Store) SourceByID(ctx context.Context, id int64) (app.Source, error) {
	x, err := scanSource(s.R.QueryRowContext(ctx, `select `+sourceCols+` from complaint_sources where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, app.ErrNotFound
	}
	return x, err
}

// SourceByCode returns the source with code (case-insensitive).
func (s *Store) SourceByCode(ctx context.Context, code string) (app.Source, error) {
	x, err := scanSource(s.R.QueryRowContext(ctx, `select `+sourceCols+` from complaint_sources where code = ?`,
		strings.ToLower(strings.TrimSpace(code))))
	if errors.Is(err, sql.ErrNoRows) {
		return x, app.ErrNotFound
	}
	return x, err
}

// SaveSource inserts x (ID 0) or updates it. Whether a source is built in is set on
// insert only.
func (tx *Tx) SaveSource(ctx context.Context, x *app.Source) error {
	x.Code = strings.ToLower(x.Code)
	var err error
	if x.ID == 0 {
		err = tx.QueryRowContext(ctx, `insert into complaint_sources(code, name_en, name_ar, usable_for, active, sort_order,
			system, created_at, updated_at) values (?,?,?,?,?,?,?,?,?) returning id`, x.Code, x.NameEN, x.NameAR,
			string(x.UsableFor), boolInt(x.Active), x.SortOrder, boolInt(x.System), ts(tx.now), ts(tx.now)).Scan(&x.ID)
	} else {
		err = affectOne(tx.ExecContext(ctx, `update complaint_sources set code = ?, name_en = ?, name_ar = ?, usable_for = ?,
			active = ?, sort_order = ?, updated_at = ? where id = ?`, x.Code, x.NameEN, x.NameAR, string(x.UsableFor),
			boolInt(x.Active), x.SortOrder, ts(tx.now), x.ID))
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.code_taken", Fields: app.FieldErrors{"code": "err.code_taken"}}
	}
	return err
}

// SourceCodeExists reports whether a source with code exists, inside tx.
func (tx *Tx) SourceCodeExists(ctx context.Context, code string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from complaint_sources where code = ?`, strings.ToLower(code)).Scan(&n)
	return n > 0, err
}

// TaxonomyDefaultsLoaded reports whether the default taxonomy and sources were loaded
// (marker "taxonomy.defaults" in settings), read inside tx so loading happens once.
func (tx *Tx) TaxonomyDefaultsLoaded(ctx context.Context) (bool, error) {
	var v string
	err := tx.QueryRowContext(ctx, `select value from settings where key = 'taxonomy.defaults'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v != "", err
}

// MarkTaxonomyDefaultsLoaded records that the defaults of version were loaded.
func (tx *Tx) MarkTaxonomyDefaultsLoaded(ctx context.Context, version string) error {
	_, err := tx.ExecContext(ctx, `insert into settings(key, value) values ('taxonomy.defaults', ?)
		on conflict(key) do update set value = excluded.value`, version)
	return err
}
