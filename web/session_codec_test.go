package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/keycheck/keycheck/internal/run"
)

func TestSessionSerializerRoundTrip(t *testing.T) {
	in := map[interface{}]interface{}{
		"sid":    "abc",
		"name":   "Ana <b>",
		"runs":   "r1,r2",
		"_flash": []interface{}{"i:saved", "e:too many"},
	}
	b, err := sessionSerializer{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != '{' {
		t.Fatalf("not JSON: %q", b)
	}
	var out map[interface{}]interface{}
	if err := (sessionSerializer{}).Deserialize(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %#v, want %#v", out, in)
	}
}

// A cookie an older keycheck wrote with gob, signed with the server's own
// key, is no error and no 500: it starts a new session, as any cookie that
// does not decode does.
func TestOldGobCookieStartsANewSession(t *testing.T) {
	t.Parallel()
	keys := [][]byte{[]byte("session key for the gob cookie test")}
	var logs bytes.Buffer
	s, err := New(Config{SessionKeys: keys, KeyTTL: time.Minute}, slog.New(slog.NewJSONHandler(&logs, nil)), nil, nil, run.NewKeys(time.Minute, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The same keys, with gob as keycheck wrote it before JSON.
	old := newSessionStore(keys)
	for _, c := range old.Codecs {
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.GobEncoder{})
	}
	gob, err := securecookie.EncodeMulti(sessionName, map[interface{}]interface{}{"sid": "old-session-id", "name": "Ana"}, old.Codecs...)
	if err != nil {
		t.Fatal(err)
	}

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionName, Value: gob})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("GET / with a gob cookie: %d: %.300s", w.Code, w.Body.String())
	}
	if strings.Contains(w.Body.String(), "Ana") {
		t.Error("the page shows the name from the gob cookie")
	}
	var fresh string
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionName {
			fresh = c.Value
		}
	}
	values, err := s.SessionValues(fresh)
	if err != nil {
		t.Fatalf("no fresh session cookie (%q): %v", fresh, err)
	}
	if sid, _ := values["sid"].(string); sid == "" || sid == "old-session-id" || values["name"] != nil {
		t.Errorf("fresh session %v, want a new sid and no name", values)
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("a gob cookie logged an error:\n%s", logs.String())
	}
}

func TestSessionSerializerRefusesNonStringKeys(t *testing.T) {
	if _, err := (sessionSerializer{}).Serialize(map[interface{}]interface{}{1: "x"}); err == nil {
		t.Error("a non-string key must be refused")
	}
}
