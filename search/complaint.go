package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"px360/app"
)

// complaintsName is the directory of the complaint index inside DATA/index.
const complaintsName = "complaints.bleve"

var complaintsSpec = spec{name: complaintsName, version: complaintsVersion, mapping: newComplaintMapping}

// maxOffset bounds ComplaintQuery.Offset: deeper pages cost memory for every page before.
const maxOffset = 10_000

// ComplaintIndex is the complaint search index, complaints.bleve: the text of each
// complaint analyzed for Arabic and English (see newComplaintMapping), with its hospital,
// status, severity, category and creation time as filters. It is safe for concurrent use.
type ComplaintIndex struct {
	base
}

// OpenComplaints opens DATA/index/complaints.bleve (dir is DATA/index), creating it if
// missing. Like Open: an unreadable index or one of another mapping version is set aside
// as "complaints.bleve.broken-<unix>" and replaced by an empty one, and NeedsRebuild
// reports true for a new, replaced or never rebuilt index.
func OpenComplaints(dir string) (*ComplaintIndex, error) {
	x := &ComplaintIndex{}
	if err := x.open(dir, complaintsSpec); err != nil {
		return nil, err
	}
	return x, nil
}

// Put indexes docs in one Bleve batch. Putting an existing id replaces the document.
func (x *ComplaintIndex) Put(docs ...app.ComplaintDoc) error {
	if len(docs) == 0 {
		return nil
	}
	docs = slices.Clone(docs)
	return x.write(func(idx bleve.Index) error { return putComplaints(idx, docs) })
}

// Delete removes the complaints with the given ids, in one batch. Missing ids are ignored.
func (x *ComplaintIndex) Delete(ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Clone(ids)
	return x.write(func(idx bleve.Index) error { return deleteComplaints(idx, ids) })
}

// ComplaintSource streams every complaint to index, in batches (implemented by the store).
type ComplaintSource interface {
	EachComplaintDoc(ctx context.Context, fn func([]app.ComplaintDoc) error) error
}

// Rebuild builds a fresh index from src next to the live one (which keeps answering
// queries), replays the Puts and Deletes made meanwhile, swaps it in and clears
// NeedsRebuild. Only one Rebuild runs at a time; another returns ErrRebuilding.
func (x *ComplaintIndex) Rebuild(ctx context.Context, src ComplaintSource) error {
	return x.rebuild(ctx, func(fresh bleve.Index) error {
		return src.EachComplaintDoc(ctx, func(batch []app.ComplaintDoc) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return putComplaints(fresh, batch)
		})
	})
}

// ComplaintQuery is a complaint search. Zero fields do not filter. Text is matched word
// by word, every word required (after stop words are dropped), in any inflection the
// stemmers relate. Statuses, Severities and CategoryIDs each match any of their values
// (CategoryIDs match the doc's CategoryID exactly: pass a node's descendants too to
// search a subtree). From is inclusive and To exclusive, on CreatedAt.
type ComplaintQuery struct {
	Scope       app.Scope
	Text        string
	HospitalID  int64
	Statuses    []app.ComplaintStatus
	Severities  []app.Severity
	CategoryIDs []int64
	From, To    time.Time
	Limit       int // <= 0 means 20; at most 500
	Offset      int // at most 10,000
}

// ComplaintHits is one page of complaint ids, best first, and the number of all hits.
type ComplaintHits struct {
	IDs   []int64
	Total uint64
}

