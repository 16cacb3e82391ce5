package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Snapshot writes a consistent copy of the database to dst with VACUUM INTO. It runs in
// one read transaction on a connection of its own (readers are query-only, which SQLite
// counts as forbidding VACUUM INTO), so writers carry on while it copies (WAL mode).
func (s *Store) Snapshot(ctx context.Context, dst string) error {
	db, err := sql.Open("sqlite", dsn(s.path))
	if err != nil {
		return fmt.Errorf("snapshot database: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `vacuum into ?`, dst); err != nil {
		return fmt.Errorf("snapshot database: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error describing the first problems.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.R.QueryContext(ctx, `pragma integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %v", problems[:min(len(problems), 5)])
	}
	return nil
}
