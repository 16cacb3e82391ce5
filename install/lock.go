package install

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// ErrLocked is returned (wrapped) when another process holds DATA's lock, so
// two servers (or a server and a restore) never write the same data at once.
var ErrLocked = errors.New("data directory is in use by another px360 process")

// lockFileName is the file inside DATA that carries the OS lock.
const lockFileName = ".lock"

// LockDataDir creates dir (0700) if missing and takes an exclusive,
// non-blocking OS lock on dir/.lock, so only one px360 process uses DATA at a
// time. The OS drops the lock when the process dies, so there is no stale-lock
// problem; the pid written into the file is only for humans. unlock releases
// the lock and may be called more than once.
func LockDataDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is informational; failing to write it must not fail the lock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}

	var once sync.Once
	var unlockErr error
	return func() error {
		once.Do(func() {
			uerr := unlockFile(f)
			cerr := f.Close()
			unlockErr = errors.Join(uerr, cerr)
		})
		return unlockErr
	}, nil
}
