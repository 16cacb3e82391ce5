package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

func levelName(f Frame, l app.CategoryLevel) string { return f.T("taxonomy.level." + l.Name()) }

// canAddCategories reports whether the reader may add nodes somewhere (hospital admins
// add hospital-limited nodes, also under system-wide parents).
func canAddCategories(f Frame) bool { return f.Can(app.PermTaxonomyManage) }

// TaxonomyTree is the taxonomy admin page: every node the reader may see, nested by level.
func TaxonomyTree(f Frame, tree []app.CategoryNode) g.Node {
	var body g.Node = h.P(h.Class("empty"), g.Text(f.T("list.empty")))
	if len(tree) > 0 {
		body = h.Ul(h.Aria("label", f.T("nav.taxonomy")), g.Map(tree, func(n app.CategoryNode) g.Node { return categoryItem(f, n) }))
	}
	return Page(f, f.T("nav.taxonomy"),
		pageHeader(f.T("nav.taxonomy"),
			g.If(canAddCategories(f), linkButton("/admin/taxonomy/new", f.T("taxonomy.add", levelName(f, app.LevelDomain)))),
			h.A(h.Class("btn"), h.Href("/admin/sources"), g.Text(f.T("nav.sources")))),
		h.P(h.Class("help"), g.Text(f.T("taxonomy.intro"))),
		h.Section(h.Class("card"), body),
	)
}

func categoryItem(f Frame, n app.CategoryNode) g.Node {
	name := app.Name(f.Lang, n.NameEN, n.NameAR)
	return h.Li(h.ID("c-"+id64(n.ID)),
		h.A(h.Href("/admin/taxonomy/"+id64(n.ID)), g.Text(name)), g.Text(" "),
		ltr(n.Code), g.Text(" "),
		h.Span(h.Class("muted small"), g.Text(levelName(f, n.Level))),
		categoryBadges(f, n.Category),
		g.If(n.Level < app.LevelClassification && canAddCategories(f), g.Group{g.Text(" "),
			h.A(h.Class("btn btn-small"), h.Href("/admin/taxonomy/new?parent="+id64(n.ID)),
				h.Aria("label", f.T("taxonomy.add_under", levelName(f, n.Level+1), name)),
				g.Text(f.T("taxonomy.add", levelName(f, n.Level+1))))}),
		g.If(len(n.Children) > 0, h.Ul(g.Map(n.Children, func(c app.CategoryNode) g.Node { return categoryItem(f, c) }))),
	)
}

// categoryBadges marks inactive and hospital-limited nodes (in words, not colour only).
func categoryBadges(f Frame, c app.Category) g.Node {
	return g.Group{
		g.If(!c.Active, g.Group{g.Text(" "), h.Span(h.Class("badge badge-muted"), g.Text(f.T("status.inactive")))}),
		g.If(c.HospitalID != 0, g.Group{g.Text(" "), h.Span(h.Class("badge"), g.Text(f.T("taxonomy.only_hospital", f.HospitalName(c.HospitalID))))}),
	}
}

// CategoryView is what a category's page shows.
type CategoryView struct {
	ID       int64 // 0 when creating
	Level    app.CategoryLevel
	Path     []app.Category // the ancestors, domain first
	Children []app.Category // existing nodes only
	Editable bool           // the reader may change this node (else it is shown read-only)
	Form     Form
}

func (v CategoryView) parentHospital() int64 {
	if len(v.Path) == 0 {
		return 0
	}
	return v.Path[len(v.Path)-1].HospitalID
}

