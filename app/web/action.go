package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"px360/app"
	"px360/app/actions"
	"px360/app/complaints"
	"px360/app/files"
	"px360/store"
	"px360/views"
)

// actionRoutes registers improvement actions, RCAs, routing rules, approval chains and
// the "my work" page.
func (s *Server) actionRoutes() {
	s.page("GET /my-work", "", s.myWork)
	s.page("GET /actions", app.PermActionView, s.actionList)
	s.page("GET /actions/new", app.PermActionManage, s.actionNew)
	s.page("POST /actions", app.PermActionManage, s.actionCreate)
	s.page("GET /actions/{id}", app.PermActionView, s.actionPage)
	// Owners and approvers need not manage actions: the service decides who may work on
	// or decide about each action.
	s.page("POST /actions/{id}/transitions", app.PermActionView, s.actionMove)
	s.page("POST /actions/{id}/decision", app.PermActionView, s.actionDecide)
	s.page("POST /actions/{id}/assign", app.PermActionManage, s.actionAssign)
	s.page("POST /actions/{id}/comments", app.PermActionView, s.actionComment)
	s.page("POST /actions/{id}/evidence", app.PermActionView, s.actionEvidenceUpload)
	s.page("GET /actions/{id}/evidence/{aid}", app.PermActionView, s.actionEvidenceDownload)
	s.actionAPIRoutes()
	s.routingRoutes()
	s.rcaRoutes()
}

// actionDue is where an action's due time stands: nothing once it is submitted,
// approved or finished (the owner's part is done), else on time, due soon (within the
// hospital's reminder window) or overdue, with the time left.
func actionDue(a app.Action, soonHours int, now time.Time) (app.SLAState, time.Duration) {
	switch a.Status {
	case app.ActionPendingApproval, app.ActionApproved, app.ActionClosed, app.ActionCancelled:
		return "", 0
	}
	if a.DueAt.IsZero() {
		return "", 0
	}
	left := a.DueAt.Sub(now)
	switch {
	case left < 0:
		return app.SLABreached, left
	case left <= time.Duration(soonHours)*time.Hour:
		return app.SLADueSoon, left
	}
	return app.SLAOnTime, left
}

// actionRows are list rows with their owners' names and due states.
func (s *Server) actionRows(r *http.Request, as []app.Action, now time.Time) []views.ActionRow {
	ctx := r.Context()
	var ids []string
	for _, a := range as {
		ids = append(ids, a.OwnerUserID)
	}
	names := s.actions.UserNames(ctx, principal(r), ids)
	soon := map[int64]int{}
	rows := make([]views.ActionRow, len(as))
	for i, a := range as {
		if _, ok := soon[a.HospitalID]; !ok {
			set, err := s.st.ActionSettings(ctx, a.HospitalID)
			if err != nil {
				s.log.Error("action settings", "request_id", requestID(r), "err", err)
				set = app.DefaultActionSettings(a.HospitalID)
			}
			soon[a.HospitalID] = set.DueSoonHours
		}
		st, left := actionDue(a, soon[a.HospitalID], now)
		rows[i] = views.ActionRow{A: a, OwnerName: names[a.OwnerUserID], Due: st, Remaining: left}
	}
	return rows
}

// actionFilter reads the list filters from the URL (hospital, status, source, mine) and
// the same filters for the pager links.
func actionFilter(r *http.Request) (app.ListQuery, store.ActionFilter, views.Filter) {
	lq, fl := listQuery(r)
	lq.Search, fl.Search = "", ""
	q := r.URL.Query()
	var f store.ActionFilter
	fl.Extra = url.Values{}
	if st := app.ActionStatus(q.Get("status")); st.Valid() {
		f.Status = st
		fl.Extra.Set("status", string(st))
	}
	if src := app.ActionSource(q.Get("source")); src.Valid() {
		f.Source = src
		fl.Extra.Set("source", string(src))
	}
	if q.Get("owner") == "me" {
		f.Owner = principal(r).UserID
		fl.Extra.Set("owner", "me")
	}
	return lq, f, fl
}

