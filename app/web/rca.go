package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/actions"
	"px360/store"
	"px360/views"
)

// rcaRoutes registers root cause analyses: the list, a new analysis, the editor (one
// form, no JavaScript), status moves, files and the printable report.
func (s *Server) rcaRoutes() {
	s.page("GET /rcas", app.PermActionView, s.rcaList)
	s.page("GET /rcas/new", app.PermActionManage, s.rcaNew)
	s.page("POST /rcas", app.PermActionManage, s.rcaCreate)
	s.page("GET /rcas/{id}", app.PermActionView, s.rcaPage)
	s.page("POST /rcas/{id}", app.PermActionManage, s.rcaSave)
	s.page("POST /rcas/{id}/transitions", app.PermActionManage, s.rcaMove)
	s.page("POST /rcas/{id}/files", app.PermActionManage, s.rcaFileUpload)
	s.page("GET /rcas/{id}/files/{aid}", app.PermActionView, s.rcaFileDownload)
	s.page("GET /rcas/{id}/report", app.PermActionView, s.rcaReport)
}

func (s *Server) rcaList(w http.ResponseWriter, r *http.Request) {
	lq, fl := listQuery(r)
	lq.Search, fl.Search, lq.HospitalID, fl.HospitalID = "", "", 0, 0
	p, err := s.actions.RCAs(r.Context(), principal(r), lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.RCAList(s.frame(r), p, fl))
}

func (s *Server) rcaNew(w http.ResponseWriter, r *http.Request) {
	v := url.Values{}
	if hs, _ := s.st.Hospitals(r.Context(), principal(r).Scope); len(hs) == 1 {
		v.Set("hospital", idString(hs[0].ID))
	}
	for _, k := range []string{"hospital", "links"} {
		if x := r.URL.Query().Get(k); x != "" {
			v.Set(k, x)
		}
	}
	s.render(w, r, http.StatusOK, views.RCANewForm(s.frame(r), views.Form{Values: v}))
}

// rcaScore reads an optional 1–5 score.
func rcaScore(form url.Values, name string, fe app.FieldErrors) int {
	v := strings.TrimSpace(digitFolder.Replace(form.Get(name)))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		fe.Add(name, "err.number_range")
		return 0
	}
	return n
}

// rcaLinks reads the links field: one record a line, its type and number ("complaint 12",
// "complaint #12" and "complaint: 12" all work).
func rcaLinks(text string, fe app.FieldErrors) []app.RCALink {
	var out []app.RCALink
	for _, line := range strings.Split(text, "\n") {
		f := strings.FieldsFunc(strings.ToLower(digitFolder.Replace(line)), func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '#' || r == ':' || r == ','
		})
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(f[len(f)-1], 10, 64)
		if len(f) != 2 || err != nil || n <= 0 || !slices.Contains(actions.RCALinkTypes, f[0]) {
			fe.Add("links", "err.rca_links")
			continue
		}
		if l := (app.RCALink{Type: f[0], ID: n}); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func rcaLinksText(ls []app.RCALink) string {
	var lines []string
	for _, l := range ls {
		lines = append(lines, fmt.Sprintf("%s %d", l.Type, l.ID))
	}
	return strings.Join(lines, "\n")
}

func (s *Server) rcaCreate(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	by := principal(r)
	fe := app.FieldErrors{}
	x := app.RCA{HospitalID: int64Field(form, "hospital", fe), Title: form.Get("title"), Problem: form.Get("problem"),
		Likelihood: rcaScore(form, "likelihood", fe), Impact: rcaScore(form, "impact", fe), Links: rcaLinks(form.Get("links"), fe)}
	if x.HospitalID == 0 || !by.Scope.Allows(x.HospitalID) {
		fe.Add("hospital", "err.hospital_required")
	}
	err := submit(fe, func() (err error) { x, err = s.actions.SaveRCA(r.Context(), by, x); return err })
	switch {
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, views.RCANewForm(s.frame(r), views.Form{Values: form, Errors: app.Fields(err)}))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "rca.flash_created")
		http.Redirect(w, r, "/rcas/"+strconv.FormatInt(x.ID, 10), http.StatusSeeOther)
	}
}

// rcaZone is the time zone of an RCA's hospital, for the corrective actions' due dates.
func (s *Server) rcaZone(ctx context.Context, scope app.Scope, hospitalID int64) *time.Location {
	if h, err := s.st.HospitalByID(ctx, scope, hospitalID); err == nil {
		return h.Zone()
	}
	return app.Riyadh()
}

