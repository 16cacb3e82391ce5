package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// makeDataDir builds a realistic DATA: a server ran there (so .lock exists),
// with a WAL database, attachments, keys, a search index and old backups.
func makeDataDir(t *testing.T, dir string) {
	t.Helper()
	unlock := mustLock(t, dir)
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	noise := func(n int) []byte { b := make([]byte, n); rng.Read(b); return b }
	files := map[string][]byte{
		"px360.db":                 append([]byte("SQLite format 3\x00"), noise(40000)...),
		"px360.db-wal":             []byte("wal frames"),
		"px360.db-shm":             []byte("shm"),
		"files/ab/abcdef0123":      noise(70000),
		"files/cd/cd99":            []byte("second attachment"),
		"files/empty":              {},
		"keys/session.key":         []byte("secret-session-key"),
		"keys/sub/signing.key":     []byte("secret-signing-key"),
		"index/store/root.bolt":    []byte("derived index"),
		"backups/old-backup.tgz":   []byte("an older archive"),
		"backups/nested/other.tgz": []byte("x"),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o644)
		if strings.HasPrefix(name, "keys/") {
			mode = 0o600
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
	}
}

// copySnap is a fake Snapshotter: it copies the plain px360.db file.
func copySnap(dataDir string) Snapshotter {
	return func(ctx context.Context, dst string) error {
		if _, err := os.Stat(dst); err == nil {
			return errors.New("snapshot destination already exists")
		}
		b, err := os.ReadFile(filepath.Join(dataDir, "px360.db"))
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	}
}

// treeState lists every entry under dir as "path -> kind:size:sha256".
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[rel] = fmt.Sprintf("file:%d:%x", len(b), sum)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return out
}

func subtree(state map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range state {
		if k == prefix || strings.HasPrefix(k, prefix+"/") {
			out[k] = v
		}
	}
	return out
}

