package checks

// HiAPIOrigin is HiAPI's API, the one place its address is written: the
// live test's default target and every command shown to people. (The
// provider table grows from here.)
const HiAPIOrigin = "https://api.hiapi.ai"

// AnswerKind says whether a live request's answer could be read as the
// provider's, and if not, why. It is the one classification of answers:
// the HiAPI client reports its errors in it, the verdicts read it.
type AnswerKind string

// The kinds of Answer.
const (
	// AnswerHTTP (the zero value): the provider answered over HTTP with a
	// JSON body (or no body at all), so its status and code can be trusted.
	AnswerHTTP AnswerKind = ""
	// AnswerNotJSON: the body was not JSON, typically an HTML error page
	// from a proxy, firewall or captive portal standing in HiAPI's place.
	AnswerNotJSON AnswerKind = "not_json"
	// AnswerTooLarge: the body was larger than the client's limit.
	AnswerTooLarge AnswerKind = "too_large"
	// AnswerTimeout: no complete answer within the time limit.
	AnswerTimeout AnswerKind = "timeout"
	// AnswerNetwork: the connection was refused, reset or never made.
	AnswerNetwork AnswerKind = "network"
	// AnswerGarbled: a success that is not one (200 without a taskId, JSON
	// that does not parse).
	AnswerGarbled AnswerKind = "garbled"
	// AnswerCanceled: keycheck gave up waiting (the person left, the server
	// stopped) before an answer came.
	AnswerCanceled AnswerKind = "canceled"
	// AnswerBadKey: the key holds a byte no HTTP header may carry (newline,
	// control character), so nothing was sent.
	AnswerBadKey AnswerKind = "bad_key"
	// AnswerRequest: keycheck could not build the request (a broken base
	// URL, an empty task id), so nothing was sent.
	AnswerRequest AnswerKind = "request"
)

// Answer is what came back from one live request, as plain values: the
// runner builds it from the HiAPI client's reply or error, so the verdicts
// (live.go) decide the same way on every surface.
type Answer struct {
	// HTTPStatus is the HTTP status; when HiAPI answered 200 with an error
	// code in the body, it is that code. 0 when no answer came.
	HTTPStatus int
	// Kind is AnswerHTTP for an answer that could be read, else why not.
	Kind AnswerKind
	// Code, Type and Message are the provider's error fields, as sent (Code
	// may be a nested code like permission_denied or a flat error_code like
	// INVALID_REQUEST). For AnswerNotJSON, Message holds a short sanitized
	// snippet of the page (its title); for the other kinds, what went wrong.
	Code, Type, Message string
	// RequestID is what HiAPI support needs to find the request.
	RequestID string
	// RetryAfter is the provider's Retry-After, in seconds; 0 if none.
	RetryAfter int
	// BaseURL is where the request went; "" means the target's origin.
	BaseURL string
	// Provider is the target that answered; "" is HiAPI.
	Provider ProviderID
	// Facts are what the answer revealed that helps (LiveEvidence.Facts).
	Facts []Fact
}

// TaskView is the state of the test task as the runner last saw it.
type TaskView struct {
	TaskID string
	// Status is HiAPI's task status: queued, handling, archiving, success,
	// fail, or anything newer (read as still running).
	Status       string
	ErrorCode    string
	ErrorMessage string
	Outputs      []Output
	// TimedOut means the runner stopped polling before the task ended.
	TimedOut bool
	// Waited is how long the live test had run when the task was last
	// seen, in seconds, from the probe on: how long the person waited for
	// the image, or for nothing. 0 when not known.
	Waited int
	// BaseURL is where the task lives; "" means https://api.hiapi.ai.
	BaseURL string
}

// HiAPI's error codes the verdicts read. Codes are compared without regard
// to case: the nested shape uses snake case, the flat one upper case.
const (
	codePermissionDenied = "permission_denied"
	codeModelNotFound    = "model_not_found"
	codeRateLimited      = "rate_limit_exceeded"
	codeModelUnavailable = "model_unavailable"
)
