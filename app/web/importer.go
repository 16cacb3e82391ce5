package web

import (
	"net/http"
	"sort"

	"px360/app"
	"px360/app/orgs"
	"px360/views"
)

// maxUpload bounds a CSV upload (about 200,000 rows of patients).
const maxUpload = 64 << 20

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.Import(s.frame(r), views.NewForm(), orgs.StaffColumns, orgs.PatientColumns, nil))
}

// importUpload imports a staff or patient CSV. A file-level problem (not CSV, unknown
// column) imports nothing; row-level problems are listed by line and skip only that row.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	form := views.NewForm()
	fe := app.FieldErrors{}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		fe.Add("file", "err.file_required")
	}
	kind := r.FormValue("kind")
	form.Values.Set("kind", kind)
	if kind != "staff" && kind != "patients" {
		fe.Add("kind", "err.choose_option")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		fe.Add("file", "err.file_required")
	} else {
		defer file.Close()
	}
	if len(fe) > 0 {
		form.Errors = fe
		s.render(w, r, http.StatusUnprocessableEntity, views.Import(s.frame(r), form, orgs.StaffColumns, orgs.PatientColumns, nil))
		return
	}
	var res orgs.ImportResult
	if kind == "staff" {
		res, err = s.orgs.ImportStaff(r.Context(), principal(r), file)
	} else {
		res, err = s.orgs.ImportPatients(r.Context(), principal(r), file)
	}
	if err != nil {
		if app.ErrorCode(err) == app.EInvalid {
			form.Errors = app.FieldErrors{"file": app.ErrorMessage(err)}
			if line := app.Fields(err)["line"]; line != "" {
				form.Errors["file"] = views.T(langFrom(r), "err.csv_malformed_line", line)
			}
			s.render(w, r, http.StatusUnprocessableEntity, views.Import(s.frame(r), form, orgs.StaffColumns, orgs.PatientColumns, nil))
			return
		}
		s.fail(w, r, err)
		return
	}
	out := &views.ImportResult{Kind: kind, Created: res.Created, Updated: res.Updated}
	for _, e := range res.Errors {
		row := views.ImportRowError{Line: e.Line}
		for _, col := range e.Reasons.Names() {
			row.Reasons = append(row.Reasons, col+": "+e.Reasons[col])
		}
		out.Errors = append(out.Errors, row)
	}
	sort.Slice(out.Errors, func(i, j int) bool { return out.Errors[i].Line < out.Errors[j].Line })
	s.render(w, r, http.StatusOK, views.Import(s.frame(r), form, orgs.StaffColumns, orgs.PatientColumns, out))
}
