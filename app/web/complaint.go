package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/complaints"
	"px360/store"
	"px360/views"
)

// complaintRoutes registers the complaint pages, the public complaint and tracking pages,
// and the complaint API.
func (s *Server) complaintRoutes() {
	s.attachmentRoutes()
	s.duplicateRoutes()
	s.explanationRoutes()
	s.complaintSearchRoutes()
	s.page("GET /complaints", app.PermComplaintView, s.complaintList)
	s.page("GET /complaints/export.csv", app.PermComplaintManage, s.complaintExport)
	s.page("GET /complaints/new", app.PermComplaintCreate, s.complaintNew)
	s.page("POST /complaints", app.PermComplaintCreate, s.complaintCreate)
	s.page("GET /complaints/{id}", app.PermComplaintView, s.complaintPage)
	s.page("POST /complaints/{id}/transitions", app.PermComplaintManage, s.complaintMove)
	s.page("POST /complaints/{id}/assign", app.PermComplaintManage, s.complaintAssign)
	s.page("POST /complaints/{id}/notes", app.PermComplaintCreate, s.complaintNote)

	s.public("GET /complaint", s.publicComplaintForm)
	s.public("POST /complaint", s.publicComplaintSubmit)
	s.public("GET /track", s.trackPage)

	s.api("POST /api/v1/complaints", app.PermComplaintCreate, s.apiComplaintCreate)
	s.api("GET /api/v1/complaints", app.PermComplaintView, s.apiComplaintList)
	s.api("GET /api/v1/complaints/{id}", app.PermComplaintView, s.apiComplaint)
	s.api("POST /api/v1/complaints/{id}/transitions", app.PermComplaintManage, s.apiComplaintMove)
	s.public("POST /api/v1/public/complaints", s.apiPublicComplaint)
	s.public("GET /api/v1/public/track/{code}", s.apiTrack)
}

// zoneOf is the time zone a list's dates are read in: the hospital's for users of one
// hospital (as the frame shows them), else Riyadh.
func zoneOf(hs []app.Hospital) *time.Location {
	if len(hs) == 1 {
		if loc, err := app.Location(hs[0].TimeZone); err == nil {
			return loc
		}
	}
	if loc, err := app.Location("Asia/Riyadh"); err == nil {
		return loc
	}
	return time.UTC
}

