package provider_test

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

func emailSender(t *testing.T, srv *providertest.SMTP, security string, mutate ...func(*provider.EmailConfig)) *provider.Email {
	t.Helper()
	cfg := provider.EmailConfig{
		Host: srv.Host(), Port: srv.Port(), Security: security,
		From: "noreply@hospital.example", FromName: "مستشفى الملك فهد", SkipVerify: true,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	e, err := provider.NewEmail(cfg)
	if err != nil {
		t.Fatalf("NewEmail: %v", err)
	}
	return e
}

func withAuth(user, pass string) func(*provider.EmailConfig) {
	return func(c *provider.EmailConfig) { c.Username, c.Password = user, pass }
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestEmailDeliversArabicIntact(t *testing.T) {
	longSubject := strings.Repeat("تم استلام شكواك وسيتم الرد عليها خلال يومي عمل ", 4)
	body := "عزيزي المريض،\nتم استلام شكواك رقم 1042 وسنتواصل معك قريباً.\n\nDear patient,\nwe received complaint #1042.\n.a line starting with a dot\n" +
		strings.Repeat("سطر طويل جداً ", 30) + "\n"
	tests := []struct {
		name     string
		opts     []providertest.SMTPOption
		security string
		auth     bool
		wantTLS  bool
	}{
		{"starttls with auth", []providertest.SMTPOption{providertest.RequireSTARTTLS(), providertest.WithAuth("mailer", "s3cret")}, "starttls", true, true},
		{"implicit tls with auth", []providertest.SMTPOption{providertest.WithImplicitTLS(), providertest.WithAuth("mailer", "s3cret")}, "tls", true, true},
		{"no tls no auth", nil, "none", false, false},
		{"no tls with auth", []providertest.SMTPOption{providertest.WithAuth("mailer", "s3cret")}, "none", true, false},
	}
	for _, tc := range tests {
		for _, subject := range []string{"تم استلام شكواك", longSubject} {
			t.Run(tc.name+"/"+subject[:10], func(t *testing.T) {
				srv := providertest.NewSMTP(t, tc.opts...)
				var mut []func(*provider.EmailConfig)
				if tc.auth {
					mut = append(mut, withAuth("mailer", "s3cret"))
				}
				e := emailSender(t, srv, tc.security, mut...)
				res, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{
					ID: "msg-42", To: "patient@example.org", Lang: "ar", Subject: subject, Body: body,
				})
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				if res.ProviderID != "<msg-42@px360>" || res.HTTPStatus != 0 {
					t.Errorf("result = %+v", res)
				}
				msgs := srv.Messages()
				if len(msgs) != 1 {
					t.Fatalf("server got %d messages, want 1", len(msgs))
				}
				got := msgs[0]
				if got.From != "noreply@hospital.example" || len(got.To) != 1 || got.To[0] != "patient@example.org" {
					t.Errorf("envelope from %q to %v", got.From, got.To)
				}
				if got.TLS != tc.wantTLS {
					t.Errorf("TLS = %v, want %v", got.TLS, tc.wantTLS)
				}
				if wantUser := map[bool]string{true: "mailer"}[tc.auth]; got.User != wantUser {
					t.Errorf("authenticated user %q, want %q", got.User, wantUser)
				}
				m, err := got.Parse()
				if err != nil {
					t.Fatal(err)
				}
				if m.Subject != subject {
					t.Errorf("subject = %q, want %q", m.Subject, subject)
				}
				if m.Body != body {
					t.Errorf("body = %q, want %q", m.Body, body)
				}
				if m.ContentType != "text/plain" || m.Charset != "utf-8" {
					t.Errorf("content type %q charset %q", m.ContentType, m.Charset)
				}
				if m.MessageID != "<msg-42@px360>" {
					t.Errorf("Message-ID = %q", m.MessageID)
				}
				if m.FromName != "مستشفى الملك فهد" || m.FromAddress != "noreply@hospital.example" {
					t.Errorf("From = %q <%s>", m.FromName, m.FromAddress)
				}
				if !strings.Contains(m.To, "patient@example.org") {
					t.Errorf("To = %q", m.To)
				}
				if d, err := mail.ParseDate(m.Header.Get("Date")); err != nil || time.Since(d) > time.Minute {
					t.Errorf("Date = %q (%v)", m.Header.Get("Date"), err)
				}
				for _, line := range strings.Split(string(got.Data), "\r\n") {
					if len(line) > 998 {
						t.Errorf("line of %d bytes exceeds RFC 5322", len(line))
					}
				}
			})
		}
	}
}

func TestEmailClassifiesSMTPReplies(t *testing.T) {
	tests := []struct {
		name          string
		code          int
		text          string
		wantPermanent bool
	}{
		{"550 mailbox unavailable is permanent", 550, "5.1.1 <patient@example.org>: Recipient address rejected: User unknown", true},
		{"451 greylisted is transient", 451, "4.7.1 Greylisted, try again later", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.NewSMTP(t, providertest.WithSTARTTLS())
			srv.FailNext(1, tc.code, tc.text)
			e := emailSender(t, srv, "starttls")
			_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m1", To: "patient@example.org", Subject: "s", Body: "b"})
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *provider.Error", err)
			}
			if pe.Permanent != tc.wantPermanent || provider.IsPermanent(err) != tc.wantPermanent {
				t.Errorf("permanent = %v, want %v (%v)", pe.Permanent, tc.wantPermanent, err)
			}
			if pe.Status != tc.code {
				t.Errorf("status = %d, want %d", pe.Status, tc.code)
			}
			if pe.Reason != tc.text {
				t.Errorf("reason = %q, want the reply text %q", pe.Reason, tc.text)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server accepted %d messages", n)
			}
			// The failure was for one message only: the next one goes through.
			if _, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m2", To: "patient@example.org", Subject: "s", Body: "b"}); err != nil {
				t.Errorf("second send: %v", err)
			}
		})
	}
}

