package web

import (
	"net/http"

	g "maragu.dev/gomponents"

	"px360/app"
)

// explanationRoutes registers the complaint explanation requests to involved staff routes.
func (s *Server) explanationRoutes() {}

// explanationsPart adds the explanation requests to involved staff sections to the record page.
func (s *Server) explanationsPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	return nil, nil, nil
}
