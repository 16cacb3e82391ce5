package outbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"px360/app"
	"px360/app/outbox"
	"px360/store"
)

func TestDispatchRetriesOnlyFailedSubscribersThenParks(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DBFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.Emit(ctx, "thing.saved", 0, map[string]int{"id": 1}) }); err != nil {
		t.Fatal(err)
	}
	d := outbox.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.MaxAttempts = 3
	okCalls, badCalls := 0, 0
	d.Subscribe("thing.saved", "ok", func(context.Context, app.Event) error { okCalls++; return nil })
	d.Subscribe("thing.saved", "bad", func(context.Context, app.Event) error { badCalls++; return errors.New("provider down") })

	now := time.Now().Add(time.Second)
	for i := 0; i < 3; i++ {
		if _, err := d.Dispatch(ctx, now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(d.MaxDelay) // past any backoff
	}
	if okCalls != 1 {
		t.Fatalf("the succeeding subscriber ran %d times, want 1 (idempotent retries)", okCalls)
	}
	if badCalls != 3 {
		t.Fatalf("the failing subscriber ran %d times, want 3", badCalls)
	}
	st2, _ := st.OutboxStats(ctx)
	if st2.Failed != 1 || st2.Pending != 0 {
		t.Fatalf("after MaxAttempts the event should be parked as failed: %+v", st2)
	}
	if err := st.RequeueEvent(ctx, app.System, 1); err != nil {
		t.Fatal(err)
	}
	if st3, _ := st.OutboxStats(ctx); st3.Pending != 1 {
		t.Fatalf("requeue did not put the event back: %+v", st3)
	}
}

func TestBackoffDoublesAndCaps(t *testing.T) {
	d := outbox.New(nil, nil)
	if d.Backoff(1) != 5*time.Second || d.Backoff(2) != 10*time.Second || d.Backoff(4) != 40*time.Second {
		t.Fatalf("backoff 1,2,4 = %v %v %v", d.Backoff(1), d.Backoff(2), d.Backoff(4))
	}
	if d.Backoff(40) != time.Hour {
		t.Fatalf("backoff not capped: %v", d.Backoff(40))
	}
}