// rcaValues is the editor's form for a saved RCA, with blank rows to add causes and actions.
func rcaValues(x app.RCA, loc *time.Location) url.Values {
	v := url.Values{"title": {x.Title}, "problem": {x.Problem}, "links": {rcaLinksText(x.Links)}, "team": x.Team,
		"cause_rows": {strconv.Itoa(len(x.RootCauses) + views.RCABlankRows)},
		"ca_rows":    {strconv.Itoa(len(x.CorrectiveActions) + views.RCABlankRows)}}
	if x.Likelihood > 0 {
		v.Set("likelihood", strconv.Itoa(x.Likelihood))
	}
	if x.Impact > 0 {
		v.Set("impact", strconv.Itoa(x.Impact))
	}
	for i, c := range x.RootCauses {
		n := strconv.Itoa(i)
		v.Set("cause_category_"+n, string(c.Category))
		v.Set("cause_text_"+n, c.Text)
		for w, why := range c.Whys {
			v.Set("cause_why_"+n+"_"+strconv.Itoa(w+1), why)
		}
	}
	for i, c := range x.CorrectiveActions {
		n := strconv.Itoa(i)
		v.Set("ca_text_"+n, c.Text)
		v.Set("ca_owner_"+n, c.OwnerUserID)
		v.Set("ca_status_"+n, c.Status)
		if !c.DueAt.IsZero() {
			v.Set("ca_due_"+n, c.DueAt.In(loc).Format(time.DateOnly))
		}
		if c.Effectiveness > 0 {
			v.Set("ca_effect_"+n, strconv.Itoa(c.Effectiveness))
		}
	}
	return v
}

// rcaFromForm reads the editor into x: rows left empty are skipped; causeRows[i] and
// actRows[i] are the form rows of the i-th cause and action, to put the service's
// errors back beside them.
func rcaFromForm(form url.Values, x app.RCA, users []app.User, loc *time.Location, fe app.FieldErrors) (app.RCA, []int, []int) {
	x.Title, x.Problem = form.Get("title"), form.Get("problem")
	x.Likelihood, x.Impact = rcaScore(form, "likelihood", fe), rcaScore(form, "impact", fe)
	x.Links = rcaLinks(form.Get("links"), fe)
	known := func(id string) bool { return slices.ContainsFunc(users, func(u app.User) bool { return u.ID == id }) }
	x.Team = nil
	for _, id := range form["team"] {
		if !known(id) {
			fe.Add("team", "err.choose_option")
		} else if !slices.Contains(x.Team, id) {
			x.Team = append(x.Team, id)
		}
	}
	rows := func(name string) int {
		n, err := strconv.Atoi(form.Get(name))
		if err != nil || n < 0 {
			return 0
		}
		return min(n, 50)
	}
	var causeRows, actRows []int
	x.RootCauses = nil
	for i := range rows("cause_rows") {
		n := strconv.Itoa(i)
		c := app.RootCause{Category: app.RootCauseCategory(form.Get("cause_category_" + n)), Text: form.Get("cause_text_" + n)}
		for w := 1; w <= views.RCAWhys; w++ {
			c.Whys = append(c.Whys, form.Get("cause_why_"+n+"_"+strconv.Itoa(w)))
		}
		if strings.TrimSpace(c.Text+strings.Join(c.Whys, "")) == "" {
			continue
		}
		x.RootCauses = append(x.RootCauses, c)
		causeRows = append(causeRows, i)
	}
	x.CorrectiveActions = nil
	for i := range rows("ca_rows") {
		n := strconv.Itoa(i)
		c := app.CorrectiveAction{Text: form.Get("ca_text_" + n), OwnerUserID: form.Get("ca_owner_" + n), Status: form.Get("ca_status_" + n)}
		due := strings.TrimSpace(form.Get("ca_due_" + n))
		effect := form.Get("ca_effect_" + n)
		if strings.TrimSpace(c.Text) == "" && c.OwnerUserID == "" && due == "" && effect == "" {
			continue
		}
		if c.OwnerUserID != "" && !known(c.OwnerUserID) {
			fe.Add("ca_owner_"+n, "err.choose_option")
		}
		if due != "" {
			d, err := time.ParseInLocation(time.DateOnly, due, loc)
			if err != nil {
				fe.Add("ca_due_"+n, "err.date_invalid")
			}
			c.DueAt = d.Add(24*time.Hour - time.Minute) // due by the end of that day
		}
		c.Effectiveness = rcaScore(form, "ca_effect_"+n, fe)
		x.CorrectiveActions = append(x.CorrectiveActions, c)
		actRows = append(actRows, i)
	}
	return x, causeRows, actRows
}

// renumberRCA moves the service's errors on the i-th cause or action onto the form row
// it came from.
func renumberRCA(err error, causeRows, actRows []int) error {
	fields := app.Fields(err)
	if fields == nil {
		return err
	}
	out := app.FieldErrors{}
	for k, msg := range fields {
		for _, m := range []struct {
			prefix, field string
			rows          []int
		}{{"root_causes.", "cause_text_", causeRows}, {"corrective_actions.", "ca_text_", actRows}} {
			if n, ok := strings.CutPrefix(k, m.prefix); ok {
				if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < len(m.rows) {
					k = m.field + strconv.Itoa(m.rows[i])
				}
			}
		}
		out[k] = msg
	}
	return &app.Error{Code: app.ErrorCode(err), Message: app.ErrorMessage(err), Fields: out}
}

