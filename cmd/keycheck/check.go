package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/run"
)

const checkUsage = `Usage: keycheck check [flags]

Checks the API key exactly as this process sees it: run it inside the cron
job, container or CI job whose key fails. Reads $HIAPI_API_KEY (or the
variable --var names), or standard input with --stdin. With --env-file, a
variable this process does not have is read from the file, as a dotenv
loader reads it.

Exit status: 0 no step failed, 1 a step failed, 2 usage error or a step
could not be decided (HiAPI busy, network).

Flags:
`

// maxStdin bounds what --stdin reads: a key, not a file.
const maxStdin = 64 << 10

type checkFlags struct {
	varName     string
	stdin       bool
	baseURL     string
	header      string
	envFile     string
	last4       string
	length      int
	jsonOut     bool
	live        bool
	hiapiURL    string
	model       string
	prompt      string
	liveTimeout time.Duration
	// provider is the target; origins replace targets' origins for the
	// live test (--provider-url), HiAPI's being hiapiURL.
	provider checks.ProviderID
	origins  providerURLs
}

func checkCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, environ []string) int {
	f, code, ok := parseCheck(args, stderr, getenv)
	if !ok {
		return code
	}
	in, src, err := checkInput(f, stdin, environ)
	if err != nil {
		fmt.Fprintf(stderr, "keycheck check: %v\n", err)
		return 2
	}
	if flag := flagHoldingKey(f, in.Key); flag != "" {
		// The flag's value is not echoed: it holds a piece of the key.
		fmt.Fprintf(stderr, "keycheck check: %s holds part of the key (8 or more of its characters in a row, in some letter case, or the key encoded). Nothing was checked or sent. Give the key only through the environment or --stdin, never in a flag: it would land in your shell history.\n", flag)
		return 2
	}
	results := checks.Check(in)
	fp := checks.FingerprintOf(in.Key)
	if f.live && fp.SHA256 != "" {
		results = checkLive(ctx, f, in.Key, fp, results, stderr)
	}
	if f.jsonOut {
		printJSON(stdout, f.provider, fp, results)
	} else {
		printDoctor(stdout, src, fp, results, styled(stdout, getenv))
	}
	return exitCode(results)
}

// parseCheck reads the flags; when ok is false, the command ends with code
// (0 for -h, 2 for a usage error, already explained on stderr).
func parseCheck(args []string, stderr io.Writer, getenv func(string) string) (f checkFlags, code int, ok bool) {
	fs := flag.NewFlagSet("keycheck check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, checkUsage); fs.PrintDefaults() }
	var provider string
	f.origins = providerURLs{}
	fs.StringVar(&provider, "provider", string(checks.ProviderHiAPI), "where you use the key: one of "+targetNames())
	fs.StringVar(&f.varName, "var", "HIAPI_API_KEY", "environment variable your code reads the key from (for another --provider, its own by default, e.g. OPENAI_API_KEY)")
	fs.Var(f.origins, "provider-url", "NAME=URL: the live test asks this origin instead of the provider's own (repeatable; $KEYCHECK_PROVIDER_URLS)")
	fs.BoolVar(&f.stdin, "stdin", false, "read the key from standard input, byte for byte (use printf '%s', not echo)")
	fs.StringVar(&f.baseURL, "base-url", getenv("HIAPI_BASE_URL"), "base URL your client sends the key to (default $HIAPI_BASE_URL)")
	fs.StringVar(&f.header, "header", "", "Authorization header line or curl command your code sends")
	fs.StringVar(&f.envFile, "env-file", "", "path of the .env file your process loads; the key is read from it when this process does not have the variable")
	fs.StringVar(&f.last4, "expected-last4", "", "last four characters the HiAPI dashboard shows")
	fs.IntVar(&f.length, "expected-length", 0, "key length the HiAPI dashboard shows")
	fs.BoolVar(&f.jsonOut, "json", false, "print JSON, as the API's /api/v1/check answers")
	fs.BoolVar(&f.live, "live", false, "also run the live steps: a free auth probe, then, for HiAPI only, one test task (spends credits); any other --provider gets free requests only")
	fs.StringVar(&f.hiapiURL, "hiapi-url", cmp.Or(getenv("KEYCHECK_HIAPI_URL"), checks.HiAPIOrigin), "the HiAPI the live steps call ($KEYCHECK_HIAPI_URL)")
	fs.StringVar(&f.model, "model", defaultModel, "model of the live test task")
	fs.StringVar(&f.prompt, "prompt", defaultPrompt, "prompt of the live test task")
	fs.DurationVar(&f.liveTimeout, "live-timeout", 180*time.Second, "how long the whole live test may take: probe, task creation and polling, every wait included")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, 0, false
		}
		return f, 2, false
	}
	t, ok := checks.TargetOf(checks.ProviderID(strings.ToLower(strings.TrimSpace(provider))))
	if !ok {
		fmt.Fprintf(stderr, "keycheck check: --provider: not a provider keycheck knows: use one of %s\n", targetNames())
		return f, 2, false
	}
	f.provider = t.ID
	if !flagGiven(fs, "var") {
		f.varName = t.Vars[0]
	}
	origins, hiapiURL, errs := settleOrigins(f.origins, getenv("KEYCHECK_PROVIDER_URLS"), f.hiapiURL, hiapiURLGiven(fs, getenv))
	if len(errs) > 0 {
		fmt.Fprintf(stderr, "keycheck check: %v\n", errors.Join(errs...))
		return f, 2, false
	}
	f.origins, f.hiapiURL = origins, hiapiURL
	if fs.NArg() > 0 {
		// The argument is not echoed: it may well be the key.
		fmt.Fprintln(stderr, "keycheck check: unexpected argument; the key is read from the environment or --stdin, never the command line (it would land in your shell history)")
		return f, 2, false
	}
	return f, 0, true
}

