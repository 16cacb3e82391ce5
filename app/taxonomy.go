package app

import (
	"cmp"
	"slices"
	"strings"
)

// CategoryLevel is a node's depth in the complaint taxonomy (the SHCT structure).
type CategoryLevel int

const (
	LevelDomain         CategoryLevel = 1
	LevelCategory       CategoryLevel = 2
	LevelSubcategory    CategoryLevel = 3
	LevelClassification CategoryLevel = 4
)

// CategoryLevels lists every level, top first.
var CategoryLevels = []CategoryLevel{LevelDomain, LevelCategory, LevelSubcategory, LevelClassification}

// Valid reports whether l is a known level.
func (l CategoryLevel) Valid() bool { return l >= LevelDomain && l <= LevelClassification }

// Name is the level's stable name ("domain", "category", ...), used in catalog keys and the API.
func (l CategoryLevel) Name() string {
	switch l {
	case LevelDomain:
		return "domain"
	case LevelCategory:
		return "category"
	case LevelSubcategory:
		return "subcategory"
	case LevelClassification:
		return "classification"
	}
	return ""
}

// Category is one node of the complaint taxonomy. A node with HospitalID 0 is
// system-wide; otherwise only that hospital sees it. Nodes are deactivated, never
// deleted, so complaints filed under them keep their classification.
type Category struct {
	ID            int64
	ParentID      int64 // 0 for a domain
	Level         CategoryLevel
	Code          string // unique among siblings
	NameEN        string
	NameAR        string
	DescriptionEN string
	DescriptionAR string
	HospitalID    int64 // 0: system-wide
	Active        bool
	SortOrder     int
}

// SystemWide reports whether every hospital sees the node.
func (c Category) SystemWide() bool { return c.HospitalID == 0 }

// EditableBy reports whether by may change the node: system-wide nodes are group-wide
// configuration (PX admins only); hospital-limited ones belong to their hospital's admins.
func (c Category) EditableBy(by Principal) bool {
	if !by.Can(PermTaxonomyManage) {
		return false
	}
	if c.SystemWide() {
		return by.Can(PermHospitalManage)
	}
	return by.Scope.Allows(c.HospitalID)
}

// CategoryNode is a category with its children, for trees.
type CategoryNode struct {
	Category
	Children []CategoryNode
}

// CategoryTree arranges categories into trees of domains, children ordered by sort
// order then id. Nodes whose parent is not in cs are left out (their parent is not
// visible, so neither are they).
func CategoryTree(cs []Category) []CategoryNode {
	byParent := map[int64][]Category{}
	for _, c := range cs {
		byParent[c.ParentID] = append(byParent[c.ParentID], c)
	}
	var build func(parent int64, depth int) []CategoryNode
	build = func(parent int64, depth int) []CategoryNode {
		kids := byParent[parent]
		if len(kids) == 0 || depth > int(LevelClassification) {
			return nil
		}
		slices.SortFunc(kids, func(a, b Category) int {
			return cmp.Or(cmp.Compare(a.SortOrder, b.SortOrder), cmp.Compare(a.ID, b.ID))
		})
		nodes := make([]CategoryNode, 0, len(kids))
		for _, k := range kids {
			nodes = append(nodes, CategoryNode{Category: k, Children: build(k.ID, depth+1)})
		}
		return nodes
	}
	return build(0, 1)
}

// ActiveOnly returns the trees without inactive nodes and everything under them: what
// intake pickers offer.
func ActiveOnly(nodes []CategoryNode) []CategoryNode {
	var out []CategoryNode
	for _, n := range nodes {
		if n.Active {
			n.Children = ActiveOnly(n.Children)
			out = append(out, n)
		}
	}
	return out
}

// CategoryPathName names a node by its path, root first: "Clinical care › Diagnosis".
func CategoryPathName(lang string, path []Category) string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = Name(lang, c.NameEN, c.NameAR)
	}
	return strings.Join(names, " › ")
}

// SourceUse says which kinds of case a source may be chosen for.
type SourceUse string

const (
	SourceForComplaint SourceUse = "complaint"
	SourceForInquiry   SourceUse = "inquiry"
	SourceForBoth      SourceUse = "both"
)

// SourceUses lists every use.
var SourceUses = []SourceUse{SourceForComplaint, SourceForInquiry, SourceForBoth}

// Valid reports whether u is a known use.
func (u SourceUse) Valid() bool { return slices.Contains(SourceUses, u) }

// Serves reports whether a source of use u may be chosen for a case of type t. An
// appreciation arrives through the same channels as a complaint.
func (u SourceUse) Serves(t ComplaintType) bool {
	switch t {
	case TypeComplaint, TypeAppreciation:
		return u == SourceForComplaint || u == SourceForBoth
	case TypeInquiry:
		return u == SourceForInquiry || u == SourceForBoth
	}
	return false
}

// Source is where a complaint or inquiry came from (patient, call center, MOH, ...).
// Built-in (System) sources keep their code: integrations and reports rely on it.
type Source struct {
	ID        int64
	Code      string // lower case, unique
	NameEN    string
	NameAR    string
	UsableFor SourceUse
	Active    bool
	SortOrder int
	System    bool
}
