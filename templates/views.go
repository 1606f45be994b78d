// Package templates renders keycheck's pages with templ. The view types here
// are plain data: handlers fill them, components only read them.
package templates

import (
	"cmp"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// Page is what every full page needs from the layout.
type Page struct {
	Title       string
	Description string
	// Nav names the current section: "check" or "runs".
	Nav string
	// RunsListOff hides every link to the team's list of runs, which
	// answers 404 when keycheck runs with --runs-list off.
	RunsListOff bool
	// CSRF is the token for forms and htmx requests.
	CSRF string
	// Name is the person's display name.
	Name string
	// NameLocked is true when a trusted proxy header names the person.
	NameLocked bool
	// Asset maps an embedded file name to its content-hashed URL.
	Asset func(string) string
	// Refresh, when above zero, reloads the page every so many seconds for
	// browsers without JavaScript (a live test in flight).
	Refresh int
	Flashes []Flash
	// Path is the current request path, for the display-name form.
	Path string
	// Now is the time of the request, for relative times.
	Now time.Time
	// URL is the page's absolute address for link previews (og:url); set
	// only when keycheck knows its public address (--public-url).
	URL string
}

// Flash is a one-time message shown at the top of a page.
type Flash struct {
	Error bool
	Text  string
}

// FormValues are the non-key inputs echoed back into the form. The key never
// is: a page never holds it.
type FormValues struct {
	VarName        string
	BaseURL        string
	ExpectedLast4  string
	ExpectedLength string
	Model          string
	Prompt         string
	// Provider is the target picked; "" is HiAPI.
	Provider checks.ProviderID
}

// Target is the target the form starts on.
func (f FormValues) Target() checks.ProviderID {
	if f.Provider == "" {
		return checks.ProviderHiAPI
	}
	return f.Provider
}

// TargetName is a target's name as people read it ("OpenAI"); "" is
// HiAPI.
func TargetName(id checks.ProviderID) string {
	if t, ok := checks.TargetOf(id); ok {
		return t.Name
	}
	return string(id)
}

// KeyVar is the variable the by-hand commands read the key from for a
// target, as a shell writes it: "$OPENAI_API_KEY".
func KeyVar(id checks.ProviderID) string {
	return "$" + cmp.Or(TargetVar(id), "HIAPI_API_KEY")
}

// isHiAPI reports whether target is HiAPI, the one target whose live test
// spends credits.
func isHiAPI(target checks.ProviderID) bool {
	t, _ := checks.TargetOf(target)
	return t.ID == checks.ProviderHiAPI
}

// liveCost is what a run's live test costs, said beside its button.
func liveCost(target checks.ProviderID) string {
	if isHiAPI(target) {
		return "Free check first, then one image task, which spends credits."
	}
	return "Free requests to " + TargetName(target) + " only: nothing is spent."
}

// homeCostText is what the home page's live test costs at target: at
// HiAPI one image task, at any other only free requests; in a demo the
// fake answers, so nothing is spent anywhere.
func homeCostText(target checks.ProviderID, demo bool) string {
	name := TargetName(target)
	switch {
	case demo && isHiAPI(target):
		return "The live test asks the demo's fake HiAPI whether it accepts the key, then creates one image task there: nothing is spent."
	case demo:
		return "The live test asks the demo's fake " + name + " only free requests: nothing is spent."
	case isHiAPI(target):
		return "The live test asks HiAPI whether it accepts the key (free), then creates one image task with the model above, which spends credits."
	}
	return "The live test asks " + name + " only free requests; nothing is spent."
}

// Checklist is the checklist as one view: the summary, the fingerprint and
// the steps.
type Checklist struct {
	// Idle is true before anything was typed: steps show as waiting.
	Idle        bool
	Results     []checks.Result
	Fingerprint checks.Fingerprint
	// VarName is the variable the hash command reads.
	VarName string
	// RunID, when set, links each step to its page.
	RunID string
	// Target is the provider the key was checked for; "" is HiAPI.
	Target checks.ProviderID
}

// Summary is the one line above the steps.
func (c Checklist) Summary() string {
	if c.Idle {
		return "Paste a key to light up the checklist."
	}
	return checks.Summary(c.Results)
}

// Verdict is the checklist's answer; before anything was typed, an
// invitation to paste.
func (c Checklist) Verdict() checks.Verdict {
	if c.Idle {
		return checks.Verdict{Status: checks.StatusPending, Headline: "Paste a key: the answer shows here as you type."}
	}
	return checks.VerdictOf(c.Results)
}

// SummaryClass colours the summary line.
func (c Checklist) SummaryClass() string {
	if c.Idle {
		return "summary none"
	}
	worst := "pass"
	for _, r := range c.Results {
		switch r.Status {
		case checks.StatusFail:
			return "summary fail"
		case checks.StatusWarn, checks.StatusUnknown:
			worst = "warn"
		}
	}
	return "summary " + worst
}

// stepGroups is how a checklist shows its steps once a key is typed: the
// steps to read first, open (a failure, a warning, an unknown, a step
// running, the result's image); the passed ones folded into one line; then
// the rest (skipped, pending), closed. Each keeps catalogue order.
type stepGroups struct {
	Open, Passed, Rest []checks.Result
}

func (c Checklist) groups() stepGroups {
	// One array for the three groups: the checklist renders on every
	// keystroke.
	kinds := make([]int8, len(c.Results))
	var n [3]int
	for i, r := range c.Results {
		switch {
		case opens(r):
			kinds[i] = 0
		case r.Status == checks.StatusPass:
			kinds[i] = 1
		default:
			kinds[i] = 2
		}
		n[kinds[i]]++
	}
	all := make([]checks.Result, len(c.Results))
	g := stepGroups{Open: all[:0:n[0]], Passed: all[n[0] : n[0] : n[0]+n[1]], Rest: all[n[0]+n[1] : n[0]+n[1]]}
	for i, r := range c.Results {
		switch kinds[i] {
		case 0:
			g.Open = append(g.Open, r)
		case 1:
			g.Passed = append(g.Passed, r)
		default:
			g.Rest = append(g.Rest, r)
		}
	}
	return g
}

// passedLine is the folded line of the passed steps: "7 checks pass".
func passedLine(n int) string {
	if n == 1 {
		return "1 check passes"
	}
	return strconv.Itoa(n) + " checks pass"
}

// liveBlocked is why the live test cannot run for this key: before any
// test ran, its live steps are skipped only when the key cannot be sent
// (checks.LivePlan). "" when it can run.
func (c Checklist) liveBlocked() string {
	if c.Idle {
		return ""
	}
	return liveBlocked(c.Results)
}

// liveBlocked is the reason a run's or a check's live steps give for not
// sending the key, while no live test has run: the auth step's.
func liveBlocked(results []checks.Result) string {
	for _, r := range results {
		if r.ID == checks.StepAuth && r.Status == checks.StatusSkip && r.Live == nil {
			return r.Detail
		}
	}
	return ""
}

// StepURL is the permalink of a step of a run.
func StepURL(runID string, id checks.ID) string {
	return "/runs/" + runID + "/steps/" + string(id)
}

// RunURL is the permalink of a run.
func RunURL(runID string) string { return "/runs/" + runID }

// Icon is the status mark shown beside a step, as in a doctor command.
func Icon(s checks.Status) string { return statusLook(s).icon }

// StatusWord is the badge text of a status.
func StatusWord(s checks.Status) string { return statusLook(s).word }

// look is how a status shows on a page: its mark and its badge word.
type look struct{ icon, word string }

// looks is the one table of how statuses look; a status not in it (none
// yet) shows as pending.
var looks = map[checks.Status]look{
	checks.StatusPass:    {"✓", "pass"},
	checks.StatusWarn:    {"!", "warning"},
	checks.StatusFail:    {"✗", "fail"},
	checks.StatusRunning: {"↻", "running"},
	checks.StatusUnknown: {"?", "unknown"},
	checks.StatusSkip:    {"–", "skipped"},
	checks.StatusPending: {"○", "pending"},
}

func statusLook(s checks.Status) look {
	if l, ok := looks[s]; ok {
		return l
	}
	return looks[checks.StatusPending]
}

// opens says which steps start expanded: the ones that need attention.
func opens(r checks.Result) bool {
	switch r.Status {
	case checks.StatusFail, checks.StatusWarn, checks.StatusUnknown, checks.StatusRunning:
		return true
	}
	return r.ID == checks.StepResult && r.Status == checks.StatusPass
}

// Rich renders product copy: text with `backtick` spans as code, and a
// paragraph per line. Everything is escaped. It writes straight to w: the
// checklist renders it for every step on every keystroke.
func Rich(text string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		sw, ok := w.(io.StringWriter)
		if !ok {
			sw = stringWriter{w}
		}
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			code := strings.Count(line, "`")%2 == 0 // an unmatched backtick is shown as text
			sw.WriteString("<p>")
			inCode := false
			for {
				i := -1
				if code {
					i = strings.IndexByte(line, '`')
				}
				if i < 0 {
					writeEscaped(sw, line)
					break
				}
				writeEscaped(sw, line[:i])
				if inCode {
					sw.WriteString("</code>")
				} else {
					sw.WriteString("<code>")
				}
				inCode = !inCode
				line = line[i+1:]
			}
			if _, err := sw.WriteString("</p>"); err != nil {
				return err
			}
		}
		return nil
	})
}

