package checks

import (
	"encoding/base64"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Keys for the tests. They are made, not real, but shaped like real ones;
// the secrecy test treats every one of them as a secret.
var (
	// goodKey is a clean HiAPI-shaped key: sk- and 48 letters and digits.
	goodKey = "sk-" + randKey(1, 48)
	// otherKey is another clean key, for "a different key" cases.
	otherKey = "sk-" + randKey(2, 48)
	// hiKey has the hi-sk- shape one HiAPI page shows.
	hiKey = "hi-sk-" + randKey(3, 40)
	// fakeKeys are the fake HiAPI's scenario keys.
	fakeKeys = func() []string {
		var out []string
		for _, s := range []string{"good", "revoked", "no-model", "unknown-model", "no-balance", "rate-limited", "down", "html", "task-fails", "never-finishes", "slow"} {
			out = append(out, "sk-fake-"+s+"-7Qm2Xv9LpR4tK8wN3bZ6hJ1c")
		}
		return out
	}()
)

// randKey returns n letters and digits, the same for the same seed.
func randKey(seed int64, n int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[r.Intn(len(alnum))]
	}
	// No accidental masks: no run of x's.
	return strings.NewReplacer("xx", "x7", "XX", "X7").Replace(string(b))
}

func hexKey(seed int64, n int) string {
	const hexd = "0123456789abcdef"
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = hexd[r.Intn(16)]
	}
	return string(b)
}

// stepCase is one row of a step's table: an input, the status the step
// must give, and fragments its Detail (and Fix) must hold.
type stepCase struct {
	name string
	in   Input
	want Status
	// detail lists fragments the Detail must contain.
	detail []string
	// fix lists fragments the Fix must contain.
	fix []string
	// not lists fragments the Detail must not contain.
	not []string
	// headline is a fragment the Headline must contain; for a failure
	// with none, the verdict's per-step default is what people read.
	headline string
}

// allTables collects every step table, for the secrecy test and the fuzz
// corpus.
var allTables = map[ID]*[]stepCase{}

func register(id ID, cases *[]stepCase) bool {
	allTables[id] = cases
	return true
}

func resultOf(rs []Result, id ID) Result {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return Result{}
}

func runTable(t *testing.T, id ID, cases []stepCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Errorf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			rs := Check(c.in)
			r := resultOf(rs, id)
			if r.Status != c.want {
				t.Errorf("%s: status %s, want %s\ndetail: %s\nfix: %s", id, r.Status, c.want, r.Detail, r.Fix)
			}
			for _, frag := range c.detail {
				if !strings.Contains(r.Detail, frag) {
					t.Errorf("%s: detail lacks %q\ndetail: %s", id, frag, r.Detail)
				}
			}
			for _, frag := range c.fix {
				if !strings.Contains(r.Fix, frag) {
					t.Errorf("%s: fix lacks %q\nfix: %s", id, frag, r.Fix)
				}
			}
			for _, frag := range c.not {
				if strings.Contains(r.Detail, frag) {
					t.Errorf("%s: detail has %q\ndetail: %s", id, frag, r.Detail)
				}
			}
			if !strings.Contains(r.Headline, c.headline) {
				t.Errorf("%s: headline %q lacks %q", id, r.Headline, c.headline)
			}
			if r.Headline != "" && (r.Status == StatusPass || r.Status == StatusSkip) {
				t.Errorf("%s: a %s with a headline: %q", id, r.Status, r.Headline)
			}
			if r.Status != StatusPass && r.Status != StatusSkip && r.Status != StatusPending && r.Fix == "" && r.Status != StatusWarn {
				t.Errorf("%s: %s without a fix: %s", id, r.Status, r.Detail)
			}
			if r.Detail == "" {
				t.Errorf("%s: empty detail", id)
			}
			assertNoLeak(t, c.in, rs)
		})
	}
}

