package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"px360/app"
)

// Organization returns the installation's organization (there is one), or
// app.ErrNotFound before the first hospital or the setup wizard created it.
func (s *Store) Organization(ctx context.Context) (app.Organization, error) {
	var o app.Organization
	err := s.R.QueryRowContext(ctx, `select id, name_en, name_ar from organizations order by id limit 1`).
		Scan(&o.ID, &o.NameEN, &o.NameAR)
	if errors.Is(err, sql.ErrNoRows) {
		return o, app.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("organization: %w", err)
	}
	return o, nil
}

// RenameOrganization sets the organization's names.
func (tx *Tx) RenameOrganization(ctx context.Context, id int64, nameEN, nameAR string) error {
	_, err := tx.ExecContext(ctx, `update organizations set name_en = ?, name_ar = ? where id = ?`, nameEN, nameAR, id)
	return err
}
