package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting returns the value of an installation setting, "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.R.QueryRowContext(ctx, `select value from settings where key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores an installation setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.W.ExecContext(ctx, `insert into settings(key, value) values (?, ?)
		on conflict(key) do update set value = excluded.value`, key, value)
	return err
}

// SetSetting stores an installation setting inside a transaction.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.ExecContext(ctx, `insert into settings(key, value) values (?, ?)
		on conflict(key) do update set value = excluded.value`, key, value)
	return err
}
