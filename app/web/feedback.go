package web

// feedbackRoutes registers feedback and observations: staff screens, the public forms
// and their API.
func (s *Server) feedbackRoutes() {
}
