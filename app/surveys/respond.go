package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"px360/app"
	"px360/store"
)

// Errors the public survey pages answer with.
var (
	// ErrUnknownLink answers a malformed, altered or unknown token (404).
	ErrUnknownLink = &app.Error{Code: app.ENotFound, Message: "err.survey_link_unknown"}
	// ErrExpired answers a link past its expiry (410).
	ErrExpired = errors.New("surveys: the link has expired")
)

// Form is what the public survey page shows for a link.
type Form struct {
	Instance  app.SurveyInstance
	Template  app.SurveyTemplate
	Hospital  app.Hospital
	Pages     []app.SurveyPage // the pages shown for the answers so far
	Page      int              // index into Pages of the page to show
	Completed bool             // already submitted: show the thank-you page
	Kiosk     bool             // a shared device: start again after the thank-you page
	Location  app.SurveyLocation
}

// Current returns the page to show.
func (f Form) Current() app.SurveyPage {
	if f.Page < len(f.Pages) {
		return f.Pages[f.Page]
	}
	return app.SurveyPage{}
}

// Open returns the survey behind a link, marking it opened. A malformed or unknown token
// gives ErrUnknownLink, an expired one ErrExpired; a completed one returns the form with
// Completed set.
func (s *Service) Open(ctx context.Context, token string) (Form, error) {
	f, err := s.load(ctx, token)
	if err != nil || f.Completed {
		return f, err
	}
	if f.Instance.OpenedAt.IsZero() {
		if err := s.st.MarkSurveyOpened(ctx, f.Instance.ID, s.Now()); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Service) load(ctx context.Context, token string) (Form, error) {
	if !app.ValidSurveyToken(token) {
		return Form{}, ErrUnknownLink
	}
	in, err := s.st.SurveyInstanceByToken(ctx, token)
	if errors.Is(err, app.ErrNotFound) {
		return Form{}, ErrUnknownLink
	}
	if err != nil {
		return Form{}, err
	}
	return s.form(ctx, in)
}

func (s *Service) form(ctx context.Context, in app.SurveyInstance) (Form, error) {
	f := Form{Instance: in, Completed: in.Status == app.SurveyCompleted}
	if !f.Completed && (in.Status == app.SurveyExpired || !in.ExpiresAt.After(s.Now())) {
		return Form{}, ErrExpired
	}
	var err error
	if f.Template, err = s.st.SurveyTemplateByID(ctx, app.System.Scope, in.TemplateID); err != nil {
		return f, err
	}
	if f.Hospital, err = s.st.HospitalByID(ctx, app.System.Scope, in.HospitalID); err != nil {
		return f, err
	}
	if in.LocationID != 0 {
		if f.Location, err = s.st.SurveyLocationByID(ctx, app.System.Scope, in.LocationID); err == nil {
			f.Kiosk = f.Location.Kiosk
		}
	}
	f.Pages = f.Template.Def.Visible(in.Answers)
	f.Page = min(in.Page, max(len(f.Pages)-1, 0))
	return f, nil
}

// Step is what the patient did on a page: "next" (save and go on; on the last page,
// submit) or "back".
type Step struct {
	Page    int // the page index the form was showing
	Action  string
	Answers app.Answers
}

// Save records one page's answers. Required questions of the page must be answered
// (field errors keyed by question id, and nothing is saved); answers of questions that
// are no longer shown are dropped. The last page submits the survey: the response is
// scored and written with its events, exactly once even if the patient submits twice.
func (s *Service) Save(ctx context.Context, token string, st Step) (Form, error) {
	f, err := s.load(ctx, token)
	if err != nil || f.Completed {
		return f, err
	}
	if st.Page != f.Page { // a stale form (another tab, the back button): show the current page
		return f, nil
	}
	if st.Action == "back" {
		f.Page = max(0, f.Page-1)
		return f, s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
			return tx.SaveSurveyProgress(ctx, f.Instance.ID, f.Instance.Answers, f.Page)
		})
	}
	page := f.Current()
	got, fe := app.CheckAnswers(page.Questions, st.Answers)
	if len(fe) > 0 {
		return f, fe.Err()
	}
	answers := app.Answers{}
	for k, v := range f.Instance.Answers {
		answers[k] = v
	}
	for _, q := range page.Questions {
		delete(answers, q.ID)
		if v, ok := got[q.ID]; ok {
			answers[q.ID] = v
		}
	}
	pages := f.Template.Def.Visible(answers)
	answers = onlyVisible(pages, answers)
	here := indexOf(pages, page.ID)
	next := here + 1
	if grew(page, pages[here]) { // an answer on this page shows a follow-up on it: show the page again
		next = here
	}
	if next < len(pages) {
		err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.SaveSurveyProgress(ctx, f.Instance.ID, answers, next) })
		if err != nil {
			return f, err
		}
		f.Instance.Answers, f.Pages, f.Page = answers, pages, next
		return f, nil
	}
	if err := s.complete(ctx, &f, answers); err != nil {
		return f, err
	}
	f.Completed = true
	return f, nil
}

