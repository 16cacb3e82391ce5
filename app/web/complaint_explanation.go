package web

import (
	"net/http"
	"net/url"
	"strconv"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/complaints"
	"px360/views"
)

// explanationRoutes registers the complaint explanation-request routes.
func (s *Server) explanationRoutes() {
	s.page("POST /complaints/{id}/explanations", app.PermComplaintManage, s.explanationRequest)
	s.page("POST /complaints/{id}/explanations/{eid}/answer", app.PermComplaintCreate, s.explanationAnswer)
}

// explanationsPart adds the explanation card beside the complaint's details. It must
// return exactly one side node: an action's error replaces it (see explanationCard).
func (s *Server) explanationsPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	card, err := s.explanationCard(r, c, views.NewForm(), views.NewForm())
	return nil, []g.Node{card}, err
}

func (s *Server) explanationCard(r *http.Request, c app.Complaint, request, answer views.Form) (g.Node, error) {
	ctx, by := r.Context(), principal(r)
	items, err := s.compl.Explanations(ctx, by, c.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, e := range items {
		ids = append(ids, e.StaffID)
	}
	staff, err := s.st.StaffByIDs(ctx, by.Scope, ids)
	if err != nil {
		return nil, err
	}
	return views.ExplanationsCard(s.partFrame(r), views.ExplanationsProps{Complaint: c, Items: items, Staff: staff,
		Request: request, Answer: answer}), nil
}

// explanationAction runs an explanation form through the record page's action flow; on
// an error the explanation card (the record's last side node) is re-rendered with the input.
func (s *Server) explanationAction(w http.ResponseWriter, r *http.Request, flash string, answering bool,
	do func(form url.Values, c app.Complaint) error) {
	s.complaintAction(w, r, flash, func(form url.Values, rec views.ComplaintRecord) error { return do(form, rec.C) },
		func(rec *views.ComplaintRecord, f views.Form) {
			request, answer := f, views.NewForm()
			if answering {
				request, answer = views.NewForm(), f
			}
			if card, err := s.explanationCard(r, rec.C, request, answer); err == nil && len(rec.Side) > 0 {
				rec.Side[len(rec.Side)-1] = card
			}
		})
}

func (s *Server) explanationRequest(w http.ResponseWriter, r *http.Request) {
	s.explanationAction(w, r, "flash.explanation_sent", false, func(form url.Values, c app.Complaint) error {
		fe := app.FieldErrors{}
		staffID, err := s.staffByNumber(r.Context(), principal(r).Scope, c.HospitalID, form.Get("staff"), "staff", fe)
		if err != nil {
			return err
		}
		hours := 0
		if v := form.Get("due_hours"); v != "" {
			if hours, err = strconv.Atoi(v); err != nil {
				fe.Add("due_hours", "err.due_hours_invalid")
			}
		}
		if form.Get("staff") == "" {
			fe.Add("staff", "err.required")
		}
		return submit(fe, func() error {
			_, err := s.compl.RequestExplanation(r.Context(), principal(r), c.ID, complaints.ExplanationInput{
				StaffID: staffID, Question: form.Get("question"), DueHours: hours})
			return err
		})
	})
}

func (s *Server) explanationAnswer(w http.ResponseWriter, r *http.Request) {
	eid, err := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err != nil || eid <= 0 {
		s.notFound(w, r)
		return
	}
	s.explanationAction(w, r, "flash.explanation_answered", true, func(form url.Values, c app.Complaint) error {
		form.Set("explanation_id", strconv.FormatInt(eid, 10))
		return s.compl.AnswerExplanation(r.Context(), principal(r), c.ID, eid, form.Get("answer"))
	})
}