// CategoryFields are the category form's fields. A node under a hospital-limited parent
// stays in that hospital; only PX admins write system-wide nodes.
func CategoryFields(f Frame, v CategoryView) []Field {
	var where []Option
	if ph := v.parentHospital(); ph != 0 {
		where = append(where, Option{id64(ph), f.HospitalName(ph)})
	} else {
		if f.Can(app.PermHospitalManage) || !v.Editable {
			where = append(where, Option{"0", f.T("taxonomy.system_wide")})
		}
		for _, x := range f.Hospitals {
			where = append(where, Option{id64(x.ID), app.Name(f.Lang, x.NameEN, x.NameAR)})
		}
	}
	hospital := Field{Name: "hospital_id", Label: "taxonomy.field.applies_to", Kind: "select", Required: true, Options: where, Help: "taxonomy.help.applies_to"}
	if v.ID != 0 && v.Editable {
		hospital.Kind = "hidden" // fixed once saved: shown beside the level instead
	}
	return []Field{
		{Name: "parent_id", Label: "taxonomy.field.parent", Kind: "hidden"},
		hospital,
		{Name: "code", Label: "field.code", Required: true, Help: "help.code", Dir: "ltr"},
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		{Name: "description_en", Label: "taxonomy.field.description_en", Kind: "textarea", Dir: "ltr"},
		{Name: "description_ar", Label: "taxonomy.field.description_ar", Kind: "textarea", Dir: "rtl"},
		{Name: "sort_order", Label: "taxonomy.field.sort_order", Kind: "number", Help: "taxonomy.help.sort_order", Dir: "ltr"},
		{Name: "active", Label: "field.active", Kind: "checkbox", Help: "taxonomy.help.active"},
	}
}

// CategoryPage creates (ID 0) or edits a category; readers who may not change it see the details.
func CategoryPage(f Frame, v CategoryView) g.Node {
	title, action := f.T("taxonomy.add", levelName(f, v.Level)), "/admin/taxonomy"
	if v.ID != 0 {
		title, action = app.Name(f.Lang, v.Form.Values.Get("name_en"), v.Form.Values.Get("name_ar")), "/admin/taxonomy/"+id64(v.ID)
	}
	fields := CategoryFields(f, v)
	main := details(f, v.Form, visibleFields(fields))
	if v.Editable {
		main = h.Section(h.Class("card"), FormView(f, action, "form.save", v.Form, fields))
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/admin/taxonomy"), g.Text(f.T("nav.taxonomy")))),
		categoryPlace(f, v),
		main,
		g.If(v.ID != 0, categoryChildren(f, v)),
	)
}

// categoryPlace says where the node sits: its level, its ancestors (linked) and, once
// saved, the hospitals it applies to (fixed from then on; read-only details show it too).
func categoryPlace(f Frame, v CategoryView) g.Node {
	var crumbs []g.Node
	for i, c := range v.Path {
		if i > 0 {
			crumbs = append(crumbs, g.Text(" › "))
		}
		crumbs = append(crumbs, h.A(h.Href("/admin/taxonomy/"+id64(c.ID)), g.Text(app.Name(f.Lang, c.NameEN, c.NameAR))))
	}
	appliesTo := f.T("taxonomy.system_wide")
	if id, _ := strconv.ParseInt(v.Form.Values.Get("hospital_id"), 10, 64); id != 0 {
		appliesTo = f.HospitalName(id)
	}
	return h.Section(h.Class("card"), h.Dl(h.Class("details"),
		h.Dt(g.Text(f.T("taxonomy.field.level"))), h.Dd(g.Text(levelName(f, v.Level))),
		g.If(len(crumbs) > 0, g.Group{h.Dt(g.Text(f.T("taxonomy.field.parent"))), h.Dd(h.Nav(h.Aria("label", f.T("taxonomy.path")), g.Group(crumbs)))}),
		g.If(v.ID != 0 && v.Editable, g.Group{h.Dt(g.Text(f.T("taxonomy.field.applies_to"))), h.Dd(g.Text(appliesTo))}),
	))
}

func categoryChildren(f Frame, v CategoryView) g.Node {
	if v.Level >= app.LevelClassification {
		return nil
	}
	next := levelName(f, v.Level+1)
	var list g.Node = h.P(h.Class("empty"), g.Text(f.T("list.empty")))
	if len(v.Children) > 0 {
		list = h.Ul(g.Map(v.Children, func(c app.Category) g.Node {
			return h.Li(h.A(h.Href("/admin/taxonomy/"+id64(c.ID)), g.Text(app.Name(f.Lang, c.NameEN, c.NameAR))), g.Text(" "),
				ltr(c.Code), categoryBadges(f, c))
		}))
	}
	return h.Section(h.Class("card"), h.Aria("labelledby", "children-title"),
		h.H2(h.ID("children-title"), g.Text(f.T("taxonomy.children"))),
		list,
		g.If(canAddCategories(f), h.P(linkButton("/admin/taxonomy/new?parent="+id64(v.ID), f.T("taxonomy.add", next)))),
	)
}

