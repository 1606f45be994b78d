package web

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gorilla/securecookie"
)

// sessionSerializer writes the session's values as JSON instead of gob,
// securecookie's default: gob builds a decoder and compiles the type for
// every cookie, which made decoding the session most of the cost of a page.
// keycheck's session holds only strings (and flash messages, a list of
// strings), so JSON carries it exactly. A cookie that is not JSON (one an
// older keycheck wrote with gob) fails to decode, and so starts a new
// session, as any unreadable cookie does.
type sessionSerializer struct{}

func (sessionSerializer) Serialize(src interface{}) ([]byte, error) {
	values, ok := src.(map[interface{}]interface{})
	if !ok {
		return nil, fmt.Errorf("session: cannot serialize %T", src)
	}
	out := make(map[string]interface{}, len(values))
	for k, v := range values {
		name, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session: key %v is not a string", k)
		}
		out[name] = v
	}
	return json.Marshal(out)
}

func (sessionSerializer) Deserialize(src []byte, dst interface{}) error {
	values, ok := dst.(*map[interface{}]interface{})
	if !ok {
		return fmt.Errorf("session: cannot deserialize into %T", dst)
	}
	var in map[string]interface{}
	if err := json.Unmarshal(src, &in); err != nil {
		return err
	}
	if *values == nil {
		*values = make(map[interface{}]interface{}, len(in))
	}
	for k, v := range in {
		(*values)[k] = v
	}
	return nil
}

// useJSON switches every codec of the store to sessionSerializer.
func useJSON(codecs []securecookie.Codec) error {
	for _, c := range codecs {
		sc, ok := c.(*securecookie.SecureCookie)
		if !ok {
			return errors.New("session: unexpected codec type")
		}
		sc.SetSerializer(sessionSerializer{})
	}
	return nil
}
