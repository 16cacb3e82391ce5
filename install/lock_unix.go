//go:build unix && !aix

package install

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes a flock, which belongs to the open file description: a
// second open+flock conflicts even inside the same process.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK), errors.Is(err, unix.EAGAIN):
			return ErrLocked
		default:
			return err
		}
	}
}

// unlockFile releases the flock; closing the file would release it too.
func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
