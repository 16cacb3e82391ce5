package notify_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"testing"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/app/vault"
	"px360/store"
)

// queue adds n acknowledgements to n different numbers, a thousand per transaction.
func queue(t testing.TB, f *fixture, n int) {
	t.Helper()
	for done := 0; done < n; {
		err := f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error {
			for i := 0; i < 1000 && done < n; i++ {
				p := notify.Patient{Phone: fmt.Sprintf("05%08d", done), Lang: "ar", Name: "مريض"}
				if _, err := f.svc.EnqueueTx(f.ctx, tx, notify.Request{Key: app.NotifyComplaintAcknowledged, HospitalID: f.hospital,
					Patient: &p, Ref: fmt.Sprint("bulk-", done)}); err != nil {
					return err
				}
				done++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// noQuietHours lets the test send at any hour of the real clock.
func noQuietHours(t testing.TB, f *fixture) {
	t.Helper()
	if err := f.svc.SaveRules(f.ctx, admin, app.ContactRules{HospitalID: f.hospital, CapCount: 0, CapHours: 24}); err != nil {
		t.Fatal(err)
	}
}

// TestKillNineMidRunLosesNothing queues messages, lets a child process send them, kills it
// with SIGKILL in the middle, restarts, and checks that every message reached the
// provider and that no more than Senders were sent twice (the documented bound).
func TestKillNineMidRunLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const n = 600
	dir := t.TempDir()
	f := openFixture(t, dir, true)
	f.unifonic(t)
	noQuietHours(t, f)
	queue(t, f, n)
	fake := f.fake
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestChildSender$", "-test.v")
	cmd.Env = append(os.Environ(), "PX360_NOTIFY_CHILD="+dir, "PX360_NOTIFY_CHILD_URL="+fake.URL())
	out, _ := os.Create(filepath.Join(dir, "child.log"))
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for fake.Total() < n/3 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			b, _ := os.ReadFile(filepath.Join(dir, "child.log"))
			t.Fatalf("the child sent only %d messages:\n%s", fake.Total(), b)
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up runs
		t.Fatal(err)
	}
	_ = cmd.Wait()
	before := fake.Total()
	if before >= n {
		t.Fatalf("the child finished (%d) before the kill; make n larger", before)
	}

	g := openFixture(t, dir, false)
	g.svc.HTTPClient, g.svc.Now = fake.Client(), time.Now
	recovered, err := g.svc.Recover(g.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for {
		k, err := g.svc.Run(g.ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			break
		}
	}
	msgs, err := g.st.ListMessages(g.ctx, app.ListQuery{Scope: app.Scope{All: true}, Limit: 500}, store.MessageFilter{Status: app.MessageSent})
	if err != nil {
		t.Fatal(err)
	}
	if msgs.Count != n {
		t.Fatalf("%d of %d messages are sent", msgs.Count, n)
	}
	dups := 0
	for id := int64(1); id <= n; id++ {
		c := fake.AcceptedRef(fmt.Sprintf("px360-%d", id))
		if c == 0 {
			t.Fatalf("message %d never reached the provider", id)
		}
		dups += c - 1
	}
	t.Logf("killed after %d accepted; %d were in flight and went again; %d duplicates (bound %d)", before, recovered, dups, g.svc.Senders)
	if dups > g.svc.Senders {
		t.Fatalf("%d duplicates, more than the bound of %d (one per sender)", dups, g.svc.Senders)
	}
}

// TestChildSender is the child process of TestKillNineMidRunLosesNothing: it sends until
// it is killed.
func TestChildSender(t *testing.T) {
	dir := os.Getenv("PX360_NOTIFY_CHILD")
	if dir == "" {
		t.Skip("only run as a child process")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := notify.New(st, v, nil)
	svc.Batch = 16
	for ctx.Err() == nil {
		if _, err := svc.Run(ctx, time.Now()); err != nil {
			t.Log(err)
		}
	}
}

// BenchmarkSendLoopback measures the whole pipeline — claim, provider call over HTTP to
// a loopback Unifonic, outcome and attempt rows — with 4 concurrent senders.
func BenchmarkSendLoopback(b *testing.B) {
	f := newFixture(b)
	f.unifonic(b)
	noQuietHours(b, f)
	f.svc.Now = time.Now
	queue(b, f, b.N)
	b.ResetTimer()
	sent := 0
	for sent < b.N {
		k, err := f.svc.Run(f.ctx, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if k == 0 {
			break
		}
		sent += k
	}
	b.StopTimer()
	if f.fake.Total() != b.N {
		b.Fatalf("provider got %d of %d", f.fake.Total(), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
