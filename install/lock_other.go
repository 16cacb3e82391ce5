//go:build !windows && !(unix && !aix)

package install

import (
	"errors"
	"os"
)

// lockFile is unsupported here: px360 ships for Linux and Windows only.
func lockFile(*os.File) error { return errors.ErrUnsupported }

// unlockFile is a no-op where locking is unsupported.
func unlockFile(*os.File) error { return nil }
