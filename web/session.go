package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

const (
	sessionName = "keycheck"
	// maxRecentRuns bounds the run ids a session remembers.
	maxRecentRuns = 20
)

// session is what keycheck keeps per browser: who they are and the runs
// they made. Never the API key: that stays in run.Keys, in memory.
type session struct {
	raw     *sessions.Session
	changed bool
	// ephemeral sessions (a script calling the API without a cookie) are
	// never saved.
	ephemeral bool
}

// newSessionStore builds the signed and encrypted cookie store. Each
// secret yields a signing key and an encryption key; the first secret
// encodes, every secret decodes, so keys rotate without logging anyone out.
func newSessionStore(secrets [][]byte) *sessions.CookieStore {
	pairs := make([][]byte, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, deriveKey("session hash", s), deriveKey("session block", s))
	}
	store := sessions.NewCookieStore(pairs...)
	// CookiesFromPairs makes *securecookie.SecureCookie codecs only, so
	// this cannot fail.
	_ = useJSON(store.Codecs)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   30 * 24 * 60 * 60,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	store.MaxAge(store.Options.MaxAge)
	return store
}

// deriveKey makes, from a session secret, the key for one purpose, so no
// two uses share a key.
func deriveKey(purpose string, secret []byte) []byte {
	k := sha256.Sum256(append([]byte("keycheck "+purpose+"\x00"), secret...))
	return k[:]
}

// csrfKeys sign and verify the token that proves a form post came from one
// of keycheck's own pages, for the session that page was made for (see
// Server.csrf). One key per session secret: the first signs, every one
// verifies, so a page loaded before the secrets rotated still posts.
type csrfKeys [][]byte

func newCSRFKeys(secrets [][]byte) csrfKeys {
	keys := make(csrfKeys, len(secrets))
	for i, s := range secrets {
		keys[i] = deriveKey("csrf", s)
	}
	return keys
}

// token is the session's CSRF token: base64url(HMAC-SHA256(key, "csrf" +
// session id)). No cookie carries it, and no one without the session
// secret can make one, so a cookie planted by a sibling site proves
// nothing. A request with no session has no token.
func (k csrfKeys) token(sid string) string {
	if sid == "" {
		return ""
	}
	return csrfMAC(k[0], sid)
}

// valid reports, in constant time, whether token is the session's under
// any of the keys.
func (k csrfKeys) valid(sid, token string) bool {
	if sid == "" || token == "" {
		return false
	}
	ok := 0
	for _, key := range k {
		ok |= subtle.ConstantTimeCompare([]byte(csrfMAC(key, sid)), []byte(token))
	}
	return ok == 1
}

func csrfMAC(key []byte, sid string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("csrf" + sid))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

const sessionKey = "session"

// lazySession decodes the session cookie on first use: the as-you-type
// check never reads the session, and decoding an encrypted cookie on every
// keystroke was a quarter of that request's cost.
type lazySession struct {
	sess *session
}

// loadSession attaches the person's session to the request, to be decoded
// when a handler first asks for it, and saves it before the response is
// written if it changed. A cookie that fails to decode
// (tampered, or signed with a retired key) starts a new session: it is not
// an error.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/static/") || c.Request().URL.Path == "/healthz" {
			return next(c)
		}
		lazy := &lazySession{}
		c.Set(sessionKey, lazy)
		// Save before the response is written: a header set after the body
		// starts is lost.
		c.Response().Before(func() {
			sess := lazy.sess
			if sess == nil || !sess.changed || sess.ephemeral {
				return
			}
			sess.raw.Options.Secure = s.isHTTPS(c.Request())
			if err := sess.raw.Save(c.Request(), c.Response()); err != nil {
				s.log.Error("saving session", "err", err)
			}
		})
		return next(c)
	}
}

func (s *Server) session(c echo.Context) *session {
	lazy, ok := c.Get(sessionKey).(*lazySession)
	if !ok {
		// Routes that skip loadSession get a throwaway session.
		return &session{raw: sessions.NewSession(s.sessions, sessionName)}
	}
	if lazy.sess == nil {
		// New, not Get: Get also files the session in a per-request
		// registry (a copy of the request) that keycheck never reads. A
		// cookie that fails to decode yields a new session, and the error
		// says only that.
		raw, _ := s.sessions.New(c.Request(), sessionName)
		sess := &session{raw: raw, ephemeral: apiWithoutCookie(c)}
		if sess.id() == "" && !sess.ephemeral {
			raw.Values["sid"] = randomID()
			sess.changed = true
		}
		lazy.sess = sess
	}
	return lazy.sess
}

// apiWithoutCookie is a script calling the JSON API, as curl does: it
// keeps no cookie, so keycheck starts no session for it (a cookie per
// call would be thrown away). A browser calling the API with its cookie
// keeps its session, and its display name.
func apiWithoutCookie(c echo.Context) bool {
	if !isAPI(c) {
		return false
	}
	_, err := c.Request().Cookie(sessionName)
	return err != nil
}

// id identifies the browser session; live-test keys are bound to it.
func (s *session) id() string {
	v, _ := s.raw.Values["sid"].(string)
	return v
}

func (s *session) name() string {
	v, _ := s.raw.Values["name"].(string)
	return v
}

func (s *session) setName(name string) {
	s.raw.Values["name"] = name
	s.changed = true
}

// recentRuns are the ids of the runs this browser made, newest first.
func (s *session) recentRuns() []string {
	v, _ := s.raw.Values["runs"].(string)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func (s *session) addRun(id string) {
	runs := append([]string{id}, s.recentRuns()...)
	if len(runs) > maxRecentRuns {
		runs = runs[:maxRecentRuns]
	}
	s.raw.Values["runs"] = strings.Join(runs, ",")
	s.changed = true
}

// flash queues a one-time message for the next page.
func (s *session) flash(text string, isError bool) {
	prefix := "i:"
	if isError {
		prefix = "e:"
	}
	s.raw.AddFlash(prefix + text)
	s.changed = true
}

func (s *session) takeFlashes() []flashMsg {
	raw := s.raw.Flashes()
	if len(raw) == 0 {
		return nil
	}
	s.changed = true
	out := make([]flashMsg, 0, len(raw))
	for _, f := range raw {
		if str, ok := f.(string); ok && len(str) > 2 {
			out = append(out, flashMsg{isError: str[:2] == "e:", text: str[2:]})
		}
	}
	return out
}

type flashMsg struct {
	isError bool
	text    string
}

// randomID returns 128 bits from crypto/rand, URL-safe: run ids and
// session ids are capabilities, so they must not be guessable.
func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
