package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// DeepSeek: Bearer auth, OpenAI's error shape with DeepSeek's words
// ("Authentication Fails", 402 "Insufficient Balance"); GET /models and
// GET /user/balance ({is_available, balance_infos}) cost nothing.
func deepSeek() provider {
	models := []string{"deepseek-chat", "deepseek-reasoner"}
	balance := func(_ *http.Request, c call) reply {
		total, ok := "110.00", true
		if c.scenario == NoBalance {
			total, ok = "0.00", false
		}
		return reply{status: http.StatusOK, body: map[string]any{
			"is_available": ok,
			"balance_infos": []map[string]any{{
				"currency": "USD", "total_balance": total, "granted_balance": "0.00", "topped_up_balance": total,
			}},
		}}
	}
	return provider{
		id:    checks.ProviderDeepSeek,
		shape: keyShape{prefix: "sk-", size: 32, hex: true},
		rows: append([]row{
			{name: Good, code: "0200", does: "GET /models: 200, the list shape; GET /user/balance: 200 {is_available: true, balance_infos: [{currency: USD, total_balance: \"110.00\", …}]}.", says: "auth passes, with the balance"},
			{name: Revoked, code: "0401", does: "Every request: 401 authentication_error \"Authentication Fails, Your api key: ****… is invalid\".", says: "auth fails: dead key"},
			{name: NoBalance, code: "0402", does: "GET /models: 200; GET /user/balance: is_available: false, total_balance \"0.00\" (a paid request would answer 402 \"Insufficient Balance\").", says: "auth: the key works but the account has no balance"},
			{name: RateLimited, code: "0429", does: "Every request: 429 \"Rate Limit Reached\", Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, code: "0503", does: "Every request: 503 \"Server Overloaded\".", says: "auth unknown: DeepSeek is down, not the key"},
		}, proxyAndSlow()...),
		key: bearerOr(func(string) reply {
			return openAIError(http.StatusUnauthorized, "Authentication Fails, no api key provided", "authentication_error", "invalid_request_error")
		}),
		dead: func(key, _ string) reply {
			return openAIError(http.StatusUnauthorized, "Authentication Fails, Your api key: ****"+masked(key, 0, 4)[3:]+" is invalid", "authentication_error", "invalid_request_error")
		},
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				RateLimited: openAIError(http.StatusTooManyRequests, "Rate Limit Reached", "rate_limit_error", "rate_limit_reached").withRetryAfter(1),
				Down:        openAIError(http.StatusServiceUnavailable, "Server Overloaded", "server_error", "server_overloaded"),
			}
		},
		routes: routes(checks.ProviderDeepSeek,
			func(*http.Request, call) reply {
				return openAIError(http.StatusNotFound, "Not Found", "invalid_request_error", "invalid_request_error")
			},
			openAIList("deepseek", models), nil, balance),
	}
}
