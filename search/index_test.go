package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"px360/app"
)

var (
	firstEN = []string{"Mohammed", "Ahmed", "Fatimah", "Khalid", "Noura", "Omar", "Sara", "Yousef"}
	firstAR = []string{"محمد", "أحمد", "فاطمة", "خالد", "نورة", "عمر", "سارة", "يوسف"}
	lastEN  = []string{"Alharbi", "Alqahtani", "Karim", "Hassan", "Saleh"}
	lastAR  = []string{"الحربي", "القحطاني", "كريم", "حسن", "صالح"}
)

// genDocs makes n patients and staff with ids from..from+n-1 in hospitals 1 to 4.
func genDocs(from, n int) []app.SearchDoc {
	docs := make([]app.SearchDoc, n)
	for i := range docs {
		id := from + i
		f, l := id%len(firstEN), (id/len(firstEN))%len(lastEN)
		d := app.SearchDoc{Kind: "patient", ID: int64(id), HospitalID: int64(1 + id%4),
			NameEN: firstEN[f] + " " + lastEN[l], NameAR: firstAR[f] + " " + lastAR[l],
			Code: fmt.Sprintf("MRN-%07d", id)}
		if id%5 == 0 {
			d.Kind, d.Code = "staff", fmt.Sprintf("E%05d", id)
		}
		docs[i] = d
	}
	return docs
}

// fakeSource hands out docs in batches, calling after (if set) after each batch.
type fakeSource struct {
	docs  []app.SearchDoc
	batch int
	after func(n int) error // n is the number of batches handed out
}

func (s *fakeSource) EachSearchDoc(ctx context.Context, fn func([]app.SearchDoc) error) error {
	for i, n := 0, 1; i < len(s.docs); i, n = i+s.batch, n+1 {
		if err := fn(s.docs[i:min(i+s.batch, len(s.docs))]); err != nil {
			return err
		}
		if s.after != nil {
			if err := s.after(n); err != nil {
				return err
			}
		}
	}
	return nil
}

func mustOpen(t *testing.T, dir string) *Index {
	t.Helper()
	x, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func docCount(t *testing.T, x *Index) uint64 {
	t.Helper()
	n, err := x.idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestOpenFresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index") // Open creates it
	x := mustOpen(t, dir)
	if !x.NeedsRebuild() {
		t.Error("fresh index: NeedsRebuild() = false")
	}
	if s := x.Status(); s != "ready" {
		t.Errorf("Status() = %q", s)
	}
	expect(t, x, all, "", "moh")
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	x.Close()

	// Documents persist, but the index was never rebuilt: it still needs one.
	x = mustOpen(t, dir)
	if !x.NeedsRebuild() {
		t.Error("reopened, never rebuilt: NeedsRebuild() = false")
	}
	expect(t, x, all, "", "moh", "staff:1", "staff:2", "patient:11")
}

// checkReplaced checks that Open set a bad index aside and gave a working empty one.
func checkReplaced(t *testing.T, dir string) {
	t.Helper()
	x := mustOpen(t, dir)
	if !x.NeedsRebuild() {
		t.Error("NeedsRebuild() = false after a bad index")
	}
	var broken int
	for _, name := range entries(t, dir) {
		if strings.HasPrefix(name, peopleName+".broken-") {
			broken++
		}
	}
	if broken != 1 {
		t.Errorf("%d broken copies in %v, want 1", broken, entries(t, dir))
	}
	if n := docCount(t, x); n != 0 {
		t.Errorf("DocCount = %d, want 0", n)
	}
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	expect(t, x, all, "", "احمد", "patient:10", "patient:21")
}

func TestOpenGarbageFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, peopleName), []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkReplaced(t, dir)
}

func TestOpenGarbageDir(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, peopleName)
	if err := os.MkdirAll(filepath.Join(p, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(p, "index_meta.json"), []byte("{garbage"), 0o644)
	os.WriteFile(filepath.Join(p, "store", "root.bolt"), []byte("garbage"), 0o644)
	checkReplaced(t, dir)
}

func TestOpenEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, peopleName), 0o755); err != nil {
		t.Fatal(err)
	}
	checkReplaced(t, dir)
}

