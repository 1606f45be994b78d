package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// xAI: Bearer auth; GET /v1/api-key tells the key's name, ACLs and whether
// the key or its team is blocked or disabled. Errors are {"code": the gRPC
// status text, "error": message}; a bad key answers 400, not 401.
func xAI() provider {
	models := []string{"grok-4", "grok-4-fast", "grok-3-mini"}
	errorOf := func(status int, code, msg string) reply {
		return reply{status: status, body: map[string]any{"code": code, "error": msg}}
	}
	const denied = "The caller does not have permission to execute the specified operation"
	keyInfo := func(c call) reply {
		return reply{status: http.StatusOK, body: map[string]any{
			"redacted_api_key": "xai-..." + c.key[len(c.key)-4:],
			"user_id":          "00000000-fa4e-4000-8000-000000000001", "team_id": "00000000-fa4e-4000-8000-000000000002",
			"api_key_id": "00000000-fa4e-4000-8000-000000000003", "name": "keycheck fake key",
			"create_time": "2025-01-01T00:00:00Z", "modify_time": "2025-01-01T00:00:00Z", "modified_by": "00000000-fa4e-4000-8000-000000000001",
			"acls":         []string{"api-key:model:*", "api-key:endpoint:*"},
			"team_blocked": false, "api_key_blocked": c.scenario == Blocked, "api_key_disabled": false,
		}}
	}
	return provider{
		id:    checks.ProviderXAI,
		shape: keyShape{prefix: "xai-", size: 80, sep: "_"},
		rows: append([]row{
			{name: Good, does: "GET /v1/api-key: 200 {redacted_api_key, name, acls, team_blocked: false, api_key_blocked: false, api_key_disabled: false, …}; GET /v1/models/{id}: the model; an unknown id: 404.", says: "auth and model pass, with the key's name"},
			{name: Revoked, does: "Every request: 400 {\"code\":\"Client specified an invalid argument\",\"error\":\"Incorrect API key provided: xa***… You can obtain an API key from https://console.x.ai.\"}.", says: "auth fails: dead key"},
			{name: Blocked, does: "GET /v1/api-key: 200 with api_key_blocked: true; anything else: 403.", says: "auth fails: the key is blocked"},
			{name: NoBalance, does: "Every request: 403 \"Your newly created team doesn't have any credits yet…\".", says: "auth fails: no credit"},
			{name: RateLimited, does: "Every request: 429, Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 503.", says: "auth unknown: xAI is down, not the key"},
		}, proxyAndSlow()...),
		key: bearerOr(func(string) reply {
			return errorOf(http.StatusBadRequest, "Client specified an invalid argument", "No API key provided. You can obtain an API key from https://console.x.ai.")
		}),
		dead: func(key, _ string) reply {
			return errorOf(http.StatusBadRequest, "Client specified an invalid argument", "Incorrect API key provided: "+masked(key, 2, 2)+". You can obtain an API key from https://console.x.ai.")
		},
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				NoBalance:   errorOf(http.StatusForbidden, denied, "Your newly created team doesn't have any credits yet. You can purchase credits on https://console.x.ai."),
				RateLimited: errorOf(http.StatusTooManyRequests, "Some resource has been exhausted", "Too many requests: your team has exceeded its requests per second limit.").withRetryAfter(1),
				Down:        errorOf(http.StatusServiceUnavailable, "The service is currently unavailable", "The service is temporarily unavailable. Please try again later."),
			}
		},
		routes: routes(checks.ProviderXAI,
			func(*http.Request, call) reply {
				return errorOf(http.StatusNotFound, "Some requested entity was not found", "Not found")
			},
			func(_ *http.Request, c call) reply { return keyInfo(c) },
			func(r *http.Request, c call) reply {
				if c.scenario == Blocked {
					return errorOf(http.StatusForbidden, denied, "Your API key is blocked. Ask your team's admin to unblock it at https://console.x.ai.")
				}
				return openAIGet("xai", models, func(id string, _ call) reply {
					return errorOf(http.StatusNotFound, "Some requested entity was not found", "The model "+short(id)+" does not exist or your team does not have access to it.")
				})(r, c)
			},
			nil),
	}
}
