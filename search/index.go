// Package search owns the Bleve indexes under DATA/index.
//
// The indexes are derived data: SQLite is the source of truth, so an index that is
// missing, corrupt, half-built or written by another mapping version is simply set
// aside and replaced by an empty one, and NeedsRebuild tells the caller to run Rebuild
// (in the background: the live index keeps answering queries while a new one is built
// next to it and then swapped in).
//
// There are two indexes, sharing that machinery (type base):
//   - people.bleve: staff and patients, searched by name prefix (English or Arabic,
//     folded with app.NameKey) or by exact code (MRN, employee number);
//   - complaints.bleve: complaint texts in Arabic and English, stemmed, searched by
//     keywords with filters (see ComplaintIndex).
package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"px360/app"
)

// peopleName is the directory of the people index inside DATA/index.
const peopleName = "people.bleve"

// Keys of the index's internal metadata.
var (
	keyVersion  = []byte("px360.mapping_version") // the spec's version, set when the index is created
	keyComplete = []byte("px360.complete")        // "1" once a Rebuild has filled the index
)

var (
	// ErrClosed is returned by an Index after Close.
	ErrClosed = errors.New("search: index closed")
	// ErrRebuilding is returned by Rebuild while another Rebuild runs.
	ErrRebuilding = errors.New("search: rebuild already running")
	// errUnavailable is returned when the index could not be reopened after a swap.
	errUnavailable = errors.New("search: index unavailable")
)

// spec describes one kind of index: its directory name inside DATA/index, its mapping
// and the version stamp of that mapping.
type spec struct {
	name    string
	version string
	mapping func() *mapping.IndexMappingImpl
}

var peopleSpec = spec{name: peopleName, version: mappingVersion, mapping: newMapping}

// base is the machinery shared by the indexes: open or set aside, write, rebuild next to
// the live index and swap. It is safe for concurrent use.
type base struct {
	spec spec
	path string // DATA/index/<spec.name>

	// mu guards the fields below. It is held shared while idx is used (queries and
	// writes; Bleve itself is concurrent) and exclusively to swap or close idx.
	mu           sync.RWMutex
	idx          bleve.Index // nil once closed, or if reopening after a swap failed
	closed       bool
	needsRebuild bool
	rebuilding   bool

	// pending holds the writes made while a Rebuild runs: they go to the live index at
	// once and are replayed onto the new one just before the swap, so none is lost.
	pmu     sync.Mutex
	pending []change
}

// change is one write (a Put or Delete), kept for replay onto an index being rebuilt.
type change func(bleve.Index) error

// Index is the people search index. It is safe for concurrent use.
type Index struct {
	base
}

// Open opens DATA/index/people.bleve (dir is DATA/index), creating it if missing.
// An index that is unreadable or of another mapping version is renamed
// "people.bleve.broken-<unix>" (only the latest such copy is kept) and replaced by a fresh
// empty one. NeedsRebuild then reports true, as it does for a missing index or one that no
// Rebuild has completed yet (kept as is: it answers queries meanwhile). Open fails only if
// it cannot create a fresh index.
func Open(dir string) (*Index, error) {
	x := &Index{}
	if err := x.open(dir, peopleSpec); err != nil {
		return nil, err
	}
	return x, nil
}

// open opens or creates the index of spec s inside dir, as described at Open.
func (x *base) open(dir string, s spec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	x.spec, x.path = s, filepath.Join(dir, s.name)
	// Leftovers of a rebuild or swap that did not finish.
	removeGlob(x.path + ".rebuild-*")
	removeGlob(x.path + ".old-*")

	if _, err := os.Lstat(x.path); err == nil {
		idx, complete, err := x.openAt(x.path)
		if err == nil {
			x.idx, x.needsRebuild = idx, !complete
			return nil
		}
		slog.Warn("search: setting aside unusable index", "path", x.path, "err", err)
		moveAside(x.path)
	}
	idx, err := x.createAt(x.path)
	if err != nil {
		return err
	}
	x.idx, x.needsRebuild = idx, true
	return nil
}

// NeedsRebuild reports whether the index is empty or incomplete and Rebuild should run.
func (x *base) NeedsRebuild() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.needsRebuild
}

// Status reports "rebuilding" while Rebuild runs and "ready" otherwise.
func (x *base) Status() string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.rebuilding {
		return "rebuilding"
	}
	return "ready"
}

// Close closes the index. A Rebuild still running is abandoned when it tries to swap;
// cancel its context to stop it sooner.
func (x *base) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	return err
}

