// Package outbox delivers the events that use cases append to the outbox in their own
// transactions. Each subscriber gets every event of its kind at least once; a delivery
// that already succeeded is never repeated (keyed by event id and subscriber name),
// failures are retried with exponential backoff and, after MaxAttempts, parked as failed
// where admins can see and retry them.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"px360/app"
	"px360/store"
)

// Handler processes one event. It must be idempotent: it may run again after a crash.
type Handler func(ctx context.Context, e app.Event) error

type subscriber struct {
	name string
	h    Handler
}

// Dispatcher hands claimed events to their subscribers.
type Dispatcher struct {
	st          *store.Store
	log         *slog.Logger
	subs        map[string][]subscriber
	MaxAttempts int
	BaseDelay   time.Duration
	MaxDelay    time.Duration
	Lease       time.Duration
	BatchSize   int
}

// New returns a dispatcher with no subscribers.
func New(st *store.Store, log *slog.Logger) *Dispatcher {
	return &Dispatcher{st: st, log: log, subs: map[string][]subscriber{}, MaxAttempts: 10,
		BaseDelay: 5 * time.Second, MaxDelay: time.Hour, Lease: 2 * time.Minute, BatchSize: 200}
}

// Subscribe registers h, under a stable name, for events of kind.
func (d *Dispatcher) Subscribe(kind, name string, h Handler) {
	d.subs[kind] = append(d.subs[kind], subscriber{name, h})
}

// Backoff returns the delay before attempt n+1 after n failures: BaseDelay doubling, capped.
func (d *Dispatcher) Backoff(failures int) time.Duration {
	delay := d.BaseDelay
	for i := 1; i < failures && delay < d.MaxDelay; i++ {
		delay *= 2
	}
	return min(delay, d.MaxDelay)
}

// Dispatch claims one batch of due events and delivers them; it returns how many
// events it finished.
func (d *Dispatcher) Dispatch(ctx context.Context, now time.Time) (int, error) {
	evs, err := d.st.ClaimEvents(ctx, now, d.Lease, d.BatchSize)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, e := range evs {
		if err := d.deliver(ctx, e, now); err != nil {
			failures := e.Attempts + 1
			next := now.Add(d.Backoff(failures))
			if failures >= d.MaxAttempts {
				next = time.Time{}
			}
			d.log.Warn("outbox delivery failed", "event", e.ID, "kind", e.Kind, "attempt", failures, "err", err)
			if err := d.st.RetryEvent(ctx, e.Seq, err.Error(), next, now); err != nil {
				return done, fmt.Errorf("record failure of event %s: %w", e.ID, err)
			}
			continue
		}
		if err := d.st.FinishEvent(ctx, e.Seq, now); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

func (d *Dispatcher) deliver(ctx context.Context, e app.Event, now time.Time) error {
	var errs []error
	for _, s := range d.subs[e.Kind] {
		delivered, err := d.st.DeliveredTo(ctx, e.ID, s.name)
		if err != nil {
			return err
		}
		if delivered {
			continue
		}
		if err := safely(ctx, s.h, e); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
			continue
		}
		if err := d.st.MarkDelivered(ctx, e.ID, s.name, now); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// safely runs h, turning a panic into an error so one bad handler cannot stop delivery.
func safely(ctx context.Context, h Handler, e app.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, e)
}
