package web

// callCenterRoutes registers the call center and staff appreciation.
func (s *Server) callCenterRoutes() {
}
