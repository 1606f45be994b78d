package fakes

import (
	"net/http"
	"strings"

	"github.com/keycheck/keycheck/checks"
)

// Anthropic: x-api-key and anthropic-version (a request without the
// version is refused 400 before anything else), header request-id, and
// {"type":"error","error":{type,message},"request_id"}. Overload is 529.
func anthropic() provider {
	type model struct{ id, alias, name string }
	models := []model{
		{"claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "Claude Sonnet 4.5"},
		{"claude-opus-4-1-20250805", "claude-opus-4-1", "Claude Opus 4.1"},
		{"claude-haiku-4-5-20251001", "claude-haiku-4-5", "Claude Haiku 4.5"},
	}
	errorOf := func(status int, typ, msg, rid string) reply {
		return reply{status: status, body: map[string]any{
			"type": "error", "error": map[string]any{"type": typ, "message": msg}, "request_id": rid,
		}}
	}
	object := func(m model) map[string]any {
		return map[string]any{"type": "model", "id": m.id, "display_name": m.name, "created_at": "2025-01-01T00:00:00Z"}
	}
	return provider{
		id:    checks.ProviderAnthropic,
		shape: keyShape{prefix: "sk-ant-api03-", size: 93, tail: "AA", sep: "-"},
		rows: append([]row{
			{name: Good, does: "GET /v1/models: 200 {data, has_more, first_id, last_id}; GET /v1/models/{id} takes an id or its alias (claude-sonnet-4-5); an unknown id: 404 not_found_error.", says: "auth and model pass"},
			{name: Revoked, does: "Every request: 401 authentication_error \"invalid x-api-key\".", says: "auth fails: dead key"},
			{name: Forbidden, does: "Every request: 403 permission_error.", says: "auth fails: the key may not do this"},
			{name: NoBalance, does: "Every request: 400 invalid_request_error \"Your credit balance is too low to access the Anthropic API…\".", says: "auth fails: no credit"},
			{name: RateLimited, does: "Every request: 429 rate_limit_error, retry-after: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 529 overloaded_error \"Overloaded\".", says: "auth unknown: Anthropic is overloaded, not the key"},
		}, proxyAndSlow()...),
		key: func(r *http.Request, rid string) (string, *reply) {
			if r.Header.Get("anthropic-version") == "" {
				e := errorOf(http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required", rid)
				return r.Header.Get("x-api-key"), &e
			}
			if k := r.Header.Get("x-api-key"); k != "" {
				return k, nil
			}
			e := errorOf(http.StatusUnauthorized, "authentication_error", "x-api-key header is required", rid)
			return "", &e
		},
		ridHeader: "request-id",
		newRID:    func() string { return "req_011C" + randHex(20) },
		dead: func(_, rid string) reply {
			return errorOf(http.StatusUnauthorized, "authentication_error", "invalid x-api-key", rid)
		},
		refusals: func(rid string) map[string]reply {
			return map[string]reply{
				Forbidden:   errorOf(http.StatusForbidden, "permission_error", "Your API key does not have permission to use the specified resource.", rid),
				NoBalance:   errorOf(http.StatusBadRequest, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.", rid),
				RateLimited: errorOf(http.StatusTooManyRequests, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit. Please try again later.", rid).withRetryAfter(1),
				Down:        errorOf(529, "overloaded_error", "Overloaded", rid),
			}
		},
		routes: routes(checks.ProviderAnthropic,
			func(_ *http.Request, c call) reply {
				return errorOf(http.StatusNotFound, "not_found_error", "Not Found", c.rid)
			},
			func(*http.Request, call) reply {
				data := []map[string]any{}
				for _, m := range models {
					data = append(data, object(m))
				}
				return reply{status: http.StatusOK, body: map[string]any{
					"data": data, "has_more": false, "first_id": models[0].id, "last_id": models[len(models)-1].id,
				}}
			},
			func(r *http.Request, c call) reply {
				id := r.PathValue("id")
				for _, m := range models {
					if id == m.id || id == m.alias {
						return reply{status: http.StatusOK, body: object(m)}
					}
				}
				return errorOf(http.StatusNotFound, "not_found_error", "model: "+short(strings.TrimSpace(id)), c.rid)
			},
			nil),
	}
}
