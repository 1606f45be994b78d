package hiapi

import (
	"context"
	"errors"

	"github.com/keycheck/keycheck/checks"
)

// Live is the client as the live runner needs it: every call answers in
// the plain values the live verdicts read (checks.Answer, checks.TaskView),
// so this package is the one place HiAPI's replies become answers. It
// satisfies run.Provider.
type Live struct{ c *Client }

// NewLive returns the live runner's view of c.
func NewLive(c *Client) Live { return Live{c} }

// Probe asks HiAPI, for free, whether it accepts the key.
func (l Live) Probe(ctx context.Context, key string) checks.Answer {
	return AnswerOf(l.c.Probe(ctx, key))
}

// CreateTask creates the test task; the id is "" when HiAPI refused.
func (l Live) CreateTask(ctx context.Context, key, model, prompt string) (string, checks.Answer) {
	id, reply, err := l.c.CreateTask(ctx, key, model, prompt)
	return id, AnswerOf(reply, err)
}

// GetTask reads the task; ok is false when no task came back.
func (l Live) GetTask(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool) {
	t, reply, err := l.c.GetTask(ctx, key, taskID)
	if err != nil {
		return checks.TaskView{}, AnswerOf(reply, err), false
	}
	return t.View(), AnswerOf(reply, nil), true
}

// AnswerOf turns a call's reply and error into the plain value the live
// verdicts read: the one place a reply becomes an answer, for HiAPI's calls
// and the other providers' probes (internal/probe) alike.
func AnswerOf(r Reply, err error) checks.Answer {
	a := checks.Answer{HTTPStatus: r.HTTPStatus, RequestID: r.RequestID, BaseURL: r.BaseURL}
	var e *Error
	switch {
	case errors.As(err, &e):
		b := e.Answer()
		b.BaseURL = r.BaseURL
		if b.RequestID == "" {
			b.RequestID = r.RequestID
		}
		return b
	case err != nil:
		a.Kind = checks.AnswerNetwork
		a.Message = "unexpected error"
	}
	return a
}
