package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/taxonomy"
	"px360/views"
)

// taxonomyPages serves the taxonomy and sources admin and API. The service holds only
// the store, so the pages build their own.
type taxonomyPages struct {
	*Server
	tax *taxonomy.Service
}

// taxonomyRoutes registers the complaint taxonomy and sources admin. Everyone who reads
// complaints may read the taxonomy; hospital admins edit their hospitals' nodes, PX
// admins also the system-wide ones and the (group-wide) sources.
func (s *Server) taxonomyRoutes() {
	t := &taxonomyPages{Server: s, tax: s.tax}
	s.page("GET /admin/taxonomy", app.PermComplaintView, t.tree)
	s.page("GET /admin/taxonomy/new", app.PermTaxonomyManage, t.categoryNew)
	s.page("POST /admin/taxonomy", app.PermTaxonomyManage, t.categorySave)
	s.page("GET /admin/taxonomy/{id}", app.PermComplaintView, t.categoryEdit)
	s.page("POST /admin/taxonomy/{id}", app.PermTaxonomyManage, t.categorySave)

	s.page("GET /admin/sources", app.PermComplaintView, t.sourceList)
	s.page("GET /admin/sources/new", app.PermHospitalManage, t.sourceNew)
	s.page("POST /admin/sources", app.PermHospitalManage, t.sourceSave)
	s.page("GET /admin/sources/{id}", app.PermComplaintView, t.sourceEdit)
	s.page("POST /admin/sources/{id}", app.PermHospitalManage, t.sourceSave)

	s.api("GET /api/v1/taxonomy", app.PermComplaintView, t.apiTree)
	s.api("GET /api/v1/sources", app.PermComplaintView, t.apiSources)
}

func (t *taxonomyPages) tree(w http.ResponseWriter, r *http.Request) {
	tree, err := t.tax.Tree(r.Context(), principal(r))
	if err != nil {
		t.fail(w, r, err)
		return
	}
	t.render(w, r, http.StatusOK, views.TaxonomyTree(t.frame(r), tree))
}

func categoryValues(c app.Category) url.Values {
	return url.Values{"parent_id": {idString(c.ParentID)}, "hospital_id": {strconv.FormatInt(c.HospitalID, 10)},
		"code": {c.Code}, "name_en": {c.NameEN}, "name_ar": {c.NameAR}, "description_en": {c.DescriptionEN},
		"description_ar": {c.DescriptionAR}, "sort_order": {strconv.Itoa(c.SortOrder)}, "active": {boolString(c.Active)}}
}

// placeOf returns the ancestors (domain first) of a node under parentID, and its level.
func (t *taxonomyPages) placeOf(r *http.Request, parentID int64) ([]app.Category, app.CategoryLevel, error) {
	if parentID == 0 {
		return nil, app.LevelDomain, nil
	}
	path, err := t.tax.Path(r.Context(), principal(r), parentID)
	if err != nil {
		return nil, 0, err
	}
	return path, path[len(path)-1].Level + 1, nil
}

func (t *taxonomyPages) categoryNew(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	parentID, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64)
	if err != nil || parentID < 0 {
		parentID = 0
	}
	path, level, err := t.placeOf(r, parentID)
	if err != nil {
		t.fail(w, r, err)
		return
	}
	siblings, err := t.tax.Children(r.Context(), by, parentID)
	if err != nil {
		t.fail(w, r, err)
		return
	}
	c := app.Category{ParentID: parentID, Active: true, SortOrder: (len(siblings) + 1) * 10}
	values := categoryValues(c)
	switch {
	case len(path) > 0 && path[len(path)-1].HospitalID != 0:
		values.Set("hospital_id", idString(path[len(path)-1].HospitalID))
	case by.Can(app.PermHospitalManage):
	case len(by.Scope.HospitalIDs) == 1:
		values.Set("hospital_id", idString(by.Scope.HospitalIDs[0]))
	default:
		values.Set("hospital_id", "")
	}
	t.render(w, r, http.StatusOK, views.CategoryPage(t.frame(r),
		views.CategoryView{Level: level, Path: path, Editable: true, Form: views.Form{Values: values}}))
}

