package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/feedback"
	"px360/store"
	"px360/views"
)

// observationRoutes registers the staff observation pages, the SLA settings, the
// anonymous public form with its tracking page, and the public API.
func (s *Server) observationRoutes() {
	s.page("GET /observations", app.PermFeedbackView, s.observationList)
	s.page("GET /observations/sla", app.PermSLAManage, s.observationSLAPage)
	s.page("POST /observations/sla", app.PermSLAManage, s.observationSLASave)
	s.page("GET /observations/{id}", app.PermFeedbackView, s.observationPage)
	s.page("POST /observations/{id}/transitions", app.PermFeedbackManage, s.observationMove)
	s.page("POST /observations/{id}/triage", app.PermFeedbackManage, s.observationTriage)
	s.page("POST /observations/{id}/assign", app.PermFeedbackManage, s.observationAssign)
	s.page("POST /observations/{id}/resolve", app.PermFeedbackManage, s.observationResolve)
	s.page("POST /observations/{id}/files", app.PermFeedbackManage, s.observationUpload)
	s.page("GET /observations/{id}/files/{aid}", app.PermFeedbackView, s.observationDownload)

	s.public("GET /observe", s.publicObservationForm)
	s.public("POST /observe", s.publicObservationSubmit)
	s.public("GET /observe/track", s.publicObservationTrack)
	s.public("POST /api/v1/public/observations", s.apiPublicObservation)
	s.public("GET /api/v1/public/observations/{code}", s.apiObservationTrack)
}

// observationFilter reads the list filters from the URL: tracking code, hospital,
// status, severity, category, mine only and overdue only.
func observationFilter(r *http.Request, now time.Time) (store.ObservationFilter, views.Filter) {
	lq, fl := listQuery(r)
	q := r.URL.Query()
	f := store.ObservationFilter{ListQuery: lq}
	fl.Extra = url.Values{}
	if st := app.ObservationStatus(q.Get("status")); st.Valid() {
		f.Status = st
		fl.Extra.Set("status", string(st))
	}
	if sev := app.Severity(q.Get("severity")); sev.Valid() {
		f.Severity = sev
		fl.Extra.Set("severity", string(sev))
	}
	if c, err := strconv.ParseInt(q.Get("category"), 10, 64); err == nil && c > 0 {
		f.CategoryID = c
		fl.Extra.Set("category", q.Get("category"))
	}
	if q.Get("mine") == "1" {
		if u := userFrom(r); u != nil {
			f.AssignedTo = u.ID
			fl.Extra.Set("mine", "1")
		}
	}
	if q.Get("overdue") == "1" {
		f.OverdueAt = now
		fl.Extra.Set("overdue", "1")
	}
	return f, fl
}

// observationRows are list rows with where each SLA clock stands at now.
func observationRows(os []app.Observation, now time.Time) []views.ObservationRow {
	rows := make([]views.ObservationRow, len(os))
	for i, o := range os {
		rows[i] = views.ObservationRow{O: o}
		if !o.Status.Active() {
			continue
		}
		rows[i].Remaining = o.DueAt.Sub(now)
		switch {
		case !now.Before(o.DueAt):
			rows[i].SLA = app.SLABreached
		case rows[i].Remaining <= time.Duration(o.ReminderHours*float64(time.Hour)):
			rows[i].SLA = app.SLADueSoon
		default:
			rows[i].SLA = app.SLAOnTime
		}
	}
	return rows
}

// observationCategories returns the categories by id: the group's and those of the
// user's hospitals.
func (s *Server) observationCategories(ctx context.Context, hs []app.Hospital) map[int64]app.ObservationCategory {
	out := map[int64]app.ObservationCategory{}
	ids := []int64{0}
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	for _, id := range ids {
		cats, err := s.feedback.Categories(ctx, id)
		if err != nil {
			s.log.Error("load observation categories", "err", err)
		}
		for _, c := range cats {
			out[c.ID] = c
		}
	}
	return out
}

