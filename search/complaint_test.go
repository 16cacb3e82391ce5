package search

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"px360/app"
)

func TestArabicStem(t *testing.T) {
	tests := []struct{ in, stem, alt string }{
		// One stem for the inflections of ممرضة (nurse), given folded by app.NameKey.
		{"الممرضات", "ممرض", ""},
		{"الممرضه", "ممرض", ""},
		{"ممرضه", "ممرض", ""},
		{"ممرضات", "ممرض", ""},
		{"والممرضين", "ممرض", ""},
		{"الممرضون", "ممرض", ""},
		{"ممرضتان", "ممرض", ""},
		{"للممرضين", "ممرض", ""},
		{"بالممرضه", "ممرض", ""},
		{"ممرضتهم", "ممرض", ""},  // pronoun, then the ة written ت before it
		{"ممرضاتها", "ممرض", ""}, // pronoun, then plural
		{"وممرضه", "وممرض", "ممرض"},
		// المستشفى and its plural.
		{"المستشفي", "مستشف", ""},
		{"مستشفيات", "مستشف", ""},
		{"بالمستشفي", "مستشف", ""},
		{"والمستشفيات", "مستشف", ""},
		// Minimum lengths keep short words whole.
		{"الم", "الم", ""},       // pain: "م" would be too short
		{"الدم", "دم", ""},       // the blood
		{"مكان", "مكان", ""},     // not a dual
		{"وقت", "وقت", ""},       // too short to drop و
		{"وقتهم", "وقت", "قتهم"}, // ت of the root kept: وق would be too short
		{"طبيه", "طبي", ""},
		{"طبي", "طبي", ""},
		{"علاج", "علاج", ""},
		{"اطباء", "اطباء", ""}, // broken plural: left alone
		// A leading و: root letter or "and"; both readings.
		{"وفاه", "وفا", "فاه"},
		{"الوفاه", "وفا", ""},
		{"والده", "والد", ""}, // "ده" too short for a second reading
		{"وللمريض", "وللمريض", "مريض"},
	}
	for _, tt := range tests {
		stem, alt := arabicStems(tt.in)
		if stem != tt.stem || alt != tt.alt {
			t.Errorf("arabicStems(%s) = %s, %q; want %s, %q", tt.in, stem, alt, tt.stem, tt.alt)
		}
	}
}

