package providertest_test

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"px360/app/notify/provider/providertest"
)

// dialog drives the fake over a raw connection so each reply code can be asserted.
type dialog struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
}

func dial(t *testing.T, s *providertest.SMTP) *dialog {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	d := &dialog{t: t, conn: conn, tp: textproto.NewConn(conn)}
	t.Cleanup(func() { d.tp.Close() })
	d.expect(220)
	return d
}

// cmd sends a line and asserts the reply code, returning the reply text.
func (d *dialog) cmd(code int, format string, args ...any) string {
	d.t.Helper()
	if err := d.tp.PrintfLine(format, args...); err != nil {
		d.t.Fatal(err)
	}
	return d.expect(code)
}

func (d *dialog) expect(code int) string {
	d.t.Helper()
	got, msg, err := d.tp.ReadResponse(0)
	if err != nil && got == 0 {
		d.t.Fatalf("read reply: %v", err)
	}
	if got != code {
		d.t.Fatalf("reply %d %q, want %d", got, msg, code)
	}
	return msg
}

func TestSMTPDialogue(t *testing.T) {
	s := providertest.NewSMTP(t)
	d := dial(t, s)
	ehlo := d.cmd(250, "EHLO client.example")
	if strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
		t.Errorf("plain server advertises %q", ehlo)
	}
	d.cmd(250, "NOOP")
	d.cmd(503, "RCPT TO:<a@example.org>")
	d.cmd(250, "MAIL FROM:<sender@example.org> BODY=8BITMIME")
	d.cmd(250, "RCPT TO:<a@example.org>")
	d.cmd(250, "RSET")
	d.cmd(503, "DATA")
	d.cmd(250, "MAIL FROM:<sender@example.org>")
	d.cmd(250, "RCPT TO:<a@example.org>")
	d.cmd(250, "RCPT TO:<b@example.org>")
	d.cmd(354, "DATA")
	for _, line := range []string{"Subject: dots", "", "..leading dot", "plain", "."} {
		if err := d.tp.PrintfLine("%s", line); err != nil {
			t.Fatal(err)
		}
	}
	d.expect(250)
	d.cmd(502, "VRFY a@example.org")
	d.cmd(221, "QUIT")

	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "sender@example.org" || strings.Join(m.To, ",") != "a@example.org,b@example.org" {
		t.Errorf("envelope %q %v", m.From, m.To)
	}
	if got, want := string(m.Data), "Subject: dots\r\n\r\n.leading dot\r\nplain\r\n"; got != want {
		t.Errorf("data %q, want %q (dot-unstuffed)", got, want)
	}
}

func TestSMTPAuth(t *testing.T) {
	s := providertest.NewSMTP(t, providertest.WithAuth("mailer", "s3cret"))
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	d := dial(t, s)
	if ehlo := d.cmd(250, "EHLO c"); !strings.Contains(ehlo, "AUTH PLAIN LOGIN") {
		t.Errorf("EHLO %q lacks AUTH", ehlo)
	}
	d.cmd(530, "MAIL FROM:<a@example.org>")
	d.cmd(535, "AUTH PLAIN %s", b64("\x00mailer\x00wrong"))
	if got := d.cmd(334, "AUTH LOGIN"); got != b64("Username:") {
		t.Errorf("LOGIN prompt %q", got)
	}
	d.cmd(334, "%s", b64("mailer"))
	d.cmd(235, "%s", b64("s3cret"))
	d.cmd(503, "AUTH PLAIN %s", b64("\x00mailer\x00s3cret"))
	d.cmd(250, "MAIL FROM:<a@example.org>")

	d2 := dial(t, s)
	d2.cmd(250, "EHLO c")
	d2.cmd(334, "AUTH PLAIN")
	d2.cmd(235, "%s", b64("\x00mailer\x00s3cret"))
}

func TestSMTPRequireSTARTTLS(t *testing.T) {
	s := providertest.NewSMTP(t, providertest.RequireSTARTTLS(), providertest.WithAuth("u", "p"))
	d := dial(t, s)
	ehlo := d.cmd(250, "EHLO c")
	if !strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
		t.Errorf("before TLS EHLO = %q, want STARTTLS and no AUTH", ehlo)
	}
	d.cmd(530, "MAIL FROM:<a@example.org>")
	d.cmd(530, "AUTH PLAIN AHUAcA==")
	d.cmd(220, "STARTTLS")
	tc := tls.Client(d.conn, &tls.Config{ServerName: "127.0.0.1", RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake with the fake's pool: %v", err)
	}
	d.tp = textproto.NewConn(tc)
	ehlo = d.cmd(250, "EHLO c")
	if strings.Contains(ehlo, "STARTTLS") || !strings.Contains(ehlo, "AUTH PLAIN LOGIN") {
		t.Errorf("after TLS EHLO = %q", ehlo)
	}
	d.cmd(235, "AUTH PLAIN AHUAcA==")
	d.cmd(250, "MAIL FROM:<a@example.org>")
}

func TestSMTPFailNext(t *testing.T) {
	s := providertest.NewSMTP(t)
	s.FailNext(2, 451, "4.7.1 try later")
	d := dial(t, s)
	d.cmd(250, "HELO c")
	for i := 0; i < 2; i++ {
		d.cmd(250, "MAIL FROM:<a@example.org>")
		if got := d.cmd(451, "RCPT TO:<b@example.org>"); got != "4.7.1 try later" {
			t.Errorf("reply text %q", got)
		}
		d.cmd(250, "RSET")
	}
	d.cmd(250, "MAIL FROM:<a@example.org>")
	d.cmd(250, "RCPT TO:<b@example.org>")
	if s.Rejected() != 2 {
		t.Errorf("Rejected = %d", s.Rejected())
	}
}

func TestSMTPParseDecodesEncodings(t *testing.T) {
	subject := "تم استلام شكواك"
	body := "مرحباً\nHello\n"
	tests := []struct{ name, raw string }{
		{"quoted-printable with Q subject", "From: =?UTF-8?q?=D9=85=D8=B3=D8=AA=D8=B4=D9=81=D9=89?= <h@example.org>\r\n" +
			"Subject: =?UTF-8?q?" + qEncode(subject) + "?=\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qpEncode(body)},
		{"base64 with B subject", "From: h@example.org\r\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(subject)) + "?=\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\n", "\r\n"))) + "\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := providertest.NewSMTP(t)
			d := dial(t, s)
			d.cmd(250, "HELO c")
			d.cmd(250, "MAIL FROM:<h@example.org>")
			d.cmd(250, "RCPT TO:<p@example.org>")
			d.cmd(354, "DATA")
			w := bufio.NewWriter(d.conn)
			fmt.Fprintf(w, "%s\r\n.\r\n", strings.TrimSuffix(tc.raw, "\r\n"))
			_ = w.Flush()
			d.expect(250)
			m, err := s.Messages()[0].Parse()
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != subject || strings.TrimSuffix(m.Body, "\n") != strings.TrimSuffix(body, "\n") || m.Charset != "utf-8" {
				t.Errorf("subject %q body %q charset %q", m.Subject, m.Body, m.Charset)
			}
		})
	}
}

func qEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c == ' ' {
			b.WriteByte('_')
		} else {
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

func qpEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == '\n':
			b.WriteString("\r\n")
		case c < 128 && c != '=':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}
