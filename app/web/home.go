package web

import (
	"net/http"

	"px360/app"
	"px360/store"
	"px360/views"
)

// health answers load balancers and IT monitoring: 200 when the database answers and
// its schema is current, 503 otherwise.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		s.writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "database unavailable"})
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": s.cfg.Version, "schema": store.LatestSchema(),
		"search": s.cfg.Search.Status()})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	ctx := r.Context()
	var p views.HomeProps
	one := app.ListQuery{Limit: 1}
	if hs, err := s.orgs.Hospitals(ctx, by); err == nil {
		p.Hospitals = len(hs)
	}
	if d, err := s.orgs.ListDepartments(ctx, by, one); err == nil {
		p.Departments = d.Count
	}
	if st, err := s.orgs.ListStaff(ctx, by, one, 0); err == nil {
		p.Staff = st.Count
	}
	if pt, err := s.orgs.ListPatients(ctx, by, one); err == nil {
		p.Patients = pt.Count
	}
	if by.Can(app.PermAuditView) {
		if a, err := s.st.ListAudit(ctx, store.AuditFilter{Scope: by.Scope, Limit: 8}); err == nil {
			p.RecentAudit = a.Items
		}
	}
	s.render(w, r, http.StatusOK, views.Home(s.frame(r), p))
}
