package ai

import (
	"sort"
	"strings"
)

// Entity types for the organisation's names.
const (
	EntityDepartment = "department"
	EntityStaff      = "staff"
	EntityLocation   = "location"
)

// orgName is one way of writing an organisation name, as match keys.
type orgName struct {
	typ   string
	id    int64
	words []string
}

// orgIndex finds the organisation's names in comments: full names in either
// language, department and location names without generic words ("Radiology"
// for "Radiology Department", "الأشعة" for "قسم الأشعة"), and staff first or
// last names right after a title ("Dr. Sara", "الدكتورة سارة").
type orgIndex struct {
	byFirst map[string][]*orgName
	titled  map[string][]*orgName
	titles  map[string]bool
}

// orgTitles are honorifics before staff names, as match keys.
func orgTitles() []string {
	return []string{"dr", "doctor", "nurse", "mr", "mrs", "ms", "miss", "prof", "professor", "sister", "pharmacist",
		"د", "دكتور", "دكتوره", "طبيب", "طبيبه", "ممرض", "ممرضه", "استاذ", "استاذه", "اخصائي", "اخصائيه", "صيدلي", "صيدلانيه"}
}

// orgGenericWords are dropped to form short aliases of departments and locations.
func orgGenericWords() []string {
	return []string{"department", "dept", "clinic", "clinics", "unit", "centre", "center", "services", "service",
		"ward", "section", "division", "the", "of", "and", "building", "tower", "floor", "wing", "gate", "branch",
		"hospital", "office", "قسم", "عياده", "عيادات", "وحده", "مركز", "جناح", "اداره", "خدمات", "مبني", "برج",
		"دور", "بوابه", "فرع", "مستشفي", "مكتب", "طابق", "و"}
}

// nameKey is the form a name word is matched by: lower-case, Arabic
// normalised without the article, English without a possessive.
func nameKey(norm string) string {
	if strings.HasPrefix(norm, "ال") && arLen(norm) >= 4 {
		return norm[4:]
	}
	return strings.TrimSuffix(norm, "'s")
}

func nameKeys(name string) []string {
	ws := normalizePhrase(name)
	for i, w := range ws {
		ws[i] = nameKey(w)
	}
	return ws
}

func newOrgIndex(org Org) *orgIndex {
	x := &orgIndex{byFirst: map[string][]*orgName{}, titled: map[string][]*orgName{}, titles: map[string]bool{}}
	for _, t := range orgTitles() {
		x.titles[t] = true
	}
	generic := map[string]bool{}
	for _, g := range orgGenericWords() {
		generic[g] = true
	}
	add := func(n *orgName) {
		x.byFirst[n.words[0]] = append(x.byFirst[n.words[0]], n)
	}
	// Short aliases and title+name aliases count only when they name one entity.
	aliasIDs := map[string]map[int64]bool{}
	aliasOf := map[string]*orgName{}
	var aliasOrder []string
	note := func(key string, n *orgName) {
		if aliasIDs[key] == nil {
			aliasIDs[key] = map[int64]bool{}
			aliasOf[key] = n
			aliasOrder = append(aliasOrder, key)
		}
		aliasIDs[key][n.id] = true
	}
	register := func(typ string, items []Named) {
		for _, it := range items {
			for _, name := range []string{it.EN, it.AR} {
				ws := nameKeys(name)
				if typ == EntityStaff {
					for len(ws) > 0 && x.titles[ws[0]] {
						ws = ws[1:]
					}
					if len(ws) >= 2 {
						add(&orgName{typ, it.ID, ws})
					}
					if len(ws) > 0 {
						note("titled|"+ws[0], &orgName{typ, it.ID, ws[:1]})
						last := ws[len(ws)-1:]
						note("titled|"+last[0], &orgName{typ, it.ID, last})
						if n := len(ws); n >= 3 && surnameParticle(ws[n-2]) {
							note("titled|"+strings.Join(ws[n-2:], " "), &orgName{typ, it.ID, ws[n-2:]})
						}
					}
					continue
				}
				if len(ws) == 0 {
					continue
				}
				add(&orgName{typ, it.ID, ws})
				var short []string
				for _, w := range ws {
					if !generic[w] {
						short = append(short, w)
					}
				}
				if len(short) == 0 || len(short) == len(ws) || len(short) == 1 && len([]rune(short[0])) < 3 {
					continue
				}
				note(typ+"|"+strings.Join(short, " "), &orgName{typ, it.ID, short})
			}
		}
	}
	register(EntityDepartment, org.Departments)
	register(EntityStaff, org.Staff)
	register(EntityLocation, org.Locations)
	for _, key := range aliasOrder {
		if len(aliasIDs[key]) != 1 {
			continue
		}
		n := aliasOf[key]
		if strings.HasPrefix(key, "titled|") {
			x.titled[n.words[0]] = append(x.titled[n.words[0]], n)
		} else {
			add(n)
		}
	}
	for _, m := range []map[string][]*orgName{x.byFirst, x.titled} {
		for _, ns := range m {
			sort.SliceStable(ns, func(i, j int) bool { return len(ns[i].words) > len(ns[j].words) })
		}
	}
	return x
}

// surnameParticle reports words that belong to the family name after them.
func surnameParticle(w string) bool {
	switch w {
	case "al", "el", "bin", "ibn", "bint", "abu", "bu", "بن", "ابن", "بنت", "ابو":
		return true
	}
	return false
}

// tokenKeys are the name keys a text token may stand for.
func (d *doc) tokenKeys(i int, out []string) []string {
	t := &d.toks[i]
	out = append(out, nameKey(t.norm))
	for _, c := range d.cands[i] {
		if !c.suffixed && c.s != t.norm {
			out = append(out, nameKey(c.s))
		}
	}
	return out
}

// findOrg returns the organisation names in the comment, longest match first.
func (x *orgIndex) find(d *doc) []Entity {
	if len(x.byFirst) == 0 && len(x.titled) == 0 {
		return nil
	}
	var words []int // word tokens, punctuation skipped
	for i := range d.toks {
		if d.toks[i].kind == tokWord && !d.toks[i].pii {
			words = append(words, i)
		}
	}
	keys := make([][]string, len(words))
	for w, i := range words {
		keys[w] = d.tokenKeys(i, nil)
	}
	has := func(w int, k string) bool {
		for _, c := range keys[w] {
			if c == k {
				return true
			}
		}
		return false
	}
	longest := func(m map[string][]*orgName, w int) *orgName {
		var best *orgName
		for _, k := range keys[w] {
			for _, n := range m[k] {
				if best != nil && len(n.words) <= len(best.words) || w+len(n.words) > len(words) {
					continue
				}
				ok := true
				for j := 1; j < len(n.words); j++ {
					if !has(w+j, n.words[j]) {
						ok = false
						break
					}
				}
				if ok {
					best = n
				}
			}
		}
		return best
	}
	var out []Entity
	for w := 0; w < len(words); {
		best := longest(x.byFirst, w)
		span := 0
		if best != nil {
			span = len(best.words)
		} else if w+1 < len(words) && x.isTitle(keys[w]) {
			if best = longest(x.titled, w+1); best != nil {
				span = 1 + len(best.words)
			}
		}
		if best == nil {
			w++
			continue
		}
		first, last := &d.toks[words[w]], &d.toks[words[w+span-1]]
		out = append(out, Entity{Type: best.typ, Text: d.text[first.start:last.end], ID: best.id, Start: first.start, End: last.end})
		w += span
	}
	return out
}

func (x *orgIndex) isTitle(keys []string) bool {
	for _, k := range keys {
		if x.titles[k] {
			return true
		}
	}
	return false
}
