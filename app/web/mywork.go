package web

import (
	"net/http"
	"time"

	"px360/views"
)

// myWork lists everything assigned to the signed-in user, soonest due first.
func (s *Server) myWork(w http.ResponseWriter, r *http.Request) {
	work, err := s.actions.MyWork(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]views.WorkItem, len(work))
	for i, it := range work {
		items[i] = views.WorkItem{Kind: it.Kind, Title: it.Title, Due: it.Due, State: it.State, Link: it.Link}
	}
	s.render(w, r, http.StatusOK, views.MyWork(s.frame(r), items, time.Now()))
}