func (s *Server) observationList(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	fr := s.frame(r)
	f, fl := observationFilter(r, now)
	p, err := s.feedback.ListObservations(r.Context(), principal(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := app.Page[views.ObservationRow]{Items: observationRows(p.Items, now), Next: p.Next, Prev: p.Prev, Count: p.Count, Capped: p.Capped}
	s.render(w, r, http.StatusOK, views.ObservationList(fr, rows, fl, s.observationCategories(r.Context(), fr.Hospitals)))
}

// observationRecord loads everything the observation page shows, with empty forms.
func (s *Server) observationRecord(r *http.Request, id int64) (views.ObservationRecord, error) {
	ctx, by := r.Context(), principal(r)
	o, err := s.feedback.Observation(ctx, by, id)
	if err != nil {
		return views.ObservationRecord{}, err
	}
	rec := views.ObservationRecord{ObservationRow: observationRows([]app.Observation{o}, time.Now())[0], Ref: feedback.ObservationRef(o.ID),
		Move: views.NewForm(), Resolve: views.NewForm(), Upload: views.NewForm(), MaxFile: feedback.MaxFileSize,
		Assign: views.Form{Values: url.Values{"assignee": {o.AssignedTo}}},
		Triage: views.Form{Values: url.Values{"severity": {string(o.Severity)}, "category": {idString(o.CategoryID)},
			"subcategory": {idString(o.SubcategoryID)}, "department": {idString(o.DepartmentID)}}}}
	if rec.Log, err = s.feedback.ObservationLog(ctx, by, id); err != nil {
		return rec, err
	}
	files, err := s.feedback.Attachments(ctx, by, app.RecordObservation, id)
	if err != nil {
		return rec, err
	}
	rec.Files = evidenceItems(files)
	if rec.Categories, err = s.feedback.Categories(ctx, o.HospitalID); err != nil {
		return rec, err
	}
	_, ds := s.departmentsByID(r)
	for _, d := range ds {
		if d.HospitalID == o.HospitalID {
			rec.Departments = append(rec.Departments, d)
		}
	}
	if by.Can(app.PermFeedbackManage) {
		if rec.Assignees, err = s.feedback.Assignees(ctx, by, o.HospitalID); err != nil {
			return rec, err
		}
	}
	if o.AssignedTo != "" {
		rec.AssigneeName = o.AssignedTo
		if u, err := s.st.UserByID(ctx, o.AssignedTo); err == nil && u != nil {
			rec.AssigneeName = u.Name
		}
	}
	return rec, nil
}

func (s *Server) observationPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.observationRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ObservationPage(s.frame(r), rec))
}

// observationAction runs one of the record page's forms, like feedbackAction.
func (s *Server) observationAction(w http.ResponseWriter, r *http.Request, flash string, do func(form url.Values, id int64) error,
	keep func(rec *views.ObservationRecord, form views.Form)) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if _, err := s.feedback.Observation(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	err := do(form, id)
	s.observationDone(w, r, id, flash, err, func(rec *views.ObservationRecord) {
		keep(rec, views.Form{Values: form, Errors: app.Fields(err)})
	})
}