func TestComplaintTerms(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"الممرضات", "ممرض"},
		{"المُمَرِّضَة", "ممرض"},
		{"الممـــرضة", "ممرض"},
		{"أطباء إطباء اطباء", "اطباء اطباء اطباء"},
		{"في المستشفى على الطبيب", "مستشف طبيب"},
		{"وفاة", "وفا|فاه"},
		{"The nurses were waiting", "nurs wait"},
		{"NURSE waited", "nurs wait"},
		{"a the of في على", ""},
		{"ER 2024 طوارئ", "er 2024 طوارئ"},
	}
	for _, tt := range tests {
		var words []string
		for _, g := range complaintTerms(tt.in) {
			words = append(words, strings.Join(g, "|"))
		}
		if got := strings.Join(words, " "); got != tt.want {
			t.Errorf("complaintTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var (
	day0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	// complaintFixture: hospitals 1 (A) and 2 (B).
	complaintFixture = []app.ComplaintDoc{
		{ID: 1, HospitalID: 1, Status: app.StatusOpen, Severity: app.SeverityHigh, CategoryID: 10, CreatedAt: day0,
			Text: "تأخر الممرضات في الاستجابة لنداء المريض في قسم الطوارئ"},
		{ID: 2, HospitalID: 1, Status: app.StatusResolved, Severity: app.SeverityLow, CategoryID: 11, CreatedAt: day0.AddDate(0, 0, 1),
			Text: "The nurses were rude and the patient waited three hours"},
		{ID: 3, HospitalID: 1, Status: app.StatusInProgress, Severity: app.SeverityMedium, CategoryID: 10, CreatedAt: day0.AddDate(0, 0, 2),
			Text: "نقص عدد الأطباء في العيادة المسائية"},
		{ID: 4, HospitalID: 2, Status: app.StatusOpen, Severity: app.SeverityCritical, CategoryID: 12, CreatedAt: day0.AddDate(0, 0, 3),
			Text: "الممرضة لم تعط الدواء في الوقت المحدد"},
		{ID: 5, HospitalID: 2, Status: app.StatusClosed, Severity: app.SeverityHigh, CategoryID: 11, CreatedAt: day0.AddDate(0, 1, 0),
			Text: "Billing error at reception; والموظف لم يرد على الهاتف"},
		{ID: 6, HospitalID: 1, Status: app.StatusOpen, Severity: app.SeverityLow, CategoryID: 13, CreatedAt: day0.AddDate(0, 2, 0),
			Text: "Long wait at the pharmacy, nurse unavailable. انتظار طويل في الصيدلية"},
	}
)

func openComplaints(t testing.TB, dir string) *ComplaintIndex {
	t.Helper()
	x, err := OpenComplaints(dir)
	if err != nil {
		t.Fatalf("OpenComplaints: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func openComplaintFixture(t testing.TB) *ComplaintIndex {
	t.Helper()
	x := openComplaints(t, t.TempDir())
	if err := x.Put(complaintFixture...); err != nil {
		t.Fatal(err)
	}
	return x
}

func searchIDs(t *testing.T, x *ComplaintIndex, q ComplaintQuery) ComplaintHits {
	t.Helper()
	hits, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return hits
}

// expectComplaints checks the hits of q as a set.
func expectComplaints(t *testing.T, x *ComplaintIndex, q ComplaintQuery, want ...int64) {
	t.Helper()
	hits := searchIDs(t, x, q)
	got := slices.Sorted(slices.Values(hits.IDs))
	slices.Sort(want)
	if !slices.Equal(got, want) || hits.Total != uint64(len(want)) {
		t.Errorf("Search(%+v) = %v (total %d), want %v", q, got, hits.Total, want)
	}
}

func text(s string) ComplaintQuery { return ComplaintQuery{Scope: all, Text: s} }

func TestComplaintArabicSearch(t *testing.T) {
	x := openComplaintFixture(t)
	// The example: الممرضات (doc 1) and الممرضة (doc 4) are one word.
	for _, q := range []string{"الممرضة", "الممرضات", "المُمَرِّضَة", "ممرضه", "والممرضين", "ممرضة", "الممرضـــة"} {
		expectComplaints(t, x, text(q), 1, 4)
	}
	// Alef variants and diacritics.
	expectComplaints(t, x, text("أطباء"), 3)
	expectComplaints(t, x, text("اطباء"), 3)
	expectComplaints(t, x, text("الأطبَّاء"), 3)
	expectComplaints(t, x, text("الاستجابة"), 1)
	expectComplaints(t, x, text("استجابه"), 1)
	// Every word is required, in any order.
	expectComplaints(t, x, text("ممرضة الطوارئ"), 1)
	expectComplaints(t, x, text("الدواء الممرضات"), 4)
	expectComplaints(t, x, text("الدواء الطوارئ"))
	// A leading و read as "and": والموظف finds موظف.
	expectComplaints(t, x, text("الموظف"), 5)
	expectComplaints(t, x, text("موظفين"), 5)
	// Mixed text.
	expectComplaints(t, x, text("انتظار الصيدلية"), 6)
	expectComplaints(t, x, text("pharmacy الصيدلية"), 6)
}

func TestComplaintEnglishSearch(t *testing.T) {
	x := openComplaintFixture(t)
	expectComplaints(t, x, text("nurses"), 2, 6)
	expectComplaints(t, x, text("nurse"), 2, 6)
	expectComplaints(t, x, text("NURSING"), 2, 6)
	expectComplaints(t, x, text("waiting"), 2, 6)
	expectComplaints(t, x, text("waited"), 2, 6)
	expectComplaints(t, x, text("rude nurse"), 2)
	expectComplaints(t, x, text("billing errors"), 5)
	expectComplaints(t, x, text("surgery"))
}

func TestComplaintBlankText(t *testing.T) {
	x := openComplaintFixture(t)
	// No searchable word: filters only, newest first.
	for _, s := range []string{"", "   ", "the of في"} {
		hits := searchIDs(t, x, text(s))
		if want := []int64{6, 5, 4, 3, 2, 1}; !slices.Equal(hits.IDs, want) || hits.Total != 6 {
			t.Errorf("Search(%q) = %v (total %d), want %v", s, hits.IDs, hits.Total, want)
		}
	}
}

func TestComplaintFilters(t *testing.T) {
	x := openComplaintFixture(t)
	q := func(f func(*ComplaintQuery)) ComplaintQuery {
		q := ComplaintQuery{Scope: all}
		f(&q)
		return q
	}
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.HospitalID = 2 }), 4, 5)
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.Statuses = []app.ComplaintStatus{app.StatusOpen} }), 1, 4, 6)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Statuses = []app.ComplaintStatus{app.StatusResolved, app.StatusClosed}
	}), 2, 5)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Severities = []app.Severity{app.SeverityHigh, app.SeverityCritical}
	}), 1, 4, 5)
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.CategoryIDs = []int64{10} }), 1, 3)
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.CategoryIDs = []int64{11, 13} }), 2, 5, 6)
	// From inclusive, To exclusive.
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.From = day0.AddDate(0, 0, 1) }), 2, 3, 4, 5, 6)
	expectComplaints(t, x, q(func(q *ComplaintQuery) { q.To = day0.AddDate(0, 0, 2) }), 1, 2)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.From, q.To = day0.AddDate(0, 0, 1), day0.AddDate(0, 1, 0)
	}), 2, 3, 4)
	// Filters combine with each other and with text.
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Text, q.Statuses = "الممرضة", []app.ComplaintStatus{app.StatusOpen}
	}), 1, 4)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Text, q.HospitalID = "الممرضة", 1
	}), 1)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Text, q.Severities = "nurse", []app.Severity{app.SeverityLow}
	}), 2, 6)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Text, q.Severities, q.From = "nurse", []app.Severity{app.SeverityLow}, day0.AddDate(0, 1, 0)
	}), 6)
	expectComplaints(t, x, q(func(q *ComplaintQuery) {
		q.Text, q.CategoryIDs, q.Statuses = "الممرضة", []int64{12}, []app.ComplaintStatus{app.StatusClosed}
	}))
}