// Put indexes docs in one Bleve batch, with document id "<kind>:<id>". Putting an existing
// id replaces the document.
func (x *Index) Put(docs ...app.SearchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	for _, d := range docs {
		if d.Kind == "" || strings.Contains(d.Kind, ":") {
			return fmt.Errorf("search: bad kind %q for id %d", d.Kind, d.ID)
		}
	}
	docs = slices.Clone(docs)
	return x.write(func(idx bleve.Index) error { return putDocs(idx, docs) })
}

// Delete removes the docs of kind with the given ids, in one batch. Missing ids are ignored.
func (x *Index) Delete(kind string, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Clone(ids)
	return x.write(func(idx bleve.Index) error { return deleteDocs(idx, kind, ids) })
}

// write applies c to the live index, and keeps it for replay if a Rebuild runs.
// c must not depend on data the caller may change later.
func (x *base) write(c change) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	idx, err := x.live()
	if err != nil {
		return err
	}
	x.record(c)
	return c(idx)
}

// search runs req on the live index.
func (x *base) search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	idx, err := x.live()
	if err != nil {
		return nil, err
	}
	return idx.SearchInContext(ctx, req)
}

// Source streams every document to index, in batches (implemented by the store).
type Source interface {
	EachSearchDoc(ctx context.Context, fn func(batch []app.SearchDoc) error) error
}

// Rebuild builds a fresh index from src in a temporary directory next to the live one
// (which keeps answering queries meanwhile), replays the Puts and Deletes made during
// the build, then swaps it in and clears NeedsRebuild. Queries wait only for the swap
// itself. Only one Rebuild runs at a time; another returns ErrRebuilding.
func (x *Index) Rebuild(ctx context.Context, src Source) error {
	return x.rebuild(ctx, func(fresh bleve.Index) error {
		return src.EachSearchDoc(ctx, func(batch []app.SearchDoc) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return putDocs(fresh, batch)
		})
	})
}

// rebuild creates a fresh index, fills it with fill, and swaps it in as Rebuild describes.
func (x *base) rebuild(ctx context.Context, fill func(fresh bleve.Index) error) error {
	x.mu.Lock()
	switch {
	case x.closed:
		x.mu.Unlock()
		return ErrClosed
	case x.rebuilding:
		x.mu.Unlock()
		return ErrRebuilding
	}
	x.rebuilding = true
	x.mu.Unlock()
	defer func() {
		x.mu.Lock()
		x.rebuilding = false
		x.mu.Unlock()
		x.takePending()
	}()

	freshPath := fmt.Sprintf("%s.rebuild-%d", x.path, time.Now().UnixNano())
	fresh, err := x.createAt(freshPath)
	if err != nil {
		return err
	}
	err = fill(fresh)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		fresh.Close()
		os.RemoveAll(freshPath)
		return fmt.Errorf("search: rebuild: %w", err)
	}

	old, err := x.swap(fresh, freshPath)
	if old != "" {
		os.RemoveAll(old)
	}
	return err
}

// swap replays pending writes onto fresh, marks it complete and puts it in place of the
// live index. It returns the directory of the old index, for the caller to remove once
// queries run again.
func (x *base) swap(fresh bleve.Index, freshPath string) (old string, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rebuilding = false

	discard := func(err error) (string, error) {
		fresh.Close()
		os.RemoveAll(freshPath)
		return "", err
	}
	if x.closed {
		return discard(ErrClosed)
	}
	for _, c := range x.takePending() {
		if err := c(fresh); err != nil {
			return discard(err)
		}
	}
	if err := fresh.SetInternal(keyComplete, []byte("1")); err != nil {
		return discard(err)
	}
	if err := fresh.Close(); err != nil {
		os.RemoveAll(freshPath)
		return "", err
	}

	// Directories with open files cannot be renamed on Windows: close the live index first.
	if x.idx != nil {
		x.idx.Close()
		x.idx = nil
	}
	old = fmt.Sprintf("%s.old-%d", x.path, time.Now().UnixNano())
	if err := os.Rename(x.path, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(freshPath)
		x.reopen()
		return "", fmt.Errorf("search: swap: %w", err)
	}
	if err := os.Rename(freshPath, x.path); err != nil {
		os.Rename(old, x.path)
		os.RemoveAll(freshPath)
		x.reopen()
		return "", fmt.Errorf("search: swap: %w", err)
	}
	x.reopen()
	if x.idx == nil || x.needsRebuild {
		return old, fmt.Errorf("search: reopening rebuilt index failed")
	}
	return old, nil
}

