// Package backups takes verified backups of the whole data directory (on demand from the
// CLI and daily from the scheduler), keeps the newest few, and records each in the audit
// log. The archive format and restore live in package install.
package backups

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"px360/app"
	"px360/install"
	"px360/store"
)

// Service backs up one data directory.
type Service struct {
	st      *store.Store
	dataDir string
	version string
	Keep    int // scheduled backups kept in DATA/backups
}

// New returns the backup service for dataDir.
func New(st *store.Store, dataDir, version string) *Service {
	return &Service{st: st, dataDir: dataDir, version: version, Keep: 14}
}

// Dir is where scheduled backups go.
func (s *Service) Dir() string { return filepath.Join(s.dataDir, "backups") }

// Backup writes an archive to out, reads it back to verify every checksum, and audits it.
func (s *Service) Backup(ctx context.Context, by app.Principal, out string) (install.Manifest, error) {
	ver, err := s.st.SchemaVersion(ctx)
	if err != nil {
		return install.Manifest{}, err
	}
	m, err := install.Backup(ctx, s.dataDir, out, s.st.Snapshot, install.BackupMeta{AppVersion: s.version, SchemaVersion: ver})
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if _, err := install.VerifyArchive(out); err != nil {
		return m, fmt.Errorf("backup written but failed verification: %w", err)
	}
	var size int64
	if fi, err := os.Stat(out); err == nil {
		size = fi.Size()
	}
	err = s.st.AuditOutside(ctx, by, app.Audit{Action: "system.backup", Entity: "backup", EntityID: filepath.Base(out),
		Summary: map[string]any{"file": out, "bytes": size, "members": len(m.Files), "schema": ver}})
	return m, err
}

// Scheduled is the nightly job's backup, taken by the system.
func (s *Service) Scheduled(ctx context.Context, now time.Time) (string, error) {
	return s.IntoDir(ctx, app.System, now)
}

// IntoDir writes DATA/backups/px360-<time>.tar.gz for by, verifies it, and prunes old ones.
func (s *Service) IntoDir(ctx context.Context, by app.Principal, now time.Time) (string, error) {
	if err := os.MkdirAll(s.Dir(), 0o700); err != nil {
		return "", err
	}
	out := filepath.Join(s.Dir(), "px360-"+now.UTC().Format("20060102-150405")+".tar.gz")
	if _, err := s.Backup(ctx, by, out); err != nil {
		return "", err
	}
	return out, s.prune()
}

// List returns the scheduled backups, newest first.
func (s *Service) List() []string {
	entries, _ := os.ReadDir(s.Dir())
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "px360-") && strings.HasSuffix(e.Name(), ".tar.gz") {
			names = append(names, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	return names
}

func (s *Service) prune() error {
	names := s.List()
	if s.Keep <= 0 || len(names) <= s.Keep {
		return nil
	}
	for _, n := range names[s.Keep:] {
		if err := os.Remove(filepath.Join(s.Dir(), n)); err != nil {
			return fmt.Errorf("prune backup %s: %w", n, err)
		}
	}
	return nil
}
