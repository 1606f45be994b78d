package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/templates"
)

// The home page's key field and demo banner as the server renders them;
// the browser tests (cmd/keycheck) drive them.

func TestHomeKeyFieldHandlesTheKeyAsASecret(t *testing.T) {
	e := newEnv(t)
	d := e.browser().get("/").wantStatus(200).doc()

	key := d.Find(`textarea#key`)
	if _, ok := key.Attr("autofocus"); !ok {
		t.Error("the key field has no autofocus: a person must Tab to it")
	}
	// Enter presses "Save as a run", never the live test, which spends credits.
	target, _ := key.Attr("data-enter-submits")
	button := d.Find("#" + target)
	if target == "" || button.Length() != 1 || goquery.NodeName(button) != "button" || button.AttrOr("type", "") != "submit" {
		t.Fatalf("Enter in the key field presses %q, which is no submit button", target)
	}
	if button.AttrOr("name", "") == "live" {
		t.Error("Enter in the key field starts the live test")
	}
	// What Enter does is said only where the script makes it true.
	if hint := d.Find(`#key-hint [data-needs-js][hidden]`).Text(); !strings.Contains(hint, "Enter saves it as a run") {
		t.Errorf("the hint for Enter, shown only with JavaScript, is %q", hint)
	}
	// Every field that can hold the key is masked by the stylesheet.
	for _, id := range []string{"key", "env_file", "header"} {
		f := d.Find("textarea#" + id)
		if !f.HasClass("key") && !f.HasClass("secret") {
			t.Errorf("#%s can hold the key but is not masked (class %q)", id, f.AttrOr("class", ""))
		}
		if f.AttrOr("spellcheck", "") != "false" {
			t.Errorf("#%s is spell-checked: the browser may send it to a spelling service", id)
		}
	}
	if d.Find(`[data-testid="demo-banner"]`).Length() != 0 {
		t.Error("a server that is no demo shows the demo banner")
	}
}

func TestHomeDemoBanner(t *testing.T) {
	keys := []templates.DemoKey{
		{Name: "good", Key: "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", Says: "auth, model, result pass"},
		{Name: "revoked", Key: "sk-fake-revoked-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", Says: `<script>alert("dead")</script>`},
	}
	e := newEnv(t, func(su *setup) {
		su.cfg.HiAPIURL = "http://127.0.0.1:8089"
		su.cfg.DemoKeys = keys
	})
	r := e.browser().get("/").wantStatus(200)
	d := r.doc()
	banner := d.Find(`[data-testid="demo-banner"]`)
	if banner.Length() != 1 {
		t.Fatal("no demo banner under --demo")
	}
	if !strings.Contains(banner.Text(), "fake HiAPI at http://127.0.0.1:8089") {
		t.Errorf("the banner does not name the fake: %q", banner.Text())
	}
	for _, k := range keys {
		b := banner.Find(`[data-testid="demo-key-` + k.Name + `"]`)
		if b.AttrOr("data-demo-key", "") != k.Key || b.AttrOr("type", "") != "button" {
			t.Errorf("scenario %s: %v", k.Name, b.Nodes)
		}
		// A button that needs the script is hidden until the script runs.
		if b.ParentsFiltered(`[hidden][data-needs-js]`).Length() == 0 {
			t.Errorf("the %s button shows without JavaScript", k.Name)
		}
	}
	if strings.Contains(r.Body, `<script>alert`) {
		t.Error("a scenario's words reach the page unescaped")
	}
	// Without JavaScript the keys are there to copy.
	if ns := banner.Find("noscript").Text(); !strings.Contains(ns, keys[0].Key) {
		t.Errorf("the banner's noscript lists no key: %q", ns)
	}
}
