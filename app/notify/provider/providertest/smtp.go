package providertest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxSMTPData caps one message, like a real server's SIZE limit.
const maxSMTPData = 10 << 20

// SMTPOption configures NewSMTP.
type SMTPOption func(*smtpOptions)

type smtpOptions struct {
	startTLS    bool
	requireTLS  bool
	implicitTLS bool
	user, pass  string
}

// WithSTARTTLS offers STARTTLS without requiring it.
func WithSTARTTLS() SMTPOption { return func(o *smtpOptions) { o.startTLS = true } }

// RequireSTARTTLS offers STARTTLS and refuses AUTH and MAIL until the client used it;
// AUTH is only advertised after the upgrade, as real submission servers do.
func RequireSTARTTLS() SMTPOption {
	return func(o *smtpOptions) { o.startTLS, o.requireTLS = true, true }
}

// WithImplicitTLS speaks TLS from the first byte (port-465 style).
func WithImplicitTLS() SMTPOption { return func(o *smtpOptions) { o.implicitTLS = true } }

// WithAuth requires AUTH PLAIN or LOGIN with these credentials before MAIL; wrong
// credentials get 535.
func WithAuth(user, pass string) SMTPOption {
	return func(o *smtpOptions) { o.user, o.pass = user, pass }
}

// SMTPMessage is one message the fake accepted.
type SMTPMessage struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the raw message after dot-unstuffing, CRLF line endings
	User string   // the authenticated user, if any
	TLS  bool     // whether the session was encrypted
}

// SMTP is a minimal SMTP server on 127.0.0.1: EHLO/HELO, STARTTLS, AUTH PLAIN and
// LOGIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT. It is closed by t.Cleanup.
type SMTP struct {
	opts      smtpOptions
	ln        net.Listener
	tlsConfig *tls.Config
	pool      *x509.CertPool
	wg        sync.WaitGroup

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	closed   bool
	msgs     []SMTPMessage
	rejected int
	failN    int
	failCode int
	failText string
}

// NewSMTP starts a fake SMTP server on 127.0.0.1 and stops it when the test ends.
func NewSMTP(t testing.TB, opts ...SMTPOption) *SMTP {
	t.Helper()
	s := &SMTP{conns: map[net.Conn]struct{}{}}
	for _, o := range opts {
		o(&s.opts)
	}
	if s.opts.startTLS || s.opts.implicitTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("providertest: certificate: %v", err)
		}
		s.pool = pool
		s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("providertest: listen: %v", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's "127.0.0.1:port".
func (s *SMTP) Addr() string { return s.ln.Addr().String() }

// Host is always "127.0.0.1".
func (s *SMTP) Host() string { return "127.0.0.1" }

// Port is the listening port.
func (s *SMTP) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// CertPool trusts the server's self-signed certificate (nil without TLS).
func (s *SMTP) CertPool() *x509.CertPool { return s.pool }

// FailNext makes the next n messages fail at RCPT TO with code and text, e.g.
// FailNext(1, 550, "5.1.1 no such user") or FailNext(2, 451, "4.7.1 try later").
func (s *SMTP) FailNext(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode, s.failText = n, code, text
}

// Messages returns a copy of the messages accepted so far, in order.
func (s *SMTP) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

// Rejected counts the messages refused by FailNext.
func (s *SMTP) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Close stops the server and drops open sessions; t.Cleanup calls it.
func (s *SMTP) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *SMTP) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, conn)
				s.mu.Unlock()
				conn.Close()
			}()
			s.serve(conn)
		}()
	}
}

// takeFailure consumes one scripted failure, if any.
func (s *SMTP) takeFailure() (int, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN <= 0 {
		return 0, "", false
	}
	s.failN--
	s.rejected++
	return s.failCode, s.failText, true
}

// session is one client connection's state.
type session struct {
	s      *SMTP
	conn   net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	tls    bool
	helo   bool
	user   string
	from   string
	hasTx  bool
	rcpts  []string
	failed *[2]string // scripted RCPT failure for the current transaction: code, text
}

