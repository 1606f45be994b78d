package hiapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// Task statuses, as HiAPI documents them. Which of them end a task is the
// result verdict's rule (checks.ResultVerdict): success and fail; any other
// status, including one HiAPI adds later, means the task is still running.
const (
	StatusQueued    = "queued"
	StatusHandling  = "handling"
	StatusArchiving = "archiving"
	StatusSuccess   = "success"
	StatusFail      = "fail"
)

// Task is a task's detail, as GET /v1/tasks/{id} returns it.
type Task struct {
	TaskID string
	Model  string
	// Status is lower-cased; see the Status* constants.
	Status string
	// Created and Completed are Unix seconds; Completed is 0 until the task
	// is terminal.
	Created   int64
	Completed int64
	// Output lists the files of a successful task (image, thumbnail, …).
	Output []Output
	// Error is set on a failed task.
	Error *TaskError
}

// Output is one file of a finished task.
type Output struct {
	URL  string
	Type string
	// ExpireAt is when HiAPI deletes the file, in Unix seconds; 0 if not
	// given.
	ExpireAt int64
}

// TaskError is why a task failed, e.g. TASK_FAILED.
type TaskError struct {
	Code    string
	Message string
}

// View returns the task as the result verdict reads it. The caller fills
// in how the polling went (TimedOut, Waited, BaseURL).
func (t Task) View() checks.TaskView {
	v := checks.TaskView{TaskID: t.TaskID, Status: t.Status}
	if t.Error != nil {
		v.ErrorCode, v.ErrorMessage = t.Error.Code, t.Error.Message
	}
	for _, o := range t.Output {
		v.Outputs = append(v.Outputs, checks.Output{URL: o.URL, Type: o.Type, ExpireAt: o.ExpireAt})
	}
	return v
}

// taskJSON is a task as sent, tolerant of unknown fields (storage, route),
// snake-case variants, and numbers sent as strings or floats.
type taskJSON struct {
	TaskID    flexString      `json:"taskId"`
	TaskID2   flexString      `json:"task_id"`
	ID        flexString      `json:"id"`
	Model     flexString      `json:"model"`
	Status    flexString      `json:"status"`
	Created   flexTime        `json:"created"`
	Completed flexTime        `json:"completed"`
	Output    json.RawMessage `json:"output"`
	Outputs   json.RawMessage `json:"outputs"`
	Error     json.RawMessage `json:"error"`
}

type outputJSON struct {
	URL       flexString `json:"url"`
	Type      flexString `json:"type"`
	ExpireAt  flexTime   `json:"expireAt"`
	ExpireAt2 flexTime   `json:"expire_at"`
}

var errNotTask = errors.New("not a task object")

// ParseTask reads a task detail from the body of GET /v1/tasks/{id}: the
// "data" member of HiAPI's envelope, or a bare task object. It never
// panics, whatever the body. It masks no key: GetTask, which knows the key
// it sent, masks every piece of it.
func ParseTask(body []byte) (Task, error) {
	return parseTask(body, nil)
}

// parseTask is ParseTask, masking the pieces of the key sec finds in every
// text of the task. A task id that shows one is dropped: it is no id.
func parseTask(body []byte, sec *checks.Secret) (Task, error) {
	env, ok := parseEnvelope(body)
	if !ok {
		return Task{}, errNotTask
	}
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || string(data) == "null" {
		data = bytes.TrimSpace(body) // no envelope: the task itself
	}
	return parseTaskObject(data, sec)
}

func parseTaskObject(data []byte, sec *checks.Secret) (Task, error) {
	if len(data) == 0 || data[0] != '{' {
		return Task{}, errNotTask
	}
	var j taskJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return Task{}, errNotTask
	}
	t := Task{
		Model:     clean(sec, string(j.Model), 120),
		Status:    strings.ToLower(clean(sec, string(j.Status), 40)),
		Created:   int64(j.Created),
		Completed: int64(j.Completed),
	}
	if id, masked := mask(sec, cmp.Or(string(j.TaskID), string(j.TaskID2), string(j.ID)), 128); !masked {
		t.TaskID = id
	}
	if t.TaskID == "" && t.Status == "" {
		return Task{}, errNotTask
	}
	out := j.Output
	if len(bytes.TrimSpace(out)) == 0 || string(bytes.TrimSpace(out)) == "null" {
		out = j.Outputs
	}
	t.Output = parseOutputs(out, sec)
	t.Error = parseTaskError(j.Error, sec)
	return t, nil
}

// parseOutputs reads an array of {url, type, expireAt}, a single such
// object, or bare URL strings.
func parseOutputs(raw json.RawMessage, sec *checks.Secret) []Output {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var items []json.RawMessage
	switch raw[0] {
	case '[':
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
	case '{', '"':
		items = []json.RawMessage{raw}
	default:
		return nil
	}
	var outs []Output
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) == 0 {
			continue
		}
		if it[0] == '"' {
			if u := clean(sec, scalar(it), 2048); u != "" {
				outs = append(outs, Output{URL: u})
			}
			continue
		}
		var o outputJSON
		if it[0] != '{' || json.Unmarshal(it, &o) != nil {
			continue
		}
		exp := int64(o.ExpireAt)
		if exp == 0 {
			exp = int64(o.ExpireAt2)
		}
		outs = append(outs, Output{URL: clean(sec, string(o.URL), 2048), Type: strings.ToLower(clean(sec, string(o.Type), 40)), ExpireAt: exp})
	}
	return outs
}

func parseTaskError(raw json.RawMessage, sec *checks.Secret) *TaskError {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] == '"' {
		if m := clean(sec, scalar(raw), maxMessage); m != "" {
			return &TaskError{Message: m}
		}
		return nil
	}
	var n struct {
		Code    flexString `json:"code"`
		Message flexString `json:"message"`
	}
	if raw[0] != '{' || json.Unmarshal(raw, &n) != nil {
		return nil
	}
	te := &TaskError{Code: clean(sec, string(n.Code), 80), Message: clean(sec, string(n.Message), maxMessage)}
	if te.Code == "" && te.Message == "" {
		return nil
	}
	return te
}

// flexString takes a JSON string, number or boolean as text; anything else
// as "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	*f = flexString(scalar(b))
	return nil
}

// flexTime takes Unix seconds as a number (integer or float, seconds or
// milliseconds), a numeric string, or an RFC 3339 string; anything else as
// 0.
type flexTime int64

func (f *flexTime) UnmarshalJSON(b []byte) error {
	*f = 0
	s := scalar(b)
	if s == "" || s == "true" || s == "false" {
		return nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v > 1e15 {
			return nil
		}
		if v > 1e11 { // milliseconds
			v /= 1000
		}
		*f = flexTime(v)
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil && t.Unix() > 0 {
		*f = flexTime(t.Unix())
	}
	return nil
}