// reopen opens the index at x.path into x.idx, or a fresh one if it is unusable.
// Called with x.mu held exclusively.
func (x *base) reopen() {
	idx, complete, err := x.openAt(x.path)
	if err == nil {
		x.idx, x.needsRebuild = idx, !complete
		return
	}
	slog.Warn("search: setting aside unusable index", "path", x.path, "err", err)
	moveAside(x.path)
	x.idx, err = x.createAt(x.path)
	x.needsRebuild = true
	if err != nil {
		slog.Error("search: cannot create index", "path", x.path, "err", err)
		x.idx = nil
	}
}

// live returns the live index. Called with x.mu held.
func (x *base) live() (bleve.Index, error) {
	switch {
	case x.closed:
		return nil, ErrClosed
	case x.idx == nil:
		return nil, errUnavailable
	}
	return x.idx, nil
}

// record keeps c for replay if a Rebuild runs. Called with x.mu held.
func (x *base) record(c change) {
	if !x.rebuilding {
		return
	}
	x.pmu.Lock()
	x.pending = append(x.pending, c)
	x.pmu.Unlock()
}

func (x *base) takePending() []change {
	x.pmu.Lock()
	defer x.pmu.Unlock()
	p := x.pending
	x.pending = nil
	return p
}

func docID(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// parseDocID splits a document id "<kind>:<id>".
func parseDocID(s string) (kind string, id int64, ok bool) {
	kind, num, ok := strings.Cut(s, ":")
	if !ok {
		return "", 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	return kind, id, err == nil
}

// indexed is what Bleve indexes for a doc: the fields of newMapping.
func indexed(d app.SearchDoc) map[string]any {
	m := map[string]any{
		fieldKind:     d.Kind,
		fieldHospital: strconv.FormatInt(d.HospitalID, 10),
		fieldName:     []string{d.NameEN, d.NameAR},
	}
	if code := strings.TrimSpace(d.Code); code != "" {
		m[fieldCode] = code
	}
	return m
}

func putDocs(idx bleve.Index, docs []app.SearchDoc) error {
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(docID(d.Kind, d.ID), indexed(d)); err != nil {
			return fmt.Errorf("search: put %s:%d: %w", d.Kind, d.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	return nil
}

func deleteDocs(idx bleve.Index, kind string, ids []int64) error {
	b := idx.NewBatch()
	for _, id := range ids {
		b.Delete(docID(kind, id))
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	return nil
}

// createAt creates an empty index of x's spec at path, stamped with the spec's version.
func (x *base) createAt(path string) (bleve.Index, error) {
	idx, err := bleve.New(path, x.spec.mapping())
	if err != nil {
		return nil, fmt.Errorf("search: creating %s: %w", path, err)
	}
	if err := idx.SetInternal(keyVersion, []byte(x.spec.version)); err != nil {
		idx.Close()
		os.RemoveAll(path)
		return nil, fmt.Errorf("search: creating %s: %w", path, err)
	}
	return idx, nil
}

// openAt opens the index at path and checks it is usable and of the spec's mapping
// version. complete reports whether a Rebuild finished filling it.
func (x *base) openAt(path string) (idx bleve.Index, complete bool, err error) {
	defer func() { // a damaged index may panic instead of failing cleanly
		if r := recover(); r != nil {
			if idx != nil {
				idx.Close()
			}
			idx, complete, err = nil, false, fmt.Errorf("search: opening %s: panic: %v", path, r)
		}
	}()
	if idx, err = bleve.Open(path); err != nil {
		return nil, false, fmt.Errorf("search: opening %s: %w", path, err)
	}
	err = checkVersion(idx, x.spec.version)
	if err != nil {
		idx.Close()
		return nil, false, fmt.Errorf("search: opening %s: %w", path, err)
	}
	done, _ := idx.GetInternal(keyComplete)
	return idx, string(done) == "1", nil
}

func checkVersion(idx bleve.Index, version string) error {
	v, err := idx.GetInternal(keyVersion)
	if err != nil {
		return err
	}
	if string(v) != version {
		return fmt.Errorf("mapping version %q, want %q", v, version)
	}
	_, err = idx.DocCount()
	return err
}

// moveAside renames a bad index to "<path>.broken-<unix>" for inspection, keeping only
// the latest such copy, or removes it if it cannot be renamed.
func moveAside(path string) {
	removeGlob(path + ".broken-*")
	broken := fmt.Sprintf("%s.broken-%d", path, time.Now().Unix())
	if err := os.Rename(path, broken); err != nil {
		os.RemoveAll(path)
	}
}

func removeGlob(pattern string) {
	matches, _ := filepath.Glob(pattern)
	for _, m := range matches {
		os.RemoveAll(m)
	}
}
