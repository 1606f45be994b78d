package static

import (
	"strings"
	"testing"
)

func TestAssetsHashedURLs(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.css", "app.js", "favicon.svg", "vendor/htmx-2.0.11.min.js", "vendor/htmx-ext-sse-2.2.4.min.js"} {
		u := a.URL(name)
		parts := strings.SplitN(strings.TrimPrefix(u, "/static/"), "/", 2)
		if len(parts) != 2 || len(parts[0]) != 12 || parts[1] != name {
			t.Errorf("URL(%q) = %q, want /static/<12 hex>/%s", name, u, name)
			continue
		}
		f, fresh := a.Lookup(parts[0], parts[1])
		if f == nil || !fresh || len(f.Body) == 0 {
			t.Errorf("Lookup of %s: %v fresh=%v", u, f, fresh)
		}
		if f, fresh := a.Lookup("000000000000", name); f == nil || fresh {
			t.Errorf("a stale hash must still find %s, marked stale", name)
		}
	}
	if f, _ := a.Lookup("x", "../embed.go"); f != nil {
		t.Error("Lookup served a file outside the assets")
	}
	if ct := a.byName["app.css"].ContentType; !strings.HasPrefix(ct, "text/css") {
		t.Errorf("app.css content type %q", ct)
	}
}

func TestAssetsURLPanicsOnUnknownName(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("URL of an unknown file must panic: a template names a file that is not embedded")
		}
	}()
	a.URL("missing.css")
}
