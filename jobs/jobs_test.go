package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"px360/jobs"
)

func TestParseClock(t *testing.T) {
	for in, ok := range map[string]bool{"02:30": true, "23:59": true, "24:00": false, "2:30pm": false, "": false, "off": false} {
		_, _, err := jobs.ParseClock(in)
		if (err == nil) != ok {
			t.Errorf("ParseClock(%q) err = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestSchedulerRunsTheOutboxAndStops(t *testing.T) {
	var calls atomic.Int64
	tasks := jobs.Tasks{
		DispatchOutbox: func(ctx context.Context, now time.Time) (int, error) { calls.Add(1); return 0, nil },
		CleanSessions:  func(context.Context, time.Time) (int64, error) { return 0, nil },
		PruneOutbox:    func(context.Context, time.Time) (int64, error) { return 0, nil },
	}
	s, err := jobs.Start(tasks, jobs.Schedule{OutboxEvery: 10 * time.Millisecond}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if calls.Load() < 3 {
		t.Fatalf("the outbox job ran %d times", calls.Load())
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := calls.Load()
	time.Sleep(50 * time.Millisecond)
	if calls.Load() != after {
		t.Fatal("the outbox job kept running after Stop")
	}
}

func TestBadBackupTimeIsRefused(t *testing.T) {
	tasks := jobs.Tasks{Backup: func(context.Context, time.Time) (string, error) { return "", nil }}
	if _, err := jobs.Start(tasks, jobs.Schedule{BackupAt: "25:00"}, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("a backup time of 25:00 was accepted")
	}
}