func (s *Server) actionList(w http.ResponseWriter, r *http.Request) {
	lq, f, fl := actionFilter(r)
	p, err := s.actions.List(r.Context(), principal(r), lq, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := app.Page[views.ActionRow]{Items: s.actionRows(r, p.Items, time.Now()), Next: p.Next, Prev: p.Prev, Count: p.Count, Capped: p.Capped}
	s.render(w, r, http.StatusOK, views.ActionList(s.frame(r), rows, fl))
}

// actionAssignees are the users an action may be given to: those of hospital, or of
// every hospital of the reader when none is chosen yet.
func (s *Server) actionAssignees(r *http.Request, hospital int64, hospitals []app.Hospital) []app.User {
	var out []app.User
	for _, h := range hospitals {
		if hospital != 0 && h.ID != hospital {
			continue
		}
		us, err := s.actions.Assignees(r.Context(), principal(r), h.ID)
		if err != nil {
			s.log.Error("action assignees", "request_id", requestID(r), "err", err)
		}
		for _, u := range us {
			if !slices.ContainsFunc(out, func(x app.User) bool { return x.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	return out
}

func (s *Server) actionFormPage(w http.ResponseWriter, r *http.Request, status int, form views.Form) {
	fr := s.frame(r)
	hospital, _ := strconv.ParseInt(form.Values.Get("hospital"), 10, 64)
	_, ds := s.departmentsByID(r)
	s.render(w, r, status, views.ActionForm(fr, form, ds, s.actionAssignees(r, hospital, fr.Hospitals)))
}

// actionNew is the new-action form; the complaint page links here with the complaint
// as its source (?source=complaint&source_id=…&hospital=…).
func (s *Server) actionNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := url.Values{"severity": {string(app.SeverityMedium)}, "priority": {string(app.PriorityMedium)},
		"source": {string(app.ActionFromManual)}}
	for _, k := range []string{"source", "source_id", "hospital", "department"} {
		if x := q.Get(k); x != "" {
			v.Set(k, x)
		}
	}
	if hs, _ := s.st.Hospitals(r.Context(), principal(r).Scope); len(hs) == 1 {
		v.Set("hospital", idString(hs[0].ID))
	}
	s.actionFormPage(w, r, http.StatusOK, views.Form{Values: v})
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	in := actions.Input{HospitalID: int64Field(form, "hospital", fe), DepartmentID: int64Field(form, "department", fe),
		OwnerUserID: form.Get("owner"), Source: app.ActionSource(form.Get("source")), SourceID: form.Get("source_id"),
		TitleEN: form.Get("title_en"), TitleAR: form.Get("title_ar"), DescriptionEN: form.Get("description_en"),
		DescriptionAR: form.Get("description_ar"), Category: form.Get("category"), Severity: app.Severity(form.Get("severity")),
		Priority: app.Priority(form.Get("priority"))}
	if in.HospitalID == 0 {
		fe.Add("hospital", "err.required")
	}
	var a app.Action
	err := submit(fe, func() (err error) { a, err = s.actions.Create(r.Context(), principal(r), in); return err })
	switch {
	case formError(err):
		s.actionFormPage(w, r, http.StatusUnprocessableEntity, views.Form{Values: form, Errors: app.Fields(err)})
	case app.ErrorCode(err) == app.EConflict:
		s.actionFormPage(w, r, http.StatusConflict, views.Form{Values: form, Errors: app.FieldErrors{"source_id": app.ErrorMessage(err)}})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "action.flash_created")
		http.Redirect(w, r, "/actions/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	}
}

// evidenceItems turns stored files into the views' attachments.
func evidenceItems(in []store.RecordAttachment) []app.Attachment {
	out := make([]app.Attachment, len(in))
	for i, a := range in {
		out[i] = app.Attachment{ID: a.ID, SHA256: a.SHA256, Name: a.Name, ContentType: a.ContentType, Size: a.Size,
			UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt}
	}
	return out
}

// actionRecord loads everything the action page shows, with empty forms.
func (s *Server) actionRecord(r *http.Request, id int64) (views.ActionRecord, error) {
	ctx, by := r.Context(), principal(r)
	a, err := s.actions.Action(ctx, by, id)
	if err != nil {
		return views.ActionRecord{}, err
	}
	tl, err := s.actions.Timeline(ctx, by, id)
	if err != nil {
		return views.ActionRecord{}, err
	}
	ev, err := s.actions.Evidence(ctx, by, id)
	if err != nil {
		return views.ActionRecord{}, err
	}
	ab := s.actions.AbilitiesOn(ctx, by, a)
	rec := views.ActionRecord{ActionRow: s.actionRows(r, []app.Action{a}, time.Now())[0], Timeline: tl, Evidence: evidenceItems(ev),
		CanWork: ab.Work, CanDecide: ab.Decide, CanComment: ab.Comment, Move: views.NewForm(), Decide: views.NewForm(),
		Assign: views.Form{Values: url.Values{"owner": {a.OwnerUserID}}}, Note: views.NewForm(), Upload: views.NewForm(),
		MaxEvidence: actions.MaxEvidenceBytes}
	if rec.Assign.Values.Get("owner") == "" {
		rec.Assign.Values.Set("owner", "queue")
	}
	ids := []string{a.OwnerUserID}
	for _, p := range a.Approvals {
		ids = append(ids, p.DecidedBy)
	}
	for _, e := range tl {
		if e.Kind == "assign" {
			ids = append(ids, e.Note)
		}
	}
	rec.Names = s.actions.UserNames(ctx, by, ids)
	if a.DepartmentID != 0 {
		deps, _ := s.departmentsByID(r)
		rec.Department = deps[a.DepartmentID]
	}
	if by.Can(app.PermActionManage) && !a.Status.Finished() {
		if rec.Assignees, err = s.actions.Assignees(ctx, by, a.HospitalID); err != nil {
			return views.ActionRecord{}, err
		}
	}
	return rec, nil
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.actionRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ActionPage(s.frame(r), rec))
}

// actionDo runs one of the record page's forms: the action is loaded first (404 for one
// the user may not see), then do changes it. Field errors re-render the page with the
// input kept (422); a refused change (a move the workflow does not allow, no evidence, a
// decision by someone outside the chain) re-renders it with the message (409 or 403) and
// changes nothing; success goes back to the record with a flash.
func (s *Server) actionDo(w http.ResponseWriter, r *http.Request, flash string,
	do func(form url.Values, rec views.ActionRecord) error, keep func(rec *views.ActionRecord, form views.Form)) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	rec, err := s.actionRecord(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = do(form, rec)
	if err == nil {
		s.flash(r, flash)
		http.Redirect(w, r, "/actions/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	s.actionRefused(w, r, id, err, func(rec *views.ActionRecord) {
		keep(rec, views.Form{Values: form, Errors: app.Fields(err)})
	})
}

// actionRefused answers a refused change on the record page: field errors in their form
// (422), conflicts (409) and refusals (403) as a message at the top, anything else as an
// error page.
func (s *Server) actionRefused(w http.ResponseWriter, r *http.Request, id int64, err error, keep func(rec *views.ActionRecord)) {
	refusedPage(s, w, r, err, true, func() (views.ActionRecord, error) { return s.actionRecord(r, id) },
		func(rec *views.ActionRecord, conflict string) { keep(rec); rec.Conflict = conflict }, views.ActionPage)
}

func (s *Server) actionMove(w http.ResponseWriter, r *http.Request) {
	s.actionDo(w, r, "action.flash_moved", func(form url.Values, rec views.ActionRecord) error {
		_, err := s.actions.Move(r.Context(), principal(r), rec.A.ID, app.ActionStatus(form.Get("to")), form.Get("note"))
		return err
	}, func(rec *views.ActionRecord, f views.Form) { rec.Move = f })
}

func (s *Server) actionDecide(w http.ResponseWriter, r *http.Request) {
	s.actionDo(w, r, "action.flash_decided", func(form url.Values, rec views.ActionRecord) error {
		var err error
		switch form.Get("decision") {
		case "approve":
			_, err = s.actions.Approve(r.Context(), principal(r), rec.A.ID, form.Get("decision_comment"))
		case "reject":
			_, err = s.actions.Reject(r.Context(), principal(r), rec.A.ID, form.Get("decision_comment"))
		default:
			return app.FieldErrors{"decision_comment": "err.choose_option"}.Err()
		}
		return renameField(err, "comment", "decision_comment")
	}, func(rec *views.ActionRecord, f views.Form) { rec.Decide = f })
}

func (s *Server) actionAssign(w http.ResponseWriter, r *http.Request) {
	s.actionDo(w, r, "action.flash_assigned", func(form url.Values, rec views.ActionRecord) error {
		owner := form.Get("owner")
		switch owner {
		case "":
			return app.FieldErrors{"owner": "err.required"}.Err()
		case "queue":
			owner = ""
		}
		_, err := s.actions.Assign(r.Context(), principal(r), rec.A.ID, owner)
		return err
	}, func(rec *views.ActionRecord, f views.Form) { rec.Assign = f })
}

func (s *Server) actionComment(w http.ResponseWriter, r *http.Request) {
	s.actionDo(w, r, "action.flash_commented", func(form url.Values, rec views.ActionRecord) error {
		return s.actions.Comment(r.Context(), principal(r), rec.A.ID, form.Get("comment"))
	}, func(rec *views.ActionRecord, f views.Form) { rec.Note = f })
}

// receiveFile streams a multipart form's "file" part into put with the part's file
// name: the upload goes to the file store as it arrives, never held whole in memory.
func receiveFile(r *http.Request, put func(name string, body io.Reader) error) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return errUploadRequired
	}
	for {
		part, err := mr.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return errUploadRequired
		case err != nil:
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				return err
			}
			return &app.Error{Code: app.EInvalid, Message: "err.invalid_form"}
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		defer part.Close()
		if part.FileName() == "" {
			return errUploadRequired
		}
		return put(complaints.AttachmentName(part.FileName(), ""), part)
	}
}

// fileError turns the file store's refusals into the upload form's field errors.
func fileError(err error) error {
	_, tooBig := errors.AsType[*http.MaxBytesError](err)
	switch {
	case err == nil:
		return nil
	case tooBig, errors.Is(err, files.ErrTooLarge):
		return complaints.ErrAttachmentTooLarge
	case errors.Is(err, files.ErrType):
		return complaints.ErrAttachmentType
	case errors.Is(err, files.ErrEmpty):
		return complaints.ErrAttachmentEmpty
	case app.ErrorMessage(err) == "err.too_many_files":
		return app.FieldErrors{"file": "err.too_many_files"}.Err()
	}
	return err
}

// actionEvidenceUpload attaches the form's file to the action as evidence (20 MB at most).
func (s *Server) actionEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, actions.MaxEvidenceBytes+1<<20) // the file and the multipart framing around it
	err := fileError(receiveFile(r, func(name string, body io.Reader) error {
		_, err := s.actions.AddEvidence(r.Context(), principal(r), id, name, body)
		return err
	}))
	if app.ErrorCode(err) == app.EInvalid && !formError(err) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.actionRefused(w, r, id, err, func(rec *views.ActionRecord) { rec.Upload = views.Form{Errors: app.Fields(err)} })
		return
	}
	s.flash(r, "action.flash_evidence")
	http.Redirect(w, r, "/actions/"+strconv.FormatInt(id, 10)+"#evidence", http.StatusSeeOther)
}

func (s *Server) actionEvidenceDownload(w http.ResponseWriter, r *http.Request) {
	s.sendFile(w, r, func(ctx context.Context, by app.Principal, id, aid int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
		return s.actions.OpenEvidence(ctx, by, id, aid)
	})
}

// sendFile sends a record's file ({id}/…/{aid}) as a download, never to be shown inline
// (the type sniffed at upload, nosniff, a sandboxing CSP), so a file cannot run as a page
// of this site. 404 for a record the user may not see.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request,
	open func(ctx context.Context, by app.Principal, id, aid int64) (store.RecordAttachment, io.ReadSeekCloser, error)) {
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 || pathID(r) == 0 {
		s.notFound(w, r)
		return
	}
	a, f, err := open(r.Context(), principal(r), pathID(r), aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", contentDisposition(a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, f)
}
