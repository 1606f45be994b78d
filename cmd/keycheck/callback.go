package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/keycheck/keycheck/internal/hiapi"
)

// callbackSecretEnv holds the secret HiAPI signs its callbacks with. It is
// read from the environment only: a flag would show it in ps.
const callbackSecretEnv = "KEYCHECK_HIAPI_CALLBACK_SECRET"

// hookPath is where HiAPI calls back, below --public-url.
const hookPath = "/hooks/hiapi"

// refuseSecretFlag refuses --hiapi-callback-secret on the command line,
// before the flags are parsed, naming the variable to use instead. The
// value is never repeated.
func refuseSecretFlag(args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "hiapi-callback-secret" {
			return errors.New("--hiapi-callback-secret is not a flag, since the command line shows in ps: set $" + callbackSecretEnv + " instead")
		}
	}
	return nil
}

// parseCallbackSecret reads $KEYCHECK_HIAPI_CALLBACK_SECRET, for serve and
// the fake alike: as HiAPI's console takes it, 16 to 256 bytes, used as
// given; nil when unset. The messages name the variable and the length,
// never the value.
func parseCallbackSecret(secret string) ([]byte, error) {
	switch n := len(secret); {
	case n == 0:
		return nil, nil
	case n < hiapi.MinCallbackSecret:
		return nil, fmt.Errorf("$%s is %d bytes: HiAPI's signing secret has at least %d (make one with: openssl rand -hex 32)", callbackSecretEnv, n, hiapi.MinCallbackSecret)
	case n > hiapi.MaxCallbackSecret:
		return nil, fmt.Errorf("$%s is %d bytes: HiAPI's signing secret has at most %d", callbackSecretEnv, n, hiapi.MaxCallbackSecret)
	case strings.TrimSpace(secret) != secret:
		return nil, fmt.Errorf("$%s starts or ends with whitespace (a newline from echo?): HiAPI would sign with another secret", callbackSecretEnv)
	}
	return []byte(secret), nil
}

// setCallback reads the callback secret (parseCallbackSecret) and, when
// callbacks are on, checks --public-url, which HiAPI calls back at.
func (cfg *serveConfig) setCallback(secret string) []error {
	b, err := parseCallbackSecret(secret)
	if err != nil {
		return []error{err}
	}
	cfg.CallbackSecret = b
	if cfg.PublicURL == "" || b == nil {
		return nil // off; the startup log says why
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return []error{fmt.Errorf("--public-url %q is not an http:// or https:// address, and HiAPI calls back at <public-url>%s", cfg.PublicURL, hookPath)}
	}
	return nil
}

// callbackURL is where HiAPI calls back, or "" when callbacks are off:
// they are on when both --public-url and the secret are set.
func (cfg serveConfig) callbackURL() string {
	if cfg.PublicURL == "" || len(cfg.CallbackSecret) == 0 {
		return ""
	}
	return strings.TrimRight(cfg.PublicURL, "/") + hookPath
}

// callbackSecret is the secret the hook verifies with, nil when callbacks
// are off (the hook is then a 404).
func (cfg serveConfig) callbackSecret() []byte {
	if cfg.callbackURL() == "" {
		return nil
	}
	return cfg.CallbackSecret
}

// logCallbacks says at start whether HiAPI calls back, and where; never
// the secret.
func logCallbacks(log *slog.Logger, cfg serveConfig) {
	switch {
	case cfg.callbackURL() != "":
		log.Info("HiAPI callbacks on: the live test's task is created with a callback, and polling is the fallback", "url", cfg.callbackURL())
	case len(cfg.CallbackSecret) > 0:
		log.Warn("HiAPI callbacks off: $" + callbackSecretEnv + " is set but --public-url is not, so HiAPI has nowhere to call back; the live test polls")
	default:
		log.Info("HiAPI callbacks off: the live test polls (set --public-url and $" + callbackSecretEnv + " for an instant result)")
	}
}
