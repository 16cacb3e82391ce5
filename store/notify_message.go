package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

const messageCols = `id, hospital_id, key, channel, purpose, audience, recipient, patient_key, lang, subject, body,
	template, params, status, attempts, next_at, provider, provider_id, last_error, opt_out_token, coalesce(dedupe_key, ''),
	coalesce(resent_from, 0), created_at, sent_at, delivered_at, updated_at`

func scanMessage(r scanner) (app.Message, error) {
	var m app.Message
	var key, ch, purpose, audience, status, params, next, created, sent, delivered, updated string
	err := r.Scan(&m.ID, &m.HospitalID, &key, &ch, &purpose, &audience, &m.Recipient, &m.PatientKey, &m.Lang, &m.Subject,
		&m.Body, &m.Template, &params, &status, &m.Attempts, &next, &m.Provider, &m.ProviderID, &m.LastError, &m.OptOutToken,
		&m.DedupeKey, &m.ResentFrom, &created, &sent, &delivered, &updated)
	if err != nil {
		return m, err
	}
	m.Key, m.Channel, m.Purpose, m.Audience, m.Status = app.NotificationKey(key), app.Channel(ch), app.Purpose(purpose),
		app.Audience(audience), app.MessageStatus(status)
	if params != "" {
		_ = json.Unmarshal([]byte(params), &m.Params)
	}
	m.NextAt, m.CreatedAt, m.SentAt, m.DeliveredAt, m.UpdatedAt = parseTS(next), parseTS(created), parseTS(sent),
		parseTS(delivered), parseTS(updated)
	return m, nil
}

