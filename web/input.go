package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
)

const (
	// maxKey bounds the key: no API key comes close to 4 KiB, and a bigger
	// paste is something else (a whole file, a log).
	maxKey = 4 << 10
	// maxModel and maxPrompt bound what the live test sends to HiAPI.
	maxModel  = 128
	maxPrompt = 2000
)

// checkRequest is one submitted check, from the form or the JSON API. It
// holds secrets (the key, and the env file and header that may contain it),
// so it is never stored or logged: only checks.Input and the run's
// redacted results come out of it.
type checkRequest struct {
	Key            string `json:"key"`
	VarName        string `json:"var_name"`
	EnvFile        string `json:"env_file"`
	BaseURL        string `json:"base_url"`
	Header         string `json:"header"`
	ExpectedLast4  string `json:"expected_last4"`
	ExpectedLength int    `json:"expected_length"`
	Model          string `json:"model"`
	Prompt         string `json:"prompt"`
	Live           bool   `json:"live"`
	// Provider is the target: where the key is used ("" or hiapi, openai,
	// …); validate makes it one of checks.Targets.
	Provider checks.ProviderID `json:"provider"`
}

func (r checkRequest) input() checks.Input {
	return checks.Input{
		Key:            r.Key,
		VarName:        r.VarName,
		EnvFile:        r.EnvFile,
		BaseURL:        r.BaseURL,
		Header:         r.Header,
		ExpectedLast4:  r.ExpectedLast4,
		ExpectedLength: r.ExpectedLength,
		Provider:       r.Provider,
	}
}

// validate refuses what no check can use, with the words a person needs.
func (r *checkRequest) validate(defaultModel, defaultPrompt string) error {
	if len(r.Key) > maxKey {
		return errorf(http.StatusBadRequest, "key_too_long",
			"The key is %d bytes; no API key is longer than 4 KiB. Paste only the key, not a whole file or log.", len(r.Key))
	}
	// As typed, before the defaults: a default that happens to share
	// characters with a key is no fault of the person's.
	if err := r.keyInFields(); err != nil {
		return err
	}
	if r.ExpectedLength < 0 || r.ExpectedLength > maxKey {
		return errorf(http.StatusBadRequest, "bad_expected_length", "expected_length must be a number of characters between 0 and 4096.")
	}
	if len(r.ExpectedLast4) > 16 {
		return errorf(http.StatusBadRequest, "bad_expected_last4", "expected_last4 is the last four characters the dashboard shows; this is longer.")
	}
	target, err := parseProvider(string(r.Provider))
	if err != nil {
		return err
	}
	r.Provider = target.ID
	r.Model = strings.TrimSpace(r.Model)
	if target.ID != checks.ProviderHiAPI && (r.Model == "" || r.Model == defaultModel) {
		// The page's model field starts with HiAPI's default: for another
		// target, the model its live test asks about is that target's.
		r.Model = target.Model
	}
	if r.Model == "" {
		r.Model = defaultModel
	}
	if len(r.Model) > maxModel || !utf8.ValidString(r.Model) {
		return errorf(http.StatusBadRequest, "bad_model", "The model id is too long or not text; HiAPI's ids look like gpt-image-2.")
	}
	r.Prompt = strings.TrimSpace(r.Prompt)
	if r.Prompt == "" {
		r.Prompt = defaultPrompt
	}
	if len(r.Prompt) > maxPrompt || !utf8.ValidString(r.Prompt) {
		return errorf(http.StatusBadRequest, "bad_prompt", "The prompt must be text of at most %d bytes: the live test only needs a short one.", maxPrompt)
	}
	return nil
}

// parseProvider reads a target as typed ("" is HiAPI), or refuses it
// naming every target. The value is never echoed: a person may have pasted
// their key into the wrong field.
func parseProvider(v string) (checks.Target, error) {
	if t, ok := checks.TargetOf(checks.ProviderID(strings.ToLower(strings.TrimSpace(v)))); ok {
		return t, nil
	}
	ids := make([]string, 0, 9)
	for _, t := range checks.Targets() {
		ids = append(ids, string(t.ID))
	}
	return checks.Target{}, errorf(http.StatusBadRequest, "bad_provider",
		"keycheck does not know this provider. It checks keys for: %s.", strings.Join(ids, ", "))
}