// flagHoldingKey names the first flag that holds a piece of key, by the rule
// every surface shares (checks.FieldHoldingKey), or returns "". These are
// the flags keycheck prints, or sends to HiAPI (--env-file's path is
// printed when the key comes from the file); --header and the file's
// content exist to hold the key, and --base-url is only ever quoted in
// pieces the rule lets through, as on the page.
func flagHoldingKey(f checkFlags, key string) string {
	return checks.FieldHoldingKey(key,
		checks.Field{Name: "--var", Value: f.varName},
		checks.Field{Name: "--expected-last4", Value: f.last4},
		checks.Field{Name: "--model", Value: f.model},
		checks.Field{Name: "--prompt", Value: f.prompt},
		checks.Field{Name: "--hiapi-url", Value: f.hiapiURL},
		checks.Field{Name: "--env-file", Value: f.envFile},
	)
}

// keySource says where the key came from: name completes "checking the
// key in …", and note, when not empty, says more on the line under it.
// varName is the variable the code reads, for the commands shown.
type keySource struct {
	name, note, varName string
	// target is where the key is used (--provider).
	target checks.Target
}

// checkInput gathers what the steps read: the key as this process sees it
// (from its environment, or standard input with --stdin), and the files
// and values the flags name.
func checkInput(f checkFlags, stdin io.Reader, environ []string) (in checks.Input, src keySource, err error) {
	in = checks.Input{
		VarName:        f.varName,
		Environ:        environ,
		BaseURL:        f.baseURL,
		Header:         f.header,
		ExpectedLast4:  f.last4,
		ExpectedLength: f.length,
		Surface:        checks.SurfaceCLI,
		Provider:       f.provider,
	}
	if f.envFile != "" {
		b, err := readSmallFile(f.envFile)
		if err != nil {
			return in, src, fmt.Errorf("--env-file: %w", err)
		}
		in.EnvFile = b
	}
	// The variable the steps check: "$OPENAI_API_KEY" or "export NAME"
	// given to --var name the same variable as NAME.
	name := cmp.Or(checks.CleanVarName(f.varName), f.varName)
	src.name, src.varName = "$"+name, name
	src.target, _ = checks.TargetOf(f.provider)
	if f.stdin {
		b, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
		if err != nil {
			return in, src, fmt.Errorf("reading standard input: %w", err)
		}
		if len(b) > maxStdin {
			return in, src, errors.New("standard input is over 64 KiB; pipe in only the key")
		}
		if len(b) == 0 {
			// The steps would blame the variable; what was empty is the pipe.
			return in, src, errors.New(`standard input is empty: pipe the key in, e.g. printf '%s' "$` + name +
				`" | keycheck check --stdin; if that is empty too, the variable is empty or unset in this shell`)
		}
		// The variable check compares the environment with this key.
		in.Key, src.name = string(b), "standard input"
		return in, src, nil
	}
	key, set := lookupEnv(environ, name)
	in.Key = key
	if set || in.EnvFile == "" {
		// A variable the process has wins over the file, as with dotenv
		// loaders; the variable step says when the file holds another key.
		return in, src, nil
	}
	if v, line, ok := checks.EnvValue(in.EnvFile, name); ok && v != "" {
		// The process gets the key only by loading the file: check it as a
		// dotenv loader reads it. The variable step then checks the file's
		// line; the process's environment has nothing to say about it.
		in.Key, in.Environ = v, nil
		src.name = f.envFile + "'s " + name
		src.note = fmt.Sprintf("(line %d; this process has no %s: your code must load the file itself)", line, name)
	}
	return in, src, nil
}

