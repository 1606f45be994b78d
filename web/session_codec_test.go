package web

import (
	"reflect"
	"testing"

	"github.com/gorilla/securecookie"
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

// A cookie an older keycheck wrote with gob still decodes.
func TestSessionSerializerReadsGob(t *testing.T) {
	in := map[interface{}]interface{}{"sid": "abc", "name": "Ana"}
	b, err := securecookie.GobEncoder{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	var out map[interface{}]interface{}
	if err := (sessionSerializer{}).Deserialize(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("gob cookie: %#v", out)
	}
}

func TestSessionSerializerRefusesNonStringKeys(t *testing.T) {
	if _, err := (sessionSerializer{}).Serialize(map[interface{}]interface{}{1: "x"}); err == nil {
		t.Error("a non-string key must be refused")
	}
}