// EnqueueMessage adds a pending message. A message whose DedupeKey is already queued is
// not added again (inserted is false): event handlers run at least once.
func (tx *Tx) EnqueueMessage(ctx context.Context, m *app.Message) (inserted bool, err error) {
	params := ""
	if len(m.Params) > 0 {
		b, _ := json.Marshal(m.Params)
		params = string(b)
	}
	var dedupe any
	if m.DedupeKey != "" {
		dedupe = m.DedupeKey
	}
	failed := m.Status == app.MessageFailed // refused before sending (an invalid number): logged, never sent
	next := ""
	if !failed {
		if m.NextAt.IsZero() {
			m.NextAt = tx.now
		}
		m.Status, next = app.MessagePending, ts(m.NextAt)
	}
	m.CreatedAt, m.UpdatedAt = tx.now, tx.now
	err = tx.QueryRowContext(ctx, `insert into notify_messages(hospital_id, key, channel, purpose, audience, recipient,
		patient_key, lang, subject, body, template, params, status, next_at, last_error, opt_out_token, dedupe_key, resent_from,
		created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict do nothing returning id`,
		m.HospitalID, m.Key, m.Channel, m.Purpose, m.Audience, m.Recipient, m.PatientKey, m.Lang, m.Subject, m.Body,
		m.Template, params, m.Status, next, m.LastError, m.OptOutToken, dedupe, nullID(m.ResentFrom), ts(tx.now), ts(tx.now)).Scan(&m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err == nil && failed {
		_, err = tx.ExecContext(ctx, `insert into notify_attempts(message_id, attempt, at, outcome, error) values (?,0,?,'failed',?)`,
			m.ID, ts(tx.now), m.LastError)
	}
	return err == nil, err
}

// ResetSending puts every message left "sending" back to pending. Only run at start-up,
// under the data directory's lock: no sender can be running, so these were cut off by
// a crash. Whether the provider got them is unknown; they go again (the documented
// duplicate bound).
func (s *Store) ResetSending(ctx context.Context) (int64, error) {
	res, err := s.W.ExecContext(ctx, `update notify_messages set status = 'pending', next_at = ?, lease_until = '', updated_at = ?
		where status = 'sending'`, ts(s.Now()), ts(s.Now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ClaimMessages leases up to limit due messages to a sender: pending ones whose time has
// come, and sending ones whose lease ran out. Attempts counts the claim.
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]app.Message, error) {
	var out []app.Message
	err := s.InTx(ctx, app.System, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `update notify_messages set status = 'sending', lease_until = ?, attempts = attempts + 1,
			next_at = '', updated_at = ? where id in (
				select id from notify_messages where status = 'pending' and next_at <= ?
				union all select id from notify_messages where status = 'sending' and lease_until <= ?
				order by 1 limit ?)
			returning `+messageCols, ts(now.Add(lease)), ts(now), ts(now), ts(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	return out, nil
}

// Outcome is what became of one claimed message.
type Outcome struct {
	Status     app.MessageStatus // sent, pending (retry or deferred), failed, suppressed
	NextAt     time.Time         // for pending
	Kind       string            // the attempt's outcome: "sent", "retry", "failed", "deferred", "suppressed"
	Provider   string
	ProviderID string
	HTTPStatus int
	Error      string
	Millis     int64
	Refund     bool // a deferral: the claim does not count as an attempt
}

// RecordOutcome writes a claimed message's new state and its attempt row, in one
// transaction. It changes nothing unless the message is still "sending" (a callback may
// have raced ahead, or an admin resent it).
func (s *Store) RecordOutcome(ctx context.Context, m app.Message, o Outcome) error {
	return s.InTx(ctx, app.System, func(tx *Tx) error { return tx.RecordOutcome(ctx, m, o) })
}

// RecordOutcome is the transactional form of Store.RecordOutcome.
func (tx *Tx) RecordOutcome(ctx context.Context, m app.Message, o Outcome) error {
	refund := 0
	if o.Refund {
		refund = 1
	}
	sentAt := ""
	if o.Status == app.MessageSent {
		sentAt = ts(tx.now)
	}
	res, err := tx.ExecContext(ctx, `update notify_messages set status = ?, next_at = ?, lease_until = '', attempts = attempts - ?,
		provider = case when ? = '' then provider else ? end, provider_id = case when ? = '' then provider_id else ? end,
		last_error = ?, sent_at = case when ? = '' then sent_at else ? end, updated_at = ?
		where id = ? and status = 'sending'`,
		o.Status, ts(o.NextAt), refund, o.Provider, o.Provider, o.ProviderID, o.ProviderID, o.Error, sentAt, sentAt, ts(tx.now), m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	attempt := m.Attempts
	if o.Refund {
		attempt = 0
	}
	_, err = tx.ExecContext(ctx, `insert into notify_attempts(message_id, attempt, at, outcome, http_status, provider_id, error, millis)
		values (?,?,?,?,?,?,?,?)`, m.ID, attempt, ts(tx.now), o.Kind, o.HTTPStatus, o.ProviderID, o.Error, o.Millis)
	return err
}

// UpdateDelivery applies a provider's status report to the message it sent as
// providerID: delivered, or failed / bounced with the reason. A report never moves a
// message backwards (a late "sent" after "delivered" is ignored). It returns the
// message, and false when no message has that provider id.
func (tx *Tx) UpdateDelivery(ctx context.Context, providerID string, status app.MessageStatus, reason string) (app.Message, bool, error) {
	if providerID == "" {
		return app.Message{}, false, nil
	}
	m, err := scanMessage(tx.QueryRowContext(ctx, `select `+messageCols+` from notify_messages where provider_id = ?
		order by id desc limit 1`, providerID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if m.Status.Final() || status == app.MessageSent || status == m.Status {
		return m, true, nil
	}
	delivered := ""
	if status == app.MessageDelivered {
		delivered = ts(tx.now)
	}
	if _, err := tx.ExecContext(ctx, `update notify_messages set status = ?, delivered_at = case when ? = '' then delivered_at else ? end,
		last_error = case when ? = '' then last_error else ? end, lease_until = '', next_at = '', updated_at = ? where id = ?`,
		status, delivered, delivered, reason, reason, ts(tx.now), m.ID); err != nil {
		return m, true, err
	}
	if _, err := tx.ExecContext(ctx, `insert into notify_attempts(message_id, attempt, at, outcome, provider_id, error)
		values (?,?,?,?,?,?)`, m.ID, m.Attempts, ts(tx.now), "callback:"+string(status), providerID, reason); err != nil {
		return m, true, err
	}
	m.Status = status
	return m, true, nil
}

// SentSince counts the messages sent to one patient since t (for the frequency cap).
func (s *Store) SentSince(ctx context.Context, patientKey string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest string
	err := s.R.QueryRowContext(ctx, `select count(*), coalesce(min(sent_at), '') from notify_messages
		where patient_key = ? and sent_at != '' and sent_at > ?`, patientKey, ts(since)).Scan(&n, &oldest)
	return n, parseTS(oldest), err
}

// MessageFilter narrows the delivery log.
type MessageFilter struct {
	Status    app.MessageStatus
	Channel   app.Channel
	Key       app.NotificationKey
	Recipient string
	From, To  time.Time
}

// ListMessages pages through the delivery log, newest first, scoped to the user's
// hospitals (system messages, hospital 0, only for group-wide users).
func (s *Store) ListMessages(ctx context.Context, q app.ListQuery, f MessageFilter) (app.Page[app.Message], error) {
	k := keyset{table: "notify_messages", cols: messageCols, after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}
	if !q.Scope.All {
		w, args := scopeIn("hospital_id", q.Scope)
		k.where, k.args = append(k.where, w), append(k.args, args...)
	}
	if q.HospitalID != 0 {
		k.where, k.args = append(k.where, "hospital_id = ?"), append(k.args, q.HospitalID)
	}
	if f.Status != "" {
		k.where, k.args = append(k.where, "status = ?"), append(k.args, f.Status)
	}
	if f.Channel != "" {
		k.where, k.args = append(k.where, "channel = ?"), append(k.args, f.Channel)
	}
	if f.Key != "" {
		k.where, k.args = append(k.where, "key = ?"), append(k.args, f.Key)
	}
	if f.Recipient != "" {
		k.where, k.args = append(k.where, "recipient = ?"), append(k.args, f.Recipient)
	}
	if !f.From.IsZero() {
		k.where, k.args = append(k.where, "created_at >= ?"), append(k.args, ts(f.From))
	}
	if !f.To.IsZero() {
		k.where, k.args = append(k.where, "created_at < ?"), append(k.args, ts(f.To))
	}
	return list(ctx, s, k, scanMessage, func(m app.Message) int64 { return m.ID })
}

// MessageByID returns one message in scope with its attempts, oldest first.
func (s *Store) MessageByID(ctx context.Context, scope app.Scope, id int64) (app.Message, []app.MessageAttempt, error) {
	m, err := scanMessage(s.R.QueryRowContext(ctx, `select `+messageCols+` from notify_messages where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && m.HospitalID != 0 && !scope.Allows(m.HospitalID)) ||
		(err == nil && m.HospitalID == 0 && !scope.All) {
		return m, nil, app.ErrNotFound
	}
	if err != nil {
		return m, nil, err
	}
	rows, err := s.R.QueryContext(ctx, `select id, attempt, at, outcome, http_status, provider_id, error, millis
		from notify_attempts where message_id = ? order by id`, id)
	if err != nil {
		return m, nil, err
	}
	defer rows.Close()
	var atts []app.MessageAttempt
	for rows.Next() {
		a := app.MessageAttempt{MessageID: id}
		var at string
		if err := rows.Scan(&a.ID, &a.Attempt, &at, &a.Outcome, &a.HTTPStatus, &a.ProviderID, &a.Error, &a.Millis); err != nil {
			return m, nil, err
		}
		a.At = parseTS(at)
		atts = append(atts, a)
	}
	return m, atts, rows.Err()
}

// MessageByOptOutToken returns the message an opt-out link came from.
func (s *Store) MessageByOptOutToken(ctx context.Context, token string) (app.Message, error) {
	m, err := scanMessage(s.R.QueryRowContext(ctx, `select `+messageCols+` from notify_messages where opt_out_token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return m, app.ErrNotFound
	}
	return m, err
}

// SuppressPending marks a contact's pending messages of purpose on channel suppressed
// (after an opt-out), returning how many.
func (tx *Tx) SuppressPending(ctx context.Context, contact string, ch app.Channel, p app.Purpose) (int64, error) {
	res, err := tx.ExecContext(ctx, `update notify_messages set status = 'suppressed', next_at = '', last_error = 'opted out',
		updated_at = ? where recipient = ? and channel = ? and purpose = ? and status = 'pending'`, ts(tx.now), contact, ch, p)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ClaimMessage leases one pending message by id (a test message sent right away).
func (s *Store) ClaimMessage(ctx context.Context, id int64, now time.Time, lease time.Duration) (app.Message, error) {
	var m app.Message
	err := s.InTx(ctx, app.System, func(tx *Tx) error {
		var err error
		m, err = scanMessage(tx.QueryRowContext(ctx, `update notify_messages set status = 'sending', lease_until = ?,
			attempts = attempts + 1, next_at = '', updated_at = ? where id = ? and status = 'pending' returning `+messageCols,
			ts(now.Add(lease)), ts(now), id))
		if errors.Is(err, sql.ErrNoRows) {
			return app.ErrNotFound
		}
		return err
	})
	return m, err
}

// ResendMessage queues a copy of message id (a failed or bounced one, or one the patient
// says never arrived) as a new message that points back to it.
func (tx *Tx) ResendMessage(ctx context.Context, scope app.Scope, id int64) (app.Message, error) {
	m, err := scanMessage(tx.QueryRowContext(ctx, `select `+messageCols+` from notify_messages where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.All && !scope.Allows(m.HospitalID)) {
		return m, app.ErrNotFound
	}
	if err != nil {
		return m, err
	}
	c := m
	c.ID, c.ResentFrom, c.DedupeKey, c.NextAt, c.Attempts, c.Provider, c.ProviderID, c.LastError = 0, m.ID, "", time.Time{}, 0, "", "", ""
	c.Status = app.MessagePending
	if c.OptOutToken != "" {
		c.OptOutToken = app.NewOptOutToken()
		c.Body = strings.ReplaceAll(c.Body, "/o/"+m.OptOutToken, "/o/"+c.OptOutToken)
	}
	if _, err := tx.EnqueueMessage(ctx, &c); err != nil {
		return c, err
	}
	return c, nil
}