// complaintFilter reads the list filters from the URL (hospital, statuses, severity,
// department, breached only, creation dates from/to inclusive in loc, tracking code) and
// the same filters for the pager and export links.
func complaintFilter(r *http.Request, loc *time.Location) (store.ComplaintFilter, views.Filter) {
	lq, fl := listQuery(r)
	q := r.URL.Query()
	f := store.ComplaintFilter{ListQuery: lq}
	fl.Extra = url.Values{}
	for _, v := range q["status"] {
		for _, part := range strings.Split(v, ",") {
			st := app.ComplaintStatus(strings.TrimSpace(part))
			if st.Valid() && !slices.Contains(f.Statuses, st) {
				f.Statuses = append(f.Statuses, st)
				fl.Extra.Add("status", string(st))
			}
		}
	}
	if sev := app.Severity(q.Get("severity")); sev.Valid() {
		f.Severity = sev
		fl.Extra.Set("severity", string(sev))
	}
	if d, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil && d > 0 {
		f.DepartmentID = d
		fl.Extra.Set("department", q.Get("department"))
	}
	if q.Get("breached") == "1" {
		f.Breached = true
		fl.Extra.Set("breached", "1")
	}
	if q.Get("sort") == "oldest" {
		f.Oldest = true
		fl.Extra.Set("sort", "oldest")
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil {
		f.From = t
		fl.Extra.Set("from", q.Get("from"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
		fl.Extra.Set("to", q.Get("to"))
	}
	return f, fl
}

// searchUnsupported reports a search term that is not a tracking code: the list store
// matches codes only (free text goes through the search page), so such a term finds nothing.
func searchUnsupported(f store.ComplaintFilter) bool {
	return f.Search != "" && app.NormalizeTrackingCode(f.Search) == ""
}

func (s *Server) complaintRow(r *http.Request, c app.Complaint, now time.Time) views.ComplaintRow {
	return s.complaintRows(r, []app.Complaint{c}, now)[0]
}

// complaintRows are list rows with their SLA chips, the clocks read in one batch.
func (s *Server) complaintRows(r *http.Request, cs []app.Complaint, now time.Time) []views.ComplaintRow {
	sla, err := s.compl.SLAStates(r.Context(), cs, now)
	if err != nil {
		s.log.Error("complaint sla states", "request_id", requestID(r), "err", err)
	}
	rows := make([]views.ComplaintRow, len(cs))
	for i, c := range cs {
		rows[i] = views.ComplaintRow{C: c, SLA: sla[c.ID].State, Remaining: sla[c.ID].Remaining}
	}
	return rows
}

func (s *Server) complaintList(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	f, fl := complaintFilter(r, zoneOf(fr.Hospitals))
	var rows app.Page[views.ComplaintRow]
	notice := ""
	if searchUnsupported(f) {
		notice = "complaint.search_code_only"
	} else {
		p, err := s.compl.List(r.Context(), principal(r), f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows = app.Page[views.ComplaintRow]{Items: s.complaintRows(r, p.Items, time.Now()), Next: p.Next, Prev: p.Prev,
			Count: p.Count, Capped: p.Capped}
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.ComplaintList(fr, rows, fl, ds, notice))
}

func (s *Server) complaintNew(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	v := url.Values{"type": {string(app.TypeComplaint)}, "severity": {string(app.SeverityMedium)},
		"priority": {string(app.PriorityMedium)}, "preferred_language": {"ar"}}
	if len(fr.Hospitals) == 1 {
		v.Set("hospital", idString(fr.Hospitals[0].ID))
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.ComplaintForm(fr, views.Form{Values: v}, ds, s.complaintSources(r), s.complaintCategories(r)))
}

// complaintSources are the active sources the intake form offers, from the taxonomy
// service (which holds only the store, so the web layer builds its own, as the
// taxonomy pages do).
func (s *Server) complaintSources(r *http.Request) []app.Source {
	src, err := s.tax.Sources(r.Context(), "")
	if err != nil {
		s.log.Error("load complaint sources", "request_id", requestID(r), "err", err)
	}
	return src
}

// complaintCategories is the active taxonomy the user may pick from (system-wide nodes and
// their hospitals' own).
func (s *Server) complaintCategories(r *http.Request) []app.CategoryNode {
	tree, err := s.tax.Tree(r.Context(), principal(r))
	if err != nil {
		s.log.Error("load complaint categories", "request_id", requestID(r), "err", err)
	}
	return app.ActiveOnly(tree)
}

// staffByNumber resolves an optional employee number in a hospital, adding a field error
// when there is no such staff member.
// Only hospitals in scope are looked in, so the answer cannot reveal another hospital's staff.
func (s *Server) staffByNumber(ctx context.Context, scope app.Scope, hospitalID int64, no, field string, fe app.FieldErrors) (int64, error) {
	no = strings.TrimSpace(no)
	if no == "" || hospitalID == 0 || !scope.Allows(hospitalID) {
		return 0, nil
	}
	x, err := s.st.StaffByEmployeeNo(ctx, hospitalID, no)
	switch {
	case err == nil:
		return x.ID, nil
	case app.ErrorCode(err) == app.ENotFound:
		fe.Add(field, "err.staff_unknown")
		return 0, nil
	}
	return 0, err
}

func (s *Server) complaintCreate(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	in := complaints.Input{Type: app.ComplaintType(form.Get("type")), HospitalID: int64Field(form, "hospital", fe),
		DepartmentID: int64Field(form, "department", fe), PatientMRN: form.Get("patient_mrn"), EncounterID: form.Get("encounter_id"),
		CategoryID: int64Field(form, "category", fe),
		Severity:   app.Severity(form.Get("severity")), Priority: app.Priority(form.Get("priority")), SourceCode: form.Get("source"),
		Title: form.Get("title"), Description: form.Get("description"), ContactName: form.Get("contact_name"),
		ContactPhone: form.Get("contact_phone"), ContactEmail: form.Get("contact_email"),
		PreferredLanguage: form.Get("preferred_language"), MOHRef: form.Get("moh_ref"), CHIRef: form.Get("chi_ref")}
	var err error
	if in.StaffInvolvedID, err = s.staffByNumber(r.Context(), principal(r).Scope, in.HospitalID, form.Get("staff_involved"), "staff_involved", fe); err != nil {
		s.fail(w, r, err)
		return
	}
	var c app.Complaint
	err = submit(fe, func() (err error) { c, err = s.compl.Create(r.Context(), principal(r), in); return err })
	switch {
	case formError(err):
		_, ds := s.departmentsByID(r)
		s.render(w, r, http.StatusUnprocessableEntity, views.ComplaintForm(s.frame(r), views.Form{Values: form, Errors: app.Fields(err)},
			ds, s.complaintSources(r), s.complaintCategories(r)))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "complaint.flash_created")
		http.Redirect(w, r, "/complaints/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	}
}

// complaintRecord loads everything the complaint page shows, with empty action forms.
func (s *Server) complaintRecord(r *http.Request, id int64) (views.ComplaintRecord, error) {
	ctx, by := r.Context(), principal(r)
	c, err := s.compl.Get(ctx, by, id)
	if err != nil {
		return views.ComplaintRecord{}, err
	}
	tl, err := s.compl.Timeline(ctx, by, id)
	if err != nil {
		return views.ComplaintRecord{}, err
	}
	rec := views.ComplaintRecord{ComplaintRow: s.complaintRow(r, c, time.Now()), Timeline: tl,
		Move: views.NewForm(), Note: views.NewForm()}
	if rec.Source, err = s.tax.SourceByCode(ctx, c.SourceCode); err != nil && app.ErrorCode(err) != app.ENotFound {
		return views.ComplaintRecord{}, err
	}
	_, ds := s.departmentsByID(r)
	for _, d := range ds {
		if d.HospitalID == c.HospitalID {
			rec.Departments = append(rec.Departments, d)
		}
		if d.ID == c.DepartmentID {
			rec.Department = d
		}
	}
	var ids []int64
	for _, id := range []int64{c.AssigneeStaffID, c.StaffInvolvedID} {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		staff, err := s.st.StaffByIDs(ctx, by.Scope, ids)
		if err != nil {
			return views.ComplaintRecord{}, err
		}
		rec.Assignee, rec.StaffInvolved = staff[c.AssigneeStaffID], staff[c.StaffInvolvedID]
	}
	if c.PatientID != 0 && by.Can(app.PermPatientView) {
		if ps, err := s.orgs.Patients(ctx, by, []int64{c.PatientID}); err == nil {
			rec.PatientMRN = ps[c.PatientID].MRN
		}
	}
	if c.CategoryID != 0 {
		if rec.Category, err = s.tax.Path(ctx, by, c.CategoryID); err != nil && app.ErrorCode(err) != app.ENotFound {
			return views.ComplaintRecord{}, err
		}
	}
	if rec.Refs, err = s.st.ComplaintRefs(ctx, c.ID); err != nil {
		return views.ComplaintRecord{}, err
	}
	rec.Assign = views.Form{Values: url.Values{"department": {idString(c.DepartmentID)}, "assignee": {rec.Assignee.EmployeeNo}}}
	for _, part := range []recordPart{s.attachmentsPart, s.duplicatesPart, s.analysisPart, s.explanationsPart} {
		main, side, err := part(r, c)
		if err != nil {
			return views.ComplaintRecord{}, err
		}
		rec.Main, rec.Side = append(rec.Main, main...), append(rec.Side, side...)
	}
	return rec, nil
}

// recordPart adds sections to a complaint's record page (each feature in its own file):
// main goes under the details, side beside them.
type recordPart func(r *http.Request, c app.Complaint) (main, side []g.Node, err error)

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.complaintRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ComplaintPage(s.frame(r), rec))
}

// complaintAction runs one of the record page's forms: the record is loaded first (404
// for a complaint the user may not see), then do changes it. Field errors re-render the
// page with the input kept (422), a refused move with its message (409); success goes
// back to the record with a flash.
func (s *Server) complaintAction(w http.ResponseWriter, r *http.Request, flash string,
	do func(form url.Values, rec views.ComplaintRecord) error, keep func(rec *views.ComplaintRecord, form views.Form)) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	rec, err := s.complaintRecord(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = do(form, rec)
	switch {
	case formError(err):
		keep(&rec, views.Form{Values: form, Errors: app.Fields(err)})
		s.render(w, r, http.StatusUnprocessableEntity, views.ComplaintPage(s.frame(r), rec))
	case app.ErrorCode(err) == app.EConflict:
		keep(&rec, views.Form{Values: form})
		rec.Conflict = app.ErrorMessage(err)
		s.render(w, r, http.StatusConflict, views.ComplaintPage(s.frame(r), rec))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, flash)
		http.Redirect(w, r, "/complaints/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

func (s *Server) complaintMove(w http.ResponseWriter, r *http.Request) {
	s.complaintAction(w, r, "complaint.flash_moved", func(form url.Values, rec views.ComplaintRecord) error {
		_, err := s.compl.Move(r.Context(), principal(r), rec.C.ID, complaints.Transition{To: app.ComplaintStatus(form.Get("to")),
			Note: form.Get("note"), Public: form.Get("public") != "", Resolution: app.ResolutionCategory(form.Get("resolution")),
			HoldReason: app.HoldReason(form.Get("hold_reason"))})
		return err
	}, func(rec *views.ComplaintRecord, f views.Form) { rec.Move = f })
}

func (s *Server) complaintAssign(w http.ResponseWriter, r *http.Request) {
	s.complaintAction(w, r, "complaint.flash_assigned", func(form url.Values, rec views.ComplaintRecord) error {
		fe := app.FieldErrors{}
		dep := int64Field(form, "department", fe)
		staffID, err := s.staffByNumber(r.Context(), principal(r).Scope, rec.C.HospitalID, form.Get("assignee"), "assignee", fe)
		if err != nil {
			return err
		}
		return submit(fe, func() error {
			_, err := s.compl.Assign(r.Context(), principal(r), rec.C.ID, dep, staffID, form.Get("assign_note"))
			return renameField(err, "note", "assign_note")
		})
	}, func(rec *views.ComplaintRecord, f views.Form) { rec.Assign = f })
}

func (s *Server) complaintNote(w http.ResponseWriter, r *http.Request) {
	s.complaintAction(w, r, "complaint.flash_noted", func(form url.Values, rec views.ComplaintRecord) error {
		err := s.compl.AddNote(r.Context(), principal(r), rec.C.ID, form.Get("comment"), form.Get("comment_public") != "")
		return renameField(err, "note", "comment")
	}, func(rec *views.ComplaintRecord, f views.Form) { rec.Note = f })
}

// renameField moves a service field error to the form field that shows it (the record
// page has several forms, so their field names must differ).
func renameField(err error, from, to string) error {
	fe := app.Fields(err)
	if _, ok := fe[from]; !ok {
		return err
	}
	out := app.FieldErrors{}
	for k, v := range fe {
		if k == from {
			k = to
		}
		out[k] = v
	}
	return out.Err()
}

// complaintExport downloads the filtered list as CSV. The export is audited also when it
// is cut short (the rows sent so far have left the server).
func (s *Server) complaintExport(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	hs, err := s.st.Hospitals(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, fl := complaintFilter(r, zoneOf(hs))
	ds, err := s.st.Departments(ctx, by.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hospitalCode, departmentCode := map[int64]string{}, map[int64]string{}
	for _, h := range hs {
		hospitalCode[h.ID] = h.Code
	}
	for _, d := range ds {
		departmentCode[d.ID] = d.Code
	}
	csvDownload(w, "complaints-"+time.Now().Format("20060102")+".csv")
	n, err := s.writeComplaintsCSV(ctx, by, f, w, func(c app.Complaint) []string {
		return []string{c.TrackingCode, hospitalCode[c.HospitalID], departmentCode[c.DepartmentID], string(c.Type),
			string(c.Status), string(c.Severity), string(c.Priority), c.SourceCode, c.Title, c.Description, c.ContactName,
			c.ContactPhone, c.ContactEmail, c.PreferredLanguage, c.EncounterID, string(c.Resolution), boolString(c.Breached),
			csvTime(c.DueAt), csvTime(c.CreatedAt), csvTime(c.ResolvedAt), csvTime(c.ClosedAt)}
	})
	summary := map[string]any{"rows": n, "filter": fl.Extra.Encode(), "search": f.Search, "hospital": f.HospitalID}
	if err != nil {
		s.log.Error("export complaints", "request_id", requestID(r), "err", err)
		summary["interrupted"] = err.Error()
	}
	if err := s.st.AuditOutside(context.WithoutCancel(ctx), by, app.Audit{Action: "complaint.export", Entity: "complaint",
		HospitalID: f.HospitalID, Summary: summary}); err != nil {
		s.log.Error("audit complaint export", "request_id", requestID(r), "err", err)
	}
}

var complaintCSVHeader = []string{"tracking_code", "hospital_code", "department_code", "type", "status", "severity", "priority",
	"source", "title", "description", "contact_name", "contact_phone", "contact_email", "preferred_language", "encounter_id",
	"resolution", "breached", "due_at", "created_at", "resolved_at", "closed_at"}

// writeComplaintsCSV pages through the filtered list with keyset cursors and writes one
// row per complaint, returning how many rows it wrote.
func (s *Server) writeComplaintsCSV(ctx context.Context, by app.Principal, f store.ComplaintFilter, w io.Writer,
	row func(app.Complaint) []string) (int, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil { // so spreadsheet programs read the Arabic as UTF-8
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(complaintCSVHeader); err != nil {
		return 0, err
	}
	n := 0
	if searchUnsupported(f) { // the list shows nothing for it; neither does the export
		cw.Flush()
		return 0, cw.Error()
	}
	f.After, f.Before, f.Limit, f.NoCount = 0, 0, 500, true
	for {
		p, err := s.compl.List(ctx, by, f)
		if err != nil {
			return n, err
		}
		for _, c := range p.Items {
			if err := cw.Write(app.SpreadsheetSafe(row(c))); err != nil {
				return n, err
			}
			n++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, err
		}
		if p.Next == 0 || ctx.Err() != nil {
			return n, ctx.Err()
		}
		f.After = p.Next
	}
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
