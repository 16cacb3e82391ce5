package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one row of the append-only, hash-chained audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    string
	ActorEmail string
	HospitalID int64 // 0 when not tied to one hospital
	IP         string
	Action     string // "auth.signin", "department.create", ...
	Entity     string // "department", "user", ...
	EntityID   string
	Summary    string // before/after summary (JSON)
	PrevHash   string
	Hash       string
}

// ComputeHash returns the chain hash of e given the previous row's hash: an HMAC-SHA256
// under the installation's audit key (kept in DATA/keys, not in the database), so someone
// who can edit the database file cannot recompute the chain after changing a row. Every
// field a reader relies on is covered.
func (e AuditEntry) ComputeHash(key []byte, prev string) string {
	var b strings.Builder
	for _, s := range []string{prev, strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.ActorEmail, strconv.FormatInt(e.HospitalID, 10), e.IP, e.Action, e.Entity,
		e.EntityID, e.Summary} {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte('|')
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(b.String()))
	return hex.EncodeToString(m.Sum(nil))
}

// Audit is what a use case records about itself; the store fills in time, ids and hashes.
type Audit struct {
	Action     string
	Entity     string
	EntityID   string
	HospitalID int64
	Summary    any // marshalled to JSON
}

// SavedAction is the audit action of a create or an update of entity ("department.create").
func SavedAction(entity string, created bool) string {
	if created {
		return entity + ".create"
	}
	return entity + ".update"
}

// SavedSummary is the audit summary of a save: the record before (omitted on create) and after.
func SavedSummary(created bool, before, after any) map[string]any {
	if created {
		return map[string]any{"after": after}
	}
	return map[string]any{"before": before, "after": after}
}
