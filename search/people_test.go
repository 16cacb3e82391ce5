package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"px360/app"
)

var (
	all   = app.Scope{All: true}
	hospA = app.Scope{HospitalIDs: []int64{1}}
	hospB = app.Scope{HospitalIDs: []int64{2}}
)

// fixture: staff and patients in hospitals 1 (A) and 2 (B).
var fixture = []app.SearchDoc{
	{Kind: "staff", ID: 1, HospitalID: 1, NameEN: "Mohammed Ali", NameAR: "محمد علي", Code: "E100"},
	{Kind: "patient", ID: 10, HospitalID: 1, NameEN: "Ahmed Hassan", NameAR: "أحمد حسن", Code: "MRN-0001"},
	{Kind: "patient", ID: 11, HospitalID: 1, NameEN: "Mohsen Karim", NameAR: "مُحسن كريم", Code: "MRN-0002"},
	{Kind: "staff", ID: 2, HospitalID: 2, NameEN: "Mohammad Saleh", NameAR: "مُحَمَّد صالح", Code: "E200"},
	{Kind: "patient", ID: 20, HospitalID: 2, NameEN: "Fatimah Zahra", NameAR: "فاطمة الزهراء", Code: "MRN-0003"},
	{Kind: "patient", ID: 21, HospitalID: 2, NameEN: "Ahmed Omar", NameAR: "أحمد عمر", Code: "MRN-0004"},
}

// openFixture opens an index in a temporary directory holding the fixture.
func openFixture(t testing.TB) *Index {
	t.Helper()
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if err := x.Put(fixture...); err != nil {
		t.Fatal(err)
	}
	return x
}

