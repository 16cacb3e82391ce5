package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"px360/app"
	"px360/app/notify/provider"
	"px360/store"
)

// Recover puts messages a crash left "sending" back in the queue. Call it once at
// start-up, before the senders run (the data directory lock keeps other processes out).
func (s *Service) Recover(ctx context.Context) (int64, error) { return s.st.ResetSending(ctx) }

// Run sends every due message, Batch at a time with Senders concurrent provider calls,
// until none is due; it returns how many it handled. The job calls it every second.
func (s *Service) Run(ctx context.Context, _ time.Time) (int, error) {
	total := 0
	for ctx.Err() == nil {
		msgs, err := s.st.ClaimMessages(ctx, s.Now(), s.Lease, s.Batch)
		if err != nil || len(msgs) == 0 {
			return total, err
		}
		work := make(chan app.Message)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for range max(1, s.Senders) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for m := range work {
					if err := s.deliver(ctx, m); err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("message %d: %w", m.ID, err))
						mu.Unlock()
					}
				}
			}()
		}
		for _, m := range msgs {
			work <- m
		}
		close(work)
		wg.Wait()
		total += len(msgs)
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}

// retryLater is how long a message waits when its channel has no usable provider;
// it does not count as an attempt.
const retryLater = 10 * time.Minute

// deliver hands one claimed message to its provider and records what happened.
func (s *Service) deliver(ctx context.Context, m app.Message) error {
	now := s.Now()
	if m.Audience == app.AudiencePatient { // the rules may have changed since it was queued
		out, err := s.st.OptedOut(ctx, m.Recipient, m.Channel, m.Purpose)
		if err != nil {
			return err
		}
		if out {
			return s.st.RecordOutcome(ctx, m, store.Outcome{Status: app.MessageSuppressed, Kind: "suppressed", Error: "opted out", Refund: true})
		}
		at, err := s.holdUntil(ctx, m, now)
		if err != nil {
			return err
		}
		if at.After(now) {
			return s.st.RecordOutcome(ctx, m, store.Outcome{Status: app.MessagePending, NextAt: at, Kind: "deferred",
				Error: "quiet hours or frequency cap", Refund: true})
		}
	}
	lp, err := s.sender(ctx, m.Channel)
	if err == nil && (lp.sender == nil || !lp.enabled) {
		err = errNoProvider
	}
	if err != nil {
		return s.st.RecordOutcome(ctx, m, store.Outcome{Status: app.MessagePending, NextAt: now.Add(retryLater), Kind: "deferred",
			Error: err.Error(), Refund: true})
	}
	res, err := lp.sender.Send(ctx, s.wire(ctx, m, lp.kind))
	o := store.Outcome{Provider: lp.kind, ProviderID: res.ProviderID, HTTPStatus: res.HTTPStatus, Millis: s.Now().Sub(now).Milliseconds()}
	var pe *provider.Error
	if errors.As(err, &pe) && o.HTTPStatus == 0 {
		o.HTTPStatus = pe.Status
	}
	switch {
	case err == nil:
		o.Status, o.Kind = app.MessageSent, "sent"
	case ctx.Err() != nil: // shutting down: the message goes back to the queue untouched
		o.Status, o.Kind, o.NextAt, o.Error, o.Refund = app.MessagePending, "deferred", now, "interrupted by shutdown", true
	case provider.IsPermanent(err):
		o.Status, o.Kind, o.Error = app.MessageFailed, "failed", err.Error()
	case m.Attempts >= s.MaxAttempts:
		o.Status, o.Kind, o.Error = app.MessageFailed, "failed", fmt.Sprintf("gave up after %d attempts: %v", m.Attempts, err)
	default:
		o.Status, o.Kind, o.Error, o.NextAt = app.MessagePending, "retry", err.Error(), now.Add(s.backoff(m.Attempts))
	}
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx) // record what the provider said even while shutting down
	}
	return s.st.RecordOutcome(ctx, m, o)
}

