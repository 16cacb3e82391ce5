package complaints

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// Sweep fires every SLA milestone (reminders, breach, escalations) that is due at now,
// each exactly once: the fired row's primary key is the guard, written in the same
// transaction as the timeline entry and the outbox event it causes, so a restart or a
// second sweep never repeats one. Complaints are handled a batch per transaction. It
// returns how many milestones fired.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		ids, err := s.st.DueMilestones(ctx, now, sweepBatch)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		n, err := s.sweepBatch(ctx, ids, now)
		total += n
		if err != nil {
			return total, err
		}
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

// sweepBatch is how many complaints one sweep transaction handles.
const sweepBatch = 2000

func (s *Service) sweepBatch(ctx context.Context, ids []int64, now time.Time) (int, error) {
	fired := 0
	calendars := map[int64]app.Calendar{}
	err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		fired = 0
		var events []MilestoneEvent
		states, err := tx.SweepStates(ctx, ids)
		if err != nil {
			return err
		}
		for _, st := range states {
			if !st.Status.Active() || st.Status == app.StatusOnHold {
				if err := tx.SetNextMilestone(ctx, st.ID, time.Time{}, false); err != nil {
					return err
				}
				continue
			}
			cal, ok := calendars[st.HospitalID]
			if !ok {
				if cal, err = s.sla.Calendar(ctx, st.HospitalID); err != nil {
					return err
				}
				calendars[st.HospitalID] = cal
			}
			clock := app.SLAClock{Rule: st.SLA.Rule, Calendar: cal, Start: st.SLA.Start, Pauses: st.SLA.Pauses}
			breached := false
			for _, m := range clock.Milestones() {
				if m.At.After(now) || st.Fired[m.Kind] {
					continue
				}
				ok, err := tx.FireMilestone(ctx, st.ID, st.SLA.Cycle, m.Kind, m.At)
				if err != nil {
					return fmt.Errorf("sweep complaint %d: %w", st.ID, err)
				}
				st.Fired[m.Kind] = true
				if !ok { // another sweep fired it first
					continue
				}
				fired++
				ev, err := s.act(ctx, tx, st, m)
				if err != nil {
					return err
				}
				events = append(events, ev)
				breached = breached || m.Kind == app.MilestoneBreach
			}
			if err := tx.SetNextMilestone(ctx, st.ID, nextMilestone(clock, st.Fired), breached); err != nil {
				return err
			}
		}
		if len(events) == 0 {
			return nil
		}
		return tx.Emit(ctx, app.EventSLAMilestones, 0, events) // one event per batch: a sweep can fire 100,000
	})
	return fired, err
}

// MilestoneEvent is one fired milestone: a reminder, the breach, or an escalation (Level set).
type MilestoneEvent struct {
	ComplaintID int64               `json:"complaint_id"`
	HospitalID  int64               `json:"hospital_id"`
	Milestone   string              `json:"milestone"`
	Level       app.EscalationLevel `json:"level,omitempty"`
	DueAt       time.Time           `json:"due_at"`
}

// act records what a milestone means: for a breach or an escalation an internal timeline
// entry (reminders are recorded by their milestone row alone); the returned event goes out
// with the batch's others.
func (s *Service) act(ctx context.Context, tx *store.Tx, c store.SweepState, m app.Milestone) (MilestoneEvent, error) {
	ev := MilestoneEvent{ComplaintID: c.ID, HospitalID: c.HospitalID, Milestone: m.Kind, DueAt: c.DueAt}
	kind := ""
	switch {
	case m.Kind == app.MilestoneBreach:
		kind = "sla_breached"
	case strings.HasPrefix(m.Kind, app.MilestoneEscalation):
		kind, ev.Level = "escalated", app.EscalationLevel(strings.TrimPrefix(m.Kind, app.MilestoneEscalation))
	}
	if kind != "" {
		if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: kind, Note: m.Kind, ActorName: "system"}); err != nil {
			return ev, err
		}
	}
	return ev, nil
}

// OnCalendarChanged recomputes the due time and next milestone of every running complaint
// of a hospital whose calendar (working days, hours, holidays) changed, a batch per
// transaction. It is idempotent: running it twice gives the same schedule.
func (s *Service) OnCalendarChanged(ctx context.Context, e app.Event) error {
	var p struct {
		HospitalID int64 `json:"hospital_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("calendar event payload: %w", err)
	}
	var after int64
	for {
		ids, err := s.st.ActiveComplaintIDs(ctx, p.HospitalID, after, sweepBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		err = s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
			for _, id := range ids {
				c, err := tx.ComplaintByID(ctx, app.Scope{All: true}, id)
				if err != nil {
					return err
				}
				next, err := s.reschedule(ctx, tx, &c)
				if err != nil {
					return err
				}
				if c.Status == app.StatusOnHold {
					next = time.Time{} // paused: the sweep looks again when it resumes
				}
				if err := tx.SetSLASchedule(ctx, c.ID, c.DueAt, next); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}