func TestComplaintScope(t *testing.T) {
	x := openComplaintFixture(t)
	scoped := func(scope app.Scope, s string, hospital int64) ComplaintQuery {
		return ComplaintQuery{Scope: scope, Text: s, HospitalID: hospital}
	}
	expectComplaints(t, x, scoped(hospA, "الممرضة", 0), 1)
	expectComplaints(t, x, scoped(hospB, "الممرضة", 0), 4)
	expectComplaints(t, x, scoped(hospA, "", 0), 1, 2, 3, 6)
	expectComplaints(t, x, scoped(hospB, "", 0), 4, 5)
	expectComplaints(t, x, scoped(app.Scope{HospitalIDs: []int64{1, 2}}, "الممرضة", 0), 1, 4)
	// A's scope never returns B, even when asked for B.
	expectComplaints(t, x, scoped(hospA, "", 2))
	expectComplaints(t, x, scoped(hospA, "billing", 0))
	expectComplaints(t, x, scoped(hospA, "billing", 2))
	// No hospitals: nothing.
	expectComplaints(t, x, scoped(app.Scope{}, "", 0))
	expectComplaints(t, x, scoped(app.Scope{}, "الممرضة", 1))
}

func TestComplaintPagination(t *testing.T) {
	x := openComplaints(t, t.TempDir())
	var docs []app.ComplaintDoc
	for i := range 45 {
		docs = append(docs, app.ComplaintDoc{ID: int64(i + 1), HospitalID: int64(1 + i%2), Status: app.StatusOpen,
			Severity: app.SeverityLow, CreatedAt: day0.Add(time.Duration(i) * time.Hour),
			Text: strings.Repeat("الممرضة ", 1+i%3) + "complaint"})
	}
	if err := x.Put(docs...); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "ممرضات"} {
		var seen []int64
		for offset := 0; ; offset += 10 {
			hits := searchIDs(t, x, ComplaintQuery{Scope: all, Text: s, Limit: 10, Offset: offset})
			if hits.Total != 45 {
				t.Fatalf("%q: Total = %d, want 45", s, hits.Total)
			}
			if len(hits.IDs) == 0 {
				break
			}
			seen = append(seen, hits.IDs...)
		}
		if len(seen) != 45 {
			t.Errorf("%q: %d ids over the pages, want 45", s, len(seen))
		}
		slices.Sort(seen)
		if len(slices.Compact(seen)) != 45 {
			t.Errorf("%q: pages overlap", s)
		}
	}
	// Best first: the text three times beats once.
	hits := searchIDs(t, x, ComplaintQuery{Scope: all, Text: "الممرضة", Limit: 15})
	for _, id := range hits.IDs {
		if (id-1)%3 != 2 {
			t.Errorf("top 15 hold %d, which has the word once or twice: %v", id, hits.IDs)
			break
		}
	}
	// Newest first without text; scope counts.
	hits = searchIDs(t, x, ComplaintQuery{Scope: hospA, Limit: 3, Offset: 1})
	if want := []int64{43, 41, 39}; !slices.Equal(hits.IDs, want) || hits.Total != 23 {
		t.Errorf("hospital 1, offset 1: %v (total %d), want %v (total 23)", hits.IDs, hits.Total, want)
	}
	// Default and maximum limits.
	if hits := searchIDs(t, x, ComplaintQuery{Scope: all}); len(hits.IDs) != defaultLimit {
		t.Errorf("default limit: %d hits", len(hits.IDs))
	}
	if hits := searchIDs(t, x, ComplaintQuery{Scope: all, Offset: -5, Limit: 1000}); len(hits.IDs) != 45 {
		t.Errorf("limit 1000: %d hits", len(hits.IDs))
	}
}

