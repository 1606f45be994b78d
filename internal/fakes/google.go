package fakes

import (
	"net/http"

	"github.com/keycheck/keycheck/checks"
)

// Gemini: the key in x-goog-api-key or ?key=; a bad key answers 400
// INVALID_ARGUMENT with reason API_KEY_INVALID; Google's error body is
// {"error":{code,message,status,details}} and names no request id.
func google() provider {
	models := []struct{ id, name string }{
		{"gemini-2.5-flash", "Gemini 2.5 Flash"},
		{"gemini-2.5-pro", "Gemini 2.5 Pro"},
		{"gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"},
	}
	errorOf := func(status int, grpc, msg, reason string) reply {
		e := map[string]any{"code": status, "message": msg, "status": grpc}
		if reason != "" {
			e["details"] = []map[string]any{{
				"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
				"metadata": map[string]any{"service": "generativelanguage.googleapis.com"},
			}}
		}
		return reply{status: status, body: map[string]any{"error": e}}
	}
	object := func(id, name string) map[string]any {
		return map[string]any{
			"name": "models/" + id, "version": "001", "displayName": name,
			"inputTokenLimit": 1048576, "outputTokenLimit": 65536,
			"supportedGenerationMethods": []string{"generateContent", "countTokens"},
		}
	}
	return provider{
		id:    checks.ProviderGoogle,
		shape: keyShape{prefix: "AIza", size: 35, sep: "-"},
		rows: append([]row{
			{name: Good, does: "GET /v1beta/models: 200 {models: [{name: \"models/…\"}]}; GET /v1beta/models/{id}: the model; an unknown id: 404 NOT_FOUND.", says: "auth and model pass"},
			{name: Revoked, does: "Every request: 400 INVALID_ARGUMENT, reason API_KEY_INVALID \"API key not valid. Please pass a valid API key.\"", says: "auth fails: dead key"},
			{name: Forbidden, does: "Every request: 403 PERMISSION_DENIED, reason API_KEY_SERVICE_BLOCKED (a key restricted to other APIs).", says: "auth fails: the key may not call Gemini"},
			{name: RateLimited, does: "Every request: 429 RESOURCE_EXHAUSTED, Retry-After: 1.", says: "auth unknown: rate-limited, not the key"},
			{name: Down, does: "Every request: 503 UNAVAILABLE \"The model is overloaded…\".", says: "auth unknown: Google is down, not the key"},
		}, proxyAndSlow()...),
		key: func(r *http.Request, _ string) (string, *reply) {
			if k := r.Header.Get("x-goog-api-key"); k != "" {
				return k, nil
			}
			if k := r.URL.Query().Get("key"); k != "" {
				return k, nil
			}
			if bearerKey(r) != "" {
				e := errorOf(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
				return "", &e
			}
			e := errorOf(http.StatusForbidden, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", "")
			return "", &e
		},
		dead: func(_, _ string) reply {
			return errorOf(http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID")
		},
		refusals: func(_ string) map[string]reply {
			return map[string]reply{
				Forbidden:   errorOf(http.StatusForbidden, "PERMISSION_DENIED", "Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.", "API_KEY_SERVICE_BLOCKED"),
				RateLimited: errorOf(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", "").withRetryAfter(1),
				Down:        errorOf(http.StatusServiceUnavailable, "UNAVAILABLE", "The model is overloaded. Please try again later.", ""),
			}
		},
		routes: routes(checks.ProviderGoogle,
			func(r *http.Request, _ call) reply {
				return errorOf(http.StatusNotFound, "NOT_FOUND", "The requested URL "+short(r.URL.Path)+" was not found on this server.", "")
			},
			func(*http.Request, call) reply {
				list := []map[string]any{}
				for _, m := range models {
					list = append(list, object(m.id, m.name))
				}
				return reply{status: http.StatusOK, body: map[string]any{"models": list}}
			},
			func(r *http.Request, _ call) reply {
				id := r.PathValue("id")
				for _, m := range models {
					if m.id == id {
						return reply{status: http.StatusOK, body: object(m.id, m.name)}
					}
				}
				return errorOf(http.StatusNotFound, "NOT_FOUND", "models/"+short(id)+" is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.", "")
			},
			nil),
	}
}
