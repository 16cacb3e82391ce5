package web

// taxonomyRoutes registers the complaint taxonomy and sources admin.
func (s *Server) taxonomyRoutes() {}
