package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"px360/app"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyUser
	keyLang
	keyLogUser
)

// contentSecurityPolicy allows only our own scripts, styles and images: no inline code.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// middleware wraps the router: request id and access log, panic recovery, security
// headers, cross-origin (CSRF) protection, sessions and the current user.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.errorPage(w, r, http.StatusForbidden)
	}))
	withUser := s.sessions.LoadAndSave(s.identify(next))
	inner := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/assets/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r) // no session work for static files and probes
			return
		}
		if !setupExempt(r.URL.Path) && !s.setUp(r.Context()) { // no user yet: the first-run wizard first
			s.needSetup(w, r)
			return
		}
		withUser.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		logUser := new(string) // filled in by identify, which sees a derived request
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyLogUser, logUser)
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				shown, _ := logPath(r.URL.Path)
				s.log.Error("panic", "request_id", id, "path", shown, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.errorPage(sw, r, http.StatusInternalServerError)
				}
			}
			if r.URL.Path != "/healthz" && !strings.HasPrefix(r.URL.Path, "/assets/") {
				ip, user := clientIP(r), *logUser
				shown, anonymous := logPath(r.URL.Path)
				if anonymous {
					ip, user = "", ""
				}
				s.log.Info("request", "request_id", id, "method", r.Method, "path", shown, "status", sw.status,
					"bytes", sw.bytes, "ms", time.Since(start).Milliseconds(), "ip", ip, "user", user)
			}
		}()
		inner.ServeHTTP(sw, r)
	})
}

// identify loads the signed-in user from the session (or a bearer token on the API) and
// drops sessions whose user was disabled or signed out everywhere.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *app.User
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(r.URL.Path, "/api/") && auth != "" {
			token, ok := strings.CutPrefix(auth, "Bearer ")
			if ok {
				u, _ = s.accounts.UserForToken(r.Context(), strings.TrimSpace(token))
			}
		} else if id := s.sessions.GetString(r.Context(), "user_id"); id != "" {
			var err error
			u, err = s.accounts.Active(r.Context(), id, s.sessions.GetInt64(r.Context(), "sv"))
			if err == nil && !s.stillActive(r) {
				err = errIdle
			}
			if err != nil {
				_ = s.sessions.Destroy(r.Context())
				u = nil
			}
		}
		if lu, ok := r.Context().Value(keyLogUser).(*string); ok && u != nil {
			*lu = u.Email
		}
		ctx := context.WithValue(r.Context(), keyUser, u)
		ctx = context.WithValue(ctx, keyLang, s.language(r, u))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// logPath is how the logs may show a request's path: the tokens of reset, survey and
// opt-out links are secrets and are cut off; anonymous reports that the line must be
// written without the client's address and user — the anonymous observation intake
// (form, tracking, API), so a report cannot be tied to its reporter through the logs.
func logPath(p string) (shown string, anonymous bool) {
	for _, secret := range []string{"/password/reset/", "/s/", "/o/"} {
		if strings.HasPrefix(p, secret) {
			return secret + "…", false
		}
	}
	anonymous = p == "/observe" || strings.HasPrefix(p, "/observe/") || p == "/api/v1/public/observations" ||
		strings.HasPrefix(p, "/api/v1/public/observations/")
	return p, anonymous
}

// idleLimit signs a session out after this long without a request. The last-seen time is
// written at most every seenEvery, so a page view is not also a database write (scs's own
// IdleTimeout would save the session on every request).
const (
	idleLimit = 2 * time.Hour
	seenEvery = 5 * time.Minute
)

var errIdle = errors.New("session idle too long")

// stillActive reports whether the session was used within idleLimit and refreshes its
// last-seen time when that is older than seenEvery.
func (s *Server) stillActive(r *http.Request) bool {
	now := time.Now().Unix()
	seen := s.sessions.GetInt64(r.Context(), "seen")
	if seen != 0 && now-seen > int64(idleLimit/time.Second) {
		return false
	}
	if now-seen > int64(seenEvery/time.Second) {
		s.sessions.Put(r.Context(), "seen", now)
	}
	return true
}

func userFrom(r *http.Request) *app.User {
	u, _ := r.Context().Value(keyUser).(*app.User)
	return u
}

func principal(r *http.Request) app.Principal {
	u := userFrom(r)
	if u == nil {
		return app.Principal{IP: clientIP(r)}
	}
	return app.PrincipalOf(u, clientIP(r))
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// clientIP is the peer address. PX360 is served directly on the LAN; a proxy in front
// would need its own trusted-header setting, which we do not guess.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type handlerFunc func(w http.ResponseWriter, r *http.Request)

func (s *Server) add(method, path string, access Access, perm app.Perm, h http.Handler) {
	pattern := path
	if method != "" {
		pattern = method + " " + path
	}
	s.mux.Handle(pattern, h)
	s.routes = append(s.routes, Route{Method: method, Path: path, Access: access, Perm: perm})
}

func splitPattern(p string) (string, string) {
	if m, path, ok := strings.Cut(p, " "); ok {
		return m, path
	}
	return "", p
}

func (s *Server) public(pattern string, h handlerFunc) {
	m, p := splitPattern(pattern)
	s.add(m, p, Public, "", http.HandlerFunc(h))
}

// page registers a staff page: anonymous visitors go to the sign-in page, users
// without perm get 403.
func (s *Server) page(pattern string, perm app.Perm, h handlerFunc) {
	m, p := splitPattern(pattern)
	s.add(m, p, Staff, perm, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if perm != "" && !u.Role.Can(perm) {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		h(w, r)
	}))
}

// api registers a JSON route: 401 without a valid token or session, 403 without perm.
func (s *Server) api(pattern string, perm app.Perm, h handlerFunc) {
	m, p := splitPattern(pattern)
	s.add(m, p, API, perm, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil {
			s.jsonError(w, r, &app.Error{Code: app.EUnauthorized, Message: "err.unauthorized"})
			return
		}
		if perm != "" && !u.Role.Can(perm) {
			s.jsonError(w, r, app.ErrForbidden)
			return
		}
		h(w, r)
	}))
}

// ipLimiter is a token bucket per client IP for sign-in and other public writes.
type ipLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	ips   map[string]*limiterEntry
	swept time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newIPLimiter(every rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{every: every, burst: burst, ips: map[string]*limiterEntry{}}
}

// Allow reports whether ip may make another attempt now.
func (l *ipLimiter) Allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.ips) > 10000 && now.Sub(l.swept) > time.Minute { // forget idle addresses so the map stays small
		l.swept = now
		for k, e := range l.ips {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(l.ips, k)
			}
		}
	}
	e, ok := l.ips[ip]
	if !ok {
		e = &limiterEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.ips[ip] = e
	}
	e.seen = now
	return e.lim.Allow()
}
