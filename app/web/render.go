package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

// language picks the UI language: the user's preference, else the language cookie,
// else the browser's Accept-Language.
func (s *Server) language(r *http.Request, u *app.User) string {
	if u != nil && app.ValidLanguage(u.Language) {
		return u.Language
	}
	if c, err := r.Cookie("px360_lang"); err == nil && app.ValidLanguage(c.Value) {
		return c.Value
	}
	return views.PickLanguage(r.Header.Get("Accept-Language"))
}

func langFrom(r *http.Request) string {
	if l, ok := r.Context().Value(keyLang).(string); ok {
		return l
	}
	return "en"
}

// frame builds the page frame for r: language, user, their hospitals, asset URLs and
// the one-time flash message.
func (s *Server) frame(r *http.Request) views.Frame {
	f := s.partFrame(r)
	if f.User != nil {
		f.Flash = s.sessions.PopString(r.Context(), "flash")
	}
	return f
}

// partFrame is the frame for rendering a part of a page (a card of the record page):
// like frame, but it leaves the one-time flash message for the page itself.
func (s *Server) partFrame(r *http.Request) views.Frame {
	f := views.Frame{Lang: langFrom(r), Path: r.URL.RequestURI(), User: userFrom(r),
		CSSURL: s.cfg.Assets.URL("app.css"), JSURL: s.cfg.Assets.URL("app.js")}
	if f.User != nil {
		by := principal(r)
		f.Hospitals, _ = s.st.Hospitals(r.Context(), by.Scope)
		f.Hijri = f.User.ShowHijri
		if s.notify != nil {
			f.Unread, _ = s.notify.Unread(r.Context(), f.User.ID) // the bell; a failed count shows none
		}
		if len(f.Hospitals) == 1 {
			f.Location, _ = app.Location(f.Hospitals[0].TimeZone)
		}
	}
	return f
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, n g.Node) {
	var buf bytes.Buffer
	if err := n.Render(&buf); err != nil {
		s.log.Error("render", "request_id", requestID(r), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		code := map[int]string{403: app.EForbidden, 404: app.ENotFound, 429: app.ERateLimited}[status]
		if code == "" {
			code = app.EInternal
		}
		s.writeJSON(w, status, apiError(langFrom(r), &app.Error{Code: code, Message: "err." + code}))
		return
	}
	s.render(w, r, status, views.ErrorPage(s.frame(r), status))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound)
}

// statusOf maps an error code to its HTTP status, in one place.
func statusOf(err error) int {
	switch app.ErrorCode(err) {
	case app.ENotFound:
		return http.StatusNotFound
	case app.EForbidden:
		return http.StatusForbidden
	case app.EInvalid:
		return http.StatusUnprocessableEntity
	case app.EConflict:
		return http.StatusConflict
	case app.EUnauthorized:
		return http.StatusUnauthorized
	case app.ELocked:
		return http.StatusLocked
	case app.ERateLimited:
		return http.StatusTooManyRequests
	case app.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// fail answers a page request that hit an error that is not a form error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "request_id", requestID(r), "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
		status = http.StatusBadRequest
	}
	s.errorPage(w, r, status)
}

// formError reports whether err should re-render the form (validation or conflict with
// field errors) rather than fail the request.
func formError(err error) bool {
	return app.Fields(err) != nil
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

type apiErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// apiError renders an error for the API, messages in the caller's language.
func apiError(lang string, err error) apiErrorBody {
	var b apiErrorBody
	b.Error.Code = app.ErrorCode(err)
	b.Error.Message = views.T(lang, app.ErrorMessage(err))
	for k, v := range app.Fields(err) {
		if b.Error.Fields == nil {
			b.Error.Fields = map[string]string{}
		}
		b.Error.Fields[k] = views.T(lang, v)
	}
	return b
}

func (s *Server) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("api request failed", "request_id", requestID(r), "path", r.URL.Path, "err", err)
	}
	s.writeJSON(w, status, apiError(langFrom(r), err))
}

// decodeJSON reads a JSON body of at most 1 MiB into v, refusing unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return &app.Error{Code: app.ETooLarge, Message: "err.too_large"}
		}
		return &app.Error{Code: app.EInvalid, Message: "err.invalid_json"}
	}
	if dec.More() {
		return &app.Error{Code: app.EInvalid, Message: "err.invalid_json"}
	}
	return nil
}

// parseForm reads a urlencoded form of at most 1 MiB. A body that is too big or broken
// is answered with 400 here and ok is false: the handler must stop, changing nothing.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) (form url.Values, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	return r.PostForm, true
}

// pathID reads the {id} path value; 0 when it is not a positive number.
func pathID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// int64Field reads an optional numeric form field, adding a field error when it is not a number.
func int64Field(v url.Values, name string, fe app.FieldErrors) int64 {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		fe.Add(name, "err.number_invalid")
		return 0
	}
	return n
}

// listQuery reads the shared list parameters (q, hospital, after, before) from the URL.
func listQuery(r *http.Request) (app.ListQuery, views.Filter) {
	q := r.URL.Query()
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(q.Get(k), 10, 64)
		return max(n, 0)
	}
	lq := app.ListQuery{Search: strings.TrimSpace(q.Get("q")), HospitalID: num("hospital"), After: num("after"), Before: num("before")}
	if lim := num("limit"); lim > 0 {
		lq.Limit = int(lim)
	}
	return lq, views.Filter{Search: lq.Search, HospitalID: lq.HospitalID}
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-sign-in redirect on this site: a plain path, no scheme or host,
// no control characters or backslashes (browsers strip or rewrite those into "//host").
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) flash(r *http.Request, key string) { s.sessions.Put(r.Context(), "flash", key) }

func boolString(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// submit runs save unless reading the form already failed (a number that is not one), so
// a half-understood form never changes anything.
func submit(fe app.FieldErrors, save func() error) error {
	if len(fe) > 0 {
		return fe.Err()
	}
	return save()
}

// csvDownload starts a CSV attachment named file.
func csvDownload(w http.ResponseWriter, file string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// saveTarget reads a save route's form and record id (0 when creating); when ok is false
// the request has been answered (broken form, or an id that is not a number).
func (s *Server) saveTarget(w http.ResponseWriter, r *http.Request) (form url.Values, id int64, ok bool) {
	if form, ok = s.parseForm(w, r); !ok {
		return nil, 0, false
	}
	id = pathID(r)
	if r.PathValue("id") != "" && id == 0 {
		s.notFound(w, r)
		return nil, 0, false
	}
	return form, id, true
}

// afterSave finishes a save: field errors re-render the form with the user's input
// (422), other errors fail the request, success flashes "Saved." and goes back to the list.
func (s *Server) afterSave(w http.ResponseWriter, r *http.Request, err error, back string, form func(app.FieldErrors) g.Node) {
	switch {
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, form(app.Fields(err)))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}