// secretsOf returns the secrets an input holds: every token of 8 or more
// letters and digits that mixes letters and digits (keys do; words and
// variable names do not), and what such tokens decode to from base64.
func secretsOf(in Input) []string {
	texts := []string{in.Key, in.EnvFile, in.Header, in.BaseURL, in.VarName}
	for _, kv := range in.Environ {
		if i := strings.IndexByte(kv, '='); i >= 0 {
			texts = append(texts, kv[i+1:])
		}
	}
	var out []string
	var add func(s string, depth int)
	add = func(s string, depth int) {
		for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
			return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
		}) {
			if utf8.RuneCountInString(tok) < Window || !secretish(tok) {
				continue
			}
			out = append(out, tok)
		}
		if depth > 0 {
			return
		}
		for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=' || r == '-' || r == '_')
		}) {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				if dec, err := enc.DecodeString(tok); err == nil && utf8.Valid(dec) {
					add(string(dec), depth+1)
				}
			}
		}
	}
	for _, s := range texts {
		add(s, 0)
	}
	return out
}

// secretish reports a token that mixes letters and digits and is not an
// upper-case variable name.
func secretish(tok string) bool {
	letter, digit, lower := false, false, false
	for _, r := range tok {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			letter = true
			if !unicode.IsUpper(r) {
				lower = true
			}
		}
	}
	return letter && digit && lower
}

// leak returns the first window-sized piece of a secret found in s.
func leak(s string, secrets []string) string {
	for _, sec := range secrets {
		rs := []rune(sec)
		for i := 0; i+Window <= len(rs); i++ {
			if w := string(rs[i : i+Window]); strings.Contains(s, w) {
				return w
			}
		}
	}
	return ""
}

func assertNoLeak(t *testing.T, in Input, rs []Result) {
	t.Helper()
	secrets := secretsOf(in)
	for _, r := range rs {
		if w := leak(r.Detail, secrets); w != "" {
			t.Errorf("%s detail leaks %q: %s", r.ID, w, r.Detail)
		}
		if w := leak(r.Fix, secrets); w != "" {
			t.Errorf("%s fix leaks %q: %s", r.ID, w, r.Fix)
		}
		if w := leak(r.Headline, secrets); w != "" {
			t.Errorf("%s headline leaks %q: %s", r.ID, w, r.Headline)
		}
	}
	if v := VerdictOf(rs); leak(v.Headline, secrets) != "" {
		t.Errorf("verdict leaks: %s", v.Headline)
	}
}

func TestCheckReturnsEveryStepInOrder(t *testing.T) {
	for _, in := range []Input{{}, {Key: goodKey}, {Key: "\n"}, {Key: goodKey, EnvFile: "X=1", BaseURL: "x", Header: "y"}} {
		rs := Check(in)
		cat := Catalogue()
		if len(rs) != len(cat) || len(rs) != 11 {
			t.Fatalf("got %d results, want %d", len(rs), len(cat))
		}
		// The live steps follow the plan: pending when the live test
		// would send the key, skip with the reason when it would not.
		want := StatusPending
		if !PlanLive(in.Key).Send {
			want = StatusSkip
		}
		for i, s := range cat {
			r := rs[i]
			if r.ID != s.ID || r.Title != s.Title || r.Title == "" {
				t.Errorf("result %d is %q %q, want %q %q", i, r.ID, r.Title, s.ID, s.Title)
			}
			if s.Live && r.Status != want {
				t.Errorf("live step %s is %s, want %s", s.ID, r.Status, want)
			}
			if !s.Live && r.Status == StatusPending {
				t.Errorf("offline step %s is pending", s.ID)
			}
			if r.Detail == "" {
				t.Errorf("%s has no detail", s.ID)
			}
		}
	}
}

