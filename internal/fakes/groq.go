package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// Groq: OpenAI's shapes under /openai/v1, Bearer auth, x-request-id
// req_…; a bad key answers 401 invalid_api_key "Invalid API Key".
func groq() provider {
	models := []string{"llama-3.3-70b-versatile", "llama-3.1-8b-instant", "openai/gpt-oss-120b"}
	dead := openAIError(http.StatusUnauthorized, "Invalid API Key", "invalid_request_error", "invalid_api_key")
	return provider{
		id:    checks.ProviderGroq,
		shape: keyShape{prefix: "gsk_", size: 52},
		rows: append([]row{
			{name: Good, does: "GET /openai/v1/models and /openai/v1/models/{id}: 200, the list shape; an unknown id: 404 model_not_found.", says: "auth and model pass"},
			{name: Revoked, does: "Every request: 401 invalid_api_key \"Invalid API Key\".", says: "auth fails: dead key"},
			{name: Forbidden, does: "Every request: 403 \"Forbidden\" (an organization or project that may not use the API).", says: "auth fails: the key may not do this"},
			{name: RateLimited, does: "Every request: 429 rate_limit_exceeded, retry-after: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 503 \"Service Unavailable\".", says: "auth unknown: Groq is down, not the key"},
		}, proxyAndSlow()...),
		key:       bearerOr(func(string) reply { return dead }),
		ridHeader: "x-request-id",
		newRID:    func() string { return "req_01" + randHex(24) },
		dead:      func(_, _ string) reply { return dead },
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				Forbidden:   openAIError(http.StatusForbidden, "Forbidden", "permissions_error", "forbidden"),
				RateLimited: openAIError(http.StatusTooManyRequests, "Rate limit reached for model on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 1s.", "requests", "rate_limit_exceeded").withRetryAfter(1),
				Down:        openAIError(http.StatusServiceUnavailable, "Service Unavailable", "internal_server_error", "service_unavailable"),
			}
		},
		routes: routes(checks.ProviderGroq,
			func(r *http.Request, _ call) reply {
				return openAIError(http.StatusNotFound, "Unknown request URL: "+r.Method+" "+short(r.URL.Path)+". Please check the URL for typos, or see the docs at https://console.groq.com/docs/", "invalid_request_error", "unknown_url")
			},
			openAIList("Groq", models),
			openAIGet("Groq", models, func(id string, _ call) reply {
				return openAIError(http.StatusNotFound, "The model `"+short(id)+"` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
			}),
			nil),
	}
}
