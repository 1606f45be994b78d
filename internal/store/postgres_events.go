package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/wait"
)

// eventChannel is the one NOTIFY channel every keycheck on a database
// announces on and listens to. A payload is "<kind>:<id>" ("run:…",
// "task:…"): what changed, never how (see run.Event).
const eventChannel = "keycheck_events"

// Announce tells every instance listening on this database, this one
// included, about e.
func (p *PG) Announce(ctx context.Context, e run.Event) error {
	if _, err := p.pool.Exec(ctx, "SELECT pg_notify($1, $2)", eventChannel, payload(e)); err != nil {
		return p.fail("announce "+payload(e), err)
	}
	return nil
}

// Events delivers what every instance announces from now on (this one's
// runs' writes included), until ctx ends or the PG closes; the channel is
// then closed. All subscribers of a PG share its one listening connection.
// When that connection is lost, every subscription is closed at once:
// what is announced until it is back is lost, and the closed channel tells
// the subscriber so (it reads what it follows again, and subscribes
// again). The listener dials again, with a backoff that grows to a few
// seconds; until it is back, Events fails with an error.
func (p *PG) Events(ctx context.Context) (<-chan run.Event, error) {
	ch, ok := p.listener.subscribe(ctx)
	if !ok {
		return nil, p.fail("events", errNotListening)
	}
	return ch, nil
}

// errNotListening: the listening connection is lost and not yet back.
var errNotListening = errors.New("the connection that listens for other instances' announcements is lost; reconnecting")

// notify announces e when tx commits: PostgreSQL holds a transaction's
// notifications until then, and drops them on a rollback.
func notify(ctx context.Context, tx txn, e run.Event) error {
	_, err := tx.exec(ctx, "SELECT pg_notify(?, ?)", eventChannel, payload(e))
	return err
}

func payload(e run.Event) string { return string(e.Kind) + ":" + e.ID }

// parsePayload reads a payload back; anything else on the channel is
// ignored.
func parsePayload(s string) (run.Event, bool) {
	kind, id, ok := strings.Cut(s, ":")
	k := run.EventKind(kind)
	if !ok || id == "" || (k != run.EventRun && k != run.EventTask) {
		return run.Event{}, false
	}
	return run.Event{Kind: k, ID: id}, true
}

// Backoff between attempts to get a lost listening connection back, and
// how often an idle one is checked: a connection whose server vanished
// without closing it (a dead host, a dropped network) would otherwise wait
// for notifications forever.
const (
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 5 * time.Second
	listenCheck      = 30 * time.Second
)

// listener holds one connection LISTENing on eventChannel, outside the
// pool, and publishes what it hears.
type listener struct {
	cfg    *pgx.ConnConfig
	events *broadcaster
	cancel context.CancelFunc
	done   chan struct{}

	// mu orders subscriptions against a lost connection: a subscriber
	// either joins while the connection listens, or is refused.
	mu sync.Mutex
	up bool
}

// subscribe subscribes to events while the connection listens; ok is
// false while it is lost.
func (l *listener) subscribe(ctx context.Context) (<-chan run.Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.up {
		return nil, false
	}
	return l.events.subscribe(ctx), true
}

// setUp records whether the connection listens; going down ends every
// subscription, which tells each subscriber it may have missed events.
func (l *listener) setUp(up bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.up = up
	if !up {
		l.events.closeAll()
	}
}

// startListener connects and LISTENs, so that what is announced once it
// returns is heard, then relays in the background until stop.
func startListener(ctx context.Context, cfg *pgx.ConnConfig, events *broadcaster) (*listener, error) {
	cfg.RuntimeParams["application_name"] = cfg.RuntimeParams["application_name"] + " (listen)"
	l := &listener{cfg: cfg, events: events, done: make(chan struct{})}
	conn, err := l.dial(ctx)
	if err != nil {
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.setUp(true)
	go l.run(bg, conn)
	return l, nil
}

// stop ends the listener and waits for it.
func (l *listener) stop() {
	l.cancel()
	<-l.done
}

func (l *listener) dial(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+eventChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// run relays what conn hears; when conn is lost it dials again, waiting
// longer after each failure, until ctx ends.
func (l *listener) run(ctx context.Context, conn *pgx.Conn) {
	defer close(l.done)
	backoff := listenBackoffMin
	for {
		if conn != nil {
			l.relay(ctx, conn)
			l.setUp(false)
			conn.Close(context.Background())
			conn = nil
		}
		if wait.For(ctx, backoff) != nil {
			return
		}
		var err error
		if conn, err = l.dial(ctx); err != nil {
			backoff = min(2*backoff, listenBackoffMax)
			continue
		}
		l.setUp(true)
		backoff = listenBackoffMin
	}
}

// relay publishes each notification conn receives until conn fails or
// ctx ends. Every listenCheck without one it pings the server.
func (l *listener) relay(ctx context.Context, conn *pgx.Conn) {
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if e, ok := parsePayload(n.Payload); ok {
				l.events.publish(e)
			}
		case ctx.Err() != nil:
			return
		case errors.Is(err, context.DeadlineExceeded):
			pctx, cancel := context.WithTimeout(ctx, listenCheck)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		default:
			return
		}
	}
}
