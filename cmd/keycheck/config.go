package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// serveConfig is every setting of "keycheck serve": a flag each, with an
// environment variable of the same name in capitals (KEYCHECK_ prefix).
// The flag wins over the environment, the environment over the default.
type serveConfig struct {
	Addr      string
	DB        string
	Retention time.Duration
	KeyTTL    time.Duration
	HiAPIURL  string
	// ProviderURLs replace targets' origins (--provider-url NAME=URL,
	// $KEYCHECK_PROVIDER_URLS): the only addresses the live test and the
	// owner probes dial besides each target's fixed origin. HiAPI's is
	// HiAPIURL.
	ProviderURLs    map[checks.ProviderID]string
	LiveTimeout     time.Duration
	PollEvery       time.Duration
	Model           string
	Prompt          string
	TrustedProxies  []*net.IPNet
	UserHeader      string
	PublicURL       string
	LivePerHour     int
	ChecksPerMinute int
	// StreamsPerIP and StreamsPerRun cap the open event streams; 0 is no
	// cap.
	StreamsPerIP  int
	StreamsPerRun int
	// RunsList is whether /runs lists the team's runs; off makes a run's
	// URL a capability.
	RunsList bool
	// Demo runs the live test against a fake HiAPI inside this process and
	// offers its scenario keys on the home page.
	Demo      bool
	LogLevel  slog.Level
	LogFormat string
	// LeaseTTL is how long this instance counts as alive without renewing
	// its lease on the database (lease.go).
	LeaseTTL time.Duration
	// MetricsAddr, when set, is the separate listener that serves the
	// Prometheus metrics at /metrics; never the main port.
	MetricsAddr string
	// SessionKeys come from KEYCHECK_SESSION_KEYS only: a flag would show
	// them in ps.
	SessionKeys [][]byte
	// CallbackSecret verifies HiAPI's callbacks; from
	// KEYCHECK_HIAPI_CALLBACK_SECRET only. Callbacks are on when it and
	// PublicURL are set (callbackURL).
	CallbackSecret []byte
}

const (
	defaultModel  = "gpt-image-2"
	defaultPrompt = "a red apple on a white table"
)

// envFlags binds flags to environment variables.
type envFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
}

func (e *envFlags) str(p *string, name, env, def, help string) {
	if v := e.getenv(env); v != "" {
		def = v
	}
	e.fs.StringVar(p, name, def, help+" ($"+env+")")
}

func (e *envFlags) dur(p *time.Duration, name, env string, def time.Duration, help string) {
	def = fromEnv(e, env, def, time.ParseDuration, "a duration like 15m or 180s")
	e.fs.DurationVar(p, name, def, help+" ($"+env+")")
}

func (e *envFlags) integer(p *int, name, env string, def int, help string) {
	def = fromEnv(e, env, def, func(v string) (n int, err error) {
		_, err = fmt.Sscan(v, &n)
		return n, err
	}, "a whole number")
	e.fs.IntVar(p, name, def, help+" ($"+env+")")
}

func (e *envFlags) boolean(p *bool, name, env string, help string) {
	def := fromEnv(e, env, false, strconv.ParseBool, "true or false (1 or 0)")
	e.fs.BoolVar(p, name, def, help+" ($"+env+")")
}

// fromEnv is env's value read by parse, or def when env is unset; a value
// parse refuses is an error saying what it should be, and def stands.
func fromEnv[T any](e *envFlags, env string, def T, parse func(string) (T, error), want string) T {
	v := e.getenv(env)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("$%s: %q is not %s", env, v, want))
		return def
	}
	return x
}