func TestComplaintPutReplacesAndDelete(t *testing.T) {
	x := openComplaintFixture(t)
	changed := complaintFixture[0]
	changed.Text = "شكر وتقدير للطاقم الطبي"
	changed.Status = app.StatusClosed
	if err := x.Put(changed); err != nil {
		t.Fatal(err)
	}
	expectComplaints(t, x, text("الممرضة"), 4)
	expectComplaints(t, x, text("تقدير"), 1)
	expectComplaints(t, x, ComplaintQuery{Scope: all, Statuses: []app.ComplaintStatus{app.StatusOpen}}, 4, 6)

	if err := x.Delete(4, 999); err != nil {
		t.Fatal(err)
	}
	expectComplaints(t, x, text("الممرضة"))
	expectComplaints(t, x, text(""), 1, 2, 3, 5, 6)
	if err := x.Put(); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(); err != nil {
		t.Fatal(err)
	}
}

func TestComplaintOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	x := openComplaints(t, dir)
	if !x.NeedsRebuild() || x.Status() != "ready" {
		t.Errorf("fresh: NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
	}
	if err := x.Put(complaintFixture...); err != nil {
		t.Fatal(err)
	}
	x.Close()
	if _, err := x.Search(context.Background(), text("nurse")); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v", err)
	}
	if err := x.Put(complaintFixture...); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close: %v", err)
	}
	// The people index lives next to it, untouched.
	p := mustOpen(t, dir)
	if err := p.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	x = openComplaints(t, dir)
	if !x.NeedsRebuild() {
		t.Error("reopened, never rebuilt: NeedsRebuild() = false")
	}
	expectComplaints(t, x, text("nurse"), 2, 6)
	expect(t, p, all, "", "moh", "staff:1", "staff:2", "patient:11")
	if got := entries(t, dir); !slices.Equal(got, []string{complaintsName, peopleName}) {
		t.Errorf("index dir holds %v", got)
	}
}

