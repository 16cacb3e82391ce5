package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"px360/app"
)

// NotifyTemplates returns the saved templates of a hospital and the system's (hospital 0).
func (s *Store) NotifyTemplates(ctx context.Context, hospitalID int64) ([]app.Template, error) {
	rows, err := s.R.QueryContext(ctx, `select id, hospital_id, key, channel, subject_en, subject_ar, body_en, body_ar,
		whatsapp, updated_at from notify_templates where hospital_id in (0, ?) order by key, channel, hospital_id`, hospitalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Template
	for rows.Next() {
		var t app.Template
		var key, ch, updated string
		if err := rows.Scan(&t.ID, &t.HospitalID, &key, &ch, &t.SubjectEN, &t.SubjectAR, &t.BodyEN, &t.BodyAR, &t.WhatsApp, &updated); err != nil {
			return nil, err
		}
		t.Key, t.Channel, t.UpdatedAt = app.NotificationKey(key), app.Channel(ch), parseTS(updated)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveNotifyTemplate inserts or replaces the template of (hospital, key, channel).
func (tx *Tx) SaveNotifyTemplate(ctx context.Context, t *app.Template) error {
	err := tx.QueryRowContext(ctx, `insert into notify_templates(hospital_id, key, channel, subject_en, subject_ar, body_en,
		body_ar, whatsapp, updated_by, updated_at) values (?,?,?,?,?,?,?,?,?,?)
		on conflict(hospital_id, key, channel) do update set subject_en = excluded.subject_en, subject_ar = excluded.subject_ar,
		body_en = excluded.body_en, body_ar = excluded.body_ar, whatsapp = excluded.whatsapp, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at returning id`,
		t.HospitalID, t.Key, t.Channel, t.SubjectEN, t.SubjectAR, t.BodyEN, t.BodyAR, t.WhatsApp, tx.by.Email, ts(tx.now)).Scan(&t.ID)
	t.UpdatedAt = tx.now
	return err
}

// DeleteNotifyTemplate removes a saved template, so the next level (system, built-in) applies.
func (tx *Tx) DeleteNotifyTemplate(ctx context.Context, hospitalID int64, key app.NotificationKey, ch app.Channel) (bool, error) {
	res, err := tx.ExecContext(ctx, `delete from notify_templates where hospital_id = ? and key = ? and channel = ?`, hospitalID, key, ch)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// NotifyRoutes returns a hospital's saved channel lists by key.
func (s *Store) NotifyRoutes(ctx context.Context, hospitalID int64) (map[app.NotificationKey][]app.Channel, error) {
	rows, err := s.R.QueryContext(ctx, `select key, channels from notify_routes where hospital_id = ?`, hospitalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[app.NotificationKey][]app.Channel{}
	for rows.Next() {
		var key, chans string
		if err := rows.Scan(&key, &chans); err != nil {
			return nil, err
		}
		list := []app.Channel{}
		for c := range strings.SplitSeq(chans, ",") {
			if c != "" {
				list = append(list, app.Channel(c))
			}
		}
		out[app.NotificationKey(key)] = list
	}
	return out, rows.Err()
}

// SaveNotifyRoute sets the channels of key in a hospital, in order of preference.
func (tx *Tx) SaveNotifyRoute(ctx context.Context, hospitalID int64, key app.NotificationKey, chans []app.Channel) error {
	parts := make([]string, len(chans))
	for i, c := range chans {
		parts[i] = string(c)
	}
	_, err := tx.ExecContext(ctx, `insert into notify_routes(hospital_id, key, channels, updated_at) values (?,?,?,?)
		on conflict(hospital_id, key) do update set channels = excluded.channels, updated_at = excluded.updated_at`,
		hospitalID, key, strings.Join(parts, ","), ts(tx.now))
	return err
}

// ContactRules returns a hospital's contact rules, the defaults when it has none saved.
func (s *Store) ContactRules(ctx context.Context, hospitalID int64) (app.ContactRules, error) {
	r := app.ContactRules{HospitalID: hospitalID}
	err := s.R.QueryRowContext(ctx, `select quiet_start, quiet_end, cap_count, cap_hours from notify_rules where hospital_id = ?`,
		hospitalID).Scan(&r.QuietStart, &r.QuietEnd, &r.CapCount, &r.CapHours)
	if errors.Is(err, sql.ErrNoRows) {
		return app.DefaultContactRules(hospitalID), nil
	}
	return r, err
}

// SaveContactRules stores a hospital's contact rules.
func (tx *Tx) SaveContactRules(ctx context.Context, r app.ContactRules) error {
	_, err := tx.ExecContext(ctx, `insert into notify_rules(hospital_id, quiet_start, quiet_end, cap_count, cap_hours, updated_at)
		values (?,?,?,?,?,?) on conflict(hospital_id) do update set quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
		cap_count = excluded.cap_count, cap_hours = excluded.cap_hours, updated_at = excluded.updated_at`,
		r.HospitalID, r.QuietStart, r.QuietEnd, r.CapCount, r.CapHours, ts(tx.now))
	return err
}

// NotifyProvider returns the provider of an outbound channel, with its secret still
// encrypted; ok is false when none is configured.
func (s *Store) NotifyProvider(ctx context.Context, ch app.Channel) (p app.ProviderConfig, secret []byte, ok bool, err error) {
	var enabled int
	var cfg, updated string
	err = s.R.QueryRowContext(ctx, `select kind, enabled, config, secret, updated_at from notify_providers where channel = ?`, ch).
		Scan(&p.Kind, &enabled, &cfg, &secret, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, false, nil
	}
	if err != nil {
		return p, nil, false, err
	}
	p.Channel, p.Enabled, p.Config, p.UpdatedAt = ch, enabled == 1, []byte(cfg), parseTS(updated)
	return p, secret, true, nil
}

// SaveNotifyProvider stores the provider of a channel; secret is already encrypted.
func (tx *Tx) SaveNotifyProvider(ctx context.Context, p app.ProviderConfig, secret []byte) error {
	_, err := tx.ExecContext(ctx, `insert into notify_providers(channel, kind, enabled, config, secret, updated_by, updated_at)
		values (?,?,?,?,?,?,?) on conflict(channel) do update set kind = excluded.kind, enabled = excluded.enabled,
		config = excluded.config, secret = excluded.secret, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.Channel, p.Kind, boolInt(p.Enabled), string(p.Config), secret, tx.by.Email, ts(tx.now))
	return err
}

// OptedOut reports whether contact opted out of purpose on channel.
func (s *Store) OptedOut(ctx context.Context, contact string, ch app.Channel, p app.Purpose) (bool, error) {
	var n int
	err := s.R.QueryRowContext(ctx, `select count(*) from notify_optouts where contact = ? and channel = ? and purpose = ?`,
		contact, ch, p).Scan(&n)
	return n > 0, err
}

// OptOuts lists a contact's opt-outs.
func (s *Store) OptOuts(ctx context.Context, contact string) ([]app.OptOut, error) {
	rows, err := s.R.QueryContext(ctx, `select channel, purpose, source, created_at from notify_optouts where contact = ?
		order by channel, purpose`, contact)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.OptOut
	for rows.Next() {
		o := app.OptOut{Contact: contact}
		var ch, p, at string
		if err := rows.Scan(&ch, &p, &o.Source, &at); err != nil {
			return nil, err
		}
		o.Channel, o.Purpose, o.CreatedAt = app.Channel(ch), app.Purpose(p), parseTS(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOptOut records (on) or removes (off) an opt-out; it reports whether anything changed.
func (tx *Tx) SetOptOut(ctx context.Context, o app.OptOut, on bool) (bool, error) {
	var res sql.Result
	var err error
	if on {
		res, err = tx.ExecContext(ctx, `insert into notify_optouts(contact, channel, purpose, source, created_at)
			values (?,?,?,?,?) on conflict do nothing`, o.Contact, o.Channel, o.Purpose, o.Source, ts(tx.now))
	} else {
		res, err = tx.ExecContext(ctx, `delete from notify_optouts where contact = ? and channel = ? and purpose = ?`,
			o.Contact, o.Channel, o.Purpose)
	}
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
