package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// Mistral: Bearer auth behind a gateway that answers a bad key 401
// {"message":"Unauthorized","request_id"} and names every request in
// x-kong-request-id; the API's own errors are {"object":"error",message,
// type,param,code}.
func mistral() provider {
	models := []string{"mistral-small-latest", "mistral-large-latest", "codestral-latest"}
	gateway := func(status int, msg, rid string) reply {
		return reply{status: status, body: map[string]any{"message": msg, "request_id": rid}}
	}
	apiError := func(status int, msg, typ string, code any) reply {
		return reply{status: status, body: map[string]any{"object": "error", "message": msg, "type": typ, "param": nil, "code": code}}
	}
	return provider{
		id:    checks.ProviderMistral,
		shape: keyShape{size: 32},
		rows: append([]row{
			{name: Good, does: "GET /v1/models and /v1/models/{id}: 200, the list shape; an unknown id: 404 invalid_model.", says: "auth and model pass"},
			{name: Revoked, does: "Every request: 401 {\"message\":\"Unauthorized\",\"request_id\":…}.", says: "auth fails: dead key"},
			{name: RateLimited, does: "Every request: 429 \"Requests rate limit exceeded\", Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 503 \"Service unavailable\".", says: "auth unknown: Mistral is down, not the key"},
		}, proxyAndSlow()...),
		key:       bearerOr(func(rid string) reply { return gateway(http.StatusUnauthorized, "Unauthorized", rid) }),
		ridHeader: "x-kong-request-id",
		newRID:    func() string { return randHex(32) },
		dead:      func(_, rid string) reply { return gateway(http.StatusUnauthorized, "Unauthorized", rid) },
		refusals: func(rid string) map[string]reply {
			return map[string]reply{
				RateLimited: gateway(http.StatusTooManyRequests, "Requests rate limit exceeded", rid).withRetryAfter(1),
				Down:        apiError(http.StatusServiceUnavailable, "Service unavailable", "internal_server_error", nil),
			}
		},
		routes: routes(checks.ProviderMistral,
			func(*http.Request, call) reply {
				return reply{status: http.StatusNotFound, body: map[string]any{"detail": "Not Found"}}
			},
			openAIList("mistralai", models),
			openAIGet("mistralai", models, func(id string, _ call) reply {
				return apiError(http.StatusNotFound, "Invalid model: "+short(id), "invalid_model", "1500")
			}),
			nil),
	}
}