// visibleFields drops hidden fields, for read-only details.
func visibleFields(fields []Field) []Field {
	var out []Field
	for _, fl := range fields {
		if fl.Kind != "hidden" {
			out = append(out, fl)
		}
	}
	return out
}

func sourceUseLabel(f Frame, u app.SourceUse) string { return f.T("source.use." + string(u)) }

// canEditSources reports whether the reader may change sources (group-wide: PX admins).
func canEditSources(f Frame) bool {
	return f.Can(app.PermTaxonomyManage) && f.Can(app.PermHospitalManage)
}

// SourceList lists the complaint sources.
func SourceList(f Frame, xs []app.Source) g.Node {
	return Page(f, f.T("nav.sources"),
		pageHeader(f.T("nav.sources"), g.If(canEditSources(f), linkButton("/admin/sources/new", f.T("source.new"))),
			h.A(h.Class("btn"), h.Href("/admin/taxonomy"), g.Text(f.T("nav.taxonomy")))),
		table(f, xs, []Column[app.Source]{
			{Key: "field.name", Cell: func(x app.Source) g.Node { return g.Text(app.Name(f.Lang, x.NameEN, x.NameAR)) }},
			{Key: "field.code", Cell: func(x app.Source) g.Node { return ltr(x.Code) }},
			{Key: "source.field.usable_for", Cell: func(x app.Source) g.Node { return g.Text(sourceUseLabel(f, x.UsableFor)) }},
			{Key: "source.field.kind", Cell: func(x app.Source) g.Node {
				if x.System {
					return h.Span(h.Class("badge"), g.Text(f.T("source.built_in")))
				}
				return g.Text(f.T("source.custom"))
			}},
			{Key: "field.status", Cell: func(x app.Source) g.Node { return badge(x.Active, f.T("status.active"), f.T("status.inactive")) }},
		}, func(x app.Source) string { return "/admin/sources/" + id64(x.ID) }),
	)
}

// SourceFields are the source form's fields; a built-in source's code is not editable.
func SourceFields(f Frame, builtIn bool) []Field {
	var uses []Option
	for _, u := range app.SourceUses {
		uses = append(uses, Option{string(u), sourceUseLabel(f, u)})
	}
	codeField := Field{Name: "code", Label: "field.code", Required: true, Help: "source.help.code", Dir: "ltr"}
	if builtIn {
		codeField = Field{Name: "code", Label: "field.code", Kind: "hidden"}
	}
	return []Field{
		codeField,
		{Name: "name_en", Label: "field.name_en", Required: true, Dir: "ltr"},
		{Name: "name_ar", Label: "field.name_ar", Required: true, Dir: "rtl"},
		{Name: "usable_for", Label: "source.field.usable_for", Kind: "select", Required: true, Options: uses},
		{Name: "sort_order", Label: "taxonomy.field.sort_order", Kind: "number", Help: "taxonomy.help.sort_order", Dir: "ltr"},
		{Name: "active", Label: "field.active", Kind: "checkbox", Help: "source.help.active"},
	}
}

// SourceForm creates (id 0) or edits a source; readers who may not change sources see the details.
func SourceForm(f Frame, id int64, builtIn bool, form Form) g.Node {
	title, action := f.T("source.new"), "/admin/sources"
	if id != 0 {
		title, action = app.Name(f.Lang, form.Values.Get("name_en"), form.Values.Get("name_ar")), "/admin/sources/"+id64(id)
	}
	fields := SourceFields(f, builtIn)
	var main g.Node
	switch {
	case !canEditSources(f):
		main = details(f, form, SourceFields(f, false))
	default:
		main = FormView(f, action, "form.save", form, fields)
	}
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/admin/sources"), g.Text(f.T("nav.sources")))),
		g.If(builtIn && id != 0, h.P(h.Class("notice"), g.Text(f.T("source.built_in_note")+" "), ltr(form.Values.Get("code")))),
		h.Section(h.Class("card"), main),
	)
}
