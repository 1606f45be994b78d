// Package web is keycheck's HTTP server: the checklist page, runs and their
// permalinks, the live test pushed to the page, and the JSON API.
package web

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/static"
	"github.com/keycheck/keycheck/templates"
)

// Config is what the server needs from the command line, as plain values.
type Config struct {
	// HiAPIURL is the HiAPI the live test calls.
	HiAPIURL string
	// ProviderURLs are the origins used in place of other targets' own
	// (--provider-url), for the commands pages show; absent, the target's.
	ProviderURLs map[checks.ProviderID]string
	// KeyTTL is how long a key stays in memory for the live test.
	KeyTTL time.Duration
	// DefaultModel and DefaultPrompt are the live test's defaults.
	DefaultModel  string
	DefaultPrompt string
	// SessionKeys sign and encrypt the session cookie: the first signs,
	// all decode (rotation).
	SessionKeys [][]byte
	// TrustedProxies are the ranges whose forwarded headers count.
	TrustedProxies []*net.IPNet
	// UserHeader, when set, names the header a trusted proxy fills with
	// the signed-in user (e.g. X-Forwarded-User).
	UserHeader string
	// LivePerHour limits live tests per session and per client IP.
	LivePerHour int
	// ChecksPerMinute limits the check API per client IP.
	ChecksPerMinute int
	// PublicURL, when set, is the address people reach keycheck at
	// (e.g. https://keycheck.example.com), used for permalinks in JSON.
	PublicURL string
	// StreamsPerIP and StreamsPerRun cap the open event streams (live
	// updates) per client IP and per run; 0 is no cap.
	StreamsPerIP  int
	StreamsPerRun int
	// RunsList is whether /runs lists the team's runs. Off, a run is seen
	// only by whoever has its link.
	RunsList bool
	// DemoKeys, under "keycheck serve --demo", are the scenario keys of the
	// fakes (HiAPI's at HiAPIURL; each key names its provider): the home
	// page says it is a demo and offers the picked target's to click.
	// Empty otherwise.
	DemoKeys []templates.DemoKey
	// Version is shown in /healthz.
	Version string
	// CallbackSecret, set only when HiAPI's callbacks are on (a public URL
	// and the secret), verifies POST /hooks/hiapi; unset, it is a 404.
	// Never shown or logged.
	CallbackSecret []byte
	// Observer, when set, is told what the server does, for the metrics
	// (--metrics-addr); nil counts nothing.
	Observer Observer
	// Instance names this keycheck among those sharing the database
	// (run.LiveConfig.Instance): a run another instance tests is followed
	// through the store's events.
	Instance string
}

// RunStore keeps runs. internal/store implements it with SQLite.
type RunStore interface {
	CreateRun(ctx context.Context, r *run.Run) error
	GetRun(ctx context.Context, id string) (*run.Run, error)
	// RunUpdated reads only when the run last changed: the run cache asks
	// it on every read, so a write by any process is seen at once.
	RunUpdated(ctx context.Context, id string) (time.Time, error)
	ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error)
	Ping(ctx context.Context) error
	// Engine is "sqlite" (one instance) or "postgres" (maybe several).
	Engine() string
	// Events and Take are shared by every instance on the database: what
	// they announce (live updates to follow, tasks to nudge), and the rate
	// limits.
	EventSource
	Limiter
	// Announce tells every instance on the database, this one included:
	// HiAPI's callback about a task no test here follows (run.EventTask).
	Announce(ctx context.Context, e run.Event) error
	// Ready reports whether the database answers and its schema is this
	// keycheck's (/readyz).
	Ready(ctx context.Context) error
}

