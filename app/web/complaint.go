package web

// complaintRoutes registers the complaint pages, the public complaint and tracking pages,
// and the complaint API.
func (s *Server) complaintRoutes() {}