func (t *taxonomyPages) categoryEdit(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	c, err := t.tax.Category(r.Context(), by, pathID(r))
	if err != nil {
		t.fail(w, r, err)
		return
	}
	v, err := t.categoryView(r, c, views.Form{Values: categoryValues(c)})
	if err != nil {
		t.fail(w, r, err)
		return
	}
	t.render(w, r, http.StatusOK, views.CategoryPage(t.frame(r), v))
}

// categoryView gathers what an existing node's page shows besides its form.
func (t *taxonomyPages) categoryView(r *http.Request, c app.Category, form views.Form) (views.CategoryView, error) {
	by := principal(r)
	path, level, err := t.placeOf(r, c.ParentID)
	if err != nil {
		return views.CategoryView{}, err
	}
	children, err := t.tax.Children(r.Context(), by, c.ID)
	if err != nil {
		return views.CategoryView{}, err
	}
	return views.CategoryView{ID: c.ID, Level: level, Path: path, Children: children, Editable: c.EditableBy(by), Form: form}, nil
}

func (t *taxonomyPages) categorySave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := t.saveTarget(w, r)
	if !ok {
		return
	}
	by := principal(r)
	var before app.Category
	if id != 0 {
		var err error
		if before, err = t.tax.Category(r.Context(), by, id); err != nil {
			t.fail(w, r, err)
			return
		}
	}
	fe := app.FieldErrors{}
	if strings.TrimSpace(form.Get("hospital_id")) == "" {
		fe.Add("hospital_id", "err.required")
	}
	c := app.Category{ID: id, ParentID: int64Field(form, "parent_id", fe), HospitalID: int64Field(form, "hospital_id", fe),
		Code: form.Get("code"), NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"),
		DescriptionEN: form.Get("description_en"), DescriptionAR: form.Get("description_ar"),
		SortOrder: int(int64Field(form, "sort_order", fe)), Active: form.Get("active") != ""}
	err := submit(fe, func() error { _, err := t.tax.SaveCategory(r.Context(), by, c); return err })
	t.afterSave(w, r, err, "/admin/taxonomy", func(errs app.FieldErrors) g.Node {
		f := views.Form{Values: form, Errors: errs}
		var v views.CategoryView
		if id != 0 {
			v, _ = t.categoryView(r, before, f)
			v.Editable = true // the form comes back, so the user can correct it
		} else {
			// The parent as the form names it; an unknown one is shown as none (its error says why).
			path, level, _ := t.placeOf(r, c.ParentID)
			v = views.CategoryView{Level: max(level, app.LevelDomain), Path: path, Editable: true, Form: f}
		}
		return views.CategoryPage(t.frame(r), v)
	})
}

func (t *taxonomyPages) sourceList(w http.ResponseWriter, r *http.Request) {
	xs, err := t.tax.AllSources(r.Context(), principal(r))
	if err != nil {
		t.fail(w, r, err)
		return
	}
	t.render(w, r, http.StatusOK, views.SourceList(t.frame(r), xs))
}

func sourceValues(x app.Source) url.Values {
	return url.Values{"code": {x.Code}, "name_en": {x.NameEN}, "name_ar": {x.NameAR}, "usable_for": {string(x.UsableFor)},
		"sort_order": {strconv.Itoa(x.SortOrder)}, "active": {boolString(x.Active)}}
}

func (t *taxonomyPages) sourceNew(w http.ResponseWriter, r *http.Request) {
	x := app.Source{Active: true, UsableFor: app.SourceForBoth}
	if all, err := t.tax.AllSources(r.Context(), principal(r)); err == nil {
		x.SortOrder = (len(all) + 1) * 10
	}
	t.render(w, r, http.StatusOK, views.SourceForm(t.frame(r), 0, false, views.Form{Values: sourceValues(x)}))
}

func (t *taxonomyPages) sourceEdit(w http.ResponseWriter, r *http.Request) {
	x, err := t.tax.Source(r.Context(), principal(r), pathID(r))
	if err != nil {
		t.fail(w, r, err)
		return
	}
	t.render(w, r, http.StatusOK, views.SourceForm(t.frame(r), x.ID, x.System, views.Form{Values: sourceValues(x)}))
}

