// Package fakes serves a look-alike of every target provider keycheck
// knows (checks.Targets) on one handler, each under its own path prefix
// (/openai, /anthropic, /google, …), so --provider-url openai=<fake>/openai
// makes keycheck ask the fake exactly the paths it asks the real origin.
// HiAPI, the fake in internal/hiapi/fake, answers at the root and under
// /hiapi.
//
// Each provider's fake speaks that provider's success and error bodies,
// its auth scheme and its request-id header, and picks a scenario from the
// key (see Scenarios). Like the HiAPI fake it never logs and never keeps a
// key: requests are recorded under fake.KeyID, a short hash.
package fakes

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// Options configure a Server. The zero value gives the defaults.
type Options struct {
	// HiAPI configures the HiAPI fake.
	HiAPI fake.Options
	// Now is the clock of the providers' fakes (default time.Now).
	Now func() time.Time
	// SlowDelay is how long every provider's slow scenario waits before
	// answering (default fake.DefaultSlowDelay).
	SlowDelay time.Duration
}

// Server is every provider's fake behind one handler, safe for concurrent
// use.
type Server struct {
	opts  Options
	hiapi *fake.Server
	mux   *http.ServeMux

	mu       sync.Mutex
	requests []Request
}

// Request is one request a provider's fake (not HiAPI's) answered: Route
// is the matched route as the provider names it ("GET /v1/models/{id}"),
// or "METHOD path" for an unknown one; Path is below the provider's prefix.
type Request struct {
	Provider checks.ProviderID
	fake.Request
}

// New returns every provider's fake.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = fake.DefaultSlowDelay
	}
	s := &Server{opts: opts, hiapi: fake.New(opts.HiAPI), mux: http.NewServeMux()}
	for _, p := range providers() {
		prefix := Prefix(p.id)
		s.mux.Handle(prefix+"/", http.StripPrefix(prefix, s.handler(p)))
	}
	s.mux.Handle(Prefix(checks.ProviderHiAPI)+"/", http.StripPrefix(Prefix(checks.ProviderHiAPI), s.hiapi))
	s.mux.Handle("/", s.hiapi)
	return s
}

// Prefix is the path a provider's fake is served under: "/openai" for
// OpenAI. HiAPI answers under "/hiapi" and at the root too.
func Prefix(id checks.ProviderID) string { return "/" + string(id) }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// HiAPI is the HiAPI fake, for its task and request records.
func (s *Server) HiAPI() *fake.Server { return s.hiapi }

// Requests returns every request the providers' fakes answered, oldest
// first. HiAPI's are in HiAPI().Requests().
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests to provider matched method and route and
// were sent with key; "" matches any provider, method, route or key.
func (s *Server) Count(provider checks.ProviderID, method, route, key string) int {
	id := fake.KeyID(key)
	n := 0
	for _, r := range s.Requests() {
		if (provider == "" || r.Provider == provider) && (method == "" || r.Method == method) &&
			(route == "" || r.Route == route) && (key == "" || r.Key == id) {
			n++
		}
	}
	return n
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}
