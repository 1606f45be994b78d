// Package checks holds keycheck's step catalogue, the offline checks that
// decide a key's problems without calling anyone, the verdicts of the live
// steps over plain provider responses, the live plan (what the live test
// may send, decided from the key alone: PlanLive) and the verdict of a
// whole check or run (VerdictOf: the one answer a person reads first).
//
// Everything here is pure: no I/O, no clock, no package-level mutable state.
// The same Input gives the same []Result, and the same Verdict, on the page,
// in the JSON API and in the CLI; only the hints that ask for more input
// name a form field or a CLI flag (Input.Surface).
package checks

// ID is a step's stable identifier. It appears in URLs, the JSON API and the
// CLI, so it never changes once published.
type ID string

// The steps, in the order of the guide.
const (
	StepPresent    ID = "present"
	StepWhitespace ID = "whitespace"
	StepCharacters ID = "characters"
	StepComplete   ID = "complete"
	StepProvider   ID = "provider"
	StepVariable   ID = "variable"
	StepBaseURL    ID = "base_url"
	StepHeader     ID = "header"
	StepAuth       ID = "auth"
	StepModel      ID = "model"
	StepResult     ID = "result"
)

// Status is the outcome of one step.
type Status string

// The statuses a step can have. Unknown means keycheck could not decide
// (provider busy, rate limited, network, an answer that is not JSON); it is
// never blamed on the key.
const (
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusSkip    Status = "skip"
	StatusPending Status = "pending"
	StatusRunning Status = "running"
	StatusUnknown Status = "unknown"
)

// Input is everything a person can tell keycheck about a failing key. Only
// Key is required. Every field may hold a secret (the key, or an env file or
// header that contains it), so an Input is never stored or logged.
type Input struct {
	// Key is the key exactly as given: bytes, not text. It may hold invalid
	// UTF-8, a trailing newline, or anything else a paste can carry.
	Key string
	// VarName is the environment variable the person's code reads.
	VarName string
	// EnvFile is a pasted .env file or the output of `env`.
	EnvFile string
	// Environ is the environment of the process being diagnosed, as
	// os.Environ returns it. Only the CLI fills it: it runs inside the
	// process (cron job, container, CI job) whose key fails.
	Environ []string
	// BaseURL is the base URL the person's client sends the key to.
	BaseURL string
	// Header is a pasted Authorization header line or a whole curl command.
	Header string
	// ExpectedLast4 is the last four characters the HiAPI dashboard shows.
	ExpectedLast4 string
	// ExpectedLength is the key length the person reads off the dashboard;
	// 0 means not given.
	ExpectedLength int
	// Provider is where the person uses the key (the target); "" is HiAPI.
	// Every step follows it: key shapes, base URLs, header, variable names.
	Provider ProviderID
	// Surface is where the input was typed, so a hint names what the
	// person can fill in there: a form field, or a CLI flag.
	Surface Surface
}

// Surface is where a check's input comes from.
type Surface uint8

// The surfaces: the page and the JSON API (the zero value), or the CLI.
const (
	SurfaceWeb Surface = iota
	SurfaceCLI
)

// Result is the verdict of one step, safe to store and show: its Detail and
// Fix never hold the whole key, only redacted evidence.
type Result struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Detail says what was found and where, with invisible characters made
	// visible.
	Detail string `json:"detail"`
	// Fix says what to do, with the command to run. Empty when nothing is to
	// be done.
	Fix string `json:"fix"`
	// Headline is what this step says as the whole answer, in one sentence
	// in a person's words ("Your key ends with a newline: HiAPI would reject
	// it."), when it fails, warns or could not decide; "" otherwise. A step
	// made of several findings takes the headline of its first finding of
	// its worst status. VerdictOf takes the cause step's, or, when a step
	// has none, a default for that step.
	Headline string `json:"headline,omitempty"`
	// Live holds what the provider answered, for the live steps only.
	Live *LiveEvidence `json:"live,omitempty"`
}

// LiveEvidence is what HiAPI said during a live step: the facts support
// needs, never the key.
type LiveEvidence struct {
	HTTPStatus int      `json:"http_status,omitempty"`
	Code       string   `json:"code,omitempty"`
	Type       string   `json:"type,omitempty"`
	Message    string   `json:"message,omitempty"`
	RequestID  string   `json:"request_id,omitempty"`
	TaskID     string   `json:"task_id,omitempty"`
	TaskStatus string   `json:"task_status,omitempty"`
	Outputs    []Output `json:"outputs,omitempty"`
	// Facts are what a probe revealed that helps, e.g. the key's label,
	// limit, credit left or blocked flags; never the key.
	Facts []Fact `json:"facts,omitempty"`
	// Cleaned names what the live test removed from the key before sending
	// it (LivePlan.Removed), e.g. "the trailing newline"; "" when the key
	// went as given.
	Cleaned string `json:"cleaned,omitempty"`
}

// Output is one file a finished task returned.
type Output struct {
	URL  string `json:"url"`
	Type string `json:"type"`
	// ExpireAt is when the provider deletes the file, in Unix seconds; 0 if
	// not given.
	ExpireAt int64 `json:"expire_at,omitempty"`
}

// Fact is one thing a provider's answer told about the key or account,
// e.g. {"label", "ci-deploy"} or {"credit left", "$4.20"}.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
