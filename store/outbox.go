package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"px360/app"
)

// NewID returns a UUID version 7: 48 bits of milliseconds, then random bits. Time
// order keeps inserts into indexes on such ids at the end of the B-tree (the outbox takes
// thousands of events a second during a sweep or an import).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err)
	}
	ms := uint64(time.Now().UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = (b[6] & 0x0f) | 0x70
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Emit appends an event to the outbox inside tx, so it exists if and only if the change
// that caused it commits.
func (tx *Tx) Emit(ctx context.Context, kind string, hospitalID int64, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("emit %s: %w", kind, err)
	}
	_, err = tx.ExecContext(ctx, `insert into outbox(event_id, kind, hospital_id, payload, created_at, next_attempt_at)
		values (?, ?, ?, ?, ?, ?)`, NewID(), kind, nullID(hospitalID), string(b), ts(tx.now), ts(tx.now))
	if err != nil {
		return fmt.Errorf("emit %s: %w", kind, err)
	}
	return nil
}

// ClaimEvents leases up to limit due events for lease, so a second dispatcher (or one
// that crashed mid-batch) does not hand the same event out twice at the same time.
func (s *Store) ClaimEvents(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]app.Event, error) {
	var evs []app.Event
	err := s.InTx(ctx, app.System, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `update outbox set claimed_until = ?
			where id in (select id from outbox where done_at = '' and failed_at = '' and next_attempt_at <= ?
				and claimed_until <= ? order by id limit ?)
			returning id, event_id, kind, coalesce(hospital_id, 0), payload, created_at, attempts, last_error`,
			ts(now.Add(lease)), ts(now), ts(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e app.Event
			var payload, created string
			if err := rows.Scan(&e.Seq, &e.ID, &e.Kind, &e.HospitalID, &payload, &created, &e.Attempts, &e.LastError); err != nil {
				return err
			}
			e.Payload, e.CreatedAt = []byte(payload), parseTS(created)
			evs = append(evs, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox events: %w", err)
	}
	return evs, nil
}

// DeliveredTo reports whether handler already processed event (idempotency on retries).
func (s *Store) DeliveredTo(ctx context.Context, eventID, handler string) (bool, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `select count(*) from outbox_deliveries where event_id = ? and handler = ?`,
		eventID, handler).Scan(&n)
	return n > 0, err
}

// MarkDelivered records that handler processed event.
func (s *Store) MarkDelivered(ctx context.Context, eventID, handler string, now time.Time) error {
	_, err := s.W.ExecContext(ctx, `insert or ignore into outbox_deliveries(event_id, handler, done_at) values (?, ?, ?)`,
		eventID, handler, ts(now))
	return err
}

// FinishEvent marks an event done.
func (s *Store) FinishEvent(ctx context.Context, seq int64, now time.Time) error {
	_, err := s.W.ExecContext(ctx, `update outbox set done_at = ?, claimed_until = '' where id = ?`, ts(now), seq)
	return err
}

// RetryEvent records a failed attempt: the event is due again at next, or marked failed
// (visible to admins) when next is zero.
func (s *Store) RetryEvent(ctx context.Context, seq int64, errText string, next, now time.Time) error {
	failed := ""
	if next.IsZero() {
		failed, next = ts(now), now
	}
	_, err := s.W.ExecContext(ctx, `update outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
		failed_at = ?, claimed_until = '' where id = ?`, errText, ts(next), failed, seq)
	return err
}

// RequeueEvent puts a failed event back in the queue (an admin's "retry").
func (s *Store) RequeueEvent(ctx context.Context, by app.Principal, seq int64) error {
	return s.InTx(ctx, by, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `update outbox set failed_at = '', attempts = 0, next_attempt_at = ? where id = ? and failed_at != ''`,
			ts(tx.now), seq)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.ErrNotFound
		}
		return tx.Audit(ctx, app.Audit{Action: "outbox.requeue", Entity: "outbox", EntityID: fmt.Sprint(seq)})
	})
}

// OutboxStats counts pending and failed events.
type OutboxStats struct{ Pending, Failed int }

// OutboxStats returns how many events wait and how many have failed for good.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	err := s.R.QueryRowContext(ctx, `select
		(select count(*) from outbox where done_at = '' and failed_at = ''),
		(select count(*) from outbox where failed_at != '')`).Scan(&st.Pending, &st.Failed)
	return st, err
}

// ListFailedEvents returns failed events, newest first.
func (s *Store) ListFailedEvents(ctx context.Context, after int64) (app.Page[app.Event], error) {
	q := keyset{table: "outbox", cols: `id, event_id, kind, coalesce(hospital_id, 0), payload, created_at, attempts,
		last_error, failed_at`, where: []string{"failed_at != ''"}, after: after}
	return list(ctx, s, q, func(r scanner) (app.Event, error) {
		var e app.Event
		var payload, created, failed string
		err := r.Scan(&e.Seq, &e.ID, &e.Kind, &e.HospitalID, &payload, &created, &e.Attempts, &e.LastError, &failed)
		e.Payload, e.CreatedAt, e.FailedAt = []byte(payload), parseTS(created), parseTS(failed)
		return e, err
	}, func(e app.Event) int64 { return e.Seq })
}

// PruneOutbox deletes delivered events older than before, with their delivery records,
// a thousand at a time so the single writer is never held for long. Failed events stay.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.InTx(ctx, app.System, func(tx *Tx) error {
			batch := `select event_id from outbox where done_at != '' and done_at < ? order by done_at limit 1000`
			if _, err := tx.ExecContext(ctx, `delete from outbox_deliveries where event_id in (`+batch+`)`, ts(before)); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `delete from outbox where event_id in (`+batch+`)`, ts(before))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
