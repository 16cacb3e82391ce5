// Package store is the only place with SQL. It opens the SQLite database with a pool
// of read-only connections and a single writer connection (SQLite allows one writer at a
// time; queueing writers in Go is cheaper than SQLITE_BUSY retries), applies the embedded
// migrations, runs each use case in one transaction, and keeps the outbox and the
// hash-chained audit log in the same transactions as the changes they describe.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"px360/app"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBFile is the database file name inside the data directory.
const DBFile = "px360.db"

// Store is the database: W is the single writer connection, R the reader pool.
type Store struct {
	W        *sql.DB
	R        *ReadPool
	path     string
	now      func() time.Time
	auditKey []byte
	counts   countCache
}

// Options tune Open.
type Options struct {
	Readers  int              // reader pool size (default 2×CPU, at least 4)
	Now      func() time.Time // clock (default time.Now)
	ReadOnly bool             // no writer, no migrations: backups and checks
	AuditKey []byte           // HMAC key of the audit chain (vault); tests may leave it empty
}

func dsn(path string, extra ...string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-16000)") // 16 MB of page cache per connection (SQLite's default is 2 MB)
	q.Add("_time_format", "sqlite")
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		q.Add(k, v)
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to the latest schema.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Readers <= 0 {
		opt.Readers = max(4, 2*runtime.NumCPU())
	}
	s := &Store{now: opt.Now, path: path, auditKey: opt.AuditKey}
	if !opt.ReadOnly {
		w, err := sql.Open("sqlite", dsn(path, "_pragma=journal_mode(WAL)", "_txlock=immediate"))
		if err != nil {
			return nil, fmt.Errorf("open writer: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		s.W = w
		if err := s.migrate(ctx); err != nil {
			w.Close()
			return nil, err
		}
	}
	r, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open readers: %w", err)
	}
	r.SetMaxOpenConns(opt.Readers)
	r.SetMaxIdleConns(opt.Readers)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s.R = &ReadPool{DB: r, stmts: map[string]*sql.Stmt{}}
	return s, nil
}

// Close checkpoints the WAL and closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.R != nil {
		errs = append(errs, s.R.Close())
	}
	if s.W != nil {
		_, _ = s.W.Exec("pragma wal_checkpoint(truncate)")
		_, _ = s.W.Exec("pragma optimize")
		errs = append(errs, s.W.Close())
	}
	return errors.Join(errs...)
}

// Now returns the store's clock reading in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// Ping checks that the database answers and the schema is current (used by /healthz).
func (s *Store) Ping(ctx context.Context) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v != LatestSchema() {
		return fmt.Errorf("schema version %d, want %d", v, LatestSchema())
	}
	return nil
}

// Tx is one use case's transaction. Audit and Emit write into the same transaction.
type Tx struct {
	*sql.Tx
	now      time.Time
	by       app.Principal
	auditKey []byte
	stmts    map[string]*sql.Stmt
}

// ExecContext, QueryContext and QueryRowContext run on statements prepared once per
// transaction and query text: a use case that repeats a statement (an import, the SLA
// sweep) does not parse the SQL again for every row. database/sql closes the statements
// when the transaction ends.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext is the cached-statement form of sql.Tx.QueryContext.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext is the cached-statement form of sql.Tx.QueryRowContext.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return tx.Tx.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (tx *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// InTx runs fn in one write transaction on the writer connection. A returned error or a
// panic rolls everything back: the change, its audit rows and its outbox events.
func (s *Store) InTx(ctx context.Context, by app.Principal, fn func(tx *Tx) error) (err error) {
	if s.W == nil {
		return errors.New("store opened read-only")
	}
	sqlTx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, now: s.Now().Truncate(time.Microsecond), by: by, auditKey: s.auditKey}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Now is the transaction's clock reading: every row it writes carries the same time.
func (tx *Tx) Now() time.Time { return tx.now }

const tsLayout = "2006-01-02T15:04:05.000000Z"

// ts formats t for storage: UTC, fixed width, so text order is time order. Zero is "".
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

// parseTS reads a stored time; "" gives the zero time.
func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ReadPool is the reader connections. Reads run on statements prepared once per query
// text (SQLite's parse and plan are a measurable part of a list page otherwise); the
// cache keeps at most maxCachedStmts texts, queries past it run unprepared.
type ReadPool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCachedStmts = 1000

func (p *ReadPool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	p.mu.RLock()
	st, ok := p.stmts[query]
	p.mu.RUnlock()
	if ok {
		return st, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	if len(p.stmts) >= maxCachedStmts {
		return nil, errors.New("statement cache full")
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = st
	return st, nil
}

// QueryContext runs a read on the statement prepared for query.
func (p *ReadPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil { // not cacheable, or a bad query: run it plainly, which reports the error
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a one-row read on the statement prepared for query.
func (p *ReadPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// Close closes the prepared statements and the pool.
func (p *ReadPool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
