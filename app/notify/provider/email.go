package provider

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Email security modes for EmailConfig.Security.
const (
	SecuritySTARTTLS = "starttls" // plain connect, then mandatory STARTTLS (port 587)
	SecurityTLS      = "tls"      // implicit TLS from the first byte (port 465)
	SecurityNone     = "none"     // no encryption; only for a relay on a trusted network
)

// defaultSMTPTimeout bounds one delivery when ctx has no earlier deadline.
const defaultSMTPTimeout = 30 * time.Second

// EmailConfig is the SMTP relay the appliance sends email through.
type EmailConfig struct {
	Host string `json:"host"`
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int `json:"port"`
	// Security is "starttls" (default), "tls" or "none".
	Security string `json:"security"`
	// Username turns on SMTP AUTH (PLAIN or LOGIN) when set.
	Username string `json:"username"`
	// Password for SMTP AUTH. Secret: store encrypted.
	Password string `json:"password"`
	// From is the envelope and header sender address.
	From string `json:"from"`
	// FromName is the display name in the From header, e.g. the hospital's name.
	FromName string `json:"from_name"`
	// SkipVerify accepts any server certificate; only for relays with self-signed certificates.
	SkipVerify bool `json:"skip_verify"`
}

// Email sends each message over its own SMTP connection.
type Email struct {
	cfg EmailConfig
}

// NewEmail checks cfg, fills in the default port and security, and returns a sender.
func NewEmail(cfg EmailConfig) (*Email, error) {
	cfg.Host = strings.TrimSpace(cfg.Host)
	if cfg.Host == "" {
		return nil, fmt.Errorf("email: host is required")
	}
	cfg.Security = strings.ToLower(strings.TrimSpace(cfg.Security))
	defaultPort := 587
	switch cfg.Security {
	case "", SecuritySTARTTLS:
		cfg.Security = SecuritySTARTTLS
	case SecurityTLS:
		defaultPort = 465
	case SecurityNone:
		defaultPort = 25
	default:
		return nil, fmt.Errorf("email: security must be starttls, tls or none")
	}
	if cfg.Port == 0 {
		cfg.Port = defaultPort
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("email: port %d is out of range", cfg.Port)
	}
	addr, err := netmail.ParseAddress(strings.TrimSpace(cfg.From))
	if err != nil || addr.Name != "" {
		return nil, fmt.Errorf("email: from must be a plain email address")
	}
	cfg.From = addr.Address
	if strings.ContainsAny(cfg.FromName, "\r\n") {
		return nil, fmt.Errorf("email: from_name must be one line")
	}
	return &Email{cfg: cfg}, nil
}

// Send delivers m as a text/plain UTF-8 email with Message-ID <m.ID@px360>. SMTP 5xx
// replies are permanent failures; 4xx replies and connection problems are transient.
func (e *Email) Send(ctx context.Context, m Message) (Result, error) {
	msg, err := e.message(m)
	if err != nil {
		return Result{}, fmt.Errorf("email: %w", err)
	}
	timeout := defaultSMTPTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = time.Until(deadline)
	}
	if err := ctx.Err(); err != nil || timeout <= 0 {
		if err == nil {
			err = context.DeadlineExceeded
		}
		return Result{}, fmt.Errorf("email: %w", &Error{Reason: err.Error(), cause: err})
	}

	// Our own dialer closes the connection when ctx ends, which go-mail alone only
	// honours while dialing.
	var stop func() bool
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	tlsConfig := &tls.Config{ServerName: e.cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: e.cfg.SkipVerify} //nolint:gosec // an admin's explicit choice
	dial := func(dialCtx context.Context, network, address string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(dialCtx, network, address)
		if err != nil {
			return nil, err
		}
		if e.cfg.Security == SecurityTLS {
			tc := tls.Client(conn, tlsConfig)
			if err := tc.HandshakeContext(dialCtx); err != nil {
				conn.Close()
				return nil, err
			}
			conn = tc
		}
		stop = context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}

	opts := []mail.Option{
		mail.WithPort(e.cfg.Port),
		mail.WithTimeout(timeout),
		mail.WithTLSConfig(tlsConfig),
		mail.WithDialContextFunc(dial),
	}
	switch e.cfg.Security {
	case SecuritySTARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case SecurityTLS:
		opts = append(opts, mail.WithSSL())
	case SecurityNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if e.cfg.Username != "" {
		mechs := []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin}
		if e.cfg.Security == SecurityNone {
			mechs = []mail.SMTPAuthType{mail.SMTPAuthPlainNoEnc, mail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mechs...),
			mail.WithUsername(e.cfg.Username), mail.WithPassword(e.cfg.Password))
	}
	client, err := mail.NewClient(e.cfg.Host, opts...)
	if err != nil {
		return Result{}, fmt.Errorf("email: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return Result{}, fmt.Errorf("email: %w", smtpError(ctx, err))
	}
	return Result{ProviderID: msg.GetMessageID()}, nil
}

// message builds the MIME message for m.
func (e *Email) message(m Message) (*mail.Msg, error) {
	to, err := netmail.ParseAddress(strings.TrimSpace(m.To))
	if err != nil {
		return nil, invalidMessage("recipient is not an email address")
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(e.cfg.FromName, e.cfg.From); err != nil {
		return nil, invalidMessage("sender: %v", err)
	}
	if err := msg.To(to.Address); err != nil {
		return nil, invalidMessage("recipient is not an email address")
	}
	msg.Subject(oneLine(m.Subject))
	if id := messageIDLocal(m.ID); id != "" {
		msg.SetMessageIDWithValue(id + "@px360")
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	return msg, nil
}

// oneLine turns a subject's line breaks into spaces so it cannot inject headers.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}

// messageIDLocal keeps the characters of id that RFC 5322 allows left of "@" in a
// Message-ID and replaces the others with "-".
func messageIDLocal(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", r):
			return r
		}
		return '-'
	}, id)
}

// smtpError classifies a go-mail failure by the server's reply code: 5xx permanent,
// anything else (4xx, network, TLS, timeouts) transient.
func smtpError(ctx context.Context, err error) *Error {
	code := 0
	reason := err.Error()
	var se *mail.SendError
	var te *textproto.Error
	switch {
	case errors.As(err, &se) && se.ErrorCode() != 0:
		code = se.ErrorCode()
		reason = replyText(se.Error(), code)
	case errors.As(err, &te):
		code, reason = te.Code, te.Msg
	}
	if code != 0 {
		return &Error{Permanent: code >= 500 && code <= 599, Status: code, Reason: reason, cause: err}
	}
	ctxErr := ctx.Err()
	if deadline, ok := ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(deadline) {
		ctxErr = context.DeadlineExceeded // the connection deadline fired a moment before ctx's timer
	}
	if ctxErr != nil {
		err = errors.Join(ctxErr, err)
		reason = ctxErr.Error() + ": " + reason
	}
	return &Error{Reason: reason, cause: err}
}

// replyText cuts the server's reply out of a go-mail SendError text such as
// "sending SMTP RCPT TO command: 550 5.1.1 no such user, affected recipient(s): …".
func replyText(s string, code int) string {
	prefix := strconv.Itoa(code) + " "
	i := strings.Index(s, prefix)
	if i < 0 {
		return s
	}
	s = s[i+len(prefix):]
	// net/textproto quotes the server's text: 550 "5.1.1 no such user".
	if q, err := strconv.QuotedPrefix(s); err == nil {
		if text, err := strconv.Unquote(q); err == nil {
			return text
		}
	}
	if j := strings.Index(s, ", affected "); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSpace(s)
}
