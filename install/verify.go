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
	"io"
	"os"
)

// VerifyArchive reads the whole archive at path and checks that it is a
// well-formed, complete, untampered px360 backup, so an operator can trust it
// before a restore is needed: gzip and tar are well formed (else "truncated
// or corrupt"), manifest.json comes first with format "px360-backup/1" (else
// "not a px360 backup archive"), every member is a regular file with a safe
// relative path that is listed with matching sha256 and size, every listed
// file is present, and px360.db is among them. It returns the manifest.
func VerifyArchive(path string) (Manifest, error) {
	return readArchive(context.Background(), path, nil)
}

// memberSink receives each verified-so-far member's content; the archive
// reader checks the sha256 after the sink returns.
type memberSink func(name string, hdr *tar.Header, r io.Reader) error

// corruptError marks a failure to decode the archive itself, as opposed to
// an error writing extracted data.
type corruptError struct{ err error }

func (e *corruptError) Error() string { return "truncated or corrupt: " + e.err.Error() }
func (e *corruptError) Unwrap() error { return e.err }

// corruptReader tags decoding errors (but not EOF or cancellation).
type corruptReader struct{ r io.Reader }

func (c corruptReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF && !isCtxErr(err) {
		err = &corruptError{err}
	}
	return n, err
}

func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// readArchive streams the archive once, validating as described on
// VerifyArchive and handing each member to sink (nil = discard).
func readArchive(ctx context.Context, path string, sink memberSink) (Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return Manifest{}, fmt.Errorf("open archive: %w", err)
	}
	defer f.Close()
	m, err := readArchiveFrom(ctx, ctxReader{ctx, f}, sink)
	if err != nil {
		return Manifest{}, fmt.Errorf("archive %s: %w", path, err)
	}
	return m, nil
}

func readArchiveFrom(ctx context.Context, r io.Reader, sink memberSink) (Manifest, error) {
	gz, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<16))
	switch {
	case err == io.EOF:
		return Manifest{}, errors.New("not a px360 backup archive (empty file)")
	case errors.Is(err, gzip.ErrHeader):
		return Manifest{}, errors.New("not a px360 backup archive (not gzip-compressed)")
	case err != nil:
		return Manifest{}, &corruptError{err}
	}
	defer gz.Close()
	tr := tar.NewReader(corruptReader{gz})

	hdr, err := tr.Next()
	switch {
	case err == io.EOF:
		return Manifest{}, errors.New("not a px360 backup archive (no members)")
	case err != nil:
		return Manifest{}, asCorrupt(err)
	case hdr.Name != manifestMember || hdr.Typeflag != tar.TypeReg:
		return Manifest{}, fmt.Errorf("not a px360 backup archive (first member is %q, want %s)", hdr.Name, manifestMember)
	case hdr.Size > maxManifestSize:
		return Manifest{}, fmt.Errorf("not a px360 backup archive (%s is %d bytes)", manifestMember, hdr.Size)
	}
	raw, err := io.ReadAll(tr)
	if err != nil {
		return Manifest{}, asCorrupt(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return Manifest{}, fmt.Errorf("not a px360 backup archive (%s: %v)", manifestMember, err)
	}
	if err := m.validate(); err != nil {
		return Manifest{}, err
	}

	seen := make(map[string]bool, len(m.Files))
	for {
		if err := ctx.Err(); err != nil {
			return Manifest{}, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Manifest{}, asCorrupt(err)
		}
		name := hdr.Name
		if err := checkMemberName(name); err != nil {
			return Manifest{}, err
		}
		if err := checkMemberType(hdr); err != nil {
			return Manifest{}, err
		}
		if seen[name] {
			return Manifest{}, fmt.Errorf("member %q appears twice", name)
		}
		seen[name] = true
		want, listed := m.Files[name]
		if !listed {
			return Manifest{}, fmt.Errorf("member %q is not listed in the manifest", name)
		}
		if hdr.Size != m.Sizes[name] {
			return Manifest{}, fmt.Errorf("member %q is %d bytes, manifest says %d", name, hdr.Size, m.Sizes[name])
		}
		hr := &hashingReader{r: tr, h: sha256.New()}
		if sink != nil {
			if err := sink(name, hdr, hr); err != nil {
				return Manifest{}, err
			}
		}
		if _, err := io.Copy(io.Discard, hr); err != nil {
			return Manifest{}, asCorrupt(err)
		}
		if got := hex.EncodeToString(hr.h.Sum(nil)); got != want {
			return Manifest{}, fmt.Errorf("member %q: sha256 mismatch (archive altered or corrupt)", name)
		}
	}
	// Read to the end of the gzip stream so its CRC and length are checked.
	if _, err := io.Copy(io.Discard, corruptReader{gz}); err != nil {
		return Manifest{}, asCorrupt(err)
	}
	for name := range m.Files {
		if !seen[name] {
			return Manifest{}, fmt.Errorf("listed file %q is missing from the archive", name)
		}
	}
	return m, nil
}

// asCorrupt tags a decode error unless it already is one or is a cancellation.
func asCorrupt(err error) error {
	var ce *corruptError
	if errors.As(err, &ce) || isCtxErr(err) {
		return err
	}
	return &corruptError{err}
}

// checkMemberType allows only regular files: links and devices could point
// outside DATA or mean something other than data.
func checkMemberType(hdr *tar.Header) error {
	switch hdr.Typeflag {
	case tar.TypeReg:
		return nil
	case tar.TypeSymlink, tar.TypeLink:
		return fmt.Errorf("refusing member %q: it is a link", hdr.Name)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return fmt.Errorf("refusing member %q: it is a device or special file", hdr.Name)
	case tar.TypeDir:
		return fmt.Errorf("refusing member %q: directory entries are not part of a px360 backup", hdr.Name)
	default:
		return fmt.Errorf("refusing member %q: unsupported type %q", hdr.Name, hdr.Typeflag)
	}
}
