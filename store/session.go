package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Sessions is the scs session store: reads go to the reader pool, writes to the writer.
type Sessions struct{ s *Store }

// Sessions returns the scs store backed by the sessions table.
func (s *Store) Sessions() *Sessions { return &Sessions{s: s} }

// FindCtx returns the session data for token, if it exists and has not expired.
func (ss *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.s.R.QueryRowContext(ctx, `select data from sessions where token = ? and expiry > ?`,
		token, ts(ss.s.Now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// CommitCtx stores the session data for token until expiry.
func (ss *Sessions) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := ss.s.W.ExecContext(ctx, `insert into sessions(token, data, expiry) values (?, ?, ?)
		on conflict(token) do update set data = excluded.data, expiry = excluded.expiry`, token, data, ts(expiry))
	return err
}

// DeleteCtx removes the session for token.
func (ss *Sessions) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.W.ExecContext(ctx, `delete from sessions where token = ?`, token)
	return err
}

// Find, Commit and Delete satisfy scs.Store; scs prefers the Ctx variants.
func (ss *Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit stores the session data for token until expiry.
func (ss *Sessions) Commit(token string, data []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, data, expiry)
}

// Delete removes the session for token.
func (ss *Sessions) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes expired sessions and returns how many went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.W.ExecContext(ctx, `delete from sessions where expiry <= ?`, ts(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
