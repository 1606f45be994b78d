// Package run holds a run, keycheck's unit of work: one submitted check with
// its offline results and the state of its live test. A run is stored and
// shared by permalink, so it holds only redacted evidence, never the key.
package run

import (
	"errors"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// ErrNotFound is returned by stores when no run has the given id.
var ErrNotFound = errors.New("run not found")

// The storage failures a person can act on. Stores wrap their own errors
// in these, so the layers above never look at a driver's error codes.
var (
	// ErrBusy: the database was locked by another writer for longer than it
	// waits; trying again in a moment will do.
	ErrBusy = errors.New("database busy")
	// ErrFull: the disk, or the database's size limit, is full; trying again
	// will not help until space is freed.
	ErrFull = errors.New("database full")
	// ErrSchema: the database answers, but its schema is another
	// keycheck's (older or newer): this one should not be sent requests.
	ErrSchema = errors.New("database schema is not this keycheck's")
)

// ErrShuttingDown is returned when a live test is asked for while keycheck
// stops: it would only be interrupted.
var ErrShuttingDown = errors.New("shutting down")

// ErrLiveBusy is returned when a run's live test is already in flight: a
// second press must not create a second task.
var ErrLiveBusy = errors.New("live test already running")

// NotSentError is returned when a live test would send a key the offline
// steps showed HiAPI cannot accept (checks.LivePlan): nothing is sent,
// nothing is saved.
type NotSentError struct {
	// Reason is the sentence that says why, safe to show as it is: "Not
	// sent, since this is an OpenAI key: HiAPI has never seen it."
	Reason string
	// Cause is the step that stops the test, for a link to it.
	Cause checks.ID
}

// Error is the Reason: a sentence for people, which never holds the key.
func (e *NotSentError) Error() string { return e.Reason }

// LiveState is where a run's live test stands.
type LiveState string

// The states of a live test. Interrupted means the server stopped while the
// test was in flight: the task may still finish at HiAPI.
const (
	LiveNone        LiveState = ""
	LiveRunning     LiveState = "running"
	LiveDone        LiveState = "done"
	LiveInterrupted LiveState = "interrupted"
)

// Run is one submitted check.
type Run struct {
	ID      string
	Created time.Time
	// Updated changes whenever the steps or the live state change.
	Updated time.Time
	// By is who ran it: a display name, or the user from a trusted proxy
	// header. Empty means "someone".
	By          string
	Fingerprint checks.Fingerprint
	// Provider is the target: where the person uses the key, and so what
	// the steps checked it for and whom the live test asks; "" is HiAPI
	// (runs stored before keycheck knew other targets).
	Provider checks.ProviderID
	// Owner is the target whose key this is by its shape (checks.OwnerOf)
	// when that is not Provider: the live test sends nothing to Provider,
	// and the person may ask Owner instead (Runner.ProveOwner). "" when
	// the key is no other target's.
	Owner checks.ProviderID
	// Model and Prompt are what the live test uses.
	Model  string
	Prompt string
	// Steps holds one result for every step of the catalogue, in order.
	Steps []checks.Result
	Live  LiveState
	// TaskID is the id of the live test's task, once created.
	TaskID string
	// Instance is the keycheck process that ran (or runs) the live test:
	// the one holding the key. With several instances on one database, a
	// starting instance marks interrupted only the running runs whose
	// instance is gone. "" when no live test ran.
	Instance string
}

// Step returns the result of the step with the given id.
func (r *Run) Step(id checks.ID) (checks.Result, bool) {
	for _, s := range r.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return checks.Result{}, false
}

// SetStep replaces the result of the step with the same id.
func (r *Run) SetStep(res checks.Result) {
	for i := range r.Steps {
		if r.Steps[i].ID == res.ID {
			r.Steps[i] = res
			return
		}
	}
	r.Steps = append(r.Steps, res)
}

// Failed returns the ids of the failed steps, in order.
func (r *Run) Failed() []checks.ID {
	var ids []checks.ID
	for _, s := range r.Steps {
		if s.Status == checks.StatusFail {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// FirstFailed returns the first failed step's id, or "" if none failed.
func (r *Run) FirstFailed() checks.ID {
	if f := r.Failed(); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Clone returns a deep copy, so a run can be handed to another goroutine.
func (r *Run) Clone() *Run {
	c := *r
	c.Steps = make([]checks.Result, len(r.Steps))
	for i, s := range r.Steps {
		if s.Live != nil {
			l := *s.Live
			l.Outputs = append([]checks.Output(nil), s.Live.Outputs...)
			s.Live = &l
		}
		c.Steps[i] = s
	}
	return &c
}

// ListFilter selects runs for the team's list.
type ListFilter struct {
	// FailedStep keeps only runs where this step failed; "" keeps all.
	FailedStep checks.ID
	// Fingerprint keeps only the runs of one key: checks.Fingerprint's
	// SHA256 ("sha256:" and 12 hex digits); "" keeps all.
	Fingerprint string
	// Before keeps only runs created before this time (the cursor of the
	// next page); zero means from the newest.
	Before time.Time
	// BeforeID breaks ties between runs created at the same instant.
	BeforeID string
	// Limit is the page size.
	Limit int
}