// keyFreeFields are the fields of a check that keycheck stores or shows,
// which must hold no piece of the key, and how a message names each. The
// key's own fields (key, env_file, header) are read, never kept. base_url
// is not here: a URL may rightly carry a key (?key=), and keycheck only
// quotes pieces of it that the key's Secret lets through, never the URL.
var keyFreeFields = []struct{ name, shown string }{
	{"var_name", "The variable name"},
	{"expected_last4", "The last four characters"},
	{"model", "The model"},
	{"prompt", "The prompt"},
}

// keyInFields refuses a check whose fields other than the key's own hold a
// piece of the key (checks.FieldHoldingKey, the one rule), naming the field
// and never echoing it.
func (r *checkRequest) keyInFields() error {
	values := [...]string{r.VarName, r.ExpectedLast4, r.Model, r.Prompt}
	fields := make([]checks.Field, len(keyFreeFields))
	for i, f := range keyFreeFields {
		fields[i] = checks.Field{Name: f.name, Value: values[i]}
	}
	name := checks.FieldHoldingKey(r.Key, fields...)
	for _, f := range keyFreeFields {
		if f.name == name {
			return errorf(http.StatusBadRequest, "field_holds_key",
				"%s (%s) holds part of the key: 8 or more of its characters in a row, in some letter case, or the key encoded. keycheck keeps and shows that field, so it refused the check. Put the key only in the key field, and clear it from %s.",
				f.shown, f.name, f.name)
		}
	}
	return nil
}

// errNameHoldsKey refuses a run whose author's name, which the run shows to
// everyone who opens it, holds a piece of its key. proxy says the name came
// from the sign-in proxy's header, which the person cannot change here.
func errNameHoldsKey(proxy bool) *Error {
	if proxy {
		return errorf(http.StatusBadRequest, "field_holds_key",
			"The user name your sign-in proxy sends holds part of this key, and a run shows it to everyone who opens it, so keycheck did not save the run. Ask whoever runs keycheck to fix the name the proxy sends; you can check the key without saving a run meanwhile.")
	}
	return errorf(http.StatusBadRequest, "field_holds_key",
		"Your display name holds part of this key, and a run shows it to everyone who opens it, so keycheck did not save the run. Change your display name (at the top of the page) and try again.")
}

// parseForm reads a check from a form post, keeping the key's bytes exactly
// as sent: form encoding can carry a newline, a CR or an invalid byte, all
// of which a check must see. The form's number field may be empty.
func parseForm(c echo.Context) (checkRequest, error) {
	if err := c.Request().ParseForm(); err != nil {
		if err := asTooLarge(err); errors.Is(err, errBodyTooLarge) {
			return checkRequest{}, err
		}
		return checkRequest{}, errorf(http.StatusBadRequest, "bad_form", "The form could not be read. Reload the page and try again.")
	}
	f := c.Request().PostForm
	r := checkRequest{
		Key:           normalizeFormNewlines(f.Get("key")),
		VarName:       strings.TrimSpace(f.Get("var_name")),
		EnvFile:       normalizeFormNewlines(f.Get("env_file")),
		BaseURL:       f.Get("base_url"),
		Header:        normalizeFormNewlines(f.Get("header")),
		ExpectedLast4: strings.TrimSpace(f.Get("expected_last4")),
		Model:         f.Get("model"),
		Prompt:        f.Get("prompt"),
		Live:          f.Get("live") != "",
		Provider:      checks.ProviderID(f.Get("provider")),
	}
	dropKeyFields(c.Request())
	if n := strings.TrimSpace(f.Get("expected_length")); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil {
			return r, errorf(http.StatusBadRequest, "bad_expected_length", "The length from the dashboard must be a whole number.")
		}
		r.ExpectedLength = v
	}
	return r, nil
}

// dropKeyFields removes the fields that hold the key from the request's
// parsed form once they are copied out, so the request carries no copy of
// the key for the rest of its life. Go strings cannot be wiped: the values
// themselves live until the garbage collector reuses their memory, as do
// the body net/http read them from and its connection's buffer.
func dropKeyFields(req *http.Request) {
	for _, form := range []url.Values{req.PostForm, req.Form} {
		for _, name := range [...]string{"key", "env_file", "header"} {
			delete(form, name)
		}
	}
}

