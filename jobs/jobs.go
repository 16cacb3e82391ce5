// Package jobs registers PX360's background work with gocron and nothing else: each job
// calls one service method. The scheduler starts with `serve` and stops on shutdown,
// cancelling running jobs' contexts.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Tasks are the service methods the jobs call.
type Tasks struct {
	DispatchOutbox func(ctx context.Context, now time.Time) (int, error)
	CleanSessions  func(ctx context.Context, now time.Time) (int64, error)
	PruneOutbox    func(ctx context.Context, before time.Time) (int64, error)
	Backup         func(ctx context.Context, now time.Time) (string, error) // nil disables the daily backup
	SweepSLA       func(ctx context.Context, now time.Time) (int, error)    // complaint reminders, breaches, escalations
	// SendNotifications sends every due SMS, WhatsApp and email message (nil: none).
	SendNotifications func(ctx context.Context, now time.Time) (int, error)
}

// Schedule says when the jobs run.
type Schedule struct {
	OutboxEvery time.Duration  // default 2s
	BackupAt    string         // "HH:MM" local time, default "02:30"
	Location    *time.Location // default Asia/Riyadh
}

type job struct {
	name string
	def  gocron.JobDefinition
	fn   func(ctx context.Context) error
}

// Scheduler is the running set of jobs.
type Scheduler struct{ s gocron.Scheduler }

// ParseClock reads "HH:MM".
func ParseClock(s string) (hour, minute uint, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM (24-hour)", s)
	}
	return uint(t.Hour()), uint(t.Minute()), nil
}

// Start registers the jobs and starts the scheduler.
func Start(t Tasks, sc Schedule, log *slog.Logger) (*Scheduler, error) {
	if sc.OutboxEvery <= 0 {
		sc.OutboxEvery = 2 * time.Second
	}
	if sc.BackupAt == "" {
		sc.BackupAt = "02:30"
	}
	if sc.Location == nil {
		sc.Location = time.UTC
	}
	var hour, minute uint
	if t.Backup != nil {
		var err error
		if hour, minute, err = ParseClock(sc.BackupAt); err != nil {
			return nil, err
		}
	}
	s, err := gocron.NewScheduler(gocron.WithLocation(sc.Location))
	if err != nil {
		return nil, err
	}
	single := gocron.WithSingletonMode(gocron.LimitModeReschedule)
	add := func(name string, def gocron.JobDefinition, fn func(ctx context.Context) error) error {
		_, err := s.NewJob(def, gocron.NewTask(func(ctx context.Context) {
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Error("job failed", "job", name, "err", err)
			}
		}), single, gocron.WithName(name))
		return err
	}
	jobs := []job{
		{"outbox", gocron.DurationJob(sc.OutboxEvery), func(ctx context.Context) error {
			for { // drain the backlog, one batch at a time
				n, err := t.DispatchOutbox(ctx, time.Now())
				if err != nil || n == 0 || ctx.Err() != nil {
					return err
				}
			}
		}},
		{"notifications", gocron.DurationJob(time.Second), func(ctx context.Context) error {
			if t.SendNotifications == nil {
				return nil
			}
			_, err := t.SendNotifications(ctx, time.Now())
			return err
		}},
		{"sessions", gocron.DurationJob(time.Hour), func(ctx context.Context) error {
			_, err := t.CleanSessions(ctx, time.Now())
			return err
		}},
		{"sla-sweep", gocron.DurationJob(time.Minute), func(ctx context.Context) error {
			if t.SweepSLA == nil {
				return nil
			}
			_, err := t.SweepSLA(ctx, time.Now())
			return err
		}},
		{"outbox-prune", gocron.DurationJob(24 * time.Hour), func(ctx context.Context) error {
			_, err := t.PruneOutbox(ctx, time.Now().AddDate(0, 0, -30))
			return err
		}},
	}
	if t.Backup != nil {
		jobs = append(jobs, job{"backup", gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(hour, minute, 0))), func(ctx context.Context) error {
			path, err := t.Backup(ctx, time.Now())
			if err == nil {
				log.Info("daily backup written and verified", "file", path)
			}
			return err
		}})
	}
	for _, j := range jobs {
		if err := add(j.name, j.def, j.fn); err != nil {
			_ = s.Shutdown()
			return nil, fmt.Errorf("register job %s: %w", j.name, err)
		}
	}
	s.Start()
	return &Scheduler{s: s}, nil
}

// Stop cancels running jobs and waits for them, up to the context's deadline.
func (s *Scheduler) Stop(ctx context.Context) error { return s.s.ShutdownWithContext(ctx) }
