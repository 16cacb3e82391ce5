package web

import (
	"net/http"
	"net/url"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/complaints"
	"px360/views"
)

// duplicatesShown is how many possible duplicates the record page lists.
const duplicatesShown = 10

// duplicateRoutes registers the complaint possible duplicates and merging routes.
func (s *Server) duplicateRoutes() {
	s.page("POST /complaints/{id}/merge", app.PermComplaintManage, s.complaintMerge)
}

// duplicates is the duplicate finder. Until the appliance hands the web layer one that
// holds the complaint index, similar text is not looked for.
func (s *Server) duplicates() *complaints.Duplicates {
	if s.cfg.Duplicates != nil {
		return s.cfg.Duplicates
	}
	return complaints.NewDuplicates(s.compl, nil)
}

// duplicatesPart adds the possible duplicates and merging sections to the record page:
// for a merged complaint a notice naming the survivor, else the possible duplicates.
func (s *Server) duplicatesPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	ctx, by, f := r.Context(), principal(r), s.partFrame(r)
	if c.MergedInto != 0 {
		code := ""
		if survivor, err := s.compl.Get(ctx, by, c.MergedInto); err == nil {
			code = survivor.TrackingCode
		}
		return []g.Node{views.MergedNotice(f, c.MergedInto, code)}, nil, nil
	}
	dups, err := s.duplicates().PossibleDuplicates(ctx, by, c, duplicatesShown)
	if err != nil || len(dups) == 0 {
		return nil, nil, err
	}
	rows := make([]views.DuplicateRow, 0, len(dups))
	for _, d := range dups {
		rows = append(rows, views.DuplicateRow{C: d.Complaint, Reasons: d.Reasons})
	}
	return []g.Node{views.DuplicatesCard(f, c, rows)}, nil, nil
}

// complaintMerge merges the complaint duplicate_id into the one of the path (the
// survivor). A refused merge re-renders the record with its message (409).
func (s *Server) complaintMerge(w http.ResponseWriter, r *http.Request) {
	s.complaintAction(w, r, "complaint.flash_merged", func(form url.Values, rec views.ComplaintRecord) error {
		fe := app.FieldErrors{}
		dup := int64Field(form, "duplicate_id", fe)
		if dup == 0 && len(fe) == 0 {
			fe.Add("duplicate_id", "err.duplicate_id_required")
		}
		return submit(fe, func() error {
			return s.duplicates().Merge(r.Context(), principal(r), dup, rec.C.ID, form.Get("note"))
		})
	}, func(rec *views.ComplaintRecord, f views.Form) {
		for _, msg := range f.Errors { // the merge forms have no visible fields: say it at the top
			rec.Conflict = msg
			break
		}
	})
}