func diffStates(a, b map[string]string) string {
	var diffs []string
	for k, v := range a {
		if b[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: %q -> %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: added %q", k, v))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}

// siblings returns the leftovers next to dataDir matching suffix*.
func siblings(t *testing.T, dataDir, suffix string) []string {
	t.Helper()
	m, err := filepath.Glob(dataDir + suffix + "*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// backupFixture makes DATA under a fresh temp dir and a good archive of it.
func backupFixture(t *testing.T) (root, dataDir, archive string, m Manifest) {
	t.Helper()
	root = t.TempDir()
	dataDir = filepath.Join(root, "DATA")
	makeDataDir(t, dataDir)
	archive = filepath.Join(root, "backup.tar.gz")
	m, err := Backup(context.Background(), dataDir, archive, copySnap(dataDir), BackupMeta{AppVersion: "1.2.3", SchemaVersion: 7})
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return root, dataDir, archive, m
}

func TestBackupContents(t *testing.T) {
	_, dataDir, archive, m := backupFixture(t)

	want := []string{"files/ab/abcdef0123", "files/cd/cd99", "files/empty", "keys/session.key", "keys/sub/signing.key", "px360.db"}
	var got []string
	for k := range m.Files {
		got = append(got, k)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("manifest members = %v, want %v", got, want)
	}
	if m.Format != "px360-backup/1" || m.AppVersion != "1.2.3" || m.SchemaVersion != 7 || m.CreatedAt.IsZero() {
		t.Errorf("manifest header = %+v", m)
	}
	db, _ := os.ReadFile(filepath.Join(dataDir, "px360.db"))
	if sum := sha256.Sum256(db); m.Files["px360.db"] != hex.EncodeToString(sum[:]) || m.Sizes["px360.db"] != int64(len(db)) {
		t.Errorf("px360.db checksum/size in manifest do not match the database")
	}

	// Raw archive order and header details.
	members := readMembers(t, archive)
	if members[0].hdr.Name != "manifest.json" {
		t.Fatalf("first member = %q, want manifest.json", members[0].hdr.Name)
	}
	for _, mem := range members {
		for _, bad := range []string{"index/", "backups/", ".lock", "-wal", "-shm", ".backup-snapshot"} {
			if strings.Contains(mem.hdr.Name, bad) {
				t.Errorf("archive contains %q, which must never be backed up", mem.hdr.Name)
			}
		}
		if mem.hdr.Name == "keys/session.key" && fs.FileMode(mem.hdr.Mode).Perm() != 0o600 && runtime.GOOS != "windows" {
			t.Errorf("key mode in archive = %o, want 0600", mem.hdr.Mode)
		}
	}

	// No temporary leftovers.
	if _, err := os.Stat(archive + ".tmp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s.tmp left behind (err=%v)", archive, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dataDir, ".backup-snapshot-*")); len(left) != 0 {
		t.Errorf("snapshot temp dirs left in DATA: %v", left)
	}

	vm, err := VerifyArchive(archive)
	if err != nil {
		t.Fatalf("VerifyArchive(good archive): %v", err)
	}
	if len(vm.Files) != len(m.Files) || !vm.CreatedAt.Equal(m.CreatedAt) {
		t.Errorf("VerifyArchive manifest differs from Backup's: %+v vs %+v", vm, m)
	}
}

func TestBackupFailures(t *testing.T) {
	tests := []struct {
		name    string
		snap    func(dataDir string) Snapshotter
		wantErr string
	}{
		{"snapshot error aborts without archive", func(string) Snapshotter {
			return func(context.Context, string) error { return errors.New("disk full") }
		}, "disk full"},
		{"snapshot that writes nothing aborts", func(string) Snapshotter {
			return func(context.Context, string) error { return nil }
		}, "database snapshot"},
		{"cancelled context aborts", func(d string) Snapshotter {
			return func(ctx context.Context, dst string) error {
				return copySnap(d)(ctx, dst)
			}
		}, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dataDir := filepath.Join(root, "DATA")
			makeDataDir(t, dataDir)
			ctx := context.Background()
			if strings.Contains(tt.name, "cancelled") {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			out := filepath.Join(root, "b.tar.gz")
			_, err := Backup(ctx, dataDir, out, tt.snap(dataDir), BackupMeta{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Backup error = %v, want containing %q", err, tt.wantErr)
			}
			for _, p := range []string{out, out + ".tmp"} {
				if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s exists after failed backup", p)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dataDir, ".backup-snapshot-*")); len(left) != 0 {
				t.Errorf("snapshot temp dirs left in DATA: %v", left)
			}
		})
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	_, dataDir, archive, m := backupFixture(t)
	before := treeState(t, dataDir)

	var checkedPath string
	check := func(ctx context.Context, dbPath string, got Manifest) error {
		checkedPath = dbPath
		if got.SchemaVersion != 7 {
			return fmt.Errorf("schema %d", got.SchemaVersion)
		}
		return nil
	}
	res, err := Restore(context.Background(), dataDir, archive, check, testNow)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if !strings.Contains(checkedPath, ".restore-staging-") || filepath.Base(checkedPath) != "px360.db" {
		t.Errorf("checker saw %q, want staging/px360.db", checkedPath)
	}
	wantPrev := dataDir + ".before-restore-20250304-050607"
	if res.Previous != wantPrev {
		t.Errorf("Previous = %q, want %q", res.Previous, wantPrev)
	}
	if res.Manifest.Files["px360.db"] != m.Files["px360.db"] {
		t.Errorf("result manifest differs from backup manifest")
	}
	if got := treeState(t, res.Previous); diffStates(before, got) != "" {
		t.Errorf("old DATA not kept intact in %s:\n%s", res.Previous, diffStates(before, got))
	}

	after := treeState(t, dataDir)
	for _, sub := range []string{"files", "keys"} {
		if d := diffStates(subtree(before, sub), subtree(after, sub)); d != "" {
			t.Errorf("%s/ differs after restore:\n%s", sub, d)
		}
	}
	if after["px360.db"] != before["px360.db"] {
		t.Errorf("px360.db differs after restore")
	}
	if _, ok := after["index"]; ok {
		t.Errorf("index/ restored, but it is never backed up")
	}
	if d := subtree(after, "backups"); len(d) != 1 || d["backups"] != "dir" {
		t.Errorf("backups/ should exist and be empty, got %v", d)
	}
	for _, k := range []string{"px360.db-wal", "px360.db-shm", ".lock"} {
		if _, ok := after[k]; ok {
			t.Errorf("%s present in restored DATA", k)
		}
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]fs.FileMode{"keys": 0o700, "keys/sub": 0o700, "keys/session.key": 0o600, "keys/sub/signing.key": 0o600} {
			st, err := os.Stat(filepath.Join(dataDir, p))
			if err != nil || st.Mode().Perm() != want {
				t.Errorf("%s mode = %v (err %v), want %v", p, st.Mode().Perm(), err, want)
			}
		}
	}
	if left := siblings(t, dataDir, ".restore-staging-"); len(left) != 0 {
		t.Errorf("staging left behind: %v", left)
	}

	// The restored DATA is usable: a server can lock it.
	unlock := mustLock(t, dataDir)
	unlock()
}

func TestRestoreIntoFreshDataDir(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dataDir string)
	}{
		{"DATA does not exist yet", func(*testing.T, string) {}},
		{"DATA exists but is empty", func(t *testing.T, d string) {
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, src, archive, _ := backupFixture(t)
			dataDir := filepath.Join(t.TempDir(), "new", "DATA")
			if err := os.MkdirAll(filepath.Dir(dataDir), 0o700); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dataDir)
			res, err := Restore(context.Background(), dataDir, archive, nil, testNow)
			if err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if res.Previous != "" {
				t.Errorf("Previous = %q, want \"\"", res.Previous)
			}
			if left := siblings(t, dataDir, ".before-restore-"); len(left) != 0 {
				t.Errorf("unexpected previous-data dirs: %v", left)
			}
			want, got := treeState(t, src), treeState(t, dataDir)
			for _, sub := range []string{"files", "keys", "px360.db"} {
				if d := diffStates(subtree(want, sub), subtree(got, sub)); d != "" {
					t.Errorf("%s differs:\n%s", sub, d)
				}
			}
		})
	}
}

type member struct {
	hdr  *tar.Header
	data []byte
}

func readMembers(t *testing.T, path string) []member {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []member
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, member{hdr, b})
	}
}

