package store

import (
	"context"
	"database/sql"
	"errors"

	"px360/app"
)

// AddInbox adds an in-app notification; one with a DedupeKey already there is skipped.
func (tx *Tx) AddInbox(ctx context.Context, it app.InboxItem, dedupeKey string) error {
	var dedupe any
	if dedupeKey != "" {
		dedupe = dedupeKey
	}
	_, err := tx.ExecContext(ctx, `insert into notify_inbox(user_id, hospital_id, key, title, body, link, dedupe_key, created_at)
		values (?,?,?,?,?,?,?,?) on conflict do nothing`, it.UserID, it.HospitalID, it.Key, it.Title, it.Body, it.Link, dedupe, ts(tx.now))
	return err
}

// UnreadCount counts a user's unread notifications, at most limit (the bell shows "99+").
func (s *Store) UnreadCount(ctx context.Context, userID string, limit int) (int, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `select count(*) from (select 1 from notify_inbox where user_id = ? and read_at = '' limit ?)`,
		userID, limit).Scan(&n)
	return n, err
}

func scanInbox(r scanner) (app.InboxItem, error) {
	var it app.InboxItem
	var key, created, read string
	err := r.Scan(&it.ID, &it.UserID, &it.HospitalID, &key, &it.Title, &it.Body, &it.Link, &created, &read)
	it.Key, it.CreatedAt, it.ReadAt = app.NotificationKey(key), parseTS(created), parseTS(read)
	return it, err
}

// ListInbox pages through a user's notifications, newest first.
func (s *Store) ListInbox(ctx context.Context, userID string, q app.ListQuery, unreadOnly bool) (app.Page[app.InboxItem], error) {
	k := keyset{table: "notify_inbox", cols: `id, user_id, hospital_id, key, title, body, link, created_at, read_at`,
		where: []string{"user_id = ?"}, args: []any{userID}, after: q.After, before: q.Before, limit: q.Limit, noCount: true}
	if unreadOnly {
		k.where = append(k.where, "read_at = ''")
	}
	return list(ctx, s, k, scanInbox, func(it app.InboxItem) int64 { return it.ID })
}

// MarkRead marks one of a user's notifications read (id 0: all of them) and returns how many changed.
func (tx *Tx) MarkRead(ctx context.Context, userID string, id int64) (int64, error) {
	q, args := `update notify_inbox set read_at = ? where user_id = ? and read_at = ''`, []any{ts(tx.now), userID}
	if id != 0 {
		q, args = q+` and id = ?`, append(args, id)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Recipient is a signed-in user who can receive staff notifications.
type Recipient struct {
	UserID   string
	Email    string
	Name     string
	Language string
}

// UsersWithRole returns the active users of role assigned to hospital (any hospital for
// px-admins, who see the whole group); with departmentID, only those assigned to it.
func (s *Store) UsersWithRole(ctx context.Context, role app.Role, hospitalID, departmentID int64) ([]Recipient, error) {
	q := `select u.id, u.email, u.name, u.language from users u where u.active = 1 and u.role = ?`
	args := []any{role}
	if role != app.RolePXAdmin {
		q += ` and exists (select 1 from user_hospitals h where h.user_id = u.id and h.hospital_id = ?)`
		args = append(args, hospitalID)
	}
	if departmentID != 0 {
		q += ` and exists (select 1 from user_departments d where d.user_id = u.id and d.department_id = ?)`
		args = append(args, departmentID)
	}
	rows, err := s.R.QueryContext(ctx, q+` order by u.email limit 50`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.Email, &r.Name, &r.Language); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ActiveUserByEmail returns the active user with email, if any (a staff member's account).
func (s *Store) ActiveUserByEmail(ctx context.Context, email string) (Recipient, bool, error) {
	var r Recipient
	err := s.R.QueryRowContext(ctx, `select id, email, name, language from users where email = ? collate nocase and active = 1`,
		email).Scan(&r.UserID, &r.Email, &r.Name, &r.Language)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, false, nil
		}
		return r, false, err
	}
	return r, true, nil
}
