package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
)

const userCols = `rowid, id, email, name, language, show_hijri, role, active, failed_logins, locked_until, session_version,
	last_login_at, created_at, updated_at`

func scanUser(r scanner) (app.User, int64, error) {
	var u app.User
	var rowid int64
	var role, locked, lastLogin, created, updated string
	var active, hijri int
	err := r.Scan(&rowid, &u.ID, &u.Email, &u.Name, &u.Language, &hijri, &role, &active, &u.FailedLogins, &locked,
		&u.SessionVersion, &lastLogin, &created, &updated)
	u.Role, u.Active, u.ShowHijri = app.Role(role), active == 1, hijri == 1
	u.LockedUntil, u.LastLoginAt, u.CreatedAt, u.UpdatedAt = parseTS(locked), parseTS(lastLogin), parseTS(created), parseTS(updated)
	return u, rowid, err
}

// loadAssignments fills the hospital and department assignments of u.
func loadAssignments(ctx context.Context, q querier, u *app.User) error {
	u.HospitalIDs, u.DepartmentIDs = nil, nil
	rows, err := q.QueryContext(ctx, `select 'h', hospital_id from user_hospitals where user_id = ?
		union all select 'd', department_id from user_departments where user_id = ? order by 1, 2`, u.ID, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			return err
		}
		if kind == "h" {
			u.HospitalIDs = append(u.HospitalIDs, id)
		} else {
			u.DepartmentIDs = append(u.DepartmentIDs, id)
		}
	}
	return rows.Err()
}

