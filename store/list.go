package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"px360/app"
)

type scanner interface{ Scan(dest ...any) error }

// querier is what reads need: the reader pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// keyset describes one keyset-paginated list query over a table with an integer id,
// newest (highest id) first.
type keyset struct {
	table   string
	idCol   string // the integer key column, "id" when empty
	cols    string
	where   []string
	args    []any
	after   int64
	before  int64
	limit   int
	noCount bool
	oldest  bool // oldest first (ascending ids) instead of newest first
}

// list runs q and returns one page, plus a count of all matching rows capped at
// app.CountCap, so a list never counts millions of rows.
func list[T any](ctx context.Context, s *Store, q keyset, scan func(scanner) (T, error), idOf func(T) int64) (app.Page[T], error) {
	var page app.Page[T]
	if q.limit <= 0 || q.limit > 500 {
		q.limit = app.PageSize
	}
	base := strings.Join(q.where, " and ")
	if base == "" {
		base = "1=1"
	}
	idCol := q.idCol
	if idCol == "" {
		idCol = "id"
	}
	where, args := base, slices.Clone(q.args)
	// Newest first pages downwards through the ids: next is "<", previous ">" read in
	// reverse. Oldest first mirrors both.
	forward, backward, dir, rev := "<", ">", " desc", " asc"
	if q.oldest {
		forward, backward, dir, rev = ">", "<", " asc", " desc"
	}
	order := idCol + dir
	switch {
	case q.after > 0:
		where += " and " + idCol + " " + forward + " ?"
		args = append(args, q.after)
	case q.before > 0:
		where += " and " + idCol + " " + backward + " ?"
		args = append(args, q.before)
		order = idCol + rev
	}
	rows, err := s.R.QueryContext(ctx, fmt.Sprintf("select %s from %s where %s order by %s limit %d",
		q.cols, q.table, where, order, q.limit+1), args...)
	if err != nil {
		return page, fmt.Errorf("list %s: %w", q.table, err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return page, fmt.Errorf("list %s: %w", q.table, err)
		}
		page.Items = append(page.Items, item)
		ids = append(ids, idOf(item))
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	more := len(page.Items) > q.limit
	if more {
		page.Items, ids = page.Items[:q.limit], ids[:q.limit]
	}
	if q.before > 0 {
		slices.Reverse(page.Items)
		slices.Reverse(ids)
	}
	if len(ids) > 0 {
		first, last := ids[0], ids[len(ids)-1]
		if more || q.before > 0 {
			page.Next = last
		}
		if q.after > 0 || (q.before > 0 && more) {
			page.Prev = first
		}
	}
	if q.noCount {
		return page, nil
	}
	if page.Count, err = s.count(ctx, fmt.Sprintf("select count(*) from (select 1 from %s where %s limit %d)",
		q.table, base, app.CountCap+1), q.args); err != nil {
		return page, fmt.Errorf("count %s: %w", q.table, err)
	}
	page.Capped = page.Count > app.CountCap
	return page, nil
}

// countCache keeps large capped list counts for a few seconds: a busy list that many
// people page through is counted once, and "about 4,000" a few seconds old is fine to
// show. Small counts are cheap and always exact.
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
}

type countEntry struct {
	n  int
	at time.Time
}

const (
	countCacheTTL   = 10 * time.Second
	countCacheFloor = 1000 // counts below this are not cached
)

func (s *Store) count(ctx context.Context, query string, args []any) (int, error) {
	key := query + fmt.Sprintf("%#v", args)
	now := time.Now()
	s.counts.mu.Lock()
	e, ok := s.counts.m[key]
	s.counts.mu.Unlock()
	if ok && now.Sub(e.at) < countCacheTTL {
		return e.n, nil
	}
	var n int
	if err := s.R.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	if n >= countCacheFloor {
		s.counts.mu.Lock()
		if s.counts.m == nil || len(s.counts.m) > 10_000 {
			s.counts.m = map[string]countEntry{}
		}
		s.counts.m[key] = countEntry{n, now}
		s.counts.mu.Unlock()
	}
	return n, nil
}

// scopeIn returns "col in (?, ?)" limiting col to the scope's hospitals ("0" when none).
func scopeIn(col string, s app.Scope) (string, []any) {
	if len(s.HospitalIDs) == 0 {
		return "0", nil
	}
	args := make([]any, len(s.HospitalIDs))
	for i, id := range s.HospitalIDs {
		args[i] = id
	}
	return col + " in (" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")", args
}

// prefixRange returns a condition matching col starting with p, index-friendly for any script.
func prefixRange(col, p string) (string, []any) {
	return col + " >= ? and " + col + " < ?", []any{p, p + "\U0010FFFF"}
}

// byIDs loads the rows with ids from table, limited to scope, in one query.
func byIDs[T any](ctx context.Context, s *Store, table, cols string, scope app.Scope, ids []int64,
	scan func(scanner) (T, error), idOf func(T) int64) (map[int64]T, error) {
	out := make(map[int64]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	where := "id in (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	if !scope.All {
		c, a := scopeIn("hospital_id", scope)
		where, args = where+" and "+c, append(args, a...)
	}
	rows, err := s.R.QueryContext(ctx, "select "+cols+" from "+table+" where "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s by ids: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[idOf(v)] = v
	}
	return out, rows.Err()
}