// rcaRecord loads everything an RCA's page shows, with the editor filled from the RCA.
func (s *Server) rcaRecord(r *http.Request, id int64) (views.RCARecord, error) {
	ctx, by := r.Context(), principal(r)
	x, err := s.actions.RCA(ctx, by, id)
	if err != nil {
		return views.RCARecord{}, err
	}
	hist, err := s.actions.RCAHistory(ctx, by, id)
	if err != nil {
		return views.RCARecord{}, err
	}
	files, err := s.actions.RCAFiles(ctx, by, id)
	if err != nil {
		return views.RCARecord{}, err
	}
	users, err := s.actions.Assignees(ctx, by, x.HospitalID)
	if err != nil {
		return views.RCARecord{}, err
	}
	ids := slices.Clone(x.Team)
	for _, c := range x.CorrectiveActions {
		ids = append(ids, c.OwnerUserID)
	}
	rec := views.RCARecord{R: x, Names: s.actions.UserNames(ctx, by, ids), Users: users, Files: evidenceItems(files),
		Editable: by.Can(app.PermActionManage) && x.Status != "closed",
		Form:     views.Form{Values: rcaValues(x, s.rcaZone(ctx, by.Scope, x.HospitalID))}, Move: views.NewForm(),
		Upload: views.NewForm(), MaxFile: actions.MaxEvidenceBytes}
	for _, e := range hist {
		rec.History = append(rec.History, views.RCAHistoryEntry(e))
	}
	return rec, nil
}

func (s *Server) rcaPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.rcaRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.RCAPage(s.frame(r), rec))
}

func (s *Server) rcaReport(w http.ResponseWriter, r *http.Request) {
	rec, err := s.rcaRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.RCAReport(s.frame(r), rec))
}

// rcaRefused re-renders the RCA page after a refused change: field errors in their form
// (422), a refused status move with its message (409); anything else fails.
func (s *Server) rcaRefused(w http.ResponseWriter, r *http.Request, id int64, err error, keep func(rec *views.RCARecord)) {
	refusedPage(s, w, r, err, false, func() (views.RCARecord, error) { return s.rcaRecord(r, id) },
		func(rec *views.RCARecord, conflict string) { keep(rec); rec.Conflict = conflict }, views.RCAPage)
}

// rcaSave saves the whole analysis from the editor.
func (s *Server) rcaSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	rec, err := s.rcaRecord(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fe := app.FieldErrors{}
	x, causeRows, actRows := rcaFromForm(form, rec.R, rec.Users, s.rcaZone(ctx, by.Scope, rec.R.HospitalID), fe)
	err = submit(fe, func() error { _, err := s.actions.SaveRCA(ctx, by, x); return renumberRCA(err, causeRows, actRows) })
	if err != nil {
		s.rcaRefused(w, r, id, err, func(rec *views.RCARecord) { rec.Form = views.Form{Values: form, Errors: app.Fields(err)} })
		return
	}
	s.flash(r, "flash.saved")
	http.Redirect(w, r, "/rcas/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) rcaMove(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if _, err := s.actions.RCA(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	fe := app.FieldErrors{}
	note := app.OptionalText(fe, "note", form.Get("note"), actions.MaxComment)
	err := submit(fe, func() error {
		_, err := s.actions.MoveRCA(r.Context(), principal(r), id, form.Get("to"), note)
		return err
	})
	if err != nil {
		s.rcaRefused(w, r, id, err, func(rec *views.RCARecord) { rec.Move = views.Form{Values: form, Errors: app.Fields(err)} })
		return
	}
	s.flash(r, "rca.flash_moved")
	http.Redirect(w, r, "/rcas/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) rcaFileUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, actions.MaxEvidenceBytes+1<<20)
	err := fileError(receiveFile(r, func(name string, body io.Reader) error {
		_, err := s.actions.AddRCAFile(r.Context(), principal(r), id, name, body)
		return err
	}))
	if app.ErrorCode(err) == app.EInvalid && !formError(err) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.rcaRefused(w, r, id, err, func(rec *views.RCARecord) { rec.Upload = views.Form{Errors: app.Fields(err)} })
		return
	}
	s.flash(r, "rca.flash_file")
	http.Redirect(w, r, "/rcas/"+strconv.FormatInt(id, 10)+"#files", http.StatusSeeOther)
}

func (s *Server) rcaFileDownload(w http.ResponseWriter, r *http.Request) {
	s.sendFile(w, r, func(ctx context.Context, by app.Principal, id, aid int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
		return s.actions.OpenRCAFile(ctx, by, id, aid)
	})
}
