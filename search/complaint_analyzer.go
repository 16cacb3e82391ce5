package search

import (
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"px360/app"
)

// complaintsVersion names the complaint mapping, analyzer, stop lists and stemmer. Bump it
// whenever any of them changes: OpenComplaints then discards an index written with another
// version and asks for a rebuild.
const complaintsVersion = "complaints-1"

// Analyzer and token filter names as registered with Bleve (stored in the index mapping).
const (
	complaintAnalyzer   = "px360_complaint"
	complaintStopFilter = "px360_complaint_stop"
	complaintStemFilter = "px360_complaint_stem"
)

// Field names in the complaint index. The document id is the complaint id in decimal.
const (
	cfHospital = "hospital" // keyword, decimal id
	cfStatus   = "status"   // keyword
	cfSeverity = "severity" // keyword
	cfCategory = "category" // keyword, decimal id
	cfCreated  = "created"  // date-time, with doc values for sorting
	cfText     = "text"     // complaintAnalyzer
)

// Stop words, written as people spell them; they are folded with app.NameKey like the text.
// Short on purpose: with every query word required, a stop word only has to be common and
// carry no meaning in a complaint.
var (
	stopWordsAR = strings.Fields(`
		في من إلى الى على عن مع هذا هذه ذلك تلك هؤلاء التي الذي الذين اللذين اللتين
		هو هي هم هن أنا انا نحن أنت انت أنتم انتم
		أن إن أو ثم قد لقد لا لم لن ما ماذا كل بعض بعد قبل عند عندما حتى أي اي إذا اذا
		كان كانت كانوا يكون تكون لكن بل بين كما أيضا ايضا هناك هنا يا جدا
		به بها له لها لهم فيه فيها منه منها عليه عليها عنه عنها إليه اليه معه
		و ف ب ل ك`)
	stopWordsEN = strings.Fields(`
		a an the and or but nor if then than so as of to in on at by for from with without
		into onto about over under after before during between through up down out off
		is are was were be been being am do does did doing have has had having
		it its this that these those there here which who whom whose what when where why how
		i me my mine we us our ours you your yours he him his she her hers they them their theirs
		not no very too also just all any some each both such only own same other
		can could will would shall should may might must
		s t d ll m re ve`)
)

func init() {
	must(registry.RegisterTokenFilter(complaintStopFilter, newComplaintStop))
	must(registry.RegisterTokenFilter(complaintStemFilter, newComplaintStem))
}

// stopFilter drops the tokens of its set.
type stopFilter map[string]struct{}

func newComplaintStop(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
	return complaintStops(), nil
}

var complaintStops = sync.OnceValue(func() stopFilter {
	set := stopFilter{}
	for _, w := range stopWordsAR {
		set[app.NameKey(w)] = struct{}{}
	}
	for _, w := range stopWordsEN {
		set[w] = struct{}{}
	}
	return set
})

func (f stopFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, tok := range in {
		if _, stop := f[string(tok.Term)]; !stop {
			out = append(out, tok)
		}
	}
	return out
}

// stemFilter stems Arabic words with arabicStems (a second token at the same position
// when a leading و may be "and") and every other word with Bleve's Snowball English
// stemmer ("nurses" → "nurs", "waited" → "wait").
type stemFilter struct {
	english analysis.TokenFilter
}

func newComplaintStem(_ map[string]any, cache *registry.Cache) (analysis.TokenFilter, error) {
	english, err := cache.TokenFilterNamed(en.SnowballStemmerName)
	if err != nil {
		return nil, err
	}
	return stemFilter{english: english}, nil
}

func (f stemFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in)+len(in)/8)
	latin := make(analysis.TokenStream, 0, len(in))
	for _, tok := range in {
		out = append(out, tok)
		w := string(tok.Term)
		if !isArabicWord(w) {
			latin = append(latin, tok)
			continue
		}
		stem, alt := arabicStems(w)
		tok.Term = []byte(stem)
		if alt != "" {
			out = append(out, &analysis.Token{Term: []byte(alt), Start: tok.Start, End: tok.End,
				Position: tok.Position, Type: tok.Type})
		}
	}
	f.english.Filter(latin) // stems the tokens in place: they are shared with out
	return out
}

// newComplaintMapping returns the complaint index mapping. Nothing is stored: hits carry
// the complaint id as document id. Nothing goes into the _all field.
//
// complaintAnalyzer: unicode words → app.NameKey (lower case, Arabic diacritics and
// tatweel removed, alef/yaa/taa-marbuta variants unified) → Arabic and English stop words
// → Arabic light stemmer or English Snowball stemmer.
func newComplaintMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	must(im.AddCustomAnalyzer(complaintAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{nameKeyFilter, complaintStopFilter, complaintStemFilter},
	}))

	text := func(analyzer string) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	created := mapping.NewDateTimeFieldMapping()
	created.Store = false
	created.IncludeInAll = false
	created.DocValues = true // sorting newest first when there is no text

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(cfHospital, text(keyword.Name))
	doc.AddFieldMappingsAt(cfStatus, text(keyword.Name))
	doc.AddFieldMappingsAt(cfSeverity, text(keyword.Name))
	doc.AddFieldMappingsAt(cfCategory, text(keyword.Name))
	doc.AddFieldMappingsAt(cfCreated, created)
	doc.AddFieldMappingsAt(cfText, text(complaintAnalyzer))

	im.DefaultMapping = doc
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// complaintTerms analyzes a query as complaint text is indexed. Each element holds the
// terms of one word position: one term, or two when a leading و may be "and".
func complaintTerms(q string) [][]string {
	var groups [][]string
	last := -1
	for _, tok := range complaintAnalyzerOnce().Analyze([]byte(q)) {
		t := string(tok.Term)
		if tok.Position == last && len(groups) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], t)
			continue
		}
		last = tok.Position
		groups = append(groups, []string{t})
	}
	return groups
}

// complaintAnalyzerOnce builds the complaint analyzer once, from the index's own mapping.
var complaintAnalyzerOnce = sync.OnceValue(func() analysis.Analyzer {
	a := newComplaintMapping().AnalyzerNamed(complaintAnalyzer)
	if a == nil {
		panic("search: complaint analyzer missing")
	}
	return a
})