// backoff is the wait after the n-th failed attempt: BaseDelay doubling, capped.
func (s *Service) backoff(n int) time.Duration {
	d := s.BaseDelay
	for i := 1; i < n && d < s.MaxDelay; i++ {
		d *= 2
	}
	return min(d, s.MaxDelay)
}

// wire turns a queued message into what the provider client takes; Twilio (kind) gets
// the status callback address.
func (s *Service) wire(ctx context.Context, m app.Message, kind string) provider.Message {
	w := provider.Message{ID: fmt.Sprintf("px360-%d", m.ID), To: m.Recipient, Lang: m.Lang, Subject: m.Subject, Body: m.Body,
		Template: m.Template, Params: m.Params}
	if kind == app.ProviderTwilio {
		w.StatusCallback = s.PublicURL(ctx) + TwilioStatusPath
	}
	return w
}

// SendTest sends a test message on ch to `to` right away (not through the queue) and
// logs it like any other; it returns the provider's error, if any, so the admin sees
// it at once.
func (s *Service) SendTest(ctx context.Context, by app.Principal, ch app.Channel, to string, hospitalID int64) (app.Message, error) {
	if !by.Can(app.PermSystemManage) {
		return app.Message{}, app.ErrForbidden
	}
	if _, ok := app.ProviderKinds[ch]; !ok {
		return app.Message{}, app.ErrNotFound
	}
	fe := app.FieldErrors{}
	if ch.Phone() {
		n, err := app.E164(to)
		if err != nil {
			var pe *app.PhoneError
			errors.As(err, &pe)
			fe.Add("to", pe.Key)
		}
		to = n
	} else if to = app.OptionalText(fe, "to", to, 200); !validEmail(to) {
		fe.Add("to", "err.email_invalid")
	}
	if err := fe.Err(); err != nil {
		return app.Message{}, err
	}
	lang := "en"
	if by.UserID != "" {
		if u, err := s.st.UserByID(ctx, by.UserID); err == nil {
			lang = u.Language
		}
	}
	t := app.DefaultTemplate(app.NotifyTest, ch)
	name := ""
	if h, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err == nil {
		name = app.Name(lang, h.NameEN, h.NameAR)
	}
	sub, body := t.Text(lang)
	vars := map[string]string{"hospital_name": name}
	m := app.Message{HospitalID: hospitalID, Key: app.NotifyTest, Channel: ch, Purpose: app.PurposeService,
		Audience: app.AudienceStaff, Recipient: to, Lang: lang, Subject: app.RenderTemplate(sub, vars), Body: app.RenderTemplate(body, vars),
		DedupeKey: "test|" + store.NewID()}
	if ch == app.ChannelWhatsApp {
		m.Template = "hello_world" // the template every WhatsApp Business account starts with
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if _, err := tx.EnqueueMessage(ctx, &m); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.test", Entity: "notify_message", EntityID: fmt.Sprint(m.ID),
			HospitalID: hospitalID, Summary: map[string]any{"channel": ch, "to": to}})
	})
	if err != nil {
		return m, err
	}
	claimed, err := s.st.ClaimMessage(ctx, m.ID, s.Now(), s.Lease)
	if err != nil {
		return m, err
	}
	if err := s.deliver(ctx, claimed); err != nil {
		return m, err
	}
	m, atts, err := s.st.MessageByID(ctx, app.System.Scope, m.ID)
	if err != nil {
		return m, err
	}
	if m.Status != app.MessageSent && m.Status != app.MessageDelivered {
		reason := m.LastError
		if len(atts) > 0 {
			reason = atts[len(atts)-1].Error
		}
		return m, &SendError{Reason: reason}
	}
	return m, nil
}

// SendError is a test message the provider did not take; Reason is what it said.
type SendError struct{ Reason string }

func (e *SendError) Error() string { return "the provider refused the message: " + e.Reason }

func validEmail(v string) bool {
	at := -1
	for i, r := range v {
		if r == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
		if r == ' ' || r == '<' || r == '>' || r == ',' {
			return false
		}
	}
	return at > 0 && at < len(v)-3
}