// TestCleanKeysPass: a clean key, or one of the fake scenario keys, gives
// no false alarm: the key steps pass and the steps without input skip.
func TestCleanKeysPass(t *testing.T) {
	keys := append([]string{goodKey, otherKey, hiKey, "sk-" + randKey(9, 32), "sk-" + randKey(10, 64)}, fakeKeys...)
	for seed := int64(100); seed < 300; seed++ {
		keys = append(keys, "sk-"+randKey(seed, 48))
	}
	for _, k := range keys {
		rs := Check(Input{Key: k})
		for _, r := range rs[:5] {
			if r.Status != StatusPass {
				t.Errorf("%s: %s on a clean key %s: %s", r.ID, r.Status, FingerprintOf(k).Short(), r.Detail)
			}
		}
		for _, r := range rs[5:8] {
			if r.Status != StatusSkip {
				t.Errorf("%s: %s without input: %s", r.ID, r.Status, r.Detail)
			}
		}
		if s := Summary(rs); !strings.HasPrefix(s, "5 checks pass") {
			t.Errorf("summary %q", s)
		}
		assertNoLeak(t, Input{Key: k}, rs)
	}
}

// TestCleanEverything: a clean key with clean optional inputs passes all
// eight offline steps.
func TestCleanEverything(t *testing.T) {
	for _, k := range append([]string{goodKey}, fakeKeys...) {
		in := Input{
			Key:            k,
			VarName:        "HIAPI_API_KEY",
			EnvFile:        "# keys\nOTHER=1\nHIAPI_API_KEY=" + k + "\n",
			Environ:        []string{"PATH=/usr/bin", "HIAPI_API_KEY=" + k},
			BaseURL:        "https://api.hiapi.ai",
			Header:         "Authorization: Bearer " + k,
			ExpectedLast4:  k[len(k)-4:],
			ExpectedLength: len(k),
		}
		rs := Check(in)
		for _, r := range rs[:8] {
			if r.Status != StatusPass {
				t.Errorf("%s: %s: %s", r.ID, r.Status, r.Detail)
			}
		}
		if s := Summary(rs); s != "All 8 offline checks pass; the live test has not run yet" {
			t.Errorf("summary %q", s)
		}
		assertNoLeak(t, in, rs)
	}
}

// TestSecrecy runs every row of every table and checks that no Detail or
// Fix holds an 8-character piece of any secret in the input.
func TestSecrecy(t *testing.T) {
	n := 0
	for _, id := range []ID{StepPresent, StepWhitespace, StepCharacters, StepComplete, StepProvider, StepVariable, StepBaseURL, StepHeader} {
		cases, ok := allTables[id]
		if !ok {
			t.Errorf("no table for %s", id)
			continue
		}
		for _, c := range *cases {
			n++
			assertNoLeak(t, c.in, Check(c.in))
		}
	}
	if n < 300 {
		t.Errorf("only %d table rows", n)
	}
}

// TestSecrecyCanary wraps a canary key every way a paste can and checks
// that no piece of it comes out.
func TestSecrecyCanary(t *testing.T) {
	canary := "sk-CANARY" + randKey(77, 40)
	b64 := base64.StdEncoding.EncodeToString([]byte(canary + "\n"))
	variants := []string{
		canary, canary + "\n", " " + canary, canary + "\r\n", "\"" + canary + "\"", "“" + canary + "”",
		"Bearer " + canary, "Authorization: Bearer " + canary, "export HIAPI_API_KEY=" + canary, "HIAPI_API_KEY=" + canary,
		canary[:20] + "\u200b" + canary[20:], canary[:20] + "\n" + canary[20:], canary + `\n`, canary + "%0A",
		strings.Replace(canary, "-", "–", 1), strings.Replace(canary, "a", "а", -1), b64, canary + canary,
		canary[:12] + "..." + canary[len(canary)-4:], canary + ",", "'" + canary, canary[:25] + "\xff" + canary[25:],
		strings.ToUpper(canary), canary + "$X", "sk-ant-api03-" + canary[3:], canary[:3] + hexKey(1, 32),
	}
	for _, v := range variants {
		ins := []Input{
			{Key: v},
			{Key: v, EnvFile: "HIAPI_API_KEY=" + v + "\nHIAPI_KEY=" + otherKey + "\n", Header: "Authorization: Bearer " + v, BaseURL: "https://api.hiapi.ai/" + v, ExpectedLast4: v, ExpectedLength: 3},
			{Key: goodKey, EnvFile: "HIAPI_API_KEY=\"" + v + "\r\n", Header: "curl -H 'Authorization: Bearer " + v + "' https://" + v + "/v1", BaseURL: v, VarName: v},
			{Key: v, Environ: []string{"HIAPI_KEY=" + v, v + "=" + v}, Header: v, BaseURL: "http://" + v + "@x/?key=" + v},
			{Key: v, VarName: "HIAPI_API_KEY=" + v, EnvFile: v + "\n" + v + "=1\n", Header: "x-api-key: " + v},
		}
		for _, in := range ins {
			rs := Check(in)
			secrets := append(secretsOf(in), canary, canary[3:])
			for _, r := range append(rs, Result{ID: "verdict", Detail: VerdictOf(rs).Headline}) {
				for _, s := range []string{r.Detail, r.Fix, r.Headline} {
					if w := leak(s, secrets); w != "" {
						t.Errorf("%s leaks %q for %q: %s", r.ID, w, v, s)
					}
					if strings.Contains(s, "CANARY") {
						t.Errorf("%s names the canary for %q: %s", r.ID, v, s)
					}
				}
			}
		}
	}
}

