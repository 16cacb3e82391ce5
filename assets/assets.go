// Package assets owns the browser side of PX360: the one stylesheet and the one
// script (plus any small icons), embedded in the binary and served under
// content-hashed URLs so browsers can cache them forever and still never run a
// stale copy after an upgrade.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// staticRoot is the embedded directory whose files are served; names are relative to it.
const staticRoot = "static"

// urlPrefix is where Handler expects to be mounted.
const urlPrefix = "/assets/"

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// contentTypes fixes the types of the files we ship, so they do not depend on the
// host's MIME tables.
var contentTypes = map[string]string{
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".json": "application/json",
}

// file is one embedded asset with everything a response needs, computed once.
type file struct {
	body        []byte
	gzipped     []byte // nil when compression does not save anything
	hash        string // first 12 hex digits of the SHA-256 of body
	contentType string
}

// Assets serves the embedded static files under content-hashed URLs with a long cache.
type Assets struct {
	files map[string]*file
}

// New reads, hashes and precompresses every embedded file. It panics if the
// embedded tree cannot be read, which would be a build defect.
func New() *Assets {
	a := &Assets{files: make(map[string]*file)}
	err := fs.WalkDir(static, staticRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		gz, err := compress(body)
		if err != nil {
			return fmt.Errorf("compress %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, staticRoot+"/")
		a.files[name] = &file{
			body:        body,
			gzipped:     gz,
			hash:        hex.EncodeToString(sum[:])[:12],
			contentType: contentType(name),
		}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("assets: load embedded files: %v", err))
	}
	return a
}

// URL returns "/assets/<first 12 hex of sha256>/<name>" for a file name like
// "app.css"; it panics on an unknown name, which is a programming error.
func (a *Assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic(fmt.Sprintf("assets: unknown asset %q", name))
	}
	return urlPrefix + f.hash + "/" + name
}

// Handler serves GET /assets/{hash}/{name...}. A current hash gets a one-year
// immutable cache; a stale hash (a page rendered before an upgrade) still gets
// the current content, but must be revalidated. Unknown names are 404.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(a.serve)
}

func (a *Assets) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	hash, name, ok := splitAssetPath(r)
	f, known := a.files[name]
	if !ok || !known {
		http.NotFound(w, r)
		return
	}

	h.Set("Content-Type", f.contentType)
	if hash == f.hash {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}
	body, etag := f.body, `"`+f.hash+`"`
	if f.gzipped != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = f.gzipped, `"`+f.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD without a body, and ranges.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// splitAssetPath takes the hash and name from the mux pattern
// "/assets/{hash}/{name...}" when the handler is mounted with one, and otherwise
// from the URL path.
func splitAssetPath(r *http.Request) (hash, name string, ok bool) {
	hash, name = r.PathValue("hash"), r.PathValue("name")
	if hash == "" || name == "" {
		rest, found := strings.CutPrefix(r.URL.Path, urlPrefix)
		if !found {
			return "", "", false
		}
		hash, name, found = strings.Cut(rest, "/")
		if !found {
			return "", "", false
		}
	}
	return hash, name, hash != "" && name != ""
}

// compress gzips body once at start-up; it returns nil when that would not
// make the response smaller (already-compressed images, tiny files).
func compress(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() >= len(body) {
		return nil, nil
	}
	return buf.Bytes(), nil
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip, honouring
// "q=0" refusals and the "*" wildcard.
func acceptsGzip(header string) bool {
	wildcard := false
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		allowed := qualityAllows(params)
		if coding == "*" {
			wildcard = allowed
			continue
		}
		return allowed
	}
	return wildcard
}

// qualityAllows reads the q parameter of one Accept-Encoding entry; absent means 1.
func qualityAllows(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		key, value, _ := strings.Cut(p, "=")
		if strings.ToLower(strings.TrimSpace(key)) != "q" {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		return err == nil && q > 0
	}
	return true
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
