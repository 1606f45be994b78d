package fakes

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/wait"
)

// provider is one provider's fake, as data and a few functions: the key
// shape its scenario keys take, the scenarios, how it reads the key, the
// header it names requests by, what each scenario answers, and its routes.
type provider struct {
	id    checks.ProviderID
	shape keyShape
	rows  []row
	// key reads the key as the provider's auth scheme carries it; a
	// non-nil reply is the provider's answer to a request that carries
	// none (or carries it the wrong way).
	key func(r *http.Request, rid string) (string, *reply)
	// ridHeader is the response header naming the request, "" when the
	// provider sends none; newRID makes an id in the provider's format.
	ridHeader string
	newRID    func() string
	// dead answers the revoked scenario's key and any key that is not a
	// scenario key; refusals
	// are what scenarios answer to every request (a scenario missing from
	// them goes on to the route).
	dead     func(key, rid string) reply
	refusals func(rid string) map[string]reply
	// routes answer what a good key asks; "" the unknown routes.
	routes map[string]func(r *http.Request, c call) reply
}

// call is what a route knows of the request once the key is read.
type call struct {
	scenario, key, rid string
}

// reply is one answer: a JSON body, or an HTML page when html is set.
type reply struct {
	status int
	body   any
	html   string
	header map[string]string
}

// withRetryAfter adds Retry-After, as every provider's 429 carries.
func (r reply) withRetryAfter(seconds int) reply {
	r.header = map[string]string{"Retry-After": strconv.Itoa(seconds)}
	return r
}

// handler serves p below its prefix: the slow scenario's wait, the
// request id, the key, a proxy's HTML page, the scenario's refusal, then
// the route. Every request is recorded.
func (s *Server) handler(p provider) http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range p.routes {
		mux.Handle(cmp.Or(pattern, "/"), s.wrap(p, pattern, h))
	}
	return mux
}

func (s *Server) wrap(p provider, pattern string, h func(*http.Request, call) reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rid := ""
		if p.newRID != nil {
			rid = p.newRID()
		}
		key, missing := p.key(r, rid)
		scenario, _ := p.scenarioOf(key)
		rec := Request{Provider: p.id, Request: fake.Request{At: s.opts.Now(), Method: r.Method,
			Route: cmp.Or(pattern, r.Method+" "+r.URL.Path), Path: r.URL.Path, Key: fake.KeyID(key), Scenario: scenario}}
		defer func() { s.record(rec) }()
		if scenario == Slow && wait.For(r.Context(), s.opts.SlowDelay) != nil {
			rec.Status = 499 // the client gave up; nothing is written
			return
		}
		var out reply
		switch {
		case missing != nil:
			out = *missing
		case scenario == HTML:
			out = reply{status: http.StatusBadGateway, html: badGatewayPage}
		case scenario == "" || scenario == Revoked:
			out = p.dead(key, rid)
		default:
			refused, ok := p.refusals(rid)[scenario]
			if !ok {
				refused = h(r, call{scenario: scenario, key: key, rid: rid})
			}
			out = refused
		}
		rec.Status = out.status
		if p.ridHeader != "" {
			w.Header().Set(p.ridHeader, rid)
		}
		write(w, out)
	})
}

func write(w http.ResponseWriter, out reply) {
	for k, v := range out.header {
		w.Header().Set(k, v)
	}
	b := []byte(out.html)
	if out.html != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	} else {
		b, _ = json.Marshal(out.body)
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(out.status)
	w.Write(b)
}

// bearerKey reads "Authorization: Bearer <key>"; the key is "" without one.
func bearerKey(r *http.Request) string {
	scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(rest)
}

// bearerOr reads a Bearer key, answering missing when there is none.
func bearerOr(missing func(rid string) reply) func(*http.Request, string) (string, *reply) {
	return func(r *http.Request, rid string) (string, *reply) {
		if k := bearerKey(r); k != "" {
			return k, nil
		}
		m := missing(rid)
		return "", &m
	}
}

// randHex is n random lower-case hex digits.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// masked is how providers quote a key in an error: its first and last
// few characters.
func masked(key string, head, tail int) string {
	if len(key) < head+tail+4 {
		return "***"
	}
	return key[:head] + "***" + key[len(key)-tail:]
}

const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`