// checkLive runs the live steps against --hiapi-url, saying on stderr (not
// with --json) which step it waits for, and returns the steps as they end.
func checkLive(ctx context.Context, f checkFlags, key string, fp checks.Fingerprint, results []checks.Result, stderr io.Writer) []checks.Result {
	r := &run.Run{Fingerprint: fp, Provider: f.provider, Model: f.model, Prompt: f.prompt, Steps: results}
	if t, _ := checks.TargetOf(f.provider); f.provider != checks.ProviderHiAPI && f.model == defaultModel {
		r.Model = t.Model // HiAPI's default model means nothing to another target
	}
	client := hiapi.New(f.hiapiURL, hiapi.Options{Version: version})
	progress := &doctor{w: stderr}
	if f.jsonOut {
		progress.w = io.Discard
	}
	last := map[checks.ID]checks.Status{}
	run.Test(ctx, hiapi.NewLive(client), newProber(f.origins), run.LiveConfig{BaseURL: f.hiapiURL, Timeout: f.liveTimeout}, r, key, func(r *run.Run) {
		for _, s := range r.Steps {
			if s.Status == checks.StatusRunning && last[s.ID] != checks.StatusRunning {
				progress.text(0, "… "+string(s.ID)+": ", s.Detail)
			}
			last[s.ID] = s.Status
		}
	})
	return r.Steps
}

// printJSON prints the result as the API's /api/v1/check answers it.
func printJSON(w io.Writer, provider checks.ProviderID, fp checks.Fingerprint, results []checks.Result) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Fingerprint checks.Fingerprint `json:"fingerprint"`
		Verdict     checks.Verdict     `json:"verdict"`
		Provider    checks.ProviderID  `json:"provider"`
		Summary     string             `json:"summary"`
		Steps       []checks.Result    `json:"steps"`
	}{fp, checks.VerdictOf(results), provider, checks.Summary(results), results})
}

// exitCode: 1 if a step failed, else 2 if one could not be decided, else 0.
func exitCode(results []checks.Result) int {
	undecided := false
	for _, r := range results {
		switch r.Status {
		case checks.StatusFail:
			return 1
		case checks.StatusUnknown:
			undecided = true
		}
	}
	if undecided {
		return 2
	}
	return 0
}

// lookupEnv finds name in environ exactly as the process has it, and
// reports whether it is set at all.
func lookupEnv(environ []string, name string) (string, bool) {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// readSmallFile reads the file at path. Its errors do not repeat the path:
// it is read before the flags are checked for pieces of the key (the key
// may come from the file), and a path can hold one too.
func readSmallFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", withoutPath(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStdin+1))
	if err != nil {
		return "", withoutPath(err)
	}
	if len(b) > maxStdin {
		return "", errors.New("the file is over 64 KiB; a .env file is much smaller")
	}
	return string(b), nil
}

// withoutPath is a file error without the path it names, e.g. "cannot
// open the file: no such file or directory".
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot %s the file: %w", pe.Op, pe.Err)
	}
	return err
}
