package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"px360/app"
)

// Query limits.
const (
	defaultLimit = 20
	maxLimit     = 500
	maxTerms     = 8 // name words of a query beyond this are ignored
)

// Score boosts: an exact code beats any name, a whole name word beats a mere prefix.
const (
	boostCode     = 10
	boostNameWord = 2
)

// People searches staff and patients: every word of q must start a word of the English or
// Arabic name (folded with app.NameKey, so "احمد" finds "أحمد"), or q must equal the code
// (case-insensitive). kind "" means both kinds. Hits are limited to scope's hospitals inside
// the Bleve query, so limit counts visible hits only; a scope with All=false and no hospitals
// sees nothing. limit <= 0 means 20. Best hits first.
func (x *Index) People(ctx context.Context, scope app.Scope, kind, q string, limit int) ([]app.SearchHit, error) {
	if !scope.All && len(scope.HospitalIDs) == 0 {
		return nil, nil
	}
	match := peopleMatch(q)
	if match == nil {
		return nil, nil
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)

	bq := bleve.NewBooleanQuery()
	bq.AddMust(match)
	bq.AddFilter(peopleFilter(scope, kind)) // a filter does not change scores
	req := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	req.Fields = []string{fieldHospital}
	req.SortBy([]string{"-_score", "_id"})

	x.mu.RLock()
	defer x.mu.RUnlock()
	idx, err := x.live()
	if err != nil {
		return nil, err
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: people: %w", err)
	}
	hits := make([]app.SearchHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		k, id, ok := parseDocID(h.ID)
		if !ok {
			continue
		}
		hospital, _ := h.Fields[fieldHospital].(string)
		hid, _ := strconv.ParseInt(hospital, 10, 64)
		hits = append(hits, app.SearchHit{Kind: k, ID: id, HospitalID: hid, Score: h.Score})
	}
	return hits, nil
}

// peopleMatch is the scored part of a people query: the code equals q, or every name word
// of q is a word (boosted) or a word prefix of the name. nil if q is blank.
func peopleMatch(q string) query.Query {
	var alts []query.Query
	if code := strings.ToLower(strings.TrimSpace(q)); code != "" {
		c := query.NewTermQuery(code)
		c.SetField(fieldCode)
		c.SetBoost(boostCode)
		alts = append(alts, c)
	}
	terms := nameTokens(q)
	if len(terms) > maxTerms {
		terms = terms[:maxTerms]
	}
	if len(terms) > 0 {
		words := make([]query.Query, 0, len(terms))
		for _, t := range terms {
			word := query.NewTermQuery(t)
			word.SetField(fieldName)
			word.SetBoost(boostNameWord)
			prefix := query.NewPrefixQuery(t)
			prefix.SetField(fieldName)
			words = append(words, query.NewDisjunctionQuery([]query.Query{word, prefix}))
		}
		alts = append(alts, query.NewConjunctionQuery(words))
	}
	if len(alts) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(alts)
}

// peopleFilter restricts hits to kind (unless "") and to scope's hospitals (unless All).
// nil if there is nothing to restrict.
func peopleFilter(scope app.Scope, kind string) query.Query {
	var must []query.Query
	if kind != "" {
		k := query.NewTermQuery(kind)
		k.SetField(fieldKind)
		must = append(must, k)
	}
	if !scope.All {
		hospitals := make([]query.Query, 0, len(scope.HospitalIDs))
		for _, id := range scope.HospitalIDs {
			h := query.NewTermQuery(strconv.FormatInt(id, 10))
			h.SetField(fieldHospital)
			hospitals = append(hospitals, h)
		}
		must = append(must, query.NewDisjunctionQuery(hospitals))
	}
	switch len(must) {
	case 0:
		return nil
	case 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}