// Search returns the complaints matching q, best first (most relevant; newest first when
// Text has no searchable word). The scope and the filters are clauses of the Bleve query,
// so Total and pages count visible hits only; a scope with All=false and no hospitals sees
// nothing.
func (x *ComplaintIndex) Search(ctx context.Context, q ComplaintQuery) (ComplaintHits, error) {
	if !q.Scope.All && len(q.Scope.HospitalIDs) == 0 || q.HospitalID != 0 && !q.Scope.Allows(q.HospitalID) {
		return ComplaintHits{}, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	offset := min(max(q.Offset, 0), maxOffset)

	match := complaintMatch(q.Text)
	filter := complaintFilter(q)
	var req *bleve.SearchRequest
	switch {
	case match != nil:
		bq := bleve.NewBooleanQuery()
		bq.AddMust(match)
		if filter != nil {
			// The filter is a must clause, not a post-filter: the conjunction then skips
			// through the hospital's and period's postings instead of scoring every
			// complaint that contains the words. Its clauses are the same for every hit,
			// so the order by relevance is unchanged.
			bq.AddMust(filter)
		}
		req = bleve.NewSearchRequestOptions(bq, limit, offset, false)
	default:
		if filter == nil {
			filter = query.NewMatchAllQuery()
		}
		req = bleve.NewSearchRequestOptions(filter, limit, offset, false)
		req.Score = "none"
		req.SortByCustom(bsearch.SortOrder{
			&bsearch.SortField{Field: cfCreated, Type: bsearch.SortFieldAsDate, Desc: true},
		})
	}

	res, err := x.search(ctx, req)
	if err != nil {
		return ComplaintHits{}, fmt.Errorf("search: complaints: %w", err)
	}
	hits := ComplaintHits{IDs: make([]int64, 0, len(res.Hits)), Total: res.Total}
	for _, h := range res.Hits {
		if id, err := strconv.ParseInt(h.ID, 10, 64); err == nil {
			hits.IDs = append(hits.IDs, id)
		}
	}
	return hits, nil
}

// complaintMatch is the scored part of a complaint query: every word of text, as one of
// its readings. nil if text has no searchable word.
func complaintMatch(text string) query.Query {
	groups := complaintTerms(text)
	if len(groups) > maxTerms {
		groups = groups[:maxTerms]
	}
	if len(groups) == 0 {
		return nil
	}
	words := make([]query.Query, 0, len(groups))
	for _, g := range groups {
		alts := make([]query.Query, 0, len(g))
		for _, t := range g {
			tq := query.NewTermQuery(t)
			tq.SetField(cfText)
			alts = append(alts, tq)
		}
		if len(alts) == 1 {
			words = append(words, alts[0])
		} else {
			words = append(words, query.NewDisjunctionQuery(alts))
		}
	}
	if len(words) == 1 {
		return words[0]
	}
	return query.NewConjunctionQuery(words)
}

// complaintFilter is the unscored part of a complaint query: scope, hospital, statuses,
// severities, categories and dates. nil if nothing restricts.
func complaintFilter(q ComplaintQuery) query.Query {
	var must []query.Query
	anyOf := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		alts := make([]query.Query, 0, len(values))
		for _, v := range values {
			t := query.NewTermQuery(v)
			t.SetField(field)
			alts = append(alts, t)
		}
		if len(alts) == 1 {
			must = append(must, alts[0])
		} else {
			must = append(must, query.NewDisjunctionQuery(alts))
		}
	}
	ids := func(ids []int64) []string {
		s := make([]string, 0, len(ids))
		for _, id := range ids {
			s = append(s, strconv.FormatInt(id, 10))
		}
		return s
	}
	strs := func(n int, at func(int) string) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = at(i)
		}
		return s
	}

	if !q.Scope.All {
		anyOf(cfHospital, ids(q.Scope.HospitalIDs))
	}
	if q.HospitalID != 0 {
		anyOf(cfHospital, ids([]int64{q.HospitalID}))
	}
	anyOf(cfStatus, strs(len(q.Statuses), func(i int) string { return string(q.Statuses[i]) }))
	anyOf(cfSeverity, strs(len(q.Severities), func(i int) string { return string(q.Severities[i]) }))
	anyOf(cfCategory, ids(q.CategoryIDs))
	if !q.From.IsZero() || !q.To.IsZero() {
		incl, excl := true, false
		d := query.NewDateRangeInclusiveQuery(q.From, q.To, &incl, &excl)
		d.SetField(cfCreated)
		must = append(must, d)
	}
	switch len(must) {
	case 0:
		return nil
	case 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}

// complaintFields is what Bleve indexes for a complaint: the fields of newComplaintMapping.
func complaintFields(d app.ComplaintDoc) map[string]any {
	m := map[string]any{
		cfHospital: strconv.FormatInt(d.HospitalID, 10),
		cfStatus:   string(d.Status),
		cfSeverity: string(d.Severity),
		cfCategory: strconv.FormatInt(d.CategoryID, 10),
		cfText:     d.Text,
	}
	if !d.CreatedAt.IsZero() {
		m[cfCreated] = d.CreatedAt
	}
	return m
}

func putComplaints(idx bleve.Index, docs []app.ComplaintDoc) error {
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(strconv.FormatInt(d.ID, 10), complaintFields(d)); err != nil {
			return fmt.Errorf("search: put complaint %d: %w", d.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: put complaints: %w", err)
	}
	return nil
}

func deleteComplaints(idx bleve.Index, ids []int64) error {
	b := idx.NewBatch()
	for _, id := range ids {
		b.Delete(strconv.FormatInt(id, 10))
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: delete complaints: %w", err)
	}
	return nil
}
