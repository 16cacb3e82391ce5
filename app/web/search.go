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
		var staffIDs, patientIDs []int64
		for _, h := range hits {
			if h.Kind == "staff" {
				staffIDs = append(staffIDs, h.ID)
			} else {
				patientIDs = append(patientIDs, h.ID)
			}
		}
		staff, err := s.orgs.StaffByIDs(r.Context(), by, staffIDs)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		patients := map[int64]app.Patient{}
		if len(patientIDs) > 0 {
			if patients, err = s.orgs.Patients(r.Context(), by, patientIDs); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		for _, h := range hits { // best hits first; a hit the database no longer has is dropped
			if x, ok := staff[h.ID]; ok && h.Kind == "staff" {
				res.Staff = append(res.Staff, x)
			} else if p, ok := patients[h.ID]; ok && h.Kind == "patient" {
				res.Patients = append(res.Patients, p)
			}
		}
	}
	s.render(w, r, http.StatusOK, views.Search(s.frame(r), q, res))
}
