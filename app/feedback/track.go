package feedback

import (
	"context"
	"time"

	"px360/app"
)

// Tracked is what a tracking code shows its holder: the status and the public updates,
// never who did what, internal notes, the assignee or the reporter.
type Tracked struct {
	Kind         string // app.RecordFeedback or app.RecordObservation
	TrackingCode string
	Status       string
	HospitalID   int64
	Language     string // the patient's language (feedback), "" for observations
	CreatedAt    time.Time
	Updates      []app.RecordLogEntry // public entries only, oldest first, without actors
}

// ErrTrackingUnknown answers an unknown and a malformed code alike, so a guesser does not
// learn which codes have the right shape.
var ErrTrackingUnknown = &app.Error{Code: app.ENotFound, Message: "err.feedback_tracking_unknown"}

// Track looks a tracking code up among observations (kind "observation") or feedback
// (kind "feedback"); any other kind looks in both.
func (s *Service) Track(ctx context.Context, kind, code string) (Tracked, error) {
	norm := app.NormalizeTrackingCode(code)
	if norm == "" {
		return Tracked{}, ErrTrackingUnknown
	}
	if kind != app.RecordFeedback {
		o, err := s.st.ObservationByTrackingCode(ctx, norm)
		switch {
		case err == nil:
			updates, err := s.st.ObservationLog(ctx, o.ID, true)
			return Tracked{Kind: app.RecordObservation, TrackingCode: o.TrackingCode, Status: string(o.Status),
				HospitalID: o.HospitalID, CreatedAt: o.CreatedAt, Updates: withoutActors(updates)}, err
		case app.ErrorCode(err) != app.ENotFound:
			return Tracked{}, err
		}
	}
	if kind != app.RecordObservation {
		f, err := s.st.FeedbackByTrackingCode(ctx, norm)
		switch {
		case err == nil:
			updates, err := s.st.FeedbackLog(ctx, f.ID, true)
			return Tracked{Kind: app.RecordFeedback, TrackingCode: f.TrackingCode, Status: string(f.Status),
				HospitalID: f.HospitalID, Language: f.Language, CreatedAt: f.CreatedAt, Updates: withoutActors(updates)}, err
		case app.ErrorCode(err) != app.ENotFound:
			return Tracked{}, err
		}
	}
	return Tracked{}, ErrTrackingUnknown
}

func withoutActors(es []app.RecordLogEntry) []app.RecordLogEntry {
	for i := range es {
		es[i].Actor = ""
	}
	return es
}