// LiveRunner runs live tests. internal/run implements it.
type LiveRunner interface {
	// Start begins the live test of a stored run with the given key. It
	// returns run.ErrLiveBusy when the run's test is already in flight.
	Start(runID, key string) error
	// ProveOwner asks the provider whose key this is (Run.Owner), for
	// free, and records its answer on the run's provider step.
	ProveOwner(runID, key string) error
	// Running reports whether the run's live test is in flight.
	Running(runID string) bool
	// Subscribe delivers the run each time it changes, until cancel is
	// called or the test ends (the channel is then closed).
	Subscribe(runID string) (updates <-chan *run.Run, cancel func())
	// Nudge tells the live test following HiAPI task taskID that HiAPI
	// called back: it polls now. It reports whether a test here follows
	// that task.
	Nudge(taskID string) bool
}

// Server holds keycheck's web dependencies; handlers are its methods.
type Server struct {
	cfg      Config
	echo     *echo.Echo
	hooks    *echo.Echo
	log      *slog.Logger
	store    RunStore
	live     LiveRunner
	keys     *run.Keys
	sessions *sessions.CookieStore
	csrfKeys csrfKeys
	assets   *static.Assets
	limits   *limiters
	// streams caps the open event streams; hubs share each live test's
	// renders among the pages watching it.
	streams *streamSlots
	hubs    *liveHubs
	// buffers pools page buffers (see render).
	buffers sync.Pool
	// runs caches the runs no live test is changing (see runCache).
	runs *runCache
	// csp is the Content-Security-Policy header and keyTTL says KeyTTL in
	// words: both fixed by the config, made once.
	csp    string
	keyTTL string
	now    func() time.Time
	// stop is closed when the server shuts down, ending event streams.
	stop chan struct{}
	// follow are the pages' followers of the runs other instances test,
	// which Listen wakes; shared is whether the database may have other
	// instances (see Server.running).
	follow *followers
	shared bool
}

// New builds a server. now may be nil (time.Now).
func New(cfg Config, log *slog.Logger, store RunStore, live LiveRunner, keys *run.Keys, now func() time.Time) (*Server, error) {
	if len(cfg.SessionKeys) == 0 {
		return nil, errors.New("web: at least one session key is needed")
	}
	if now == nil {
		now = time.Now
	}
	// Only PostgreSQL is shared: SQLite's lock lets one keycheck in.
	shared := store != nil && store.Engine() != "sqlite"
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      log,
		store:    store,
		live:     live,
		keys:     keys,
		sessions: newSessionStore(cfg.SessionKeys),
		csrfKeys: newCSRFKeys(cfg.SessionKeys),
		assets:   assets,
		limits:   newLimiters(cfg, liveCounter(store, shared), log, now),
		streams:  newStreamSlots(cfg.StreamsPerIP, cfg.StreamsPerRun),
		hubs:     newLiveHubs(),
		runs:     newRunCache(store),
		csp:      contentSecurityPolicy(cfg.HiAPIURL),
		keyTTL:   durationWords(cfg.KeyTTL),
		now:      now,
		stop:     make(chan struct{}),
		shared:   shared,
	}
	s.follow = newFollowers()
	s.echo = s.routes()
	s.hooks = s.hookRoutes()
	return s, nil
}

// originOf is the origin the live test asks for target: HiAPIURL for
// HiAPI; for another, the --provider-url given, else the target's own.
func (s *Server) originOf(target checks.ProviderID) string {
	if t, _ := checks.TargetOf(target); t.ID != checks.ProviderHiAPI {
		return cmp.Or(s.cfg.ProviderURLs[t.ID], t.Origin)
	}
	return s.cfg.HiAPIURL
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/hooks/") {
		s.hooks.ServeHTTP(w, r) // machines: no session, no CSRF (hookRoutes)
		return
	}
	s.echo.ServeHTTP(w, r)
}

// HTTPServer wraps the handler in an http.Server with the time-outs a
// server exposed to a team needs: no slowloris, no idle connection kept
// forever. WriteTimeout stays 0 because event streams are long-lived;
// handlers bound their own work.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Close ends the event streams so a graceful shutdown does not wait on them.
func (s *Server) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
}