func TestOpenCorruptStore(t *testing.T) {
	dir := t.TempDir()
	x := mustOpen(t, dir)
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	x.Close()
	// Overwrite every file of the store (bolt root and segments) with garbage.
	store := filepath.Join(dir, peopleName, "store")
	des, err := os.ReadDir(store)
	if err != nil || len(des) == 0 {
		t.Fatalf("store: %v, %d files", err, len(des))
	}
	for _, de := range des {
		garbage := []byte(strings.Repeat("garbage!", 1024))
		if err := os.WriteFile(filepath.Join(store, de.Name()), garbage, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkReplaced(t, dir)
}

func TestOpenOtherMappingVersion(t *testing.T) {
	dir := t.TempDir()
	idx, err := bleve.New(filepath.Join(dir, peopleName), newMapping())
	if err != nil {
		t.Fatal(err)
	}
	idx.SetInternal(keyVersion, []byte("people-0"))
	idx.SetInternal(keyComplete, []byte("1"))
	idx.Close()
	checkReplaced(t, dir)
}

func TestOpenKeepsOnlyLatestBrokenCopy(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, peopleName+".broken-1")
	os.Mkdir(old, 0o755)
	os.WriteFile(filepath.Join(dir, peopleName), []byte("junk"), 0o644)
	checkReplaced(t, dir)
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("older broken copy kept: %v", err)
	}
}

