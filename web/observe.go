package web

import (
	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// Observer is told what the server does, for the metrics (--metrics-addr).
// internal/metrics implements it; Config.Observer nil counts nothing.
// Every method returns at once: it is called on the request's path.
type Observer interface {
	// Checked is a check answered without a run, with its results.
	Checked(results []checks.Result)
	// RunCreated is a run just saved.
	RunCreated(r *run.Run)
	// StreamOpened is an event stream opened; closed is called when it
	// ends.
	StreamOpened() (closed func())
}

// observer is the configured Observer, or one that counts nothing.
func (s *Server) observer() Observer {
	if s.cfg.Observer == nil {
		return noObserver{}
	}
	return s.cfg.Observer
}

// noObserver counts nothing: keycheck without --metrics-addr.
type noObserver struct{}

func (noObserver) Checked([]checks.Result) {}
func (noObserver) RunCreated(*run.Run)     {}
func (noObserver) StreamOpened() func()    { return func() {} }
