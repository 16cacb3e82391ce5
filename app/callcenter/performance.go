package callcenter

import (
	"context"
	"time"

	"px360/app"
)

// Performance is the agents' numbers of a hospital over a period, with the totals.
type Performance struct {
	From, To time.Time // [From, To)
	Agents   []app.AgentPerformance
	Total    app.AgentPerformance
}

// maxPerformanceDays bounds a performance period (a year and a day: leap years).
const maxPerformanceDays = 367

// Performance sums the calls of a hospital that started in [from, to) per agent: calls
// handled, average handle time (wait + talk), resolution rate, average rating and low
// ratings, in one grouped query; Total weighs each agent by their calls.
func (s *Service) Performance(ctx context.Context, by app.Principal, hospitalID int64, from, to time.Time) (Performance, error) {
	p := Performance{From: from, To: to}
	if !by.Can(app.PermCallCenterManage) {
		return p, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
		fe.Add("hospital", "err.hospital_not_allowed")
	}
	if !to.After(from) {
		fe.Add("to", "err.call_period")
	} else if to.Sub(from) > maxPerformanceDays*24*time.Hour {
		fe.Add("to", "err.call_period_long")
	}
	if err := fe.Err(); err != nil {
		return p, err
	}
	agents, err := s.st.AgentPerformance(ctx, hospitalID, from, to)
	if err != nil {
		return p, err
	}
	p.Agents = agents
	var handle, rating float64
	for _, a := range agents {
		p.Total.Calls += a.Calls
		p.Total.Resolved += a.Resolved
		p.Total.Rated += a.Rated
		p.Total.LowRatings += a.LowRatings
		handle += a.AvgHandleSeconds * float64(a.Calls)
		rating += a.AvgRating * float64(a.Rated)
	}
	if p.Total.Calls > 0 {
		p.Total.AvgHandleSeconds = handle / float64(p.Total.Calls)
	}
	if p.Total.Rated > 0 {
		p.Total.AvgRating = rating / float64(p.Total.Rated)
	}
	return p, nil
}

// Zone is the time zone of a hospital, for reading and showing its periods and months.
func (s *Service) Zone(ctx context.Context, hospitalID int64) *time.Location {
	return s.zone(ctx, hospitalID)
}