func TestRebuild(t *testing.T) {
	dir := t.TempDir()
	x := mustOpen(t, dir)
	stale := app.SearchDoc{Kind: "patient", ID: 99999, HospitalID: 1, NameEN: "Stale Person"}
	if err := x.Put(stale); err != nil {
		t.Fatal(err)
	}
	src := &fakeSource{docs: genDocs(0, 2500), batch: 300}
	if err := x.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if x.NeedsRebuild() || x.Status() != "ready" {
		t.Fatalf("after Rebuild: NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
	}
	check := func() {
		t.Helper()
		if n := docCount(t, x); n != 2500 {
			t.Errorf("DocCount = %d, want 2500", n)
		}
		expect(t, x, all, "", "stale")
		expect(t, x, all, "", "MRN-0002499", "patient:2499")
		expect(t, x, all, "", "e02495", "staff:2495")
		hits, err := x.People(context.Background(), hospB, "patient", "فاطمه", 1000)
		if err != nil {
			t.Fatal(err)
		}
		// Fatimah is first name 2, so her ids are 2 mod 8, all in hospital 3 (id 2 mod 4).
		if len(hits) != 0 {
			t.Errorf("فاطمه in hospital 2: %d hits, want 0", len(hits))
		}
		hits, err = x.People(context.Background(), app.Scope{HospitalIDs: []int64{3}}, "", "فاطمه", 1000)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, d := range src.docs {
			if d.ID%8 == 2 && d.HospitalID == 3 {
				want++
			}
		}
		if len(hits) != want || want == 0 {
			t.Errorf("فاطمه in hospital 3: %d hits, want %d", len(hits), want)
		}
	}
	check()
	if got := entries(t, dir); len(got) != 1 || got[0] != peopleName {
		t.Errorf("index dir holds %v, want only %s", got, peopleName)
	}

	// The rebuilt index survives a restart and no longer needs a rebuild.
	x.Close()
	x = mustOpen(t, dir)
	if x.NeedsRebuild() {
		t.Error("reopened after Rebuild: NeedsRebuild() = true")
	}
	check()
}

func TestRebuildWhileQuerying(t *testing.T) {
	x := mustOpen(t, t.TempDir())
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var queries, failures atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				hits, err := x.People(ctx, hospA, "", "ahmed hassan", 10)
				if err != nil || len(hits) != 1 || hits[0].ID != 10 {
					if failures.Add(1) == 1 {
						firstFailure.Store(fmt.Sprintf("hits %+v, err %v", hits, err))
					}
				}
				queries.Add(1)
			}
		}()
	}

	// The source holds the fixture minus patient 20, plus 2,500 generated docs.
	var docs []app.SearchDoc
	for _, d := range fixture {
		if d.ID != 20 {
			docs = append(docs, d)
		}
	}
	docs = append(docs, genDocs(1000, 2500)...)
	late := app.SearchDoc{Kind: "staff", ID: 5000, HospitalID: 1, NameEN: "Zebulon Late"}
	src := &fakeSource{docs: docs, batch: 250, after: func(n int) error {
		if n != 3 {
			return nil
		}
		if s := x.Status(); s != "rebuilding" {
			t.Errorf("Status() during Rebuild = %q", s)
		}
		if err := x.Rebuild(ctx, &fakeSource{}); !errors.Is(err, ErrRebuilding) {
			t.Errorf("second Rebuild: %v, want ErrRebuilding", err)
		}
		// Let queries run against the live index while the new one is half built.
		before := queries.Load()
		for deadline := time.Now().Add(5 * time.Second); queries.Load() < before+20 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		// Writes during the rebuild reach the live index now and the new one after the swap.
		if err := x.Put(late); err != nil {
			return err
		}
		expect(t, x, all, "", "zebulon", "staff:5000")
		return x.Delete("patient", 21)
	}}
	before := queries.Load()
	if err := x.Rebuild(ctx, src); err != nil {
		t.Fatal(err)
	}
	during := queries.Load() - before
	// A few more queries against the swapped-in index.
	for after := queries.Load(); queries.Load() < after+20; {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()

	if f := failures.Load(); f != 0 {
		t.Fatalf("%d of %d queries failed during Rebuild; first: %v", f, queries.Load(), firstFailure.Load())
	}
	if during < 20 {
		t.Fatalf("only %d queries ran during Rebuild", during)
	}
	if x.NeedsRebuild() || x.Status() != "ready" {
		t.Fatalf("after Rebuild: NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
	}
	expect(t, x, all, "", "zebulon", "staff:5000") // Put during the rebuild was replayed
	expect(t, x, all, "", "MRN-0004")              // so was the Delete
	expect(t, x, all, "", "fatimah z")             // patient 20 was not in the source
	expect(t, x, all, "", "MRN-0003499", "patient:3499")
	if n := docCount(t, x); n != uint64(len(docs)) {
		t.Errorf("DocCount = %d, want %d", n, len(docs))
	}
	t.Logf("%d queries, %d during Rebuild", queries.Load(), during)
}

func TestRebuildFailureKeepsLiveIndex(t *testing.T) {
	dir := t.TempDir()
	x := mustOpen(t, dir)
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	src := &fakeSource{docs: genDocs(0, 1000), batch: 100, after: func(n int) error {
		if n == 2 {
			cancel()
		}
		return nil
	}}
	if err := x.Rebuild(ctx, src); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Rebuild: %v", err)
	}
	boom := errors.New("boom")
	src = &fakeSource{docs: genDocs(0, 1000), batch: 100, after: func(int) error { return boom }}
	if err := x.Rebuild(context.Background(), src); !errors.Is(err, boom) {
		t.Fatalf("failing Rebuild: %v", err)
	}
	if !x.NeedsRebuild() || x.Status() != "ready" {
		t.Fatalf("after failed Rebuild: NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
	}
	expect(t, x, all, "", "moh", "staff:1", "staff:2", "patient:11")
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("index dir holds %v after failed rebuilds", got)
	}
}

func TestRebuildAfterClose(t *testing.T) {
	x := mustOpen(t, t.TempDir())
	x.Close()
	if err := x.Rebuild(context.Background(), &fakeSource{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Rebuild after Close: %v", err)
	}
}

func TestOpenRemovesRebuildLeftovers(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{peopleName + ".rebuild-123", peopleName + ".old-456"} {
		if err := os.MkdirAll(filepath.Join(dir, name, "store"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustOpen(t, dir)
	if got := entries(t, dir); len(got) != 1 || got[0] != peopleName {
		t.Errorf("index dir holds %v, want only %s", got, peopleName)
	}
}

func BenchmarkPut1000(b *testing.B) {
	x, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for i := 0; b.Loop(); i++ {
		if err := x.Put(genDocs(i*1000, 1000)...); err != nil {
			b.Fatal(err)
		}
	}
}
