package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// OpenRouter: Bearer auth; GET /api/v1/key tells the key's label, limit,
// usage and what is left; errors are {"error":{message,code}}.
func openRouter() provider {
	errorOf := func(status int, msg string) reply {
		return reply{status: status, body: map[string]any{"error": map[string]any{"message": msg, "code": status}}}
	}
	keyInfo := func(c call) reply {
		limit, usage := 10.0, 2.5
		if c.scenario == NoBalance {
			usage = limit
		}
		return reply{status: http.StatusOK, body: map[string]any{"data": map[string]any{
			// OpenRouter labels a key with its first and last characters.
			"label": "sk-or-v1-" + masked(c.key[len("sk-or-v1-"):], 3, 3),
			"limit": limit, "usage": usage, "limit_remaining": limit - usage, "limit_reset": nil,
			"usage_daily": usage, "usage_weekly": usage, "usage_monthly": usage,
			"is_free_tier": false, "is_provisioning_key": false, "include_byok_in_limit": false,
		}}}
	}
	return provider{
		id:    checks.ProviderOpenRouter,
		shape: keyShape{prefix: "sk-or-v1-", size: 64, hex: true},
		rows: append([]row{
			{name: Good, code: "0200", does: "GET /api/v1/key: 200 {data: {label, limit: 10, usage: 2.5, limit_remaining: 7.5, is_free_tier: false, …}}.", says: "auth passes, with the key's label, limit and credit left"},
			{name: Revoked, code: "0401", does: "Every request: 401 {\"error\":{\"message\":\"User not found.\",\"code\":401}}.", says: "auth fails: dead key"},
			{name: NoBalance, code: "0402", does: "GET /api/v1/key: 200 with limit 10, usage 10, limit_remaining 0 (the key's credit limit is spent).", says: "auth: the key works but its credit limit is spent"},
			{name: RateLimited, code: "0429", does: "Every request: 429, Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, code: "0503", does: "Every request: 503.", says: "auth unknown: OpenRouter is down, not the key"},
		}, proxyAndSlow()...),
		key:  bearerOr(func(string) reply { return errorOf(http.StatusUnauthorized, "No auth credentials found") }),
		dead: func(_, _ string) reply { return errorOf(http.StatusUnauthorized, "User not found.") },
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				RateLimited: errorOf(http.StatusTooManyRequests, "Rate limit exceeded: limit_rpm/key. Try again shortly.").withRetryAfter(1),
				Down:        errorOf(http.StatusServiceUnavailable, "Service temporarily unavailable"),
			}
		},
		routes: routes(checks.ProviderOpenRouter,
			func(*http.Request, call) reply { return errorOf(http.StatusNotFound, "Not Found") },
			func(_ *http.Request, c call) reply { return keyInfo(c) },
			nil, nil),
	}
}
