package run

import (
	"context"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
)

// HiAPI adapts the HiAPI client to the Provider the live runner needs.
func HiAPI(c *hiapi.Client) Provider { return hiapiProvider{c} }

type hiapiProvider struct{ c *hiapi.Client }

func (p hiapiProvider) Probe(ctx context.Context, key string) checks.Answer {
	return hiapi.AnswerOf(p.c.Probe(ctx, key))
}

func (p hiapiProvider) CreateTask(ctx context.Context, key, model, prompt string) (string, checks.Answer) {
	id, reply, err := p.c.CreateTask(ctx, key, model, prompt)
	return id, hiapi.AnswerOf(reply, err)
}

func (p hiapiProvider) GetTask(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool) {
	t, reply, err := p.c.GetTask(ctx, key, taskID)
	if err != nil {
		return checks.TaskView{}, hiapi.AnswerOf(reply, err), false
	}
	return t.View(), hiapi.AnswerOf(reply, nil), true
}
