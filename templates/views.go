// Package templates renders keycheck's pages with templ. The view types here
// are plain data: handlers fill them, components only read them.
package templates

import (
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

// supportText is what "copy for support" copies: the facts support needs,
// never the key.
func supportText(r checks.Result) string {
	var b strings.Builder
	b.WriteString("keycheck step " + string(r.ID) + ": " + string(r.Status) + "\n")
	if l := r.Live; l != nil {
		if l.HTTPStatus != 0 {
			b.WriteString("HTTP status: " + strconv.Itoa(l.HTTPStatus) + "\n")
		}
		for _, kv := range [][2]string{{"error code", l.Code}, {"type", l.Type}, {"message", l.Message}, {"request_id", l.RequestID}, {"task id", l.TaskID}} {
			if kv[1] != "" {
				b.WriteString(kv[0] + ": " + kv[1] + "\n")
			}
		}
	}
	return b.String()
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
	Now           time.Time
	// KeyHeld is true when this browser's session holds the run's key in
	// the server's memory, so the live test can start without asking.
	KeyHeld bool
	// Running is true while the live test is in flight.
	Running bool
	// Curl reproduces the live test by hand, with $HIAPI_API_KEY.
	Curl string
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