func (s *SMTP) serve(conn net.Conn) {
	ss := &session{s: s, conn: conn}
	if s.opts.implicitTLS {
		tc := tls.Server(conn, s.tlsConfig)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			return
		}
		_ = tc.SetDeadline(time.Time{})
		ss.conn, ss.tls = tc, true
	}
	ss.r, ss.w = bufio.NewReader(ss.conn), bufio.NewWriter(ss.conn)
	ss.reply(220, "127.0.0.1 ESMTP providertest ready")
	for {
		line, err := ss.readLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ss.ehlo()
		case "HELO":
			ss.resetTx()
			ss.helo = true
			ss.reply(250, "127.0.0.1")
		case "STARTTLS":
			if !ss.startTLS() {
				return
			}
		case "AUTH":
			ss.auth(arg)
		case "MAIL":
			ss.mail(arg)
		case "RCPT":
			ss.rcpt(arg)
		case "DATA":
			if !ss.data() {
				return
			}
		case "RSET":
			ss.resetTx()
			ss.reply(250, "2.0.0 OK")
		case "NOOP":
			ss.reply(250, "2.0.0 OK")
		case "QUIT":
			ss.reply(221, "2.0.0 Bye")
			return
		default:
			ss.reply(502, "5.5.2 Command not recognized")
		}
	}
}

