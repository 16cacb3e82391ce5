package backups_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"px360/app"
	"px360/app/backups"
	"px360/install"
	"px360/store"
)

func TestScheduledBackupsAreVerifiedAuditedAndPruned(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.MkdirAll(filepath.Join(dir, "keys"), 0o700)
	os.WriteFile(filepath.Join(dir, "keys", "field.key"), make([]byte, 32), 0o600)
	svc := backups.New(st, dir, "test")
	svc.Keep = 2
	start := time.Date(2026, 11, 1, 2, 30, 0, 0, time.UTC)
	var paths []string
	for i := 0; i < 3; i++ {
		p, err := svc.Scheduled(ctx, start.AddDate(0, 0, i))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if got := svc.List(); len(got) != 2 || got[0] != filepath.Base(paths[2]) || got[1] != filepath.Base(paths[1]) {
		t.Fatalf("kept %v, want the two newest", got)
	}
	m, err := install.VerifyArchive(paths[2])
	if err != nil || m.SchemaVersion != store.LatestSchema() || m.Files["keys/field.key"] == "" {
		t.Fatalf("archive: %+v %v", m, err)
	}
	a, err := st.ListAudit(ctx, store.AuditFilter{Scope: app.Scope{All: true}, Action: "system.backup"})
	if err != nil || a.Count != 3 {
		t.Fatalf("backup audit rows: %d %v", a.Count, err)
	}
}