func (t *taxonomyPages) sourceSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := t.saveTarget(w, r)
	if !ok {
		return
	}
	var before app.Source
	if id != 0 {
		var err error
		if before, err = t.tax.Source(r.Context(), principal(r), id); err != nil {
			t.fail(w, r, err)
			return
		}
	}
	fe := app.FieldErrors{}
	x := app.Source{ID: id, Code: form.Get("code"), NameEN: form.Get("name_en"), NameAR: form.Get("name_ar"),
		UsableFor: app.SourceUse(form.Get("usable_for")), SortOrder: int(int64Field(form, "sort_order", fe)),
		Active: form.Get("active") != ""}
	err := submit(fe, func() error { _, err := t.tax.SaveSource(r.Context(), principal(r), x); return err })
	t.afterSave(w, r, err, "/admin/sources", func(errs app.FieldErrors) g.Node {
		if before.System {
			form.Set("code", before.Code) // the hidden field: a built-in code is not the user's to change
		}
		return views.SourceForm(t.frame(r), id, before.System, views.Form{Values: form, Errors: errs})
	})
}

// apiCategory is a taxonomy node in the API; hospital_id 0 means system-wide, parent_id 0 a domain.
type apiCategory struct {
	ID            int64         `json:"id"`
	ParentID      int64         `json:"parent_id"`
	Level         int           `json:"level"`
	LevelName     string        `json:"level_name"`
	Code          string        `json:"code"`
	NameEN        string        `json:"name_en"`
	NameAR        string        `json:"name_ar"`
	DescriptionEN string        `json:"description_en"`
	DescriptionAR string        `json:"description_ar"`
	HospitalID    int64         `json:"hospital_id"`
	Active        bool          `json:"active"`
	SortOrder     int           `json:"sort_order"`
	Children      []apiCategory `json:"children"`
}

func categoryTreeJSON(nodes []app.CategoryNode) []apiCategory {
	out := make([]apiCategory, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, apiCategory{n.ID, n.ParentID, int(n.Level), n.Level.Name(), n.Code, n.NameEN, n.NameAR,
			n.DescriptionEN, n.DescriptionAR, n.HospitalID, n.Active, n.SortOrder, categoryTreeJSON(n.Children)})
	}
	return out
}

// apiTree answers the visible taxonomy as nested JSON; ?active=1 leaves out inactive
// nodes and everything under them.
func (t *taxonomyPages) apiTree(w http.ResponseWriter, r *http.Request) {
	tree, err := t.tax.Tree(r.Context(), principal(r))
	if err != nil {
		t.jsonError(w, r, err)
		return
	}
	if active, _ := strconv.ParseBool(r.URL.Query().Get("active")); active {
		tree = app.ActiveOnly(tree)
	}
	t.writeJSON(w, http.StatusOK, map[string]any{"items": categoryTreeJSON(tree)})
}

type apiSource struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	NameEN    string `json:"name_en"`
	NameAR    string `json:"name_ar"`
	UsableFor string `json:"usable_for"`
	Active    bool   `json:"active"`
	SortOrder int    `json:"sort_order"`
	System    bool   `json:"system"`
}

// apiSources lists every source, or with ?type=complaint|inquiry|appreciation the active
// ones a case of that type may come from.
func (t *taxonomyPages) apiSources(w http.ResponseWriter, r *http.Request) {
	var xs []app.Source
	var err error
	if kind := r.URL.Query().Get("type"); kind != "" {
		if !app.ComplaintType(kind).Valid() {
			t.jsonError(w, r, app.FieldErrors{"type": "err.choose_option"}.Err())
			return
		}
		xs, err = t.tax.Sources(r.Context(), app.ComplaintType(kind))
	} else {
		xs, err = t.tax.AllSources(r.Context(), principal(r))
	}
	if err != nil {
		t.jsonError(w, r, err)
		return
	}
	out := make([]apiSource, 0, len(xs))
	for _, x := range xs {
		out = append(out, apiSource{x.ID, x.Code, x.NameEN, x.NameAR, string(x.UsableFor), x.Active, x.SortOrder, x.System})
	}
	t.writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
