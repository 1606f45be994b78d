package run

// Event is a change one keycheck announces to every keycheck on the same
// database, itself included: with PostgreSQL through LISTEN/NOTIFY, with
// SQLite (one process) in memory. It names what changed, never how: a
// receiver reads the run from the store, so an event holds nothing secret
// and nothing to trust.
type Event struct {
	Kind EventKind
	// ID is the run's id (EventRun) or the HiAPI task's (EventTask).
	ID string
}

// EventKind says what an Event is about.
type EventKind string

const (
	// EventRun: a run was created or updated. The store announces it with
	// every CreateRun and UpdateRun, in the same transaction.
	EventRun EventKind = "run"
	// EventTask: HiAPI called back about a task; the instance whose live
	// test follows that task polls it now.
	EventTask EventKind = "task"
)