func writeMembers(t *testing.T, path string, members []member) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range members {
		h := *m.hdr
		h.Size = int64(len(m.data))
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rewriteArchive copies the good archive through edit into a new file.
func rewriteArchive(t *testing.T, good string, edit func([]member) []member) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "edited.tar.gz")
	writeMembers(t, out, edit(readMembers(t, good)))
	return out
}

func TestRestoreRefusals(t *testing.T) {
	type tc struct {
		name string
		// bad builds the archive to restore from the good one.
		bad       func(t *testing.T, good string) string
		check     Checker
		holdLock  bool
		wantIs    error
		wantAnyOf []string // the error must contain one of these
		verifyToo bool     // VerifyArchive must refuse it as well
	}
	tests := []tc{
		{
			name: "truncated archive (cut in half)",
			bad: func(t *testing.T, good string) string {
				b, _ := os.ReadFile(good)
				return writeTemp(t, b[:len(b)/2])
			},
			wantAnyOf: []string{"truncated or corrupt"}, verifyToo: true,
		},
		{
			name: "one byte flipped in the middle",
			bad: func(t *testing.T, good string) string {
				b, _ := os.ReadFile(good)
				b[len(b)/2] ^= 0xff
				return writeTemp(t, b)
			},
			wantAnyOf: []string{"truncated or corrupt", "sha256 mismatch"}, verifyToo: true,
		},
		{
			name: "member content altered, manifest unchanged",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					for i := range ms {
						if ms[i].hdr.Name == "keys/session.key" {
							ms[i].data = bytes.ToUpper(ms[i].data) // same size
						}
					}
					return ms
				})
			},
			wantAnyOf: []string{`"keys/session.key": sha256 mismatch`}, verifyToo: true,
		},
		{
			name: "listed file missing from archive",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					var out []member
					for _, m := range ms {
						if m.hdr.Name != "files/cd/cd99" {
							out = append(out, m)
						}
					}
					return out
				})
			},
			wantAnyOf: []string{`listed file "files/cd/cd99" is missing`}, verifyToo: true,
		},
		{
			name: "unlisted extra member",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					return append(ms, member{&tar.Header{Typeflag: tar.TypeReg, Name: "files/extra", Mode: 0o644}, []byte("x")})
				})
			},
			wantAnyOf: []string{`"files/extra" is not listed`}, verifyToo: true,
		},
		{
			name: "foreign tar.gz without manifest",
			bad: func(t *testing.T, good string) string {
				p := filepath.Join(t.TempDir(), "foreign.tar.gz")
				writeMembers(t, p, []member{{&tar.Header{Typeflag: tar.TypeReg, Name: "hello.txt", Mode: 0o644}, []byte("hi")}})
				return p
			},
			wantAnyOf: []string{"not a px360 backup archive"}, verifyToo: true,
		},
		{
			name: "manifest with another format",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					var m Manifest
					json.Unmarshal(ms[0].data, &m)
					m.Format = "other-backup/9"
					ms[0].data, _ = json.Marshal(m)
					return ms
				})
			},
			wantAnyOf: []string{"not a px360 backup archive"}, verifyToo: true,
		},
		{
			name: "plain non-gzip file",
			bad: func(t *testing.T, good string) string {
				return writeTemp(t, []byte("just some text, not an archive\n"))
			},
			wantAnyOf: []string{"not a px360 backup archive"}, verifyToo: true,
		},
		{
			name:      "empty file",
			bad:       func(t *testing.T, good string) string { return writeTemp(t, nil) },
			wantAnyOf: []string{"not a px360 backup archive"}, verifyToo: true,
		},
		{
			name: "member with ../ path",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					for i := range ms {
						if ms[i].hdr.Name == "files/cd/cd99" {
							ms[i].hdr.Name = "files/../../evil"
						}
					}
					return ms
				})
			},
			wantAnyOf: []string{`refusing member path "files/../../evil"`}, verifyToo: true,
		},
		{
			name: "absolute member path",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					return append(ms, member{&tar.Header{Typeflag: tar.TypeReg, Name: "/etc/evil", Mode: 0o644}, []byte("x")})
				})
			},
			wantAnyOf: []string{`refusing absolute member path "/etc/evil"`}, verifyToo: true,
		},
		{
			name: "symlink member",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					return append(ms, member{&tar.Header{Typeflag: tar.TypeSymlink, Name: "files/link", Linkname: "/etc/passwd"}, nil})
				})
			},
			wantAnyOf: []string{`refusing member "files/link": it is a link`}, verifyToo: true,
		},
		{
			name: "device member",
			bad: func(t *testing.T, good string) string {
				return rewriteArchive(t, good, func(ms []member) []member {
					return append(ms, member{&tar.Header{Typeflag: tar.TypeChar, Name: "files/dev", Devmajor: 1, Devminor: 3}, nil})
				})
			},
			wantAnyOf: []string{"device or special file"}, verifyToo: true,
		},
		{
			name:      "check func returns an error",
			bad:       func(t *testing.T, good string) string { return good },
			check:     func(context.Context, string, Manifest) error { return errors.New("integrity_check: page 3 bad") },
			wantAnyOf: []string{"database check failed: integrity_check: page 3 bad"},
		},
		{
			name:      "restore while the lock is held",
			bad:       func(t *testing.T, good string) string { return good },
			holdLock:  true,
			wantIs:    ErrLocked,
			wantAnyOf: []string{"a px360 server is running on", "stop it first"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, dataDir, good, _ := backupFixture(t)
			archive := tt.bad(t, good)
			if tt.holdLock {
				unlock := mustLock(t, dataDir)
				defer unlock()
			}
			before := treeState(t, root)
			checkCalled := false
			check := tt.check
			if check == nil {
				check = func(context.Context, string, Manifest) error { checkCalled = true; return nil }
			}

			_, err := Restore(context.Background(), dataDir, archive, check, testNow)
			if err == nil {
				t.Fatalf("Restore succeeded, want refusal")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if !containsAny(err.Error(), tt.wantAnyOf) {
				t.Errorf("error %q, want one of %q", err, tt.wantAnyOf)
			}
			if checkCalled {
				t.Errorf("checker called for an archive that should have been refused first")
			}
			if d := diffStates(before, treeState(t, root)); d != "" {
				t.Errorf("DATA or its parent changed:\n%s", d)
			}
			if left := siblings(t, dataDir, ".restore-staging-"); len(left) != 0 {
				t.Errorf("staging left behind: %v", left)
			}
			if _, err := os.Stat(filepath.Join(root, "evil")); err == nil {
				t.Errorf("path traversal wrote %s", filepath.Join(root, "evil"))
			}

			if tt.verifyToo {
				_, verr := VerifyArchive(archive)
				if verr == nil || !containsAny(verr.Error(), tt.wantAnyOf) {
					t.Errorf("VerifyArchive error = %v, want one of %q", verr, tt.wantAnyOf)
				}
			}
		})
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive.tar.gz")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestCheckMemberName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"px360.db", true},
		{"files/ab/cdef", true},
		{"keys/session.key", true},
		{"", false},
		{"../x", false},
		{"files/../keys/x", false},
		{"files/./x", false},
		{"/files/x", false},
		{"files\\x", false},
		{"C:/files/x", false},
		{"index/x", false},
		{"backups/x.tgz", false},
		{"px360.db-wal", false},
		{"manifest.json", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.name), func(t *testing.T) {
			err := checkMemberName(tt.name)
			if (err == nil) != tt.ok {
				t.Fatalf("checkMemberName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
			}
		})
	}
}
