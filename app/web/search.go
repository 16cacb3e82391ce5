package web

import (
	"net/http"
	"strings"

	"px360/app"
	"px360/views"
)

// searchPage is the top bar's people search: staff and (for those who may see them)
// patients by name prefix in English or Arabic, or by employee number or MRN.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var res views.SearchResults
	if q != "" {
		kind := ""
		if !by.Can(app.PermPatientView) {
			kind = "staff"
		}
		hits, err := s.cfg.Search.People(r.Context(), by.Scope, kind, q, 50)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, h := range hits {
			switch h.Kind {
			case "staff":
				if x, err := s.orgs.Staff(r.Context(), by, h.ID); err == nil {
					res.Staff = append(res.Staff, x)
				}
			case "patient":
				if p, err := s.orgs.Patient(r.Context(), by, h.ID); err == nil {
					res.Patients = append(res.Patients, p)
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, views.Search(s.frame(r), q, res))
}
