package web

import (
	"net/http"

	g "maragu.dev/gomponents"

	"px360/app"
)

// attachmentRoutes registers the complaint attachments: upload, list, download routes.
func (s *Server) attachmentRoutes() {}

// attachmentsPart adds the attachments: upload, list, download sections to the record page.
func (s *Server) attachmentsPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	return nil, nil, nil
}