// grew reports whether the page now shows questions it did not show before.
func grew(before, now app.SurveyPage) bool {
	for _, q := range now.Questions {
		if !slices.ContainsFunc(before.Questions, func(b app.Question) bool { return b.ID == q.ID }) {
			return true
		}
	}
	return false
}

func indexOf(pages []app.SurveyPage, id string) int {
	for i, p := range pages {
		if p.ID == id {
			return i
		}
	}
	return len(pages) - 1
}

// onlyVisible drops answers to questions the answers themselves hide.
func onlyVisible(pages []app.SurveyPage, a app.Answers) app.Answers {
	out := app.Answers{}
	for _, p := range pages {
		for _, q := range p.Questions {
			if v, ok := a[q.ID]; ok {
				out[q.ID] = v
			}
		}
	}
	return out
}

// complete writes the response, its counters and its events in one transaction.
func (s *Service) complete(ctx context.Context, f *Form, answers app.Answers) error {
	in, t := f.Instance, f.Template
	score := t.Def.ScoreResponse(answers)
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		first, err := tx.CompleteSurvey(ctx, in.ID, answers, len(f.Pages)-1)
		if err != nil || !first {
			return err // a second submit: the first one's response stands
		}
		r := app.SurveyResponse{InstanceID: in.ID, TemplateID: t.ID, Family: t.Family, HospitalID: in.HospitalID,
			DepartmentID: in.DepartmentID, LocationID: in.LocationID, Lang: in.Lang, Answers: answers, Score: score}
		if err := tx.InsertSurveyResponse(ctx, &r); err != nil {
			return err
		}
		return s.emit(ctx, tx, t, in, r)
	})
}

// emit writes the events of a new response: completed, negative, analysis of its text
// answers, and the resolution survey's answer.
func (s *Service) emit(ctx context.Context, tx *store.Tx, t app.SurveyTemplate, in app.SurveyInstance, r app.SurveyResponse) error {
	base := map[string]any{"response_id": r.ID, "instance_id": in.ID, "template_id": t.ID, "hospital_id": r.HospitalID,
		"department_id": r.DepartmentID}
	if err := tx.Emit(ctx, app.EventSurveyCompleted, r.HospitalID, base); err != nil {
		return err
	}
	if r.Score.Negative {
		neg := map[string]any{"response_id": r.ID, "template_id": t.ID, "hospital_id": r.HospitalID, "department_id": r.DepartmentID,
			"reasons": r.Score.Reasons}
		if r.Score.HasScore {
			neg["score"] = r.Score.Score
		}
		if r.Score.HasNPS {
			neg["nps"] = r.Score.NPS
		}
		if err := tx.Emit(ctx, app.EventSurveyNegative, r.HospitalID, neg); err != nil {
			return err
		}
	}
	if hasText(t.Def, r.Answers) {
		if err := tx.Emit(ctx, app.EventAnalysisRequested, r.HospitalID, map[string]any{"record_type": "survey_response",
			"record_id": r.ID, "hospital_id": r.HospitalID}); err != nil {
			return err
		}
	}
	if t.Kind == app.SurveyResolution && in.Source == app.SourceResolution {
		id, err := strconv.ParseInt(complaintOf(in.SourceRef), 10, 64)
		if err != nil {
			return fmt.Errorf("resolution survey %d: source %q", in.ID, in.SourceRef)
		}
		return tx.Emit(ctx, app.EventResolutionAnswered, r.HospitalID, map[string]any{"complaint_id": id,
			"satisfied": !r.Score.Negative, "response_id": r.ID})
	}
	return nil
}

// complaintOf returns the complaint id of a resolution survey's source ("12@2026-…").
func complaintOf(ref string) string {
	for i := range len(ref) {
		if ref[i] == '@' {
			return ref[:i]
		}
	}
	return ref
}

// hasText reports whether any text question was answered.
func hasText(d app.SurveyDefinition, a app.Answers) bool {
	for _, p := range d.Sections {
		for _, q := range p.Questions {
			if q.Type.Text() && a.Get(q.ID) != "" {
				return true
			}
		}
	}
	return false
}