// UserByID returns the user with id, with assignments.
func (s *Store) UserByID(ctx context.Context, id string) (*app.User, error) {
	u, _, err := scanUser(s.R.QueryRowContext(ctx, `select `+userCols+` from users where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", id, err)
	}
	return &u, loadAssignments(ctx, s.R, &u)
}

// UserByEmail returns the user with email (case-insensitive) and the password hash.
func (s *Store) UserByEmail(ctx context.Context, email string) (*app.User, string, error) {
	row := s.R.QueryRowContext(ctx, `select `+userCols+`, password_hash from users where email = ?`,
		strings.ToLower(strings.TrimSpace(email)))
	var hash string
	u, _, err := scanUser(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", app.ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("user %s: %w", email, err)
	}
	return &u, hash, loadAssignments(ctx, s.R, &u)
}

// UserQuery filters the user list.
type UserQuery struct {
	app.ListQuery
	Role app.Role
}

// ListUsers lists users newest first; users limited to some hospitals see users
// assigned to at least one of those hospitals.
func (s *Store) ListUsers(ctx context.Context, q UserQuery) (app.Page[app.User], error) {
	var where []string
	var args []any
	if !q.Scope.All {
		c, a := scopeIn("uh.hospital_id", q.Scope)
		where = append(where, "exists (select 1 from user_hospitals uh where uh.user_id = users.id and "+c+")")
		args = append(args, a...)
	}
	if q.HospitalID != 0 {
		where = append(where, "exists (select 1 from user_hospitals uh where uh.user_id = users.id and uh.hospital_id = ?)")
		args = append(args, q.HospitalID)
	}
	if q.Role != "" {
		where, args = append(where, "role = ?"), append(args, string(q.Role))
	}
	if t := strings.ToLower(strings.TrimSpace(q.Search)); t != "" {
		c, a := prefixRange("email", t)
		where, args = append(where, "("+c+" or lower(name) like ?)"), append(append(args, a...), "%"+t+"%")
	}
	type row struct {
		u     app.User
		rowid int64
	}
	p, err := list(ctx, s, keyset{table: "users", idCol: "rowid", cols: userCols, where: where, args: args,
		after: q.After, before: q.Before, limit: q.Limit},
		func(r scanner) (row, error) { u, id, err := scanUser(r); return row{u, id}, err },
		func(r row) int64 { return r.rowid })
	out := app.Page[app.User]{Next: p.Next, Prev: p.Prev, Count: p.Count, Capped: p.Capped}
	if err != nil {
		return out, err
	}
	for _, r := range p.Items {
		if err := loadAssignments(ctx, s.R, &r.u); err != nil {
			return out, err
		}
		out.Items = append(out.Items, r.u)
	}
	return out, nil
}

// InsertUser creates u with the password hash.
func (tx *Tx) InsertUser(ctx context.Context, u *app.User, hash string) error {
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	if u.SessionVersion == 0 {
		u.SessionVersion = 1
	}
	_, err := tx.ExecContext(ctx, `insert into users(id, email, name, language, role, password_hash, active,
		session_version, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?)`,
		u.ID, strings.ToLower(u.Email), u.Name, u.Language, string(u.Role), hash, boolInt(u.Active),
		u.SessionVersion, ts(tx.now), ts(tx.now))
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.email_taken", Fields: app.FieldErrors{"email": "err.email_taken"}}
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return tx.setAssignments(ctx, u)
}

// UpdateUser saves u's profile, role, active flag and assignments, and adds bump to its
// session version (1 signs the user out everywhere). It refuses with a conflict when the
// row changed since u was read (u.UpdatedAt), so two admins cannot overwrite each other,
// and an edit cannot undo a "sign out everywhere" that happened meanwhile.
func (tx *Tx) UpdateUser(ctx context.Context, u *app.User, bump int64) error {
	read := u.UpdatedAt
	u.UpdatedAt = tx.now
	err := tx.QueryRowContext(ctx, `update users set email = ?, name = ?, language = ?, show_hijri = ?, role = ?, active = ?,
		session_version = session_version + ?, updated_at = ? where id = ? and updated_at = ? returning session_version`,
		strings.ToLower(u.Email), u.Name, u.Language, boolInt(u.ShowHijri), string(u.Role), boolInt(u.Active), bump,
		ts(tx.now), u.ID, ts(read)).Scan(&u.SessionVersion)
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.email_taken", Fields: app.FieldErrors{"email": "err.email_taken"}}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &app.Error{Code: app.EConflict, Message: "err.changed_meanwhile"}
	}
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return tx.setAssignments(ctx, u)
}

// SetUserLanguage stores a user's UI language, touching nothing else.
func (tx *Tx) SetUserLanguage(ctx context.Context, userID, lang string) error {
	return affectOne(tx.ExecContext(ctx, `update users set language = ? where id = ?`, lang, userID))
}

// SetUserHijri stores whether a user sees Hijri dates, touching nothing else.
func (tx *Tx) SetUserHijri(ctx context.Context, userID string, show bool) error {
	return affectOne(tx.ExecContext(ctx, `update users set show_hijri = ? where id = ?`, boolInt(show), userID))
}

func (tx *Tx) setAssignments(ctx context.Context, u *app.User) error {
	if _, err := tx.ExecContext(ctx, `delete from user_hospitals where user_id = ?`, u.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `delete from user_departments where user_id = ?`, u.ID); err != nil {
		return err
	}
	for _, h := range u.HospitalIDs {
		if _, err := tx.ExecContext(ctx, `insert into user_hospitals(user_id, hospital_id) values (?, ?)`, u.ID, h); err != nil {
			return fmt.Errorf("assign hospital %d: %w", h, err)
		}
	}
	for _, d := range u.DepartmentIDs {
		if _, err := tx.ExecContext(ctx, `insert into user_departments(user_id, department_id) values (?, ?)`, u.ID, d); err != nil {
			return fmt.Errorf("assign department %d: %w", d, err)
		}
	}
	return nil
}

// SetPasswordHash replaces the user's password hash, clears the lockout and bumps the
// session version, which signs out every existing session and token of that user.
func (tx *Tx) SetPasswordHash(ctx context.Context, userID, hash string) error {
	res, err := tx.ExecContext(ctx, `update users set password_hash = ?, failed_logins = 0, locked_until = '',
		session_version = session_version + 1, updated_at = ? where id = ?`, hash, ts(tx.now), userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.ErrNotFound
	}
	return nil
}

// BumpSessionVersion signs out every session and token of the user; it returns the new version.
func (tx *Tx) BumpSessionVersion(ctx context.Context, userID string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `update users set session_version = session_version + 1, updated_at = ?
		where id = ? returning session_version`, ts(tx.now), userID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, app.ErrNotFound
	}
	return v, err
}

// RecordLogin stores the outcome of a sign-in attempt: a success resets the failure
// count; a failure increments it and, at maxFailures, locks the account until lockUntil.
func (tx *Tx) RecordLogin(ctx context.Context, userID string, ok bool, maxFailures int, lockUntil time.Time) (failures int, err error) {
	if ok {
		_, err = tx.ExecContext(ctx, `update users set failed_logins = 0, locked_until = '', last_login_at = ? where id = ?`,
			ts(tx.now), userID)
		return 0, err
	}
	err = tx.QueryRowContext(ctx, `update users set failed_logins = failed_logins + 1 where id = ? returning failed_logins`,
		userID).Scan(&failures)
	if err != nil {
		return 0, err
	}
	if failures >= maxFailures {
		_, err = tx.ExecContext(ctx, `update users set locked_until = ?, failed_logins = 0 where id = ?`, ts(lockUntil), userID)
	}
	return failures, err
}

// InsertPasswordReset stores the hash of a one-time reset token.
func (tx *Tx) InsertPasswordReset(ctx context.Context, tokenHash, userID string, expires time.Time) error {
	_, err := tx.ExecContext(ctx, `insert into password_resets(token_hash, user_id, created_by, expires_at) values (?,?,?,?)`,
		tokenHash, userID, tx.by.Email, ts(expires))
	return err
}

// UsePasswordReset consumes a reset token and returns its user; a used, expired or
// unknown token gives app.ErrNotFound.
func (tx *Tx) UsePasswordReset(ctx context.Context, tokenHash string) (string, error) {
	var userID string
	err := tx.QueryRowContext(ctx, `update password_resets set used_at = ? where token_hash = ? and used_at = ''
		and expires_at > ? returning user_id`, ts(tx.now), tokenHash, ts(tx.now)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", app.ErrNotFound
	}
	return userID, err
}

// PasswordResetValid reports whether a reset token can still be used.
func (s *Store) PasswordResetValid(ctx context.Context, tokenHash string) bool {
	var n int
	_ = s.R.QueryRowContext(ctx, `select count(*) from password_resets where token_hash = ? and used_at = '' and expires_at > ?`,
		tokenHash, ts(s.Now())).Scan(&n)
	return n > 0
}
