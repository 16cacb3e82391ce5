package feedback

import (
	"context"
	"fmt"
	"slices"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// sweepBatch is how many due observations one look at the store returns.
const sweepBatch = 200

// Sweep sends the observation reminders and overdue notices due at now, each exactly
// once (its row in observation_reminders is the guard, written in the same transaction
// as the notification): the reminder to the assignee (the hospital's admins while
// nobody is assigned), the overdue notice to the assignee and the hospital's admins,
// with an internal log entry. The minute job calls it; it returns how many fired.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for ctx.Err() == nil {
		ids, err := s.st.DueObservationMilestones(ctx, now, sweepBatch)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		for _, id := range ids {
			n, err := s.sweepOne(ctx, id, now)
			total += n
			if err != nil {
				return total, fmt.Errorf("observation %d reminders: %w", id, err)
			}
		}
	}
	return total, ctx.Err()
}

func (s *Service) sweepOne(ctx context.Context, id int64, now time.Time) (int, error) {
	fired := 0
	err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		fired = 0
		o, err := tx.ObservationByID(ctx, app.System.Scope, id)
		if err != nil {
			return err
		}
		if !o.Status.Active() {
			return tx.SetObservationNextMilestone(ctx, o.ID, time.Time{})
		}
		rule, err := tx.ObservationSLA(ctx, o.ID)
		if err != nil {
			return err
		}
		done, err := tx.FiredObservationMilestones(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, m := range app.ObservationMilestones(rule, o.DueAt) {
			if m.At.After(now) || done[m.Kind] {
				continue
			}
			ok, err := tx.FireObservationMilestone(ctx, o.ID, m.Kind, m.At)
			if err != nil {
				return err
			}
			done[m.Kind] = true
			if !ok { // another sweep sent it first
				continue
			}
			fired++
			if err := s.remind(ctx, tx, o, m); err != nil {
				return err
			}
		}
		return tx.SetObservationNextMilestone(ctx, o.ID, nextMilestone(rule, o.DueAt, done))
	})
	return fired, err
}

// remind notifies the people of one fired milestone.
func (s *Service) remind(ctx context.Context, tx *store.Tx, o app.Observation, m app.Milestone) error {
	var people []notify.Recipient
	if o.AssignedTo != "" {
		if u, err := s.st.UserByID(ctx, o.AssignedTo); err == nil && u != nil && u.Active {
			people = append(people, notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language})
		}
	}
	key := app.NotifyObservationReminder
	if m.Kind == app.ObservationOverdue || len(people) == 0 {
		admins, err := s.st.UsersWithRole(ctx, app.RoleHospitalAdmin, o.HospitalID, 0)
		if err != nil {
			return err
		}
		for _, a := range admins {
			if !slices.ContainsFunc(people, func(p notify.Recipient) bool { return p.UserID == a.UserID }) {
				people = append(people, a)
			}
		}
	}
	if m.Kind == app.ObservationOverdue {
		key = app.NotifyObservationOverdue
		if err := tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Actor: "system", Kind: "sla_overdue"}); err != nil {
			return err
		}
	}
	if len(people) == 0 {
		s.log.Warn("observation reminder has nobody to go to", "observation", o.ID, "milestone", m.Kind)
		return nil
	}
	_, err := s.notify.EnqueueTx(ctx, tx, s.observationNotice(ctx, o, key, people,
		fmt.Sprintf("observation:%d:%s:%d", o.ID, m.Kind, m.At.Unix())))
	return err
}
