package web

import (
	"net/http"

	g "maragu.dev/gomponents"

	"px360/app"
)

// duplicateRoutes registers the complaint possible duplicates and merging routes.
func (s *Server) duplicateRoutes() {}

// duplicatesPart adds the possible duplicates and merging sections to the record page.
func (s *Server) duplicatesPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	return nil, nil, nil
}