// normalizeFormNewlines undoes what the HTML spec does to a textarea: a
// browser submits every line break in a textarea as CRLF, even when the
// pasted text had a bare LF. Without this, every pasted "key\n" (and every
// line of a pasted .env file) would read as CRLF and be misdiagnosed as a
// Windows line ending. A textarea keeps no CR of its own, so a pasted CRLF
// cannot be seen from a browser at all; the JSON API and the CLI see it.
func normalizeFormNewlines(s string) string {
	if !strings.Contains(s, "\r\n") {
		return s
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// parseJSON reads a check from the JSON API, refusing what is not one
// JSON object of known fields.
func parseJSON(c echo.Context, into any) error {
	req := c.Request()
	if !isJSON(req) {
		return errUnsupportedMediaType
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		if errors.Is(asTooLarge(err), errBodyTooLarge) {
			return errBodyTooLarge
		}
		return errorf(http.StatusBadRequest, "bad_body", "The request body could not be read.")
	}
	// The body holds the key, and it is keycheck's own copy: zeroed once
	// read. The decoder's buffer, a copy too, cannot be reached; it is
	// garbage when this returns.
	defer clear(body)
	if !utf8.Valid(body) {
		return errorf(http.StatusBadRequest, "invalid_utf8",
			"The body is not valid UTF-8, and JSON must be. To check a key holding raw bytes, use the form or `keycheck check --stdin`.")
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] != '{' {
		// null, [], a string or a number would decode as an empty check.
		return errorf(http.StatusBadRequest, "invalid_json", "The body must be one JSON object, such as {\"key\": \"...\"}.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return jsonError(err, into, body)
	}
	// dec.More would miss a stray "}" or "]": it reports only whether a
	// list goes on. Anything but whitespace after the object is refused.
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return errorf(http.StatusBadRequest, "invalid_json", "The body goes on after the JSON object (at byte %d); send one object and nothing else.", dec.InputOffset())
	}
	return nil
}

// jsonError says what is wrong with body, which did not decode into into, a
// pointer to the endpoint's request struct.
func jsonError(err error, into any, body []byte) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return errorf(http.StatusBadRequest, "invalid_json", "The body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		return errorf(http.StatusBadRequest, "invalid_json", "Field %q must be a %s.", typ.Field, jsonKind(typ.Type.Kind().String()))
	case errors.Is(err, io.EOF):
		return errorf(http.StatusBadRequest, "invalid_json", "The body is empty; send a JSON object such as {\"key\": \"...\"}.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, "invalid_json", "The body ends in the middle of a JSON value.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		said := unknownField(quoted)
		if name, _ := strconv.Unquote(quoted); keyInName(body, name) {
			said = unknownField("")
		}
		return errorf(http.StatusBadRequest, "unknown_field", "%s. Known fields: %s.", said, knownFields(into))
	}
	return errorf(http.StatusBadRequest, "invalid_json", "The body is not a JSON object of a check.")
}

// unknownField names an unknown field only when it looks like a misspelt
// field name: a person may have put their key where a name goes, and an
// error message must never echo a key.
func unknownField(quoted string) string {
	name, err := strconv.Unquote(quoted)
	if err != nil || name == "" || len(name) > 24 || strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
	}) >= 0 {
		return "The body has an unknown field"
	}
	return "Unknown field \"" + name + "\""
}

// keyInName reports whether name, a field name of body, holds a piece of the
// body's key (the one rule, checks.FieldHoldingKey): a name made of a key's
// letters looks like a misspelt field, and must not be echoed either.
func keyInName(body []byte, name string) bool {
	var k struct {
		Key string `json:"key"`
	}
	_ = json.NewDecoder(bytes.NewReader(body)).Decode(&k)
	return checks.FieldHoldingKey(k.Key, checks.Field{Name: "field name", Value: name}) != ""
}

// knownFields lists the JSON fields of the struct into points to, in its
// order: the endpoint's request struct is the one list of what it takes.
func knownFields(into any) string {
	t := reflect.TypeOf(into)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64":
		return "whole number"
	case "bool":
		return "true or false"
	}
	return k
}

// empty reports whether nothing was typed yet.
func (r checkRequest) empty() bool {
	return r.Key == "" && r.VarName == "" && r.EnvFile == "" && r.BaseURL == "" &&
		r.Header == "" && r.ExpectedLast4 == "" && r.ExpectedLength == 0
}
