package web

// LiveRenders counts the run events the server has rendered for event
// streams: one per state of a run, however many pages watch it.
func (s *Server) LiveRenders() int64 { return s.hubs.renders.Load() }

// LiveWatchers is how many streams watch the run's live test through its
// hub, and whether it has one.
func (s *Server) LiveWatchers(runID string) (int, bool) {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	h, ok := s.hubs.byRun[runID]
	if !ok {
		return 0, false
	}
	return h.watchers, true
}

// LiveHubs is how many hubs are in the map.
func (s *Server) LiveHubs() int {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	return len(s.hubs.byRun)
}
