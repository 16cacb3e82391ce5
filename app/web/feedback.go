package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"px360/app"
	"px360/app/feedback"
	"px360/store"
	"px360/views"
)

// feedbackRoutes registers feedback and observations: staff screens, the public forms
// and their API.
func (s *Server) feedbackRoutes() {
	s.page("GET /feedback", app.PermFeedbackView, s.feedbackList)
	s.page("GET /feedback/{id}", app.PermFeedbackView, s.feedbackPage)
	s.page("POST /feedback/{id}/transitions", app.PermFeedbackManage, s.feedbackMove)
	s.page("POST /feedback/{id}/classify", app.PermFeedbackManage, s.feedbackClassify)
	s.page("POST /feedback/{id}/responses", app.PermFeedbackManage, s.feedbackRespond)
	s.page("POST /feedback/{id}/actions", app.PermFeedbackManage, s.feedbackLinkAction)
	s.page("POST /feedback/{id}/files", app.PermFeedbackManage, s.feedbackUpload)
	s.page("GET /feedback/{id}/files/{aid}", app.PermFeedbackView, s.feedbackDownload)

	s.public("GET /feedback/new", s.publicFeedbackForm)
	s.public("POST /feedback/new", s.publicFeedbackSubmit)
	s.public("GET /feedback/track", s.publicFeedbackTrack)
	s.public("POST /api/v1/public/feedback", s.apiPublicFeedback)
	s.public("GET /api/v1/public/feedback/{code}", s.apiFeedbackTrack)

	s.observationRoutes()
}

// feedbackFilter reads the list filters from the URL: tracking code, hospital, status,
// type and classification, and keeps them for the pager.
func feedbackFilter(r *http.Request) (store.FeedbackFilter, views.Filter) {
	lq, fl := listQuery(r)
	q := r.URL.Query()
	f := store.FeedbackFilter{ListQuery: lq}
	fl.Extra = url.Values{}
	if st := app.FeedbackStatus(q.Get("status")); st.Valid() {
		f.Status = st
		fl.Extra.Set("status", string(st))
	}
	if t := app.FeedbackType(q.Get("type")); t.Valid() {
		f.Type = t
		fl.Extra.Set("type", string(t))
	}
	if c := app.FeedbackClass(q.Get("classification")); c.Valid() {
		f.Classification = c
		fl.Extra.Set("classification", string(c))
	}
	return f, fl
}

func (s *Server) feedbackList(w http.ResponseWriter, r *http.Request) {
	f, fl := feedbackFilter(r)
	p, err := s.feedback.ListFeedback(r.Context(), principal(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.FeedbackList(s.frame(r), p, fl))
}

// feedbackRecord loads everything the feedback page shows, with empty forms.
func (s *Server) feedbackRecord(r *http.Request, id int64) (views.FeedbackRecord, error) {
	ctx, by := r.Context(), principal(r)
	fb, err := s.feedback.Feedback(ctx, by, id)
	if err != nil {
		return views.FeedbackRecord{}, err
	}
	rec := views.FeedbackRecord{F: fb, Move: views.NewForm(), Respond: views.NewForm(), Link: views.NewForm(), Upload: views.NewForm(),
		Classify: views.Form{Values: url.Values{"classification": {string(fb.Classification)}, "department": {idString(fb.DepartmentID)}}},
		MaxFile:  feedback.MaxFileSize}
	if rec.Log, err = s.feedback.FeedbackLog(ctx, by, id); err != nil {
		return rec, err
	}
	if rec.Responses, err = s.feedback.FeedbackResponses(ctx, by, id); err != nil {
		return rec, err
	}
	if rec.Actions, err = s.feedback.LinkedActions(ctx, by, id); err != nil {
		return rec, err
	}
	files, err := s.feedback.Attachments(ctx, by, app.RecordFeedback, id)
	if err != nil {
		return rec, err
	}
	rec.Files = evidenceItems(files)
	_, ds := s.departmentsByID(r)
	for _, d := range ds {
		if d.HospitalID == fb.HospitalID {
			rec.Departments = append(rec.Departments, d)
		}
	}
	return rec, nil
}

func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.feedbackRecord(r, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.FeedbackPage(s.frame(r), rec))
}

