package web

import (
	"net/http"
	"net/url"
	"strings"

	"px360/store"
	"px360/views"
)

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	q, fl := listQuery(r)
	actor := strings.TrimSpace(r.URL.Query().Get("actor"))
	f := store.AuditFilter{Scope: principal(r).Scope, HospitalID: q.HospitalID, Action: q.Search, Actor: actor,
		After: q.After, Before: q.Before, Limit: q.Limit}
	p, err := s.st.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fl.Extra = url.Values{}
	if actor != "" {
		fl.Extra.Set("actor", actor)
	}
	s.render(w, r, http.StatusOK, views.AuditList(s.frame(r), p, fl))
}