// observationDone answers a change of observation id: back to the record on success,
// else the record again with the refused form kept.
func (s *Server) observationDone(w http.ResponseWriter, r *http.Request, id int64, flash string, err error, keep func(rec *views.ObservationRecord)) {
	if err == nil {
		s.flash(r, flash)
		http.Redirect(w, r, "/observations/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	refusedPage(s, w, r, err, false, func() (views.ObservationRecord, error) { return s.observationRecord(r, id) },
		func(rec *views.ObservationRecord, conflict string) { keep(rec); rec.Conflict = conflict }, views.ObservationPage)
}

func (s *Server) observationMove(w http.ResponseWriter, r *http.Request) {
	s.observationAction(w, r, "observation.flash_moved", func(form url.Values, id int64) error {
		_, err := s.feedback.MoveObservation(r.Context(), principal(r), id, feedback.Transition{To: app.ObservationStatus(form.Get("to")),
			Note: form.Get("note"), Public: form.Get("public") != ""})
		return err
	}, func(rec *views.ObservationRecord, f views.Form) { rec.Move = f })
}

func (s *Server) observationTriage(w http.ResponseWriter, r *http.Request) {
	s.observationAction(w, r, "observation.flash_triaged", func(form url.Values, id int64) error {
		fe := app.FieldErrors{}
		t := feedback.Triage{Severity: app.Severity(form.Get("severity")), CategoryID: int64Field(form, "category", fe),
			SubcategoryID: int64Field(form, "subcategory", fe), DepartmentID: int64Field(form, "department", fe)}
		return submit(fe, func() error {
			_, err := s.feedback.TriageObservation(r.Context(), principal(r), id, t)
			return err
		})
	}, func(rec *views.ObservationRecord, f views.Form) { rec.Triage = f })
}

func (s *Server) observationAssign(w http.ResponseWriter, r *http.Request) {
	s.observationAction(w, r, "observation.flash_assigned", func(form url.Values, id int64) error {
		_, err := s.feedback.Assign(r.Context(), principal(r), id, form.Get("assignee"), form.Get("assign_note"))
		return renameField(err, "note", "assign_note")
	}, func(rec *views.ObservationRecord, f views.Form) { rec.Assign = f })
}

func (s *Server) observationResolve(w http.ResponseWriter, r *http.Request) {
	s.observationAction(w, r, "observation.flash_resolved", func(form url.Values, id int64) error {
		_, err := s.feedback.Resolve(r.Context(), principal(r), id, form.Get("resolution"), form.Get("share") != "")
		return err
	}, func(rec *views.ObservationRecord, f views.Form) { rec.Resolve = f })
}

func (s *Server) observationUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := s.receiveRecordFile(w, r, app.RecordObservation, id)
	if app.ErrorCode(err) == app.EInvalid && !formError(err) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	s.observationDone(w, r, id, "observation.flash_attached", err, func(rec *views.ObservationRecord) {
		rec.Upload = views.Form{Errors: app.Fields(err)}
	})
}

func (s *Server) observationDownload(w http.ResponseWriter, r *http.Request) {
	s.sendFile(w, r, func(ctx context.Context, by app.Principal, id, aid int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
		return s.feedback.OpenAttachment(ctx, by, app.RecordObservation, id, aid)
	})
}

// observationSLAHospital is the hospital the SLA page shows: ?hospital=, else the
// group's defaults for PX admins, else the user's first hospital.
func (s *Server) observationSLAHospital(r *http.Request, fr views.Frame, raw string) int64 {
	if id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64); err == nil && id >= 0 {
		return id
	}
	if principal(r).Scope.All || len(fr.Hospitals) == 0 {
		return 0
	}
	return fr.Hospitals[0].ID
}

func (s *Server) observationSLAPage(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	hid := s.observationSLAHospital(r, fr, r.URL.Query().Get("hospital"))
	rules, err := s.feedback.SLARules(r.Context(), principal(r), hid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ObservationSLAPage(fr, hid, views.ObservationSLAForm(rules)))
}

func (s *Server) observationSLASave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fr := s.frame(r)
	hid := s.observationSLAHospital(r, fr, form.Get("hospital"))
	fe := app.FieldErrors{}
	var rules []app.ObservationSLARule
	for _, sev := range app.Severities {
		num := func(name string) float64 {
			v, err := strconv.ParseFloat(strings.TrimSpace(form.Get(name)), 64)
			if err != nil {
				fe.Add(name, "err.number_invalid")
			}
			return v
		}
		rules = append(rules, app.ObservationSLARule{Severity: sev, Hours: num(string(sev) + "_hours"),
			ReminderHours: num(string(sev) + "_reminder")})
	}
	err := submit(fe, func() error { return s.feedback.SaveSLARules(r.Context(), principal(r), hid, rules) })
	switch {
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, views.ObservationSLAPage(fr, hid, views.Form{Values: form, Errors: app.Fields(err)}))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/observations/sla?hospital="+strconv.FormatInt(hid, 10), http.StatusSeeOther)
	}
}
