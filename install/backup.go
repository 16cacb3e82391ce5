package install

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Snapshotter writes a consistent copy of the live SQLite database to dst,
// which does not exist yet (the caller implements it with VACUUM INTO on its
// own connection, so a backup works while the server runs).
type Snapshotter func(ctx context.Context, dst string) error

// backupEntry is one member to archive, hashed before anything is written.
type backupEntry struct {
	name string      // archive path, forward slashes
	path string      // OS path
	mode fs.FileMode // permission bits
	size int64
	sum  string // hex sha256
}

// Backup writes one archive at out: a .tar.gz with manifest.json first, then
// px360.db (made by snap), then every regular file under files/ and keys/.
// It writes out+".tmp", fsyncs and renames it, so a crash never leaves a half
// archive under the final name. It never reads index/, backups/, .lock or the
// -wal/-shm files, and works while a server runs. The snapshot is taken into a
// private temporary directory inside dataDir (same disk and permissions as
// the live database) and removed afterwards.
func Backup(ctx context.Context, dataDir, out string, snap Snapshotter, meta BackupMeta) (Manifest, error) {
	if snap == nil {
		return Manifest{}, errors.New("backup: no snapshotter")
	}
	if st, err := os.Stat(dataDir); err != nil {
		return Manifest{}, fmt.Errorf("backup: data directory: %w", err)
	} else if !st.IsDir() {
		return Manifest{}, fmt.Errorf("backup: %s is not a directory", dataDir)
	}

	snapDir, err := os.MkdirTemp(dataDir, ".backup-snapshot-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: snapshot directory: %w", err)
	}
	defer os.RemoveAll(snapDir)
	dbPath := filepath.Join(snapDir, dbMember)
	if err := snap(ctx, dbPath); err != nil {
		return Manifest{}, fmt.Errorf("backup: snapshot database: %w", err)
	}
	db, err := hashFile(ctx, dbPath)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: database snapshot: %w", err)
	}
	db.name, db.path = dbMember, dbPath
	entries := []backupEntry{db}

	for _, dir := range []string{filesDir, keysDir} {
		more, err := listTree(ctx, dataDir, dir)
		if err != nil {
			return Manifest{}, fmt.Errorf("backup: %w", err)
		}
		entries = append(entries, more...)
	}

	m := Manifest{
		Format:        formatV1,
		AppVersion:    meta.AppVersion,
		SchemaVersion: meta.SchemaVersion,
		CreatedAt:     time.Now().UTC().Truncate(time.Second),
		Files:         make(map[string]string, len(entries)),
		Sizes:         make(map[string]int64, len(entries)),
	}
	for _, e := range entries {
		m.Files[e.name] = e.sum
		m.Sizes[e.name] = e.size
	}
	if err := writeArchive(ctx, out, m, entries); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// listTree hashes every regular file under dataDir/dir, sorted by name.
// Files that vanish before they are hashed are skipped; symlinks and other
// non-regular files are not part of the data layout and are ignored.
func listTree(ctx context.Context, dataDir, dir string) ([]backupEntry, error) {
	root := filepath.Join(dataDir, dir)
	var entries []backupEntry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // root absent, or vanished while walking
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dataDir, p)
		if err != nil {
			return err
		}
		e, err := hashFile(ctx, p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		e.name, e.path = filepath.ToSlash(rel), p
		if err := checkMemberName(e.name); err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return entries, nil
}

// hashFile returns size, mode and sha256 of the file at p.
func hashFile(ctx context.Context, p string) (backupEntry, error) {
	f, err := os.Open(p)
	if err != nil {
		return backupEntry{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return backupEntry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(h, bufio.NewReaderSize(ctxReader{ctx, f}, 1<<16))
	if err != nil {
		return backupEntry{}, fmt.Errorf("read %s: %w", p, err)
	}
	return backupEntry{mode: st.Mode().Perm(), size: n, sum: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeArchive streams manifest and entries to out+".tmp", then syncs and
// renames it to out. The temporary file is removed on any failure.
func writeArchive(ctx context.Context, out string, m Manifest, entries []backupEntry) (err error) {
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("create archive: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	gz := gzip.NewWriter(bw)
	tw := tar.NewWriter(gz)

	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: manifestMember, Size: int64(len(mj)),
		Mode: 0o600, ModTime: m.CreatedAt,
	}); err != nil {
		return err
	}
	if _, err := tw.Write(mj); err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := copyEntry(ctx, tw, e, m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync archive: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("rename archive: %w", err)
	}
	syncDir(filepath.Dir(out))
	return nil
}

// copyEntry writes one member and fails if the file no longer matches what
// was hashed (files/ is immutable, so a change means something is wrong).
func copyEntry(ctx context.Context, tw *tar.Writer, e backupEntry, modTime time.Time) error {
	f, err := os.Open(e.path)
	if err != nil {
		return fmt.Errorf("open %s: %w", e.name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != e.size {
		return fmt.Errorf("%s changed size during backup (%d -> %d bytes)", e.name, e.size, st.Size())
	}
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: e.name, Size: e.size, Mode: int64(e.mode), ModTime: modTime,
	}); err != nil {
		return err
	}
	hr := &hashingReader{r: bufio.NewReaderSize(ctxReader{ctx, f}, 1<<16), h: sha256.New()}
	n, err := io.Copy(tw, io.LimitReader(hr, e.size))
	if err != nil {
		return fmt.Errorf("copy %s: %w", e.name, err)
	}
	if n != e.size {
		return fmt.Errorf("%s shrank during backup (%d -> %d bytes)", e.name, e.size, n)
	}
	if sum := hex.EncodeToString(hr.h.Sum(nil)); sum != e.sum {
		return fmt.Errorf("%s changed during backup", e.name)
	}
	return nil
}

// hashingReader hashes everything read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	return n, err
}

// ctxReader stops a long copy once ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// syncDir makes a rename durable where the OS supports syncing a directory;
// it is best effort (Windows cannot open a directory for sync).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
