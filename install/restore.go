package install

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Checker is called on the extracted database (in staging) before anything
// is swapped, so a bad or incompatible database never replaces DATA; the
// caller runs PRAGMA integrity_check and compares schema versions there.
type Checker func(ctx context.Context, dbPath string, m Manifest) error

// RestoreResult tells where the previous data went, so the operator can
// inspect or delete it.
type RestoreResult struct {
	Manifest Manifest
	Previous string // "" when DATA was absent or empty
}

// Restore replaces dataDir with the archive's content. It refuses (with
// ErrLocked wrapped) while a server holds DATA's lock, extracts into a
// sibling staging directory "<DATA>.restore-staging-<unix>" while verifying
// checksums, runs check on the staged database, and only then moves the old
// DATA aside to "<DATA>.before-restore-<YYYYMMDD-HHMMSS>" (or removes it if
// empty) and renames staging into place. Any failure before the swap removes
// staging and leaves DATA exactly as it was. A nil check skips the database
// check (checksums are still verified).
func Restore(ctx context.Context, dataDir, in string, check Checker, now time.Time) (RestoreResult, error) {
	if dataDir == "" {
		return RestoreResult{}, errors.New("restore: no data directory given")
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return RestoreResult{}, fmt.Errorf("restore: %w", err)
	}

	exists := false
	switch st, err := os.Stat(dataDir); {
	case err == nil && !st.IsDir():
		return RestoreResult{}, fmt.Errorf("restore: %s exists and is not a directory", dataDir)
	case err == nil:
		exists = true
	case !errors.Is(err, fs.ErrNotExist):
		return RestoreResult{}, fmt.Errorf("restore: %w", err)
	}

	unlock := func() error { return nil }
	if exists {
		u, err := LockDataDir(dataDir)
		if errors.Is(err, ErrLocked) {
			return RestoreResult{}, fmt.Errorf("restore: a px360 server is running on %s; stop it first: %w", dataDir, err)
		}
		if err != nil {
			return RestoreResult{}, fmt.Errorf("restore: %w", err)
		}
		unlock = u
	}
	defer unlock()

	staging, err := makeSibling(dataDir, fmt.Sprintf(".restore-staging-%d", now.Unix()), true)
	if err != nil {
		return RestoreResult{}, fmt.Errorf("restore: staging directory: %w", err)
	}
	keepStaging := false
	defer func() {
		if !keepStaging {
			os.RemoveAll(staging)
		}
	}()

	m, err := readArchive(ctx, in, func(name string, hdr *tar.Header, r io.Reader) error {
		return extractMember(staging, name, r)
	})
	if err != nil {
		return RestoreResult{}, fmt.Errorf("restore: %w", err)
	}
	if check != nil {
		if err := check(ctx, filepath.Join(staging, dbMember), m); err != nil {
			return RestoreResult{}, fmt.Errorf("restore: database check failed: %w", err)
		}
	}
	if err := finishLayout(staging); err != nil {
		return RestoreResult{}, fmt.Errorf("restore: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return RestoreResult{}, fmt.Errorf("restore: %w", err)
	}

	// Swap. Windows cannot rename a directory holding an open file, so the
	// lock is released first there: a server started in the few
	// milliseconds between unlock and rename could grab the old DATA (the
	// rename then fails and nothing changes) or, on either OS, recreate an
	// empty DATA between the two renames (the second rename then fails and
	// the old DATA is put back). On unix the lock travels with the renamed
	// directory and is released at return.
	if runtime.GOOS == "windows" {
		if err := unlock(); err != nil {
			return RestoreResult{}, fmt.Errorf("restore: release lock: %w", err)
		}
	}
	res := RestoreResult{Manifest: m}
	if exists {
		empty, err := isEmptyDataDir(dataDir)
		if err != nil {
			return RestoreResult{}, fmt.Errorf("restore: %w", err)
		}
		if empty {
			if err := os.RemoveAll(dataDir); err != nil {
				return RestoreResult{}, fmt.Errorf("restore: remove empty %s: %w", dataDir, err)
			}
		} else {
			prev, err := makeSibling(dataDir, ".before-restore-"+now.Format("20060102-150405"), false)
			if err != nil {
				return RestoreResult{}, fmt.Errorf("restore: %w", err)
			}
			if err := os.Rename(dataDir, prev); err != nil {
				return RestoreResult{}, fmt.Errorf("restore: move %s aside: %w", dataDir, err)
			}
			res.Previous = prev
		}
	}
	if err := os.Rename(staging, dataDir); err != nil {
		if res.Previous != "" {
			if rerr := os.Rename(res.Previous, dataDir); rerr != nil {
				keepStaging = true
				return RestoreResult{}, fmt.Errorf("restore: move %s to %s: %w; and putting the old data back from %s failed: %v (the restored data is in %s)",
					staging, dataDir, err, res.Previous, rerr, staging)
			}
		}
		return RestoreResult{}, fmt.Errorf("restore: move %s to %s: %w", staging, dataDir, err)
	}
	keepStaging = true
	syncDir(filepath.Dir(dataDir))
	return res, nil
}

// makeSibling picks "<dir><suffix>" (or "<dir><suffix>-N" if taken). With
// create it makes the directory (0700) atomically; otherwise it only returns
// a name that does not exist yet.
func makeSibling(dir, suffix string, create bool) (string, error) {
	for i := 0; i < 100; i++ {
		name := dir + suffix
		if i > 0 {
			name = fmt.Sprintf("%s-%d", name, i)
		}
		if create {
			err := os.Mkdir(name, 0o700)
			if err == nil {
				return name, nil
			}
			if !errors.Is(err, fs.ErrExist) {
				return "", err
			}
			continue
		}
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
	}
	return "", fmt.Errorf("too many existing %s%s* directories", dir, suffix)
}

// extractMember writes one member (already name-checked) under staging and
// syncs it. Everything in DATA is private to the service user, so files are
// 0600 and directories 0700.
func extractMember(staging, name string, r io.Reader) error {
	dst := filepath.Join(staging, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// finishLayout creates files/, keys/ and backups/ if absent and tightens
// keys/ to 0700 with 0600 files, whatever the archive or umask said.
func finishLayout(staging string) error {
	for _, d := range []string{filesDir, keysDir, backupsDir} {
		if err := os.MkdirAll(filepath.Join(staging, d), 0o700); err != nil {
			return err
		}
	}
	return filepath.WalkDir(filepath.Join(staging, keysDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, 0o700)
		}
		return os.Chmod(p, 0o600)
	})
}

// isEmptyDataDir reports whether dir holds nothing but our own .lock.
func isEmptyDataDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Name() != lockFileName {
			return false, nil
		}
	}
	return true, nil
}