// checkComplaintsReplaced checks that OpenComplaints set a bad index aside for a working empty one.
func checkComplaintsReplaced(t *testing.T, dir string) {
	t.Helper()
	x := openComplaints(t, dir)
	if !x.NeedsRebuild() {
		t.Error("NeedsRebuild() = false after a bad index")
	}
	var broken int
	for _, name := range entries(t, dir) {
		if strings.HasPrefix(name, complaintsName+".broken-") {
			broken++
		}
	}
	if broken != 1 {
		t.Errorf("%d broken copies in %v, want 1", broken, entries(t, dir))
	}
	expectComplaints(t, x, text(""))
	if err := x.Put(complaintFixture...); err != nil {
		t.Fatal(err)
	}
	expectComplaints(t, x, text("الممرضة"), 1, 4)
}

func TestComplaintOpenCorrupt(t *testing.T) {
	t.Run("garbage file", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, complaintsName), []byte("not an index"), 0o644)
		checkComplaintsReplaced(t, dir)
	})
	t.Run("corrupt store", func(t *testing.T) {
		dir := t.TempDir()
		x := openComplaints(t, dir)
		if err := x.Put(complaintFixture...); err != nil {
			t.Fatal(err)
		}
		x.Close()
		store := filepath.Join(dir, complaintsName, "store")
		des, err := os.ReadDir(store)
		if err != nil || len(des) == 0 {
			t.Fatalf("store: %v, %d files", err, len(des))
		}
		for _, de := range des {
			os.WriteFile(filepath.Join(store, de.Name()), []byte(strings.Repeat("garbage!", 1024)), 0o644)
		}
		checkComplaintsReplaced(t, dir)
	})
	t.Run("other version", func(t *testing.T) {
		dir := t.TempDir()
		idx, err := bleve.New(filepath.Join(dir, complaintsName), newComplaintMapping())
		if err != nil {
			t.Fatal(err)
		}
		idx.SetInternal(keyVersion, []byte("complaints-0"))
		idx.SetInternal(keyComplete, []byte("1"))
		idx.Close()
		checkComplaintsReplaced(t, dir)
	})
	t.Run("people index in its place", func(t *testing.T) {
		dir := t.TempDir()
		p := mustOpen(t, dir)
		p.Close()
		if err := os.Rename(filepath.Join(dir, peopleName), filepath.Join(dir, complaintsName)); err != nil {
			t.Fatal(err)
		}
		checkComplaintsReplaced(t, dir)
	})
}

// complaintSource hands out docs in batches, calling after (if set) after each batch.
type complaintSource struct {
	docs  []app.ComplaintDoc
	batch int
	after func(n int) error
}

