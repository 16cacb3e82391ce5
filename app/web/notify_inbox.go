package web

import (
	"net/http"
	"strings"

	"px360/app"
	"px360/views"
)

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	lq, _ := listQuery(r)
	unread := r.URL.Query().Get("unread") == "1"
	p, err := s.notify.Inbox(r.Context(), principal(r), app.ListQuery{After: lq.After, Before: lq.Before, Limit: lq.Limit}, unread)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.Inbox(s.frame(r), p, unread))
}

// inboxLink is where an opened notification leads: its link when that is a path on this
// site, else back to the inbox.
func inboxLink(link string) string {
	if link == "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || safeNext(link) != link {
		return "/inbox"
	}
	return link
}

// inboxOpen marks a notification read and follows its link.
func (s *Server) inboxOpen(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	it, err := s.notify.OpenInbox(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, inboxLink(it.Link), http.StatusSeeOther)
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	if err := s.notify.MarkRead(r.Context(), principal(r), 0); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "notify.flash.all_read")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

// apiInboxUnread is the bell's count for scripts and other clients: {"unread": n},
// at most 100.
func (s *Server) apiInboxUnread(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	n, err := s.notify.Unread(r.Context(), u.ID)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]int{"unread": n})
}
