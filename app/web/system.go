package web

import (
	"net/http"
	"strconv"
	"time"

	"px360/store"
	"px360/views"
)

func (s *Server) systemPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := s.st.OutboxStats(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	failed, err := s.st.ListFailedEvents(ctx, after)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := views.SystemProps{Version: s.cfg.Version, SchemaVersion: store.LatestSchema(), DataDir: s.cfg.DataDir,
		Pending: st.Pending, Failed: failed, SearchStatus: "system.search_" + s.cfg.Search.Status()}
	if s.cfg.Backups != nil {
		if list := s.cfg.Backups.List(); len(list) > 0 {
			p.LastBackup = list[0]
		}
	}
	s.render(w, r, http.StatusOK, views.System(s.frame(r), p))
}

func (s *Server) outboxRetry(w http.ResponseWriter, r *http.Request) {
	if err := s.st.RequeueEvent(r.Context(), principal(r), pathID(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "flash.requeued")
	http.Redirect(w, r, "/admin/system", http.StatusSeeOther)
}

// backupNow writes a verified backup into DATA/backups, as the nightly job does.
func (s *Server) backupNow(w http.ResponseWriter, r *http.Request) {
	if _, err := s.cfg.Backups.IntoDir(r.Context(), principal(r), time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "flash.backup_done")
	http.Redirect(w, r, "/admin/system", http.StatusSeeOther)
}
