package fakes

import (
	"net/http"
	"strings"

	"github.com/keycheck/keycheck/checks"
)

// providers are the fakes of every target but HiAPI, in checks.Targets
// order.
func providers() []provider {
	return []provider{openAI(), anthropic(), google(), openRouter(), xAI(), deepSeek(), groq(), mistral()}
}

type handlerFunc = func(*http.Request, call) reply

// routes maps the target's own free GETs (checks.Target's Probe, ModelPath
// and Balance) to handlers, so the fake answers the very paths keycheck
// asks; unknown answers everything else, whatever the method.
func routes(id checks.ProviderID, unknown, probe, model, balance handlerFunc) map[string]handlerFunc {
	t, _ := checks.TargetOf(id)
	m := map[string]handlerFunc{"": unknown, "GET " + t.Probe: probe}
	if t.ModelPath != "" && model != nil {
		m["GET "+strings.Replace(t.ModelPath, "{model}", "{id}", 1)] = model
	}
	if t.Balance != "" && balance != nil {
		m["GET "+t.Balance] = balance
	}
	return m
}

// fakeCreated is the creation time the fakes give every model: 2025-01-01.
const fakeCreated = 1735689600

// openAIModel is a model object in the OpenAI-compatible shape.
func openAIModel(id, owner string) map[string]any {
	return map[string]any{"id": id, "object": "model", "created": fakeCreated, "owned_by": owner}
}

// openAIList is GET /models in the OpenAI-compatible shape.
func openAIList(owner string, ids []string) handlerFunc {
	return func(*http.Request, call) reply {
		data := []map[string]any{}
		for _, id := range ids {
			data = append(data, openAIModel(id, owner))
		}
		return reply{status: http.StatusOK, body: map[string]any{"object": "list", "data": data}}
	}
}

// openAIGet is GET /models/{id} in the OpenAI-compatible shape; notFound
// answers an id the provider does not serve.
func openAIGet(owner string, ids []string, notFound func(id string, c call) reply) handlerFunc {
	return func(r *http.Request, c call) reply {
		id := r.PathValue("id")
		for _, m := range ids {
			if m == id {
				return reply{status: http.StatusOK, body: openAIModel(id, owner)}
			}
		}
		return notFound(id, c)
	}
}

// openAIError is the error body OpenAI and the APIs modelled on it send.
func openAIError(status int, message, typ string, code any) reply {
	return reply{status: status, body: map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": nil, "code": code,
	}}}
}

// short cuts what a fake echoes from a request (a path, a model id).
func short(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