func TestSummary(t *testing.T) {
	mk := func(st ...Status) []Result {
		var rs []Result
		for i, s := range Catalogue() {
			r := Result{ID: s.ID, Status: StatusPending}
			if i < len(st) {
				r.Status = st[i]
			}
			rs = append(rs, r)
		}
		return rs
	}
	P, W, F, S, U := StatusPass, StatusWarn, StatusFail, StatusSkip, StatusUnknown
	cases := []struct {
		rs   []Result
		want string
	}{
		{mk(P, P, P, P, P, P, P, P), "All 8 offline checks pass; the live test has not run yet"},
		{mk(P, F, P, P, P, P, F, P), "2 steps fail: whitespace, base_url"},
		{mk(P, P, P, W, F, P, P, P), "1 step fails: provider; 1 warning: complete"},
		{mk(P, P, P, W, P, W, P, P), "2 warnings: complete, variable; the live test has not run yet"},
		{mk(P, P, P, P, P, S, S, S), "5 checks pass; 3 skipped: variable, base_url, header; the live test has not run yet"},
		{mk(F, S, S, S, S, S, S, S), "1 step fails: present"},
		{mk(P, P, P, P, P, P, P, P, P, P, P), "All 11 steps pass: HiAPI accepts the key"},
		{mk(P, P, P, P, P, P, P, P, U, S, S), "1 step undecided (not the key's fault): auth"},
		{mk(P, P, P, P, P, P, P, P, F, S, S), "1 step fails: auth"},
		{mk(P, P, P, P, P, P, P, P, StatusRunning), "All 8 offline checks pass; the live test is running"},
		{nil, "No checks ran"},
	}
	for _, c := range cases {
		if got := Summary(c.rs); got != c.want {
			t.Errorf("Summary = %q, want %q", got, c.want)
		}
	}
	if got := Summary(Check(Input{Key: goodKey + "\n", BaseURL: "http://api.openai.com"})); got != "2 steps fail: whitespace, base_url" {
		t.Errorf("Summary of a real check = %q", got)
	}
}

func TestCheckIsPure(t *testing.T) {
	in := Input{Key: goodKey + "\n", EnvFile: "HIAPI_API_KEY=" + goodKey, Environ: []string{"A=1"}, Header: "Bearer " + goodKey, BaseURL: "api.hiapi.ai"}
	env := slices.Clone(in.Environ)
	a, b := Check(in), Check(in)
	if !slices.EqualFunc(a, b, func(x, y Result) bool { return x == y }) {
		t.Error("two runs differ")
	}
	if !slices.Equal(env, in.Environ) {
		t.Error("Check changed its input")
	}
}