type stringWriter struct{ io.Writer }

func (w stringWriter) WriteString(s string) (int, error) { return io.WriteString(w.Writer, s) }

// writeEscaped writes s with &, <, >, " and ' escaped, as html.EscapeString
// does, without building a new string.
func writeEscaped(w io.StringWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// When formats a time for people: relative when recent, a date otherwise.
func When(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t.UTC().Format("2006-01-02 15:04 UTC")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 7*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// UTC is a time as support and teammates in other time zones read it.
func UTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// WhenUTC is When with the absolute time beside it, "4 minutes ago
// (2026-11-30 09:15 UTC)"; just the absolute time when When gives it.
func WhenUTC(t, now time.Time) string {
	rel, abs := When(t, now), UTC(t)
	if rel == abs {
		return abs
	}
	return rel + " (" + abs + ")"
}

// datetime is a time for a <time datetime> attribute.
func datetime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func plural(n int, unit string) string {
	s := strconv.Itoa(n) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

// Who names the person who ran a run.
func Who(by string) string {
	if strings.TrimSpace(by) == "" {
		return "someone"
	}
	return by
}

// Support is what "Copy for support" copies about a run: the facts HiAPI's
// support (or a teammate) needs to find what happened, never the key.
type Support struct {
	Run *run.Run
	// Verdict is the run's, when the caller has it already.
	Verdict *checks.Verdict
	// URL is the run's absolute address.
	URL string
	// BaseURL is the origin the live test asked for the run's target.
	BaseURL string
	// Step, when set, is the step the text is about (a step's page); else
	// the step HiAPI's answer matters most for (supportStep).
	Step *checks.Result
}

// Text is the support text, one fact a line.
func (s Support) Text() string {
	r := s.Run
	var v checks.Verdict
	if s.Verdict != nil {
		v = *s.Verdict
	} else {
		v = checks.VerdictOf(r.Steps)
	}
	var b strings.Builder
	b.Grow(512)
	line := func(label, value string) {
		if value != "" {
			b.WriteString(label)
			b.WriteString(": ")
			b.WriteString(value)
			b.WriteByte('\n')
		}
	}
	line("keycheck status", string(v.Status))
	line("Headline", v.Headline)
	line("Time", r.Created.UTC().Format("2006-01-02 15:04:05 UTC"))
	line("Run", s.URL)
	line("Key fingerprint", r.Fingerprint.Short())
	line("Model", r.Model)
	step, ok := supportStep(r.Steps, v)
	if s.Step != nil {
		step, ok = *s.Step, true
	}
	if !ok {
		return b.String()
	}
	line("Step", string(step.ID)+" ("+StatusWord(step.Status)+")")
	l := step.Live
	if l == nil {
		return b.String()
	}
	line("Endpoint", checks.EndpointFor(r.Provider, s.BaseURL, step.ID, r.Model, l.TaskID))
	if l.HTTPStatus != 0 {
		line("HTTP status", strconv.Itoa(l.HTTPStatus))
	}
	line("Error code", l.Code)
	line("Message", l.Message)
	line("request_id", l.RequestID)
	line("Task id", l.TaskID)
	line("Task status", l.TaskStatus)
	return b.String()
}

// supportStep is the step whose answer support needs: the verdict's cause
// when HiAPI answered it, else the last live step HiAPI answered; else the
// cause alone.
func supportStep(steps []checks.Result, v checks.Verdict) (checks.Result, bool) {
	var cause, answered *checks.Result
	for i := range steps {
		r := &steps[i]
		if r.ID == v.Step {
			cause = r
		}
		if l := r.Live; l != nil && (l.HTTPStatus != 0 || l.RequestID != "" || l.TaskID != "") {
			answered = r
		}
	}
	switch {
	case cause != nil && cause.Live != nil:
		return *cause, true
	case answered != nil:
		return *answered, true
	case cause != nil:
		return *cause, true
	}
	return checks.Result{}, false
}

func expiry(unix int64) string {
	if unix <= 0 {
		return "not given"
	}
	return time.Unix(unix, 0).UTC().Format("2006-01-02 15:04 UTC")
}

// RunPage is a run's permalink page.
type RunPage struct {
	Run       *run.Run
	Checklist Checklist
	// ChecklistHTML, when set, is the checklist already rendered (a
	// finished run's never changes), shown instead of rendering Checklist.
	ChecklistHTML string
	// Verdict, when its Status is set, is the run's verdict already
	// decided; VerdictHTML, when set, its box already rendered.
	Verdict     checks.Verdict
	VerdictHTML string
	Now         time.Time
	// KeyHeld is true when this browser's session holds the run's key in
	// the server's memory, so the live test can start without asking.
	KeyHeld bool
	// Running is true while the live test is in flight.
	Running bool
	// Curl reproduces HiAPI's paid test task by hand, with $HIAPI_API_KEY;
	// "" for another target, whose credits keycheck never spends.
	Curl string
	// ProbeCurl is the live test's free probe of the run's target, by
	// hand, and ModelsCurl the target's free list of models ("" when the
	// probe is that list). Not set in the pushed copy.
	ProbeCurl  string
	ModelsCurl string
	// URL is the run's absolute address and BaseURL the origin the live
	// test asks for the run's target, for "Copy for support". Not set in
	// the pushed copy.
	URL     string
	BaseURL string
	// Model is what the live test will use.
	Model string
	CSRF  string
	// KeyTTL says how long keycheck keeps a key, e.g. "15 minutes".
	KeyTTL string
	// Pushed is true for the copy pushed to every page watching the live
	// test: rendered once for all, it holds nothing of one viewer (no
	// CSRF token, no held key). Once the test has ended, its live box
	// loads the viewer's own from the run's page.
	Pushed bool
}

// StepPage is one step of a run, on its own page.
type StepPage struct {
	Run    *run.Run
	Result checks.Result
	Step   checks.Step
	Prev   *checks.Result
	Next   *checks.Result
	Now    time.Time
	// URL is the run's absolute address and BaseURL the origin the live
	// test asks for the run's target, for "Copy for support".
	URL     string
	BaseURL string
}

// RunsPage is the team's list of recent runs.
type RunsPage struct {
	Runs   []*run.Run
	Now    time.Time
	Failed checks.ID
	// Older is the link to the next page, empty on the last one.
	Older string
	// First is true on the newest page.
	First bool
}

// ErrorPage is what a person sees when something went wrong.
type ErrorPage struct {
	Status  int
	Heading string
	Message string
	// Back, when set, is the run the person came from.
	Back string
}

// htmxConfig configures htmx for the Content-Security-Policy (no eval, no
// inline scripts or styles) and swaps 4xx and 5xx answers too: the server
// answers an htmx request that failed with a fragment saying why (a key
// over 4 KiB, a rate limit, a stale page), which would otherwise be
// dropped and leave a checklist that no longer matches the key.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"[45]..","swap":true,"error":true}]}`

// StepIDs lists the catalogue's ids, for the runs filter.
func StepIDs() []checks.ID {
	cat := checks.Catalogue()
	ids := make([]checks.ID, len(cat))
	for i, s := range cat {
		ids[i] = s.ID
	}
	return ids
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// verdict is the run's verdict: the one decided with the page's parts, or
// decided now.
func (v RunPage) verdict() checks.Verdict {
	if v.Verdict.Status != "" {
		return v.Verdict
	}
	return v.Checklist.Verdict()
}

// TargetVar is the variable a target's SDKs read, for the commands a page
// shows ("" is HIAPI_API_KEY, the commands' own).
func TargetVar(id checks.ProviderID) string {
	if t, ok := checks.TargetOf(id); ok && t.ID != checks.ProviderHiAPI {
		return t.Vars[0]
	}
	return ""
}