func TestEmailConnectionFailures(t *testing.T) {
	t.Run("wrong password is a permanent 535", func(t *testing.T) {
		srv := providertest.NewSMTP(t, providertest.RequireSTARTTLS(), providertest.WithAuth("mailer", "s3cret"))
		e := emailSender(t, srv, "starttls", withAuth("mailer", "wrong"))
		_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m", To: "a@example.org", Subject: "s", Body: "b"})
		var pe *provider.Error
		if !errors.As(err, &pe) || !pe.Permanent || pe.Status != 535 {
			t.Fatalf("err = %v, want permanent 535", err)
		}
	})
	t.Run("starttls required but not offered is transient", func(t *testing.T) {
		srv := providertest.NewSMTP(t)
		e := emailSender(t, srv, "starttls")
		_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m", To: "a@example.org", Subject: "s", Body: "b"})
		if err == nil || provider.IsPermanent(err) {
			t.Fatalf("err = %v, want a transient error", err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("message was sent without TLS")
		}
	})
	t.Run("self-signed certificate is refused unless skip_verify", func(t *testing.T) {
		srv := providertest.NewSMTP(t, providertest.RequireSTARTTLS())
		e := emailSender(t, srv, "starttls", func(c *provider.EmailConfig) { c.SkipVerify = false })
		_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m", To: "a@example.org", Subject: "s", Body: "b"})
		if err == nil || provider.IsPermanent(err) {
			t.Fatalf("err = %v, want a transient certificate error", err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("message was sent over an unverified connection")
		}
	})
	t.Run("connection refused is transient", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		e, err := provider.NewEmail(provider.EmailConfig{Host: "127.0.0.1", Port: port, Security: "none", From: "a@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m", To: "b@example.org", Subject: "s", Body: "b"})
		if err == nil || provider.IsPermanent(err) {
			t.Fatalf("err = %v, want transient", err)
		}
	})
	t.Run("a silent server is abandoned at the context deadline", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() }) // accept, then never greet
			}
		}()
		e, err := provider.NewEmail(provider.EmailConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Security: "none", From: "a@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = e.Send(ctxTimeout(t, 300*time.Millisecond), provider.Message{ID: "m", To: "b@example.org", Subject: "s", Body: "b"})
		if err == nil || provider.IsPermanent(err) {
			t.Fatalf("err = %v, want transient", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want it to wrap context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("Send took %v despite a 300ms deadline", elapsed)
		}
	})
	t.Run("a bad recipient address is permanent and never dials", func(t *testing.T) {
		srv := providertest.NewSMTP(t)
		e := emailSender(t, srv, "none")
		_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{ID: "m", To: "not an address", Subject: "s", Body: "b"})
		if !provider.IsPermanent(err) {
			t.Fatalf("err = %v, want permanent", err)
		}
	})
}

func TestEmailHeadersCannotBeInjected(t *testing.T) {
	srv := providertest.NewSMTP(t)
	e := emailSender(t, srv, "none")
	_, err := e.Send(ctxTimeout(t, 10*time.Second), provider.Message{
		ID: "id with spaces>\r\nBcc: x@evil.example", To: "a@example.org",
		Subject: "hello\r\nBcc: victim@evil.example", Body: "b",
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := srv.Messages()[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Header["Bcc"]) != 0 {
		t.Errorf("injected Bcc header: %v", m.Header["Bcc"])
	}
	if m.Subject != "hello Bcc: victim@evil.example" {
		t.Errorf("subject = %q", m.Subject)
	}
	if strings.ContainsAny(m.MessageID[1:len(m.MessageID)-1], " <>\r\n") || !strings.HasSuffix(m.MessageID, "@px360>") {
		t.Errorf("Message-ID = %q", m.MessageID)
	}
}

func TestNewEmailValidates(t *testing.T) {
	ok := provider.EmailConfig{Host: "smtp.example.org", From: "noreply@example.org"}
	tests := []struct {
		name   string
		mutate func(*provider.EmailConfig)
		want   string
	}{
		{"missing host", func(c *provider.EmailConfig) { c.Host = "" }, "host"},
		{"unknown security", func(c *provider.EmailConfig) { c.Security = "ssl3" }, "security"},
		{"port out of range", func(c *provider.EmailConfig) { c.Port = 70000 }, "port"},
		{"missing from", func(c *provider.EmailConfig) { c.From = "" }, "from"},
		{"from with a display name", func(c *provider.EmailConfig) { c.From = "Hospital <a@example.org>" }, "from"},
		{"multi-line from name", func(c *provider.EmailConfig) { c.FromName = "a\nBcc: b@example.org" }, "from_name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mutate(&cfg)
			_, err := provider.NewEmail(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
	if _, err := provider.NewEmail(ok); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}