func (s *complaintSource) EachComplaintDoc(ctx context.Context, fn func([]app.ComplaintDoc) error) error {
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

func TestComplaintRebuild(t *testing.T) {
	dir := t.TempDir()
	x := openComplaints(t, dir)
	stale := app.ComplaintDoc{ID: 999_999, HospitalID: 1, Status: app.StatusOpen, Text: "stale zebra"}
	if err := x.Put(stale); err != nil {
		t.Fatal(err)
	}
	docs := genComplaints(1, 10_000)
	late := app.ComplaintDoc{ID: 20_000, HospitalID: 3, Status: app.StatusOpen, CreatedAt: day0, Text: "late giraffe"}
	ctx := context.Background()
	src := &complaintSource{docs: docs, batch: 500, after: func(n int) error {
		if n != 3 {
			return nil
		}
		if s := x.Status(); s != "rebuilding" {
			t.Errorf("Status() during Rebuild = %q", s)
		}
		if err := x.Rebuild(ctx, &complaintSource{}); !errors.Is(err, ErrRebuilding) {
			t.Errorf("second Rebuild: %v, want ErrRebuilding", err)
		}
		// The live index still answers, and takes writes that are replayed after the swap.
		expectComplaints(t, x, text("zebra"), 999_999)
		if err := x.Put(late); err != nil {
			return err
		}
		expectComplaints(t, x, text("giraffe"), 20_000)
		return x.Delete(7)
	}}
	start := time.Now()
	if err := x.Rebuild(ctx, src); err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt %d complaints in %v", len(docs), time.Since(start))
	check := func() {
		t.Helper()
		if x.NeedsRebuild() || x.Status() != "ready" {
			t.Errorf("NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
		}
		expectComplaints(t, x, text("zebra"))
		expectComplaints(t, x, text("giraffe"), 20_000)
		all := searchIDs(t, x, text(""))
		if all.Total != uint64(len(docs)) { // 10,000 - 1 deleted + 1 late
			t.Errorf("Total = %d, want %d", all.Total, len(docs))
		}
		want := 0
		for _, d := range docs {
			if d.HospitalID == 2 && d.Status == app.StatusOpen && d.ID != 7 {
				want++
			}
		}
		hits := searchIDs(t, x, ComplaintQuery{Scope: hospB, Statuses: []app.ComplaintStatus{app.StatusOpen}})
		if hits.Total != uint64(want) {
			t.Errorf("hospital 2, open: %d, want %d", hits.Total, want)
		}
	}
	check()
	if got := entries(t, dir); !slices.Equal(got, []string{complaintsName}) {
		t.Errorf("index dir holds %v", got)
	}
	x.Close()
	x = openComplaints(t, dir)
	check()
}

func TestComplaintRebuildFailureKeepsLiveIndex(t *testing.T) {
	dir := t.TempDir()
	x := openComplaints(t, dir)
	x.Put(complaintFixture...)
	boom := errors.New("boom")
	src := &complaintSource{docs: genComplaints(1, 500), batch: 100, after: func(int) error { return boom }}
	if err := x.Rebuild(context.Background(), src); !errors.Is(err, boom) {
		t.Fatalf("failing Rebuild: %v", err)
	}
	if !x.NeedsRebuild() || x.Status() != "ready" {
		t.Errorf("NeedsRebuild %v, Status %q", x.NeedsRebuild(), x.Status())
	}
	expectComplaints(t, x, text("nurse"), 2, 6)
	if got := entries(t, dir); !slices.Equal(got, []string{complaintsName}) {
		t.Errorf("index dir holds %v", got)
	}
}

// Deterministic bilingual complaint texts for tests and benchmarks.
var (
	wordsAR = strings.Fields(`الممرضة الممرضات الطبيب الأطباء المستشفى المستشفيات الموعد المواعيد
		الانتظار طويل تأخر الاستجابة الطوارئ العيادة الصيدلية الدواء الأدوية العلاج المريض المرضى
		الاستقبال الموظف الموظفين التعامل سيء غير لائق النظافة الغرفة السرير الطعام الوجبات التحاليل
		الأشعة نتيجة التقرير الفاتورة التأمين الموافقة التحويل القسم الجراحة العملية الألم الحرارة
		الإدارة الشكوى الرد الهاتف الاتصال الزيارة المرافق الأمن المواقف الإزعاج الخصوصية الأخطاء
		التشخيص الإهمال الولادة الأطفال الباطنية العظام العيون الأسنان الجلدية المختبر الحجز الإلغاء
		ساعات يوم أسبوع شهر متأخر مزدحم بارد حار مغلق مفتوح طلبت انتظرت راجعت اتصلت أخبرني رفض وافق`)
	wordsEN = strings.Fields(`nurse nurses doctor doctors hospital appointment appointments waiting
		waited long delay delayed response emergency clinic pharmacy medication medicine treatment
		patient patients reception staff rude behaviour cleanliness room bed food meals lab results
		radiology report invoice billing insurance approval referral department surgery operation pain
		management complaint reply phone call visit companion security parking noise privacy error
		diagnosis negligence maternity pediatric orthopedic ophthalmology dental dermatology booking
		cancelled hours day week month late crowded cold hot closed open requested asked refused`)
	wordsStop = []string{"في", "من", "على", "إلى", "the", "and", "was", "of", "to", "with"}
)

// complaintText returns a text of 40 to 120 words: Arabic (60%), English (25%) or mixed.
func complaintText(r *rand.Rand) string {
	n := 40 + r.IntN(81)
	var b strings.Builder
	lang := r.IntN(20)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		var vocab []string
		switch {
		case r.IntN(5) == 0:
			vocab = wordsStop
		case lang < 12 || lang >= 17 && r.IntN(2) == 0:
			vocab = wordsAR
		default:
			vocab = wordsEN
		}
		b.WriteString(vocab[r.IntN(len(vocab))])
	}
	return b.String()
}

// genComplaints makes n complaints with ids from..from+n-1 over 20 hospitals and 4 years.
func genComplaints(from, n int) []app.ComplaintDoc {
	r := rand.New(rand.NewPCG(uint64(from), uint64(n)))
	docs := make([]app.ComplaintDoc, n)
	for i := range docs {
		docs[i] = app.ComplaintDoc{
			ID:         int64(from + i),
			HospitalID: int64(1 + r.IntN(20)),
			Status:     app.ComplaintStatuses[r.IntN(len(app.ComplaintStatuses))],
			Severity:   app.Severities[r.IntN(len(app.Severities))],
			CategoryID: int64(100 + r.IntN(60)),
			CreatedAt:  day0.AddDate(-3, 0, 0).Add(time.Duration(r.IntN(4*365*24)) * time.Hour),
			Text:       complaintText(r),
		}
	}
	return docs
}

// BenchmarkComplaintRebuild rebuilds an index of 10,000 complaints per iteration, from a
// source handing out batches of 1,000 (the store's batch size).
func BenchmarkComplaintRebuild(b *testing.B) {
	docs := genComplaints(1, 10_000)
	x := openComplaints(b, b.TempDir())
	src := &complaintSource{docs: docs, batch: 1000}
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		if err := x.Rebuild(context.Background(), src); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
}

// BenchmarkComplaintSearch runs 1-3 keyword queries (Arabic, English or mixed; scoped to
// one hospital, three hospitals or all; some with a status filter) over 100,000 complaints,
// and reports the 50th, 95th and 99th percentile latencies.
func BenchmarkComplaintSearch(b *testing.B) {
	x := openComplaints(b, b.TempDir())
	src := &complaintSource{batch: 1000}
	for from := 1; from <= 100_000; from += 10_000 {
		src.docs = append(src.docs, genComplaints(from, 10_000)...)
	}
	start := time.Now()
	if err := x.Rebuild(context.Background(), src); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d complaints in %v", len(src.docs), time.Since(start))
	r := rand.New(rand.NewPCG(7, 7))
	queries := make([]ComplaintQuery, 500)
	for i := range queries {
		var words []string
		for range 1 + r.IntN(3) {
			vocab := wordsAR
			if r.IntN(3) == 0 {
				vocab = wordsEN
			}
			words = append(words, vocab[r.IntN(len(vocab))])
		}
		q := ComplaintQuery{Text: strings.Join(words, " "), Limit: 50}
		switch r.IntN(3) {
		case 0:
			q.Scope = app.Scope{HospitalIDs: []int64{int64(1 + r.IntN(20))}}
		case 1:
			q.Scope = app.Scope{HospitalIDs: []int64{1, 2, 3}}
		default:
			q.Scope = all
		}
		if r.IntN(3) == 0 {
			q.Statuses = []app.ComplaintStatus{app.StatusOpen, app.StatusInProgress}
		}
		queries[i] = q
	}
	var lat []time.Duration
	var total uint64
	ctx := context.Background()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		start := time.Now()
		hits, err := x.Search(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		total += hits.Total
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(total)/float64(len(lat)), "hits/op")
}

func TestComplaintGeneratedText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := len(strings.Fields(complaintText(r)))
		if n < 40 || n > 120 {
			t.Fatalf("%d words", n)
		}
	}
	if a, b := genComplaints(5, 3), genComplaints(5, 3); !slices.EqualFunc(a, b, func(x, y app.ComplaintDoc) bool {
		return fmt.Sprint(x) == fmt.Sprint(y)
	}) {
		t.Error("genComplaints is not deterministic")
	}
}
