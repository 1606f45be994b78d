package web

import (
	"net/http"
	"net/http/httptest"
)

// SessionValues decodes a session cookie as the server does, so tests can
// look inside the encrypted cookie (the canary test: no key in there).
func (s *Server) SessionValues(cookie string) (map[any]any, error) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionName, Value: cookie})
	sess, err := s.sessions.New(req, sessionName)
	if err != nil {
		return nil, err
	}
	return sess.Values, nil
}
