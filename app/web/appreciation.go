package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/callcenter"
	"px360/views"
)

// appreciationRoutes registers staff appreciation: the feed with the send form, one
// appreciation (acknowledge, send a draft), the monthly leaderboard, and the public wall.
func (s *Server) appreciationRoutes() {
	s.page("GET /appreciation", app.PermAppreciationSend, s.appreciationHome)
	s.page("POST /appreciation", app.PermAppreciationSend, s.appreciationSend)
	s.page("GET /appreciation/leaderboard", app.PermAppreciationSend, s.appreciationLeaderboard)
	s.page("GET /appreciation/{id}", app.PermAppreciationSend, s.appreciationPage)
	s.page("POST /appreciation/{id}/acknowledge", app.PermAppreciationSend, s.appreciationAcknowledge)
	s.page("POST /appreciation/{id}/send", app.PermAppreciationSend, s.appreciationSendDraft)
	s.public("GET /appreciation/wall/{code}", s.appreciationWall)
}

// appreciationItems joins appreciations with their recipients and categories.
func (s *Server) appreciationItems(r *http.Request, as []app.Appreciation, scope app.Scope) []views.AppreciationItem {
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.RecipientStaffID
	}
	staff, err := s.st.StaffByIDs(r.Context(), scope, ids)
	if err != nil {
		s.log.Error("appreciation recipients", "request_id", requestID(r), "err", err)
	}
	cats := map[int64]app.AppreciationCategory{}
	if cs, err := s.st.AppreciationCategories(r.Context(), true); err == nil {
		for _, c := range cs {
			cats[c.ID] = c
		}
	}
	by := principal(r)
	items := make([]views.AppreciationItem, len(as))
	for i, a := range as {
		items[i] = views.AppreciationItem{A: a, Recipient: staff[a.RecipientStaffID], Category: cats[a.CategoryID],
			Mine: callcenter.IsSender(by, a)}
	}
	return items
}

// appreciationHomeProps loads the feed and the send form's choices.
func (s *Server) appreciationHomeProps(r *http.Request, form views.Form) (views.AppreciationHomeProps, error) {
	ctx, by, q := r.Context(), principal(r), r.URL.Query()
	p := views.AppreciationHomeProps{Form: form, StaffQuery: strings.TrimSpace(q.Get("staff_q")), Box: q.Get("box")}
	if p.Box != "received" && p.Box != "sent" {
		p.Box = ""
	}
	var err error
	if p.Recipients, err = s.calls.Recipients(ctx, by, p.StaffQuery, 100); err != nil {
		return p, err
	}
	// The chosen recipient stays a choice when the form comes back with an error.
	if id, _ := strconv.ParseInt(form.Values.Get("recipient"), 10, 64); id != 0 {
		found := false
		for _, x := range p.Recipients {
			found = found || x.ID == id
		}
		if x, err := s.st.StaffByID(ctx, by.Scope, id); err == nil && !found {
			p.Recipients = append([]app.Staff{x}, p.Recipients...)
		}
	}
	if p.Categories, err = s.calls.Categories(ctx); err != nil {
		return p, err
	}
	lq, fl := listQuery(r)
	fl.Extra = url.Values{}
	if p.Box != "" {
		fl.Extra.Set("box", p.Box)
	}
	feed, err := s.calls.Feed(ctx, by, p.Box, lq)
	if err != nil {
		return p, err
	}
	p.Filter = fl
	p.Feed = app.Page[views.AppreciationItem]{Items: s.appreciationItems(r, feed.Items, by.Scope), Next: feed.Next, Prev: feed.Prev,
		Count: feed.Count, Capped: feed.Capped}
	return p, nil
}

func (s *Server) appreciationHome(w http.ResponseWriter, r *http.Request) {
	form := views.Form{Values: url.Values{"sender_kind": {string(app.SenderColleague)}, "visibility": {string(app.VisibilityHospital)}}}
	if to := r.URL.Query().Get("to"); to != "" {
		form.Values.Set("recipient", to)
	}
	p, err := s.appreciationHomeProps(r, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.AppreciationHome(s.frame(r), p))
}

