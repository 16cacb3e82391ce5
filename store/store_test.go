package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"px360/app"
	"px360/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.DBFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seedHospital(t *testing.T, s *store.Store, code string) app.Hospital {
	t.Helper()
	ctx := context.Background()
	h := app.Hospital{Code: code, NameEN: code + " Hospital", NameAR: "مستشفى " + code, TimeZone: "Asia/Riyadh", Active: true}
	err := s.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "Group", "المجموعة")
		if err != nil {
			return err
		}
		h.OrganizationID = org
		if err := tx.SaveHospital(ctx, &h); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "hospital.create", Entity: "hospital", EntityID: code, HospitalID: h.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestMigrationsAreIdempotentAndVersioned(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.DBFile)
	for i := 0; i < 2; i++ {
		s, err := store.Open(context.Background(), path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := s.SchemaVersion(context.Background()); v != store.LatestSchema() {
			t.Fatalf("schema version %d, want %d", v, store.LatestSchema())
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

func TestInTxRollsBackChangeAuditAndEvents(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	h := seedHospital(t, s, "A")
	boom := errors.New("boom")
	err := s.InTx(ctx, app.System, func(tx *store.Tx) error {
		d := app.Department{HospitalID: h.ID, Code: "ER", NameEN: "Emergency", NameAR: "الطوارئ", Category: app.DeptMedical}
		if err := tx.SaveDepartment(ctx, &d); err != nil {
			return err
		}
		if err := tx.Audit(ctx, app.Audit{Action: "department.create"}); err != nil {
			return err
		}
		if err := tx.Emit(ctx, "department.saved", h.ID, d); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	p, err := s.ListDepartments(ctx, app.ListQuery{Scope: app.Scope{All: true}})
	if err != nil || len(p.Items) != 0 {
		t.Fatalf("department survived rollback: %v %v", p.Items, err)
	}
	st, _ := s.OutboxStats(ctx)
	if st.Pending != 0 {
		t.Fatalf("event survived rollback: %+v", st)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 1 {
		t.Fatalf("audit rows = %d, err %v; want only the hospital row", n, err)
	}
}

func TestAuditChainDetectsEdits(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	seedHospital(t, s, "A")
	seedHospital(t, s, "B")
	seedHospital(t, s, "C")
	if n, err := s.VerifyAudit(ctx); err != nil || n != 3 {
		t.Fatalf("clean chain: n=%d err=%v", n, err)
	}
	if _, err := s.W.Exec(`update audit_log set summary = 'x' where id = 2`); err == nil {
		t.Fatal("audit_log accepted an update")
	}
	if _, err := s.W.Exec(`delete from audit_log where id = 2`); err == nil {
		t.Fatal("audit_log accepted a delete")
	}
	// Someone with file access drops the guard and edits a row.
	if _, err := s.W.Exec(`drop trigger audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.W.Exec(`update audit_log set actor_email = 'mallory' where id = 2`); err != nil {
		t.Fatal(err)
	}
	_, err := s.VerifyAudit(ctx)
	var p *store.AuditProblem
	if !errors.As(err, &p) || p.ID != 2 {
		t.Fatalf("err = %v, want problem at row 2", err)
	}
}

func TestKeysetPaginationAndScope(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	a, b := seedHospital(t, s, "A"), seedHospital(t, s, "B")
	err := s.InTx(ctx, app.System, func(tx *store.Tx) error {
		for i := 0; i < 7; i++ {
			for _, h := range []app.Hospital{a, b} {
				d := app.Department{HospitalID: h.ID, Code: h.Code + string(rune('0'+i)), NameEN: "Dept", NameAR: "قسم", Category: app.DeptSupport}
				if err := tx.SaveDepartment(ctx, &d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q := app.ListQuery{Scope: app.Scope{HospitalIDs: []int64{a.ID}}, Limit: 3}
	var seen []int64
	for page := 0; ; page++ {
		p, err := s.ListDepartments(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != 7 {
			t.Fatalf("count %d, want 7", p.Count)
		}
		for _, d := range p.Items {
			if d.HospitalID != a.ID {
				t.Fatalf("department of hospital %d leaked into scope A", d.HospitalID)
			}
			seen = append(seen, d.ID)
		}
		if p.Next == 0 {
			break
		}
		q.After = p.Next
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d rows, want 7", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first: %v", seen)
		}
	}
	// Previous page from the last page returns the page before it.
	p, _ := s.ListDepartments(ctx, app.ListQuery{Scope: q.Scope, Limit: 3, Before: seen[6]})
	if len(p.Items) != 3 || p.Items[0].ID != seen[3] {
		t.Fatalf("previous page = %v, want from %d", p.Items, seen[3])
	}
}

func TestOutboxClaimRetryAndFail(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if err := s.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.Emit(ctx, "x.happened", 0, map[string]int{"n": 1}) }); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	evs, err := s.ClaimEvents(ctx, now, time.Minute, 10)
	if err != nil || len(evs) != 1 {
		t.Fatalf("claim: %v %v", evs, err)
	}
	if again, _ := s.ClaimEvents(ctx, now, time.Minute, 10); len(again) != 0 {
		t.Fatal("a leased event was handed out twice")
	}
	if err := s.RetryEvent(ctx, evs[0].Seq, "smtp down", now.Add(time.Second), now); err != nil {
		t.Fatal(err)
	}
	if evs, _ := s.ClaimEvents(ctx, now.Add(2*time.Second), time.Minute, 10); len(evs) != 1 || evs[0].Attempts != 1 {
		t.Fatalf("retry not due again: %v", evs)
	}
	if err := s.RetryEvent(ctx, evs[0].Seq, "gave up", time.Time{}, now); err != nil {
		t.Fatal(err)
	}
	st, _ := s.OutboxStats(ctx)
	if st.Failed != 1 || st.Pending != 0 {
		t.Fatalf("stats %+v", st)
	}
	failed, _ := s.ListFailedEvents(ctx, 0)
	if len(failed.Items) != 1 || failed.Items[0].LastError != "gave up" {
		t.Fatalf("failed list %+v", failed.Items)
	}
}

func TestSnapshotIsAValidDatabase(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	seedHospital(t, s, "A")
	dst := filepath.Join(t.TempDir(), "snap.db")
	if err := s.Snapshot(ctx, dst); err != nil {
		t.Fatal(err)
	}
	c, err := store.Open(ctx, dst, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	hs, err := c.Hospitals(ctx, app.Scope{All: true})
	if err != nil || len(hs) != 1 || hs[0].Code != "A" {
		t.Fatalf("snapshot hospitals %v %v", hs, err)
	}
}

func TestPruneOutboxKeepsPendingAndFailed(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for i := 0; i < 2500; i++ {
		if err := s.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.Emit(ctx, "x", 0, i) }); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	evs, _ := s.ClaimEvents(ctx, now, time.Minute, 2400)
	for i, e := range evs {
		s.MarkDelivered(ctx, e.ID, "h", now)
		if i == 0 {
			s.RetryEvent(ctx, e.Seq, "boom", time.Time{}, now) // failed for good
			continue
		}
		s.FinishEvent(ctx, e.Seq, now)
	}
	n, err := s.PruneOutbox(ctx, now.Add(time.Second))
	if err != nil || n != 2399 {
		t.Fatalf("pruned %d, %v; want 2399", n, err)
	}
	st, _ := s.OutboxStats(ctx)
	if st.Pending != 100 || st.Failed != 1 {
		t.Fatalf("after pruning: %+v, want 100 pending and 1 failed", st)
	}
	var deliveries int
	s.R.QueryRow(`select count(*) from outbox_deliveries`).Scan(&deliveries)
	if deliveries != 1 {
		t.Fatalf("%d delivery records left, want the failed event's 1", deliveries)
	}
}

// TestAuditChainNeedsTheKey: someone who edits a row and rewrites every later hash
// without the installation's audit key is still caught.
func TestAuditChainNeedsTheKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.DBFile)
	key := []byte("0123456789abcdef0123456789abcdef")
	s, err := store.Open(ctx, path, store.Options{AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 3; i++ {
		seedHospital(t, s, fmt.Sprintf("H%d", i))
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	s.W.Exec(`drop trigger audit_log_no_update`)
	// The forger edits row 2 and recomputes rows 2..3 with a key of their own.
	forged, _ := s.ListAudit(ctx, store.AuditFilter{Scope: app.Scope{All: true}})
	prev := ""
	for i := len(forged.Items) - 1; i >= 0; i-- {
		e := forged.Items[i]
		if e.ID == 2 {
			e.ActorEmail = "mallory"
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash([]byte("not the real key"), prev)
		if _, err := s.W.Exec(`update audit_log set actor_email = ?, prev_hash = ?, hash = ? where id = ?`, e.ActorEmail, e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := s.VerifyAudit(ctx); err == nil {
		t.Fatal("a chain rewritten without the key verified")
	}
}
