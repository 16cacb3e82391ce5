package search

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"px360/app"
)

// mappingVersion names the people mapping and analyzers. Bump it whenever either changes:
// Open then discards an index written with another version and asks for a rebuild.
const mappingVersion = "people-1"

// Analyzer and token filter names as registered with Bleve. They are stored in the
// index's mapping, so they must not change without bumping mappingVersion.
const (
	nameKeyFilter = "px360_namekey"
	nameAnalyzer  = "px360_name"
	codeAnalyzer  = "px360_code"
)

// Field names in the people index.
const (
	fieldKind     = "kind"     // keyword, for the kind filter
	fieldHospital = "hospital" // keyword (decimal id), stored, for the scope filter and hits
	fieldName     = "name"     // English and Arabic names, folded by nameAnalyzer
	fieldCode     = "code"     // MRN or employee number, lower-cased, matched whole
)

func init() {
	if err := registry.RegisterTokenFilter(nameKeyFilter, newNameKeyFilter); err != nil {
		panic(err)
	}
}

// nameKeyFold is a Bleve token filter applying app.NameKey to every token: lower case,
// Arabic diacritics and tatweel removed, alef/yaa/taa-marbuta variants unified.
// Tokens that fold to nothing (a lone tatweel, say) are dropped.
type nameKeyFold struct{}

func newNameKeyFilter(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
	return nameKeyFold{}, nil
}

func (nameKeyFold) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, tok := range in {
		key := app.NameKey(string(tok.Term))
		if key == "" {
			continue
		}
		tok.Term = []byte(key)
		out = append(out, tok)
	}
	return out
}

// newMapping returns the people index mapping. Only the hospital id is stored; kind and
// id come back in the document id "<kind>:<id>". Nothing goes into the _all field.
func newMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	must(im.AddCustomAnalyzer(nameAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{nameKeyFilter},
	}))
	must(im.AddCustomAnalyzer(codeAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}))

	field := func(analyzer string, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldKind, field(keyword.Name, false))
	doc.AddFieldMappingsAt(fieldHospital, field(keyword.Name, true))
	doc.AddFieldMappingsAt(fieldName, field(nameAnalyzer, false))
	doc.AddFieldMappingsAt(fieldCode, field(codeAnalyzer, false))

	im.DefaultMapping = doc
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// nameTokens analyzes a query the way names are indexed, so "أحمـد" and "احمد" give the same term.
func nameTokens(q string) []string {
	a := analyzerOnce()
	var terms []string
	for _, tok := range a.Analyze([]byte(q)) {
		terms = append(terms, string(tok.Term))
	}
	return terms
}

// analyzerOnce builds the name analyzer once, from the same mapping the index uses.
var analyzerOnce = sync.OnceValue(func() analysis.Analyzer {
	a := newMapping().AnalyzerNamed(nameAnalyzer)
	if a == nil {
		panic("search: name analyzer missing")
	}
	return a
})

func must(err error) {
	if err != nil {
		panic(err)
	}
}