// parseServe reads the flags and environment of "keycheck serve".
func parseServe(args []string, stderr io.Writer, getenv func(string) string) (serveConfig, error) {
	var cfg serveConfig
	fs := flag.NewFlagSet("keycheck serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	e := &envFlags{fs: fs, getenv: getenv}
	var proxies, level, runsList string
	urls := providerURLs{}
	envURLs := getenv("KEYCHECK_PROVIDER_URLS")
	e.str(&cfg.Addr, "addr", "KEYCHECK_ADDR", "127.0.0.1:8080", "address to listen on")
	e.str(&cfg.DB, "db", "KEYCHECK_DB", "keycheck.db", "SQLite database file, or a postgres:// URL for PostgreSQL")
	e.dur(&cfg.Retention, "retention", "KEYCHECK_RETENTION", 30*24*time.Hour, "delete runs older than this")
	e.dur(&cfg.KeyTTL, "key-ttl", "KEYCHECK_KEY_TTL", 15*time.Minute, "how long a key stays in memory for the live test")
	e.str(&cfg.HiAPIURL, "hiapi-url", "KEYCHECK_HIAPI_URL", checks.HiAPIOrigin, "the HiAPI the live test calls (and the only URL it calls)")
	fs.Var(urls, "provider-url", "NAME=URL: ask this origin instead of the provider's own, with the same paths (repeatable; a company's gateway, or a fake); NAME is one of "+targetNames()+" ($KEYCHECK_PROVIDER_URLS, comma-separated)")
	e.dur(&cfg.LiveTimeout, "live-timeout", "KEYCHECK_LIVE_TIMEOUT", 180*time.Second, "how long the whole live test may take: probe, task creation and polling, every wait included")
	e.dur(&cfg.PollEvery, "poll-every", "KEYCHECK_POLL_EVERY", 3*time.Second, "first delay between polls of the test task (at least 1s)")
	e.str(&cfg.Model, "model", "KEYCHECK_MODEL", defaultModel, "default model of the live test")
	e.str(&cfg.Prompt, "prompt", "KEYCHECK_PROMPT", defaultPrompt, "default prompt of the live test")
	e.str(&proxies, "trusted-proxies", "KEYCHECK_TRUSTED_PROXIES", "", "comma-separated CIDRs of proxies whose X-Forwarded-For, -Proto and user header count")
	e.str(&cfg.UserHeader, "user-header", "KEYCHECK_USER_HEADER", "", "header a trusted proxy sets to the signed-in user, e.g. X-Forwarded-User")
	e.str(&cfg.PublicURL, "public-url", "KEYCHECK_PUBLIC_URL", "", "address people reach keycheck at, for permalinks in JSON")
	e.integer(&cfg.LivePerHour, "live-per-hour", "KEYCHECK_LIVE_PER_HOUR", 20, "live tests per session per hour (3x per client IP); 0 disables")
	e.integer(&cfg.ChecksPerMinute, "checks-per-minute", "KEYCHECK_CHECKS_PER_MINUTE", 600, "checks per client IP per minute; 0 disables")
	e.integer(&cfg.StreamsPerIP, "streams-per-ip", "KEYCHECK_STREAMS_PER_IP", 20, "open live-update streams per client IP; 0 disables the cap")
	e.integer(&cfg.StreamsPerRun, "streams-per-run", "KEYCHECK_STREAMS_PER_RUN", 200, "open live-update streams per run; 0 disables the cap")
	e.dur(&cfg.LeaseTTL, "lease-ttl", "KEYCHECK_LEASE_TTL", defaultLeaseTTL, "how long an instance counts as alive without renewing its lease (every third of it); a dead instance's live tests are marked interrupted this long after it stops")
	e.str(&runsList, "runs-list", "KEYCHECK_RUNS_LIST", "on", "on: /runs lists every run; off: only a run's link opens it")
	e.boolean(&cfg.Demo, "demo", "KEYCHECK_DEMO", "try every path offline: the live test calls a fake HiAPI run inside keycheck, the home page offers its scenario keys, and the live-test and check limits default to 0 (off)")
	e.str(&level, "log-level", "KEYCHECK_LOG_LEVEL", "info", "debug, info, warn or error")
	e.str(&cfg.LogFormat, "log-format", "KEYCHECK_LOG_FORMAT", "text", "text or json")
	e.str(&cfg.MetricsAddr, "metrics-addr", "KEYCHECK_METRICS_ADDR", "", "address of a separate listener serving Prometheus metrics at /metrics, e.g. 127.0.0.1:9090 (off when empty); keep it off the public network")
	if err := refuseSecretFlag(args); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		e.errs = append(e.errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	e.errs = append(e.errs, cfg.setProviderURLs(urls, envURLs, fs, getenv)...)
	if cfg.Demo {
		e.errs = append(e.errs, demoDefaults(&cfg, fs, getenv)...)
	}
	switch runsList {
	case "on", "off":
		cfg.RunsList = runsList == "on"
	default:
		e.errs = append(e.errs, fmt.Errorf("--runs-list: %q is not on or off", runsList))
	}
	errs := append(e.errs, cfg.finish(level, proxies, getenv("KEYCHECK_SESSION_KEYS"))...)
	errs = append(errs, cfg.setCallback(getenv(callbackSecretEnv))...)
	return cfg, errors.Join(errs...)
}

// demoDefaults adjusts a --demo config: no limits unless asked for, since
// every live test goes to the fake and costs nothing, and no --hiapi-url,
// since the fake is the only HiAPI a demo may call.
func demoDefaults(cfg *serveConfig, fs *flag.FlagSet, getenv func(string) string) []error {
	if !setByUser(fs, getenv, "live-per-hour", "KEYCHECK_LIVE_PER_HOUR") {
		cfg.LivePerHour = 0
	}
	if !setByUser(fs, getenv, "checks-per-minute", "KEYCHECK_CHECKS_PER_MINUTE") {
		cfg.ChecksPerMinute = 0
	}
	if setByUser(fs, getenv, "hiapi-url", "KEYCHECK_HIAPI_URL") {
		return []error{errors.New("--demo calls its own fake HiAPI: drop --hiapi-url (or unset KEYCHECK_HIAPI_URL), or drop --demo to call that URL")}
	}
	if setByUser(fs, getenv, "provider-url", "KEYCHECK_PROVIDER_URLS") {
		return []error{errors.New("--demo calls its own fake of every provider: drop --provider-url (or unset KEYCHECK_PROVIDER_URLS), or drop --demo to call those URLs")}
	}
	return nil
}

// finish reads the values that need parsing (the log level, the proxy
// ranges, the session keys) and checks the ones that go together; it
// returns every problem, so one run of the command names them all.
func (cfg *serveConfig) finish(level, proxies, sessionKeys string) []error {
	var errs []error
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level: %q is not debug, info, warn or error", level))
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format: %q is not text or json", cfg.LogFormat))
	}
	nets, err := parseCIDRs(proxies)
	if err != nil {
		errs = append(errs, err)
	}
	cfg.TrustedProxies = nets
	if cfg.UserHeader != "" && len(nets) == 0 {
		errs = append(errs, errors.New("--user-header needs --trusted-proxies: without it anyone could send the header"))
	}
	keys, err := parseSessionKeys(sessionKeys)
	if err != nil {
		errs = append(errs, err)
	}
	cfg.SessionKeys = keys
	if cfg.Retention <= 0 {
		errs = append(errs, errors.New("--retention must be above zero"))
	}
	if cfg.KeyTTL <= 0 {
		errs = append(errs, errors.New("--key-ttl must be above zero"))
	}
	if cfg.LeaseTTL < 3*time.Second {
		errs = append(errs, errors.New("--lease-ttl must be at least 3s: the lease is renewed every third of it"))
	}
	if cfg.StreamsPerIP < 0 || cfg.StreamsPerRun < 0 {
		errs = append(errs, errors.New("--streams-per-ip and --streams-per-run must be 0 (no cap) or more"))
	}
	// Two ":0" addresses are two free ports.
	if _, port, _ := net.SplitHostPort(cfg.Addr); cfg.MetricsAddr != "" && cfg.MetricsAddr == cfg.Addr && port != "0" {
		errs = append(errs, errors.New("--metrics-addr must differ from --addr: the metrics get a listener of their own, off the main port"))
	}
	return errs
}

func parseCIDRs(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil {
				bits := 32
				if ip.To4() == nil {
					bits = 128
				}
				part = fmt.Sprintf("%s/%d", part, bits)
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an IP or CIDR like 10.0.0.0/8", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseSessionKeys reads KEYCHECK_SESSION_KEYS: comma-separated secrets,
// each at least 32 bytes, in hex or base64. The first signs new cookies;
// all of them decode, so a new key can be put first and the old one kept
// until the cookies it signed expire.
func parseSessionKeys(s string) ([][]byte, error) {
	var out [][]byte
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := decodeSecret(part)
		if err != nil {
			return nil, fmt.Errorf("$KEYCHECK_SESSION_KEYS: %w", err)
		}
		out = append(out, k)
	}
	return out, nil
}

func decodeSecret(s string) ([]byte, error) {
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString,
		base64.StdEncoding.DecodeString,
		base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString,
		base64.RawURLEncoding.DecodeString,
	} {
		if b, err := dec(s); err == nil {
			if len(b) < 32 {
				return nil, errors.New("each key needs at least 32 bytes (make one with: openssl rand -hex 32)")
			}
			return b, nil
		}
	}
	return nil, errors.New("each key must be hex or base64 (make one with: openssl rand -hex 32)")
}

// providerURLs is --provider-url: NAME=URL, repeatable, checked as it is
// read.
type providerURLs map[checks.ProviderID]string

func (p providerURLs) String() string { return "" }

// Set reads one NAME=URL.
func (p providerURLs) Set(v string) error {
	id, origin, err := parseProviderURL(v)
	if err != nil {
		return err
	}
	p[id] = origin
	return nil
}

// parseProviderURL reads NAME=URL: a known target and an http(s) origin,
// maybe with a path prefix (a fake's /openai, a gateway's), no query or
// fragment: keycheck appends the provider's own paths to it.
func parseProviderURL(v string) (checks.ProviderID, string, error) {
	name, raw, ok := strings.Cut(strings.TrimSpace(v), "=")
	if !ok {
		return "", "", fmt.Errorf("%q is not NAME=URL, e.g. openai=http://127.0.0.1:8089/openai", v)
	}
	t, known := checks.TargetOf(checks.ProviderID(strings.ToLower(strings.TrimSpace(name))))
	if !known || strings.TrimSpace(name) == "" {
		return "", "", fmt.Errorf("%q is not a provider keycheck knows: use one of %s", name, targetNames())
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", "", fmt.Errorf("%s=%q is not an http:// or https:// URL", t.ID, raw)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", "", fmt.Errorf("%s=%q has a query or fragment: give only the origin (and a path prefix), keycheck appends %s's paths", t.ID, raw, t.Name)
	}
	return t.ID, strings.TrimRight(u.String(), "/"), nil
}

// targetNames lists every target's id, for messages: "hiapi, openai, …".
func targetNames() string {
	var ids []string
	for _, t := range checks.Targets() {
		ids = append(ids, string(t.ID))
	}
	return strings.Join(ids, ", ")
}

// setProviderURLs settles serve's origins (settleOrigins): HiAPI's goes to
// HiAPIURL, the others to ProviderURLs.
func (cfg *serveConfig) setProviderURLs(flags providerURLs, env string, fs *flag.FlagSet, getenv func(string) string) []error {
	out, hiapi, errs := settleOrigins(flags, env, cfg.HiAPIURL, hiapiURLGiven(fs, getenv))
	cfg.HiAPIURL = hiapi
	delete(out, checks.ProviderHiAPI)
	cfg.ProviderURLs = out
	return errs
}

// settleOrigins is the one rule for the origins the live tests dial, for
// serve and check alike: $KEYCHECK_PROVIDER_URLS first, each --provider-url
// over it. HiAPI's is also --hiapi-url's (hiapiURL, given when set by its
// flag or variable): when both name one and they disagree, it is an error.
// It returns every origin set, HiAPI's included, and HiAPI's.
func settleOrigins(flags providerURLs, env, hiapiURL string, hiapiGiven bool) (map[checks.ProviderID]string, string, []error) {
	var errs []error
	out := map[checks.ProviderID]string{}
	for _, part := range strings.Split(env, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, origin, err := parseProviderURL(part)
		if err != nil {
			errs = append(errs, fmt.Errorf("$KEYCHECK_PROVIDER_URLS: %w", err))
			continue
		}
		out[id] = origin
	}
	for id, origin := range flags {
		out[id] = origin
	}
	if h, ok := out[checks.ProviderHiAPI]; ok {
		if hiapiGiven && strings.TrimRight(hiapiURL, "/") != h {
			errs = append(errs, fmt.Errorf("--hiapi-url %s and --provider-url hiapi=%s disagree: give one of them", hiapiURL, h))
		}
		hiapiURL = h
	}
	return out, hiapiURL, errs
}

// hiapiURLGiven reports --hiapi-url set by its flag or its variable.
func hiapiURLGiven(fs *flag.FlagSet, getenv func(string) string) bool {
	return setByUser(fs, getenv, "hiapi-url", "KEYCHECK_HIAPI_URL")
}

// setByUser reports whether the flag name was given, or its variable env
// is set: a value the person chose, as opposed to the default.
func setByUser(fs *flag.FlagSet, getenv func(string) string, name, env string) bool {
	return flagGiven(fs, name) || getenv(env) != ""
}

// flagGiven reports whether the flag name was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
