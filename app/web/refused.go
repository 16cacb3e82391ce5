package web

import (
	"net/http"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/views"
)

// refusedPage answers a record page's form that the service refused. A field error
// shows the record again with the form kept (422); a refused change (conflict, and a
// forbidden step when showForbidden) shows it with the service's message (409, 403);
// anything else is a failure page. The record is reloaded, so the page shows it as it
// now is. keep puts the form back and, for a refused change, the message.
func refusedPage[R any](s *Server, w http.ResponseWriter, r *http.Request, err error, showForbidden bool,
	load func() (R, error), keep func(rec *R, conflict string), page func(views.Frame, R) g.Node) {
	status := statusOf(err)
	code := app.ErrorCode(err)
	switch {
	case formError(err):
		status = http.StatusUnprocessableEntity
	case code == app.EConflict, showForbidden && code == app.EForbidden:
	default:
		s.fail(w, r, err)
		return
	}
	rec, lerr := load()
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	conflict := ""
	if !formError(err) {
		conflict = app.ErrorMessage(err)
	}
	keep(&rec, conflict)
	s.render(w, r, status, page(s.frame(r), rec))
}
