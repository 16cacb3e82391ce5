package install

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir returns the default DATA for a service install, following
// each platform's convention for machine-wide service state: /var/lib/px360
// on Linux, %ProgramData%\PX360 on Windows (C:\ProgramData\PX360 if unset),
// and /usr/local/var/px360 elsewhere.
func DefaultDataDir() string {
	switch runtime.GOOS {
	case "linux":
		return "/var/lib/px360"
	case "windows":
		if pd := os.Getenv("ProgramData"); pd != "" {
			return filepath.Join(pd, "PX360")
		}
		return `C:\ProgramData\PX360`
	default:
		return "/usr/local/var/px360"
	}
}
