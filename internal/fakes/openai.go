package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// OpenAI: Bearer auth, x-request-id req_…, {"error":{message,type,param,
// code}}. A key missing a scope answers 401 (not 403) naming the scope;
// an account out of credit answers 429 insufficient_quota.
func openAI() provider {
	models := []string{"gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-image-1"}
	return provider{
		id: checks.ProviderOpenAI,
		// The project key shape: sk-proj-, 58, OpenAI's marker, 58.
		shape: keyShape{prefix: "sk-proj-", size: 58, tail: "T3BlbkFJ" + alnumFill + alnumFill + alnumFill[:10], sep: "-"},
		rows: append([]row{
			{name: Good, does: "GET /v1/models and /v1/models/{id}: 200, the list shape; an unknown model id: 404 model_not_found.", says: "auth and model pass"},
			{name: Revoked, does: "Every request: 401 invalid_api_key \"Incorrect API key provided\".", says: "auth fails: dead key"},
			{name: Forbidden, does: "Every request: 401, code null, \"You have insufficient permissions for this operation. Missing scopes: api.model.read…\" (a restricted key).", says: "auth fails: the key lacks a scope"},
			{name: NoBalance, does: "Every request: 429 insufficient_quota \"You exceeded your current quota…\", no Retry-After.", says: "auth fails: no credit"},
			{name: RateLimited, does: "Every request: 429 rate_limit_exceeded, Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 503 server_error, Retry-After: 2.", says: "auth unknown: OpenAI is down, not the key"},
		}, proxyAndSlow()...),
		key: bearerOr(func(string) reply {
			return openAIError(http.StatusUnauthorized, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.", "invalid_request_error", nil)
		}),
		ridHeader: "x-request-id",
		newRID:    func() string { return "req_" + randHex(32) },
		dead: func(_, _ string) reply {
			return openAIError(http.StatusUnauthorized, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
		},
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				Forbidden:   openAIError(http.StatusUnauthorized, "You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.", "invalid_request_error", nil),
				NoBalance:   openAIError(http.StatusTooManyRequests, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", "insufficient_quota"),
				RateLimited: openAIError(http.StatusTooManyRequests, "Rate limit reached for requests. Limit: 500 / min. Please try again in 1s.", "requests", "rate_limit_exceeded").withRetryAfter(1),
				Down:        openAIError(http.StatusServiceUnavailable, "The server is overloaded or not ready yet.", "server_error", nil).withRetryAfter(2),
			}
		},
		routes: routes(checks.ProviderOpenAI,
			func(r *http.Request, _ call) reply {
				return openAIError(http.StatusNotFound, "Invalid URL ("+r.Method+" "+short(r.URL.Path)+")", "invalid_request_error", nil)
			},
			openAIList("system", models),
			openAIGet("system", models, func(id string, _ call) reply {
				e := openAIError(http.StatusNotFound, "The model '"+short(id)+"' does not exist", "invalid_request_error", "model_not_found")
				e.body.(map[string]any)["error"].(map[string]any)["param"] = "model"
				return e
			}),
			nil),
	}
}
