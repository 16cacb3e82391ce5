package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"px360/app"
)

// Audit appends one row to the hash-chained audit log inside tx. The single writer
// connection serialises appends, so reading the last hash here is race-free.
func (tx *Tx) Audit(ctx context.Context, a app.Audit) error {
	summary := ""
	switch v := a.Summary.(type) {
	case nil:
	case string:
		summary = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("audit summary: %w", err)
		}
		summary = string(b)
	}
	var prevID int64
	var prev string
	err := tx.QueryRowContext(ctx, `select id, hash from audit_log order by id desc limit 1`).Scan(&prevID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read chain head: %w", err)
	}
	e := app.AuditEntry{ID: prevID + 1, At: tx.now, ActorID: tx.by.UserID, ActorEmail: tx.by.Email,
		HospitalID: a.HospitalID, IP: tx.by.IP, Action: a.Action, Entity: a.Entity, EntityID: a.EntityID,
		Summary: summary, PrevHash: prev}
	e.Hash = e.ComputeHash(tx.auditKey, prev)
	_, err = tx.ExecContext(ctx, `insert into audit_log(id, at, actor_id, actor_email, hospital_id, ip, action,
		entity, entity_id, summary, prev_hash, hash) values (?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.ID, ts(e.At), e.ActorID, e.ActorEmail, nullID(e.HospitalID), e.IP, e.Action, e.Entity, e.EntityID,
		e.Summary, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	return nil
}

// AuditOutside records an event that changes nothing else (a failed sign-in, a backup).
func (s *Store) AuditOutside(ctx context.Context, by app.Principal, a app.Audit) error {
	return s.InTx(ctx, by, func(tx *Tx) error { return tx.Audit(ctx, a) })
}

// AuditFilter narrows the audit browser.
type AuditFilter struct {
	Scope      app.Scope
	HospitalID int64
	Action     string // prefix, e.g. "auth."
	Actor      string // e-mail, exact
	After      int64
	Before     int64
	Limit      int
}

// ListAudit returns audit rows newest first. Users limited to some hospitals see the
// rows of those hospitals only.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) (app.Page[app.AuditEntry], error) {
	var where []string
	var args []any
	if !f.Scope.All {
		c, a := scopeIn("hospital_id", f.Scope)
		where, args = append(where, c), append(args, a...)
	}
	if f.HospitalID != 0 {
		where, args = append(where, "hospital_id = ?"), append(args, f.HospitalID)
	}
	if f.Action != "" {
		where, args = append(where, "action >= ? and action < ?"), append(args, f.Action, f.Action+"\U0010FFFF")
	}
	if f.Actor != "" {
		where, args = append(where, "actor_email = ?"), append(args, strings.ToLower(f.Actor))
	}
	q := keyset{table: "audit_log", cols: `id, at, actor_id, actor_email, coalesce(hospital_id, 0), ip, action,
		entity, entity_id, summary, prev_hash, hash`, where: where, args: args, after: f.After, before: f.Before, limit: f.Limit}
	return list(ctx, s, q, func(r scanner) (app.AuditEntry, error) {
		var e app.AuditEntry
		var at string
		err := r.Scan(&e.ID, &at, &e.ActorID, &e.ActorEmail, &e.HospitalID, &e.IP, &e.Action, &e.Entity,
			&e.EntityID, &e.Summary, &e.PrevHash, &e.Hash)
		e.At = parseTS(at)
		return e, err
	}, func(e app.AuditEntry) int64 { return e.ID })
}

// AuditProblem names the first row where the chain breaks.
type AuditProblem struct {
	ID     int64
	Reason string
}

func (p *AuditProblem) Error() string {
	return "audit row " + strconv.FormatInt(p.ID, 10) + ": " + p.Reason
}

// VerifyAudit walks the whole chain in id order and returns the number of rows checked
// and, if the chain is broken, an *AuditProblem naming the first bad row: an edited row
// fails its hash, a removed row leaves a gap in the ids or a broken prev_hash link.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	rows, err := s.R.QueryContext(ctx, `select id, at, actor_id, actor_email, coalesce(hospital_id, 0), ip, action,
		entity, entity_id, summary, prev_hash, hash from audit_log order by id`)
	if err != nil {
		return 0, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var n, lastID int64
	prev := ""
	for rows.Next() {
		var e app.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorEmail, &e.HospitalID, &e.IP, &e.Action, &e.Entity,
			&e.EntityID, &e.Summary, &e.PrevHash, &e.Hash); err != nil {
			return n, err
		}
		e.At = parseTS(at)
		switch {
		case e.ID != lastID+1:
			return n, &AuditProblem{ID: e.ID, Reason: fmt.Sprintf("rows %d to %d are missing", lastID+1, e.ID-1)}
		case e.PrevHash != prev:
			return n, &AuditProblem{ID: e.ID, Reason: "link to the previous row is broken"}
		case e.ComputeHash(s.auditKey, prev) != e.Hash:
			return n, &AuditProblem{ID: e.ID, Reason: "content does not match its hash (row was altered)"}
		}
		prev, lastID = e.Hash, e.ID
		n++
	}
	return n, rows.Err()
}