// feedbackAction runs one of the record page's forms: the record is loaded first (404
// for feedback the user may not see), then do changes it. Field errors re-render the
// page with the input kept (422), a refused move with its message (409); success goes
// back to the record with a flash.
func (s *Server) feedbackAction(w http.ResponseWriter, r *http.Request, flash string, do func(form url.Values, id int64) error,
	keep func(rec *views.FeedbackRecord, form views.Form)) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if _, err := s.feedback.Feedback(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	err := do(form, id)
	s.feedbackDone(w, r, id, flash, err, func(rec *views.FeedbackRecord) { keep(rec, views.Form{Values: form, Errors: app.Fields(err)}) })
}

// feedbackDone answers a change of feedback id: back to the record on success, else the
// record again with the refused form kept.
func (s *Server) feedbackDone(w http.ResponseWriter, r *http.Request, id int64, flash string, err error, keep func(rec *views.FeedbackRecord)) {
	if err == nil {
		s.flash(r, flash)
		http.Redirect(w, r, "/feedback/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	refusedPage(s, w, r, err, false, func() (views.FeedbackRecord, error) { return s.feedbackRecord(r, id) },
		func(rec *views.FeedbackRecord, conflict string) { keep(rec); rec.Conflict = conflict }, views.FeedbackPage)
}

func (s *Server) feedbackMove(w http.ResponseWriter, r *http.Request) {
	s.feedbackAction(w, r, "feedback.flash_moved", func(form url.Values, id int64) error {
		_, err := s.feedback.MoveFeedback(r.Context(), principal(r), id, app.FeedbackStatus(form.Get("to")), form.Get("note"),
			form.Get("public") != "")
		return err
	}, func(rec *views.FeedbackRecord, f views.Form) { rec.Move = f })
}

func (s *Server) feedbackClassify(w http.ResponseWriter, r *http.Request) {
	s.feedbackAction(w, r, "feedback.flash_classified", func(form url.Values, id int64) error {
		fe := app.FieldErrors{}
		dep := int64Field(form, "department", fe)
		return submit(fe, func() error {
			_, err := s.feedback.ClassifyFeedback(r.Context(), principal(r), id, app.FeedbackClass(form.Get("classification")), dep)
			return err
		})
	}, func(rec *views.FeedbackRecord, f views.Form) { rec.Classify = f })
}

func (s *Server) feedbackRespond(w http.ResponseWriter, r *http.Request) {
	s.feedbackAction(w, r, "feedback.flash_responded", func(form url.Values, id int64) error {
		_, err := s.feedback.Respond(r.Context(), principal(r), id, form.Get("response"))
		return err
	}, func(rec *views.FeedbackRecord, f views.Form) { rec.Respond = f })
}

func (s *Server) feedbackLinkAction(w http.ResponseWriter, r *http.Request) {
	s.feedbackAction(w, r, "feedback.flash_linked", func(form url.Values, id int64) error {
		fe := app.FieldErrors{}
		aid := int64Field(form, "action", fe)
		return submit(fe, func() error { return s.feedback.LinkAction(r.Context(), principal(r), id, aid) })
	}, func(rec *views.FeedbackRecord, f views.Form) { rec.Link = f })
}

// feedbackUpload attaches the form's file (JPEG, PNG or PDF; photos lose their metadata).
func (s *Server) feedbackUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := s.receiveRecordFile(w, r, app.RecordFeedback, id)
	if app.ErrorCode(err) == app.EInvalid && !formError(err) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	s.feedbackDone(w, r, id, "feedback.flash_attached", err, func(rec *views.FeedbackRecord) {
		rec.Upload = views.Form{Errors: app.Fields(err)}
	})
}

// receiveRecordFile streams the multipart form's "file" into the service (which reads at
// most the size limit).
func (s *Server) receiveRecordFile(w http.ResponseWriter, r *http.Request, kind string, id int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, feedback.MaxFileSize+1<<20) // the file and the multipart framing around it
	err := receiveFile(r, func(name string, body io.Reader) error {
		_, err := s.feedback.Attach(r.Context(), principal(r), kind, id, name, body)
		return err
	})
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		return feedback.ErrFileTooLarge
	}
	return err
}

func (s *Server) feedbackDownload(w http.ResponseWriter, r *http.Request) {
	s.sendFile(w, r, func(ctx context.Context, by app.Principal, id, aid int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
		return s.feedback.OpenAttachment(ctx, by, app.RecordFeedback, id, aid)
	})
}
