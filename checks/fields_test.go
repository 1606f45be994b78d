package checks

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

func TestFieldHoldingKey(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(goodKey))
	cases := []struct {
		name   string
		key    string
		fields []Field
		want   string
	}{
		{"nothing typed", goodKey, nil, ""},
		{"ordinary fields", goodKey, []Field{{"var_name", "HIAPI_API_KEY"}, {"model", "gpt-image-2"}, {"prompt", "a red apple on a white table"}}, ""},
		{"the key as the model", goodKey, []Field{{"var_name", "HIAPI_API_KEY"}, {"model", goodKey}}, "model"},
		{"eight characters in the prompt", goodKey, []Field{{"prompt", "draw " + goodKey[10:18] + " please"}}, "prompt"},
		{"seven are not a piece", goodKey, []Field{{"prompt", "draw " + goodKey[10:17] + " please"}}, ""},
		{"upper-cased as a variable name", goodKey, []Field{{"var_name", strings.ToUpper(strings.ReplaceAll(goodKey, "-", "_"))}}, "var_name"},
		{"base64 in the prompt", goodKey, []Field{{"prompt", "data:" + b64}}, "prompt"},
		{"hex in the model", goodKey, []Field{{"model", hex.EncodeToString([]byte(goodKey[5:15]))}}, "model"},
		{"URL-encoded in the prompt", "sk-a/b+c=d e" + goodKey[3:12], []Field{{"prompt", url.QueryEscape("sk-a/b+c=d e" + goodKey[3:12])}}, "prompt"},
		{"the first field that holds it", goodKey, []Field{{"var_name", "X"}, {"model", goodKey[:9]}, {"prompt", goodKey}}, "model"},
		{"the last four as the last four", goodKey, []Field{{"expected_last4", goodKey[len(goodKey)-4:]}}, ""},
		{"the key as the last four", goodKey, []Field{{"expected_last4", goodKey[len(goodKey)-12:]}}, "expected_last4"},
		{"wrappers are not the key", "Bearer " + goodKey, []Field{{"prompt", "Bearer sk-x"}}, ""},
		{"the key inside its wrappers", `export HIAPI_API_KEY="` + goodKey + `"`, []Field{{"var_name", "HIAPI_API_KEY"}, {"model", goodKey[20:30]}}, "model"},
		{"the key inside base64", b64, []Field{{"model", goodKey[20:30]}}, "model"},
		{"a key with a newline", goodKey + "\n", []Field{{"display name", strings.ToLower(goodKey[3:20])}}, "display name"},
		{"a variable's name is no secret", "$HIAPI_API_KEY", []Field{{"var_name", "HIAPI_API_KEY"}}, ""},
		{"nor in braces", "Bearer ${HIAPI_API_KEY}", []Field{{"var_name", "HIAPI_API_KEY"}}, ""},
		{"a default may be a key", "${HIAPI_API_KEY:-" + goodKey + "}", []Field{{"prompt", goodKey[4:14]}}, "prompt"},
		{"nor a template's name", "${{ secrets.HIAPI_API_KEY }}", []Field{{"var_name", "HIAPI_API_KEY"}}, ""},
		{"but a literal in code may be a key", `os.getenv("HIAPI_API_KEY", "` + goodKey + `")`, []Field{{"var_name", "HIAPI_API_KEY"}, {"model", goodKey[4:14]}}, "model"},
		{"nor a placeholder", "YOUR_API_KEY", []Field{{"var_name", "HIAPI_API_KEY"}}, ""},
		{"a name that looks like a key", "$" + strings.ReplaceAll(goodKey[3:], "-", "_"), []Field{{"prompt", goodKey[4:14]}}, "prompt"},
		{"a short key", "sk-abc", []Field{{"model", "sk-abc"}}, ""},
		{"no key", "", []Field{{"model", goodKey}}, ""},
	}
	for _, c := range cases {
		if got := FieldHoldingKey(c.key, c.fields...); got != c.want {
			t.Errorf("%s: FieldHoldingKey = %q, want %q", c.name, got, c.want)
		}
	}
}
