package complaints

import (
	"context"
	"fmt"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// Sweep fires every SLA milestone (reminders, breach, escalations) that is due at now,
// each exactly once: the fired row's primary key is the guard, written in the same
// transaction as the timeline entry and the outbox event it causes, so a restart or a
// second sweep never repeats one. It returns how many milestones fired.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		ids, err := s.st.DueMilestones(ctx, now, 500)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		for _, id := range ids {
			n, err := s.sweepOne(ctx, id, now)
			if err != nil {
				return total, fmt.Errorf("sweep complaint %d: %w", id, err)
			}
			total += n
		}
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

func (s *Service) sweepOne(ctx context.Context, id int64, now time.Time) (int, error) {
	fired := 0
	err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		fired = 0
		c, err := tx.ComplaintByID(ctx, app.Scope{All: true}, id)
		if err != nil {
			return err
		}
		if !c.Status.Active() || c.Status == app.StatusOnHold {
			return tx.SetNextMilestone(ctx, c.ID, time.Time{}, false)
		}
		st, err := tx.ComplaintSLAState(ctx, c.ID)
		if err != nil {
			return err
		}
		clock, err := s.clock(ctx, c.HospitalID, st)
		if err != nil {
			return err
		}
		done, err := tx.FiredMilestones(ctx, c.ID, st.Cycle)
		if err != nil {
			return err
		}
		breached := false
		for _, m := range clock.Milestones() {
			if m.At.After(now) || done[m.Kind] {
				continue
			}
			ok, err := tx.FireMilestone(ctx, c.ID, st.Cycle, m.Kind, m.At)
			if err != nil || !ok {
				return err
			}
			done[m.Kind] = true
			fired++
			if err := s.act(ctx, tx, c, m); err != nil {
				return err
			}
			breached = breached || m.Kind == app.MilestoneBreach
		}
		return tx.SetNextMilestone(ctx, c.ID, nextMilestone(clock, done), breached)
	})
	return fired, err
}

// act does what a milestone means: an internal timeline entry and an outbox event that
// the notifications module turns into messages to the right people.
func (s *Service) act(ctx context.Context, tx *store.Tx, c app.Complaint, m app.Milestone) error {
	kind, event := "sla_reminder", "complaint.sla_reminder"
	payload := map[string]any{"id": c.ID, "milestone": m.Kind, "due_at": c.DueAt}
	switch {
	case m.Kind == app.MilestoneBreach:
		kind, event = "sla_breached", "complaint.sla_breached"
	case strings.HasPrefix(m.Kind, app.MilestoneEscalation):
		level := strings.TrimPrefix(m.Kind, app.MilestoneEscalation)
		kind, event = "escalated", "complaint.escalated"
		payload["level"] = level
	}
	if err := tx.AddTimeline(ctx, app.TimelineEntry{ComplaintID: c.ID, Kind: kind, Note: m.Kind, ActorName: "system"}); err != nil {
		return err
	}
	return tx.Emit(ctx, event, c.HospitalID, payload)
}
