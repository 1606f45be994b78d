package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestParseFormDropsTheKeyFields: once a form's key, env file and header
// are copied into the check, the request's parsed form no longer holds
// them, so the request carries no copy of the key for the rest of its
// life (issue 12, item 9).
func TestParseFormDropsTheKeyFields(t *testing.T) {
	t.Parallel()
	const key = "sk-Q7mZ2xV9pLr4Tk8WnB3hJ6cF1yD5gA0sE2uK7tP4wR9"
	form := url.Values{"key": {key}, "env_file": {"HIAPI_API_KEY=" + key}, "header": {"Authorization: Bearer " + key},
		"var_name": {"HIAPI_API_KEY"}, "model": {"gpt-image-2"}}
	req := httptest.NewRequest(http.MethodPost, "/check?key=x", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := echo.New().NewContext(req, httptest.NewRecorder())

	r, err := parseForm(c)
	if err != nil {
		t.Fatal(err)
	}
	if r.Key != key || !strings.Contains(r.EnvFile, key) || !strings.Contains(r.Header, key) || r.Model != "gpt-image-2" {
		t.Fatalf("the check read %+v", r)
	}
	for name, values := range map[string]url.Values{"PostForm": req.PostForm, "Form": req.Form} {
		for _, f := range []string{"key", "env_file", "header"} {
			if _, ok := values[f]; ok {
				t.Errorf("the request's %s still holds %s", name, f)
			}
		}
		if values.Get("var_name") != "HIAPI_API_KEY" {
			t.Errorf("the request's %s lost the other fields: %v", name, values)
		}
	}
}
