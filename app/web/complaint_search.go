package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/search"
	"px360/views"
)

// ComplaintSearcher finds complaints in the search index (search.ComplaintIndex).
type ComplaintSearcher interface {
	Search(ctx context.Context, q search.ComplaintQuery) (search.ComplaintHits, error)
}

// complaintSearcher is the complaint index, nil when there is none (the page then says
// search is not available).
func (s *Server) complaintSearcher() ComplaintSearcher { return s.cfg.ComplaintSearch }

// complaintSearchRoutes registers the complaint search page and the Excel export of the
// complaint list.
func (s *Server) complaintSearchRoutes() {
	s.page("GET /complaints/search", app.PermComplaintView, s.complaintSearch)
	s.page("GET /complaints/export.xlsx", app.PermComplaintManage, s.complaintExportXLSX)
}

const (
	// searchDepth is how far the index pages (search.ComplaintQuery.Offset is at most 10,000).
	searchDepth = 10_000
	// slaChunk is how many hits are fetched at a time while checking SLA states.
	slaChunk = 100
	// slaBudget bounds the hits one page request examines: the index does not know SLA
	// states, so each hit's clock is worked out here (one small query per active complaint).
	slaBudget = 500
)

// complaintSearchQuery is one request of the search page: the index query, the SLA
// states asked for (checked here, after the index), and where the page starts (Offset)
// or, going back, where it ends (Before > 0).
type complaintSearchQuery struct {
	search.ComplaintQuery
	SLA    []app.SLAState
	Before int
	None   bool // the filters exclude everything (an SLA state among finished statuses only)
}

