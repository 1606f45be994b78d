package hiapi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// Error is every error the client returns. Its fields and its Error string
// are safe to show and store: they never hold a piece of the key (any echo
// of one in a provider's answer is masked, by the rule of checks.Secret).
type Error struct {
	// Op is the request, e.g. "GET /v1/tasks".
	Op string
	// Kind says whether an answer came that could be read, and if not,
	// why; checks.AnswerHTTP when HiAPI answered with an error in JSON
	// (either shape) or an error status with an empty body.
	Kind checks.AnswerKind
	// HTTPStatus is the status line's code; 0 when no answer came.
	HTTPStatus int
	// BodyCode is the flat shape's numeric "code" when it disagrees with a
	// 2xx HTTPStatus (HiAPI answering 200 with {"code":401,...}).
	BodyCode int
	// Code is the provider's error code: the nested error.code
	// (permission_denied), else the flat error_code (INVALID_REQUEST).
	Code string
	// Type is the nested error.type (hiapi_error, authentication_error).
	Type string
	// Message is the provider's message, sanitized and cut short; for
	// checks.AnswerNotJSON a snippet of the page (its <title>); for the
	// kinds where no answer came, what went wrong.
	Message string
	// RequestID identifies the request for HiAPI support: from the body, or
	// from a header such as X-Request-Id.
	RequestID string
	// RetryAfter is the provider's Retry-After, as sent (not capped).
	RetryAfter time.Duration

	err error
}

// Error describes the failure in one line, without the key.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hiapi: ")
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	if e.HTTPStatus != 0 {
		b.WriteString("HTTP " + strconv.Itoa(e.HTTPStatus))
		if e.BodyCode != 0 {
			b.WriteString(" (body code " + strconv.Itoa(e.BodyCode) + ")")
		}
		b.WriteString(" ")
	}
	switch e.Kind {
	case checks.AnswerHTTP:
		b.WriteString("error")
	case checks.AnswerNotJSON:
		b.WriteString("answer is not JSON")
	case checks.AnswerTooLarge:
		b.WriteString("answer too large")
	case checks.AnswerTimeout:
		b.WriteString("timed out")
	case checks.AnswerNetwork:
		b.WriteString("network error")
	case checks.AnswerGarbled:
		b.WriteString("garbled answer")
	case checks.AnswerCanceled:
		b.WriteString("canceled")
	case checks.AnswerBadKey:
		b.WriteString("key not sendable")
	case checks.AnswerRequest:
		b.WriteString("bad request")
	default:
		b.WriteString(string(e.Kind))
	}
	if c := strings.TrimSpace(e.Code + " " + e.Type); c != "" {
		b.WriteString(" " + c)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request_id " + e.RequestID + "]")
	}
	return b.String()
}

// Unwrap returns the cause (a net or context error), so errors.Is works
// with context.Canceled and context.DeadlineExceeded.
func (e *Error) Unwrap() error { return e.err }

// Status is the status the answer means: the flat body's code when HiAPI
// answered 200 with an error code in the body, else the HTTP status.
func (e *Error) Status() int {
	if e.BodyCode >= 100 && e.BodyCode <= 599 {
		return e.BodyCode
	}
	return e.HTTPStatus
}

// Answer converts the error to the plain value the live verdicts read.
func (e *Error) Answer() checks.Answer {
	return checks.Answer{
		Kind:       e.Kind,
		HTTPStatus: e.Status(),
		Code:       e.Code,
		Type:       e.Type,
		Message:    e.Message,
		RequestID:  e.RequestID,
		RetryAfter: int((e.RetryAfter + time.Second - 1) / time.Second),
	}
}

// redact masks every piece of the key in the error's text once more, after
// it is built: the parsers mask what they read before cutting it short,
// and this catches what the client wrote itself (a network error's text).
func (e *Error) redact(sec *checks.Secret) {
	e.Code = sec.Redact(e.Code)
	e.Type = sec.Redact(e.Type)
	e.Message = sec.Redact(e.Message)
	e.RequestID = sec.Redact(e.RequestID)
}

// HiAPI's error codes as its official SDKs name them (error_code in the
// flat shape, error.code in a failed task). The client passes them on as
// sent, in Answer.Code; the verdicts compare codes without regard to case.
const (
	CodeInvalidRequest      = "INVALID_REQUEST"
	CodeInsufficientBalance = "INSUFFICIENT_BALANCE"
	CodeModelUnavailable    = "MODEL_UNAVAILABLE"
	CodeTaskFailed          = "TASK_FAILED"
	CodeTaskTimeout         = "TASK_TIMEOUT"
	CodeStorageUnavailable  = "STORAGE_UNAVAILABLE"
	// CodeIdempotencyKeyProcessing (409): a create with the same
	// Idempotency-Key is still being handled; retry after Retry-After.
	CodeIdempotencyKeyProcessing = "IDEMPOTENCY_KEY_PROCESSING"
	// CodeIdempotencyKeyMismatch (422): the key was used with another body.
	CodeIdempotencyKeyMismatch = "IDEMPOTENCY_KEY_MISMATCH"
	// CodeIdempotencyKeyReused: the SDKs' name for a key used before.
	CodeIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
)

// idempotencyCode names what a create's status means when the body named
// nothing: HiAPI documents 409 and 422 only for a create that carried an
// Idempotency-Key.
func idempotencyCode(status int) string {
	switch status {
	case 409:
		return CodeIdempotencyKeyProcessing
	case 422:
		return CodeIdempotencyKeyMismatch
	}
	return ""
}

func errorf(kind checks.AnswerKind, op string, cause error, format string, args ...any) *Error {
	return &Error{Op: op, Kind: kind, Message: fmt.Sprintf(format, args...), err: cause}
}
