package appliance

import (
	"context"
	"time"

	"px360/app"
	"px360/store"
)

// interimSLA and interimTaxonomy stand in for the SLA-rules and taxonomy services until
// they are wired: the default rule, each hospital's default calendar, the built-in sources.
type interimSLA struct{ st *store.Store }

func (s interimSLA) RuleFor(context.Context, app.SLASubject) (app.SLARule, error) {
	return app.DefaultSLARule(), nil
}

func (s interimSLA) Calendar(ctx context.Context, hospitalID int64) (app.Calendar, error) {
	h, err := s.st.HospitalByID(ctx, app.Scope{All: true}, hospitalID)
	if err != nil {
		return app.Calendar{}, err
	}
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		loc = nil
	}
	return app.DefaultCalendar(loc), nil
}

type interimTaxonomy struct{}

func (interimTaxonomy) SourceUsable(_ context.Context, code string, _ app.ComplaintType) bool {
	switch code {
	case "patient", "family", "staff", "survey", "social_media", "call_center", "moh", "chi", "other":
		return true
	}
	return false
}

func (interimTaxonomy) CategoryUsable(context.Context, int64, int64) bool { return false }
