package install

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestLockDataDir(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, dir string)
	}{
		{"second lock in same process fails with ErrLocked", func(t *testing.T, dir string) {
			unlock := mustLock(t, dir)
			defer unlock()
			if _, err := LockDataDir(dir); !errors.Is(err, ErrLocked) {
				t.Fatalf("second LockDataDir: got %v, want ErrLocked", err)
			}
		}},
		{"lock succeeds again after unlock", func(t *testing.T, dir string) {
			unlock := mustLock(t, dir)
			if err := unlock(); err != nil {
				t.Fatalf("unlock: %v", err)
			}
			if err := unlock(); err != nil {
				t.Fatalf("second unlock call should be a no-op, got %v", err)
			}
			unlock2 := mustLock(t, dir)
			if err := unlock2(); err != nil {
				t.Fatalf("unlock2: %v", err)
			}
		}},
		{"missing dir is created private with pid in .lock", func(t *testing.T, dir string) {
			sub := filepath.Join(dir, "a", "DATA")
			unlock := mustLock(t, sub)
			defer unlock()
			st, err := os.Stat(sub)
			if err != nil || !st.IsDir() {
				t.Fatalf("data dir not created: %v", err)
			}
			if runtime.GOOS != "windows" && st.Mode().Perm() != 0o700 {
				t.Errorf("data dir mode = %v, want 0700", st.Mode().Perm())
			}
			b, err := os.ReadFile(filepath.Join(sub, ".lock"))
			if err != nil {
				t.Fatalf("read .lock: %v", err)
			}
			if got := strings.TrimSpace(string(b)); got != strconv.Itoa(os.Getpid()) {
				t.Errorf(".lock holds %q, want pid %d", got, os.Getpid())
			}
		}},
		{"locks on different dirs are independent", func(t *testing.T, dir string) {
			u1 := mustLock(t, filepath.Join(dir, "one"))
			defer u1()
			u2 := mustLock(t, filepath.Join(dir, "two"))
			defer u2()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, t.TempDir()) })
	}
}

func mustLock(t *testing.T, dir string) func() error {
	t.Helper()
	unlock, err := LockDataDir(dir)
	if err != nil {
		t.Fatalf("LockDataDir(%s): %v", dir, err)
	}
	return unlock
}

func TestDefaultDataDir(t *testing.T) {
	got := DefaultDataDir()
	want := map[string]string{"linux": "/var/lib/px360", "darwin": "/usr/local/var/px360"}[runtime.GOOS]
	if runtime.GOOS == "windows" {
		if !strings.HasSuffix(got, `\PX360`) {
			t.Fatalf("DefaultDataDir() = %q, want ...\\PX360", got)
		}
		return
	}
	if want != "" && got != want {
		t.Fatalf("DefaultDataDir() = %q, want %q", got, want)
	}
}

// TestLockDataDirAcrossProcesses re-runs the test binary as a second process
// that must see the lock held by this one.
func TestLockDataDirAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("PX360_LOCK_HELPER_DIR"); dir != "" {
		_, err := LockDataDir(dir)
		if errors.Is(err, ErrLocked) {
			os.Exit(3)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	unlock := mustLock(t, dir)
	code := runLockHelper(t, dir)
	if code != 3 {
		t.Fatalf("other process while locked: exit %d, want 3 (ErrLocked)", code)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if code := runLockHelper(t, dir); code != 0 {
		t.Fatalf("other process after unlock: exit %d, want 0", code)
	}
}

func runLockHelper(t *testing.T, dir string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDataDirAcrossProcesses$")
	cmd.Env = append(os.Environ(), "PX360_LOCK_HELPER_DIR="+dir)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	return 0
}
