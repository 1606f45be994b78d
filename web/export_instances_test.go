package web

import "time"

// SetFollowRecheck sets how often a page following another instance's
// test reads the run without an event, so a test can prove that events
// alone (and the re-reads after a gap in them) bring every state.
func (s *Server) SetFollowRecheck(d time.Duration) { s.follow.recheck.Store(int64(d)) }
