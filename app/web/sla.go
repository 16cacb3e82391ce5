package web

// slaRoutes registers the SLA rules and hospital calendar admin.
func (s *Server) slaRoutes() {}