func (ss *session) readLine() (string, error) {
	_ = ss.conn.SetReadDeadline(time.Now().Add(time.Minute))
	line, err := ss.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (ss *session) reply(code int, lines ...string) {
	for i, l := range lines {
		sep := " "
		if i < len(lines)-1 {
			sep = "-"
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	_ = ss.w.Flush()
}

func (ss *session) resetTx() {
	ss.from, ss.hasTx, ss.rcpts, ss.failed = "", false, nil, nil
}

func (ss *session) authAllowed() bool {
	return ss.s.opts.user != "" && (ss.tls || !ss.s.opts.requireTLS)
}

func (ss *session) ehlo() {
	ss.resetTx()
	ss.helo = true
	lines := []string{"127.0.0.1 greets you", "8BITMIME", "ENHANCEDSTATUSCODES", "SIZE " + strconv.Itoa(maxSMTPData)}
	if ss.s.opts.startTLS && !ss.tls {
		lines = append(lines, "STARTTLS")
	}
	if ss.authAllowed() {
		lines = append(lines, "AUTH PLAIN LOGIN")
	}
	ss.reply(250, lines...)
}

// startTLS upgrades the connection; false means the session is over.
func (ss *session) startTLS() bool {
	if !ss.s.opts.startTLS || ss.tls {
		ss.reply(503, "5.5.1 STARTTLS not available")
		return true
	}
	ss.reply(220, "2.0.0 Ready to start TLS")
	tc := tls.Server(ss.conn, ss.s.tlsConfig)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		return false
	}
	_ = tc.SetDeadline(time.Time{})
	ss.conn, ss.tls = tc, true
	ss.r, ss.w = bufio.NewReader(tc), bufio.NewWriter(tc)
	ss.helo, ss.user = false, ""
	ss.resetTx()
	return true
}

func (ss *session) auth(arg string) {
	switch {
	case ss.s.opts.user == "":
		ss.reply(502, "5.5.1 AUTH not supported")
		return
	case ss.s.opts.requireTLS && !ss.tls:
		ss.reply(530, "5.7.0 Must issue a STARTTLS command first")
		return
	case ss.user != "":
		ss.reply(503, "5.5.1 Already authenticated")
		return
	case !ss.helo:
		ss.reply(503, "5.5.1 Send EHLO first")
		return
	}
	mech, initial, _ := strings.Cut(strings.TrimSpace(arg), " ")
	var user, pass string
	var err error
	switch strings.ToUpper(mech) {
	case "PLAIN":
		resp := initial
		if resp == "" {
			ss.reply(334, "")
			if resp, err = ss.readLine(); err != nil {
				return
			}
		}
		var raw []byte
		if raw, err = decodeB64(resp); err == nil {
			parts := strings.Split(string(raw), "\x00")
			if len(parts) != 3 {
				err = errors.New("malformed PLAIN response")
			} else {
				user, pass = parts[1], parts[2]
			}
		}
	case "LOGIN":
		userB64 := initial
		if userB64 == "" {
			ss.reply(334, base64.StdEncoding.EncodeToString([]byte("Username:")))
			if userB64, err = ss.readLine(); err != nil {
				return
			}
		}
		var raw []byte
		if raw, err = decodeB64(userB64); err == nil {
			user = string(raw)
			ss.reply(334, base64.StdEncoding.EncodeToString([]byte("Password:")))
			var passB64 string
			if passB64, err = ss.readLine(); err != nil {
				return
			}
			if raw, err = decodeB64(passB64); err == nil {
				pass = string(raw)
			}
		}
	default:
		ss.reply(504, "5.5.4 Unrecognized authentication type")
		return
	}
	if err != nil {
		ss.reply(501, "5.5.2 Cannot decode response")
		return
	}
	if user != ss.s.opts.user || pass != ss.s.opts.pass {
		ss.reply(535, "5.7.8 Authentication credentials invalid")
		return
	}
	ss.user = user
	ss.reply(235, "2.7.0 Authentication successful")
}

func decodeB64(s string) ([]byte, error) {
	if s == "*" {
		return nil, errors.New("cancelled")
	}
	return base64.StdEncoding.DecodeString(strings.TrimSpace(s))
}

// pathArg extracts the address from "FROM:<a@b> BODY=8BITMIME".
func pathArg(arg, keyword string) (string, bool) {
	head, rest, ok := strings.Cut(arg, ":")
	if !ok || !strings.EqualFold(strings.TrimSpace(head), keyword) {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (ss *session) mail(arg string) {
	switch {
	case !ss.helo:
		ss.reply(503, "5.5.1 Send EHLO first")
		return
	case ss.s.opts.requireTLS && !ss.tls:
		ss.reply(530, "5.7.0 Must issue a STARTTLS command first")
		return
	case ss.s.opts.user != "" && ss.user == "":
		ss.reply(530, "5.7.0 Authentication required")
		return
	case ss.hasTx:
		ss.reply(503, "5.5.1 Nested MAIL command")
		return
	}
	from, ok := pathArg(arg, "FROM")
	if !ok {
		ss.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
		return
	}
	ss.from, ss.hasTx = from, true
	ss.reply(250, "2.1.0 OK")
}

func (ss *session) rcpt(arg string) {
	if !ss.hasTx {
		ss.reply(503, "5.5.1 Need MAIL command")
		return
	}
	to, ok := pathArg(arg, "TO")
	if !ok || to == "" {
		ss.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
		return
	}
	if ss.failed == nil && len(ss.rcpts) == 0 {
		if code, text, fail := ss.s.takeFailure(); fail {
			ss.failed = &[2]string{strconv.Itoa(code), text}
		}
	}
	if ss.failed != nil {
		code, _ := strconv.Atoi(ss.failed[0])
		ss.reply(code, ss.failed[1])
		return
	}
	ss.rcpts = append(ss.rcpts, to)
	ss.reply(250, "2.1.5 OK")
}

// data reads the message; false means the connection broke.
func (ss *session) data() bool {
	if !ss.hasTx || len(ss.rcpts) == 0 {
		ss.reply(503, "5.5.1 Need RCPT command")
		return true
	}
	ss.reply(354, "End data with <CR><LF>.<CR><LF>")
	var buf bytes.Buffer
	tooBig := false
	for {
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return false
		}
		if line == ".\r\n" || line == ".\n" {
			break
		}
		if strings.HasPrefix(line, ".") {
			line = line[1:] // dot-unstuffing
		}
		if buf.Len()+len(line) > maxSMTPData {
			tooBig = true
			continue
		}
		buf.WriteString(line)
	}
	if tooBig {
		ss.resetTx()
		ss.reply(552, "5.3.4 Message too big")
		return true
	}
	msg := SMTPMessage{From: ss.from, To: ss.rcpts, Data: buf.Bytes(), User: ss.user, TLS: ss.tls}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, msg)
	n := len(ss.s.msgs)
	ss.s.mu.Unlock()
	ss.resetTx()
	ss.reply(250, fmt.Sprintf("2.0.0 OK queued as %d", n))
	return true
}
