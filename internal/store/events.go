package store

import (
	"context"
	"sync"

	"github.com/keycheck/keycheck/internal/run"
)

// eventBuffer is how many events a subscriber may fall behind by before it
// loses some: a page watching a run needs only the latest state, which it
// reads from the store, so a lost event delays nothing but a skipped state.
const eventBuffer = 64

// broadcaster hands every event published to each current subscriber,
// without ever waiting for a slow one. Both engines deliver through it:
// SQLite what this process announces, PostgreSQL what its LISTEN hears.
type broadcaster struct {
	mu   sync.Mutex
	subs map[chan run.Event]struct{}
}

// subscribe returns a channel of the events published from now on, closed
// once ctx ends.
func (b *broadcaster) subscribe(ctx context.Context) <-chan run.Event {
	ch := make(chan run.Event, eventBuffer)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[chan run.Event]struct{}{}
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	})
	return ch
}

// publish delivers e to every subscriber with room for it.
func (b *broadcaster) publish(e run.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default: // too slow: it loses this one rather than hold up the rest
		}
	}
}

// closeAll ends every subscription, when the store closes.
func (b *broadcaster) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

// Announce delivers e to this process's subscribers: with SQLite, this
// process is the only keycheck on the file.
func (db *DB) Announce(ctx context.Context, e run.Event) error {
	db.events.publish(e)
	return nil
}

// Events delivers what this process announces, its runs' writes included,
// until ctx ends or the DB closes.
func (db *DB) Events(ctx context.Context) (<-chan run.Event, error) {
	return db.events.subscribe(ctx), nil
}
