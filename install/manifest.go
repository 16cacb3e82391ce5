package install

import (
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"time"
)

// Archive layout constants shared by Backup, VerifyArchive and Restore.
const (
	formatV1       = "px360-backup/1"
	manifestMember = "manifest.json"
	dbMember       = "px360.db"
	filesDir       = "files"
	keysDir        = "keys"
	backupsDir     = "backups"
	// maxManifestSize bounds how much of a hostile archive is read into memory.
	maxManifestSize = 64 << 20
)

// Manifest describes an archive; it is the first member "manifest.json", so
// a reader can verify every later member while streaming.
type Manifest struct {
	Format        string            `json:"format"` // always "px360-backup/1"
	AppVersion    string            `json:"app_version"`
	SchemaVersion int               `json:"schema_version"`
	CreatedAt     time.Time         `json:"created_at"`
	Files         map[string]string `json:"files"` // member path -> hex sha256
	Sizes         map[string]int64  `json:"sizes"` // member path -> size
}

// BackupMeta is what the caller knows about the running app; it is recorded
// in the manifest so a restore can judge compatibility.
type BackupMeta struct {
	AppVersion    string
	SchemaVersion int
}

// validate checks a manifest read from an untrusted archive.
func (m *Manifest) validate() error {
	if m.Format != formatV1 {
		return fmt.Errorf("not a px360 backup archive (manifest format %q, want %q)", m.Format, formatV1)
	}
	if len(m.Files) != len(m.Sizes) {
		return fmt.Errorf("corrupt manifest: %d checksums but %d sizes", len(m.Files), len(m.Sizes))
	}
	for name, sum := range m.Files {
		if err := checkMemberName(name); err != nil {
			return fmt.Errorf("corrupt manifest: %w", err)
		}
		if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
			return fmt.Errorf("corrupt manifest: bad sha256 %q for %q", sum, name)
		}
		size, ok := m.Sizes[name]
		if !ok || size < 0 {
			return fmt.Errorf("corrupt manifest: no valid size for %q", name)
		}
	}
	if _, ok := m.Files[dbMember]; !ok {
		return fmt.Errorf("corrupt manifest: %s is not listed", dbMember)
	}
	return nil
}

// checkMemberName refuses any member path that could escape the extraction
// directory or land outside the known layout (px360.db, files/..., keys/...).
func checkMemberName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("refusing empty member path")
	case strings.ContainsAny(name, "\\\x00") || strings.Contains(name, ":"):
		return fmt.Errorf("refusing member path %q: contains '\\', ':' or NUL", name)
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("refusing absolute member path %q", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return fmt.Errorf("refusing member path %q: contains \"..\"", name)
		}
	}
	if path.Clean(name) != name {
		return fmt.Errorf("refusing non-canonical member path %q", name)
	}
	if name == dbMember || strings.HasPrefix(name, filesDir+"/") || strings.HasPrefix(name, keysDir+"/") {
		return nil
	}
	return fmt.Errorf("refusing unexpected member path %q (only %s, %s/ and %s/ belong in a backup)",
		name, dbMember, filesDir, keysDir)
}