// ids runs a query and returns the hits as sorted "kind:id" strings.
func ids(t *testing.T, x *Index, scope app.Scope, kind, q string) []string {
	t.Helper()
	hits, err := x.People(context.Background(), scope, kind, q, 50)
	if err != nil {
		t.Fatalf("People(%q): %v", q, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%d", h.Kind, h.ID))
	}
	slices.Sort(out)
	return out
}

func expect(t *testing.T, x *Index, scope app.Scope, kind, q string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := ids(t, x, scope, kind, q); !slices.Equal(got, want) {
		t.Errorf("People(%v, %q, %q) = %v, want %v", scope, kind, q, got, want)
	}
}

func TestPeopleEnglishPrefix(t *testing.T) {
	x := openFixture(t)
	expect(t, x, all, "", "moh", "staff:1", "staff:2", "patient:11")
	expect(t, x, all, "", "MOH", "staff:1", "staff:2", "patient:11")
	expect(t, x, all, "staff", "moh", "staff:1", "staff:2")
	expect(t, x, all, "patient", "moh", "patient:11")
	expect(t, x, all, "", "mohammed", "staff:1")
	expect(t, x, all, "", "Moh Ali", "staff:1")
	expect(t, x, all, "", "ahmed o", "patient:21")
	expect(t, x, all, "", "hassan", "patient:10")
	expect(t, x, all, "", "xavier")
	expect(t, x, all, "", "   ")
	expect(t, x, all, "", "ohammed") // not a prefix
}

func TestPeopleArabicFolding(t *testing.T) {
	x := openFixture(t)
	for _, q := range []string{
		"احمد",     // plain alef; indexed with hamza "أحمد"
		"أحمد",     // as indexed
		"إحمد",     // alef with hamza below
		"أَحْمَدُ", // with harakat
		"احـــمد",  // with tatweel
		"احم",      // prefix
	} {
		expect(t, x, all, "", q, "patient:10", "patient:21")
	}
	// Indexed with diacritics, queried without: "مُحَمَّد", "مُحسن".
	expect(t, x, all, "", "محمد", "staff:1", "staff:2")
	expect(t, x, all, "", "مح", "staff:1", "staff:2", "patient:11")
	// Taa marbuta written as haa.
	expect(t, x, all, "", "فاطمه", "patient:20")
	expect(t, x, all, "", "احمد عمر", "patient:21")
}

func TestPeopleCodeExact(t *testing.T) {
	x := openFixture(t)
	expect(t, x, all, "", "MRN-0001", "patient:10")
	expect(t, x, all, "", "mrn-0001", "patient:10")
	expect(t, x, all, "", " E200 ", "staff:2")
	expect(t, x, all, "", "MRN-000") // codes match whole, not by prefix
	expect(t, x, all, "staff", "MRN-0001")

	// A code match ranks above name matches.
	if err := x.Put(app.SearchDoc{Kind: "patient", ID: 12, HospitalID: 1, NameEN: "E100 Smith", Code: "MRN-0012"}); err != nil {
		t.Fatal(err)
	}
	hits, err := x.People(context.Background(), all, "", "e100", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].Kind != "staff" || hits[0].ID != 1 || hits[0].HospitalID != 1 {
		t.Fatalf("hits for e100 = %+v, want staff:1 first then patient:12", hits)
	}
}

func TestPeopleRanking(t *testing.T) {
	x := openFixture(t)
	if err := x.Put(app.SearchDoc{Kind: "patient", ID: 13, HospitalID: 1, NameEN: "Ahmedi Nour"}); err != nil {
		t.Fatal(err)
	}
	hits, err := x.People(context.Background(), hospA, "", "ahmed", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].ID != 10 || hits[1].ID != 13 || hits[0].Score <= hits[1].Score {
		t.Fatalf("hits for ahmed = %+v, want the whole word (patient:10) before the prefix (patient:13)", hits)
	}
}

func TestPeopleScope(t *testing.T) {
	x := openFixture(t)
	expect(t, x, hospA, "", "moh", "staff:1", "patient:11")
	expect(t, x, hospB, "", "moh", "staff:2")
	expect(t, x, hospA, "", "MRN-0004")
	expect(t, x, hospB, "", "MRN-0004", "patient:21")
	expect(t, x, app.Scope{HospitalIDs: []int64{1, 2}}, "", "ahmed", "patient:10", "patient:21")
	expect(t, x, app.Scope{HospitalIDs: []int64{3}}, "", "ahmed")
	expect(t, x, app.Scope{}, "", "ahmed")
	expect(t, x, app.Scope{}, "", "MRN-0001")

	for _, q := range []string{"moh", "ahmed", "احمد", "MRN-0003", "e200"} {
		hits, err := x.People(context.Background(), hospA, "", q, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.HospitalID != 1 {
				t.Errorf("scope A, %q: got hit %+v from hospital %d", q, h, h.HospitalID)
			}
		}
	}

	// The scope filter is part of the query, so limit counts visible hits only.
	var many []app.SearchDoc
	for i := range 30 {
		many = append(many, app.SearchDoc{Kind: "patient", ID: int64(100 + i), HospitalID: 1, NameEN: "Zaid Ahmed"})
	}
	many = append(many, app.SearchDoc{Kind: "patient", ID: 200, HospitalID: 2, NameEN: "Zaid Omar"})
	if err := x.Put(many...); err != nil {
		t.Fatal(err)
	}
	hits, err := x.People(context.Background(), hospB, "", "zaid", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ID != 200 || hits[0].HospitalID != 2 {
		t.Fatalf("scope B, zaid, limit 5 = %+v, want patient:200", hits)
	}
	hits, err = x.People(context.Background(), hospA, "", "zaid", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 5 {
		t.Fatalf("scope A, zaid, limit 5: %d hits", len(hits))
	}
}

func TestDelete(t *testing.T) {
	x := openFixture(t)
	if err := x.Delete("patient", 10, 999); err != nil {
		t.Fatal(err)
	}
	expect(t, x, all, "", "ahmed", "patient:21")
	expect(t, x, all, "", "MRN-0001")
	// Deleting a patient id leaves a staff member with the same number alone.
	if err := x.Delete("patient", 1); err != nil {
		t.Fatal(err)
	}
	expect(t, x, all, "", "mohammed", "staff:1")
	if err := x.Delete("staff", 1, 2); err != nil {
		t.Fatal(err)
	}
	expect(t, x, all, "", "moh", "patient:11")
}

func TestPutReplaces(t *testing.T) {
	x := openFixture(t)
	renamed := app.SearchDoc{Kind: "staff", ID: 1, HospitalID: 2, NameEN: "Khalid Ali", NameAR: "خالد علي", Code: "E101"}
	if err := x.Put(renamed); err != nil {
		t.Fatal(err)
	}
	expect(t, x, all, "", "mohammed")
	expect(t, x, all, "", "محمد", "staff:2")
	expect(t, x, all, "", "E100")
	expect(t, x, all, "", "khal", "staff:1")
	expect(t, x, all, "", "خالد", "staff:1")
	expect(t, x, hospA, "", "khal") // moved to hospital 2
	expect(t, x, hospB, "", "E101", "staff:1")
	if n, _ := x.idx.DocCount(); n != uint64(len(fixture)) {
		t.Fatalf("DocCount = %d, want %d", n, len(fixture))
	}
}

func TestPutRejectsBadKind(t *testing.T) {
	x := openFixture(t)
	if err := x.Put(app.SearchDoc{Kind: "", ID: 1}); err == nil {
		t.Fatal("Put with empty kind succeeded")
	}
	if err := x.Put(app.SearchDoc{Kind: "a:b", ID: 1}); err == nil {
		t.Fatal("Put with ':' in kind succeeded")
	}
}

func TestPeopleAfterClose(t *testing.T) {
	x := openFixture(t)
	x.Close()
	if _, err := x.People(context.Background(), all, "", "moh", 10); err != ErrClosed {
		t.Fatalf("People after Close: %v, want ErrClosed", err)
	}
	if err := x.Put(fixture[0]); err != ErrClosed {
		t.Fatalf("Put after Close: %v, want ErrClosed", err)
	}
}

func BenchmarkPeopleQuery(b *testing.B) {
	x, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	docs := genDocs(0, 10000)
	for i := 0; i < len(docs); i += 1000 {
		if err := x.Put(docs[i : i+1000]...); err != nil {
			b.Fatal(err)
		}
	}
	scope := app.Scope{HospitalIDs: []int64{1, 3}}
	queries := []string{"moh", "noura al", "محمد", "MRN-0004242", "fat", "سارة"}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		hits, err := x.People(ctx, scope, "", queries[i%len(queries)], 20)
		if err != nil || len(hits) == 0 {
			b.Fatalf("%q: %d hits, %v", queries[i%len(queries)], len(hits), err)
		}
	}
}
