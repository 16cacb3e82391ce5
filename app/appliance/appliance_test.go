package appliance_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"px360/app"
	"px360/app/appliance"
)

// TestCorruptIndexIsRebuilt: a damaged search index does not stop the server; it is set
// aside and rebuilt from the database in the background.
func TestCorruptIndexIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: dir, Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	a.Close()
	for _, name := range []string{"people.bleve", "complaints.bleve"} {
		p := filepath.Join(dir, "index", name)
		os.RemoveAll(p)
		if err := os.WriteFile(p, []byte("not an index"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, err = appliance.Open(ctx, appliance.Config{DataDir: dir, Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatalf("a corrupt index stopped the appliance: %v", err)
	}
	defer a.Close()
	if !a.Index.NeedsRebuild() || !a.ComplaintIndex.NeedsRebuild() {
		t.Fatal("the corrupt indexes were not flagged for a rebuild")
	}
	if err := a.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if hits, err := a.Index.People(ctx, app.Scope{All: true}, "", "abdullah", 10); err != nil || len(hits) != 2 {
		t.Fatalf("search after the rebuild: %v %v", hits, err)
	}
}