// parseComplaintSearch reads the search page's URL: words (q), hospital, statuses,
// severities and SLA states (each repeated or comma-separated), a category (searched with
// everything under it in tree), creation dates from/to inclusive in loc, and the page
// position. Unknown values are dropped, and only what was understood goes back into the
// filter links.
func parseComplaintSearch(r *http.Request, loc *time.Location, tree []app.CategoryNode) (complaintSearchQuery, views.Filter) {
	lq, fl := listQuery(r)
	q := r.URL.Query()
	fl.Extra = url.Values{}
	var cq complaintSearchQuery
	cq.Text, cq.HospitalID = lq.Search, lq.HospitalID
	for _, v := range listValues(q, "status") {
		if st := app.ComplaintStatus(v); st.Valid() && !slices.Contains(cq.Statuses, st) {
			cq.Statuses = append(cq.Statuses, st)
			fl.Extra.Add("status", v)
		}
	}
	for _, v := range listValues(q, "severity") {
		if sev := app.Severity(v); sev.Valid() && !slices.Contains(cq.Severities, sev) {
			cq.Severities = append(cq.Severities, sev)
			fl.Extra.Add("severity", v)
		}
	}
	for _, v := range listValues(q, "sla") {
		if st := app.SLAState(v); slices.Contains(app.SLAStates, st) && !slices.Contains(cq.SLA, st) {
			cq.SLA = append(cq.SLA, st)
			fl.Extra.Add("sla", v)
		}
	}
	if id, err := strconv.ParseInt(q.Get("category"), 10, 64); err == nil {
		if ids := subtreeIDs(tree, id); len(ids) > 0 {
			cq.CategoryIDs = ids
			fl.Extra.Set("category", q.Get("category"))
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil && plausibleYear(t) {
		cq.From = t
		fl.Extra.Set("from", q.Get("from"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil && plausibleYear(t) {
		cq.To = t.AddDate(0, 0, 1)
		fl.Extra.Set("to", q.Get("to"))
	}
	if len(cq.SLA) > 0 {
		cq.Statuses = slaStatuses(cq.SLA, cq.Statuses)
		cq.None = len(cq.Statuses) == 0
	}
	position := func(key string) int {
		n, _ := strconv.Atoi(q.Get(key))
		return min(max(n, 0), searchDepth)
	}
	cq.Offset, cq.Before = min(position("offset"), searchDepth-1), position("before")
	return cq, fl
}

// listValues returns the values of key, repeated or comma-separated, trimmed.
func listValues(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// subtreeIDs returns id and the ids of every node under it, or nil when id is not in
// tree (not a category the reader may see).
func subtreeIDs(tree []app.CategoryNode, id int64) []int64 {
	var collect func(n app.CategoryNode, ids []int64) []int64
	collect = func(n app.CategoryNode, ids []int64) []int64 {
		ids = append(ids, n.ID)
		for _, c := range n.Children {
			ids = collect(c, ids)
		}
		return ids
	}
	for _, n := range tree {
		if n.ID == id {
			return collect(n, nil)
		}
		if ids := subtreeIDs(n.Children, id); ids != nil {
			return ids
		}
	}
	return nil
}

// slaStatuses narrows the statuses searched to those whose complaints can be in one of
// states: finished complaints have no SLA state, and a clock is paused exactly while its
// complaint is on hold (entering on_hold opens the pause, leaving it closes it). chosen,
// when not empty, narrows further. Each hit's state is still checked; this only keeps the
// index from returning hits that cannot match.
func slaStatuses(states []app.SLAState, chosen []app.ComplaintStatus) []app.ComplaintStatus {
	paused := slices.Contains(states, app.SLAPaused)
	running := slices.ContainsFunc(states, func(st app.SLAState) bool { return st != app.SLAPaused })
	out := []app.ComplaintStatus{}
	for _, st := range app.ComplaintStatuses {
		switch {
		case !st.Active(), st == app.StatusOnHold && !paused, st != app.StatusOnHold && !running:
		case len(chosen) == 0 || slices.Contains(chosen, st):
			out = append(out, st)
		}
	}
	return out
}

func (s *Server) complaintSearch(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	by := principal(r)
	tree, err := s.tax.Tree(r.Context(), by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cq, fl := parseComplaintSearch(r, zoneOf(fr.Hospitals), tree)
	cq.Scope = by.Scope
	p := views.ComplaintSearchPage{Filter: fl, Categories: tree, SLAFiltered: len(cq.SLA) > 0}
	idx := s.complaintSearcher()
	if idx == nil {
		p.Unavailable = true
		s.render(w, r, http.StatusServiceUnavailable, views.ComplaintSearch(fr, p))
		return
	}
	if !cq.None {
		win, err := s.complaintHits(r, idx, cq)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Rows, p.Total, p.Start, p.End, p.Partial = win.rows, win.total, win.start, win.end, win.partial
		p.More = uint64(win.end) < win.total && win.end < searchDepth
		p.Deeper = uint64(win.end) < win.total && win.end >= searchDepth
	}
	_, p.Departments = s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.ComplaintSearch(fr, p))
}

// searchWindow is one page of search results: the rows shown, found among the hits
// [start, end) in the index's order, and the index's number of hits.
type searchWindow struct {
	rows       []views.ComplaintRow
	start, end int
	total      uint64
	partial    bool // the SLA check stopped at slaBudget before filling the page
}

// complaintHits reads one page of results: from cq.Offset forward, or (cq.Before > 0)
// the page that ends at cq.Before, so Previous needs no state in the URL. Without an SLA
// state every hit the reader may see is a row, and a page is one index query (plus one
// more when hits have left the database since they were indexed). With SLA states, hits
// are fetched slaChunk at a time and kept when their clock is in one of the states, until
// the page is full, the hits run out, or slaBudget hits were examined; positions are the
// index's, so a page may skip hits and the pager carries on from where it stopped.
func (s *Server) complaintHits(r *http.Request, idx ComplaintSearcher, cq complaintSearchQuery) (searchWindow, error) {
	ctx, by, now := r.Context(), principal(r), time.Now()
	var w searchWindow
	sla := map[int64]complaints.SLAInfo{} // the clocks of fetched hits, read a chunk at a time
	// fetch returns the complaints of hits [from, to), zero where the reader may not see
	// one or it is gone.
	fetch := func(from, to int) ([]app.Complaint, error) {
		q := cq.ComplaintQuery
		q.Offset, q.Limit = from, to-from
		hits, err := idx.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		w.total = hits.Total
		byID, err := s.st.ComplaintsByIDs(ctx, by.Scope, hits.IDs)
		if err != nil {
			return nil, err
		}
		out := make([]app.Complaint, len(hits.IDs))
		for i, id := range hits.IDs {
			out[i] = byID[id]
		}
		states, err := s.compl.SLAStates(ctx, out, now)
		maps.Copy(sla, states)
		return out, err
	}
	keep := func(c app.Complaint) (views.ComplaintRow, bool) {
		if c.ID == 0 {
			return views.ComplaintRow{}, false
		}
		row := views.ComplaintRow{C: c, SLA: sla[c.ID].State, Remaining: sla[c.ID].Remaining}
		return row, len(cq.SLA) == 0 || slices.Contains(cq.SLA, row.SLA)
	}
	step := func(have int) int {
		if len(cq.SLA) > 0 {
			return slaChunk
		}
		return app.PageSize - have
	}
	examined := 0
	if cq.Before > 0 {
		pos := cq.Before
		w.end = pos
	back:
		for len(w.rows) < app.PageSize && pos > 0 {
			if examined >= slaBudget {
				w.partial = len(cq.SLA) > 0
				break
			}
			lo := max(pos-step(len(w.rows)), 0)
			cs, err := fetch(lo, pos)
			if err != nil {
				return w, err
			}
			examined += pos - lo
			for i := len(cs) - 1; i >= 0; i-- {
				if row, ok := keep(cs[i]); ok {
					w.rows = append(w.rows, row)
					if len(w.rows) == app.PageSize {
						pos = lo + i
						break back
					}
				}
			}
			pos = lo
		}
		w.start = pos
		slices.Reverse(w.rows)
		return w, nil
	}
	pos := cq.Offset
	w.start = pos
forward:
	for len(w.rows) < app.PageSize && pos < searchDepth {
		if examined >= slaBudget {
			w.partial = len(cq.SLA) > 0
			break
		}
		limit := min(step(len(w.rows)), searchDepth-pos)
		cs, err := fetch(pos, pos+limit)
		if err != nil {
			return w, err
		}
		examined += len(cs)
		for i, c := range cs {
			if row, ok := keep(c); ok {
				w.rows = append(w.rows, row)
				if len(w.rows) == app.PageSize {
					pos += i + 1
					break forward
				}
			}
		}
		pos += len(cs)
		if len(cs) < limit { // no more hits
			break
		}
	}
	w.end = pos
	return w, nil
}

// plausibleYear keeps date filters within what the index can represent (and people mean):
// a date outside 1900–2200 is ignored like any unreadable one.
func plausibleYear(t time.Time) bool { return t.Year() >= 1900 && t.Year() <= 2200 }