// appreciationSend sends a thank-you (or keeps it as a draft, button "draft").
func (s *Server) appreciationSend(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	in := callcenter.AppreciationInput{RecipientStaffID: int64Field(form, "recipient", fe), CategoryID: int64Field(form, "category", fe),
		SenderKind: app.SenderKind(form.Get("sender_kind")), SenderName: form.Get("sender_name"), Message: form.Get("message"),
		Visibility: app.Visibility(form.Get("visibility")), Anonymous: form.Get("anonymous") == "1",
		Draft: form.Get("action") == "draft"}
	var a app.Appreciation
	err := submit(fe, func() (err error) {
		a, err = s.calls.Send(r.Context(), principal(r), in)
		return err
	})
	switch {
	case formError(err):
		p, perr := s.appreciationHomeProps(r, views.Form{Values: form, Errors: app.Fields(err)})
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.AppreciationHome(s.frame(r), p))
	case err != nil:
		s.fail(w, r, err)
	default:
		if in.Draft {
			s.flash(r, "appreciation.draft_saved")
		} else {
			s.flash(r, "appreciation.sent")
		}
		http.Redirect(w, r, "/appreciation/"+idString(a.ID), http.StatusSeeOther)
	}
}

func (s *Server) appreciationPage(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	a, staff, err := s.calls.Appreciation(ctx, by, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := s.appreciationItems(r, []app.Appreciation{a}, app.Scope{HospitalIDs: []int64{a.HospitalID}})
	rec := views.AppreciationRecord{AppreciationItem: items[0],
		CanAck:  a.Status == app.AppreciationSent && callcenter.IsRecipient(by, a, staff),
		CanSend: a.Status == app.AppreciationDraft && callcenter.IsSender(by, a)}
	rec.Recipient = staff
	if badges, err := s.calls.Badges(ctx, []int64{staff.ID}); err == nil {
		rec.Badges = badges[staff.ID]
	}
	if a.DepartmentID != 0 {
		rec.Department, _ = s.st.DepartmentByID(ctx, app.System.Scope, a.DepartmentID)
	}
	s.render(w, r, http.StatusOK, views.AppreciationPage(s.frame(r), rec))
}

func (s *Server) appreciationAcknowledge(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	a, err := s.calls.Acknowledge(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "appreciation.acknowledged")
	http.Redirect(w, r, "/appreciation/"+idString(a.ID), http.StatusSeeOther)
}

func (s *Server) appreciationSendDraft(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	a, err := s.calls.SendDraft(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "appreciation.sent")
	http.Redirect(w, r, "/appreciation/"+idString(a.ID), http.StatusSeeOther)
}

// appreciationLeaderboard ranks a hospital's staff: ?hospital=&month=YYYY-MM&department=.
func (s *Server) appreciationLeaderboard(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	q := r.URL.Query()
	p := views.LeaderboardProps{Month: strings.TrimSpace(q.Get("month"))}
	p.HospitalID, _ = strconv.ParseInt(q.Get("hospital"), 10, 64)
	if p.HospitalID == 0 && len(fr.Hospitals) > 0 {
		p.HospitalID = fr.Hospitals[0].ID
	}
	p.DepartmentID, _ = strconv.ParseInt(q.Get("department"), 10, 64)
	_, ds := s.departmentsByID(r)
	for _, d := range ds {
		if d.HospitalID == p.HospitalID {
			p.Departments = append(p.Departments, d)
		}
	}
	lb, err := s.calls.Leaderboard(r.Context(), principal(r), p.HospitalID, p.DepartmentID, p.Month)
	status := http.StatusOK
	switch {
	case formError(err):
		p.Errors, status = app.Fields(err), http.StatusUnprocessableEntity
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		p.Month, p.Rows, p.Badges = lb.Month, lb.Rows, lb.Badges
		if t, err := time.Parse("2006-01", lb.Month); err == nil {
			p.PrevMonth = t.AddDate(0, -1, 0).Format("2006-01")
			if next := t.AddDate(0, 1, 0); !next.After(time.Now()) {
				p.NextMonth = next.Format("2006-01")
			}
		}
	}
	s.render(w, r, status, views.LeaderboardPage(fr, p))
}

// appreciationWall is a hospital's public thank-you wall (no sign-in, rate limited).
func (s *Server) appreciationWall(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.errorPage(w, r, http.StatusTooManyRequests)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	h, p, _, err := s.calls.Wall(r.Context(), r.PathValue("code"), max(after, 0))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	props := views.WallProps{Hospital: h, Next: p.Next, Items: s.appreciationItems(r, p.Items, app.Scope{HospitalIDs: []int64{h.ID}})}
	fr := s.frame(r)
	fr.Location = h.Zone()
	s.render(w, r, http.StatusOK, views.WallPage(fr, props))
}
