// Package provider holds the provider-neutral core of Parley: the request a
// chat turn sends, the typed chunks an answer streams back, the error type
// every backend reports HTTP failures with, and the resolution of
// "provider:model" names to a configured endpoint.
//
// A backend lives in its own package under provider/ and implements
// Provider; the HTTP ones build on provider/httpx, the transport, which
// this package does not import, so that what needs only the types (the
// store, the view) does not depend on it. A backend never imports Bubble
// Tea: the view depends on this package, not the other way round.
package provider

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// MediaEventStream is the media type of server-sent events, the wire of
// most backends.
const MediaEventStream = "text/event-stream"

// Role names who wrote a message.
type Role string

// The roles of a conversation.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content"`
	// Attachments are the files that go with the message. They are not
	// marshalled with it: each wire puts them in its own form, text files
	// through Text, images through Images.
	Attachments []Attachment `json:"-"`
}

// Request is what one chat turn sends to a model.
type Request struct {
	// Model is the provider's own name for the model ("gpt-4o-mini").
	Model string
	// System is the system prompt; empty means none.
	System string
	// Messages is the history followed by the new prompt, oldest first.
	// It never contains RoleSystem messages: see System.
	Messages []Message
	// Temperature is nil when the provider's default applies.
	Temperature *float64
	// MaxTokens is 0 when the provider's default applies.
	MaxTokens int
	// Extra holds provider options given with -o KEY=VALUE, which each wire
	// merges into its body with Body. Keys in ReservedOptions are refused.
	Extra map[string]any
}

// Chat returns the messages as wires without a separate system prompt take
// them: the system prompt first, if there is one, as a RoleSystem message,
// then Messages.
func (r Request) Chat() []Message {
	if r.System == "" {
		return r.Messages
	}
	msgs := make([]Message, 0, len(r.Messages)+1)
	msgs = append(msgs, Message{Role: RoleSystem, Content: r.System})
	return append(msgs, r.Messages...)
}

// Kind tells what a Chunk carries.
type Kind uint8

// The kinds of chunk. Every stream ends with exactly one Finish or Error
// chunk, after which its channel is closed. A Finish means the answer is
// whole and the reader was handed all of it; a reader that sees the
// channel close without either must take the answer as incomplete
// (ErrIncomplete), never as finished.
const (
	KindText      Kind = iota + 1 // Text holds a delta of the answer
	KindReasoning                 // Text holds a delta of the model's reasoning
	KindProgress                  // Percent (0-100, or -1 if unknown) and Text as a label
	KindUsage                     // Usage holds token counts
	KindNotice                    // Text is a notice for the user, e.g. a retry countdown
	KindFinish                    // Reason holds the provider's stop reason
	KindError                     // Err holds why the answer failed
)

var kindNames = [...]string{
	KindText:      "text",
	KindReasoning: "reasoning",
	KindProgress:  "progress",
	KindUsage:     "usage",
	KindNotice:    "notice",
	KindFinish:    "finish",
	KindError:     "error",
}

// String returns the kind's name as used in --json output.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// Usage counts the tokens of one exchange, as the provider reported them.
type Usage struct {
	InputTokens     int `json:"input_tokens"`
	OutputTokens    int `json:"output_tokens"`
	ReasoningTokens int `json:"reasoning_tokens,omitempty"`
}

// Chunk is one typed piece of a streamed answer.
type Chunk struct {
	Kind    Kind
	Text    string
	Percent float64
	Usage   Usage
	// Reason is the provider's stop reason on a Finish chunk ("stop",
	// "length", "end_turn", ...).
	Reason string
	// Err is set on an Error chunk, and on the Notice of a retry, where it
	// is the error that is retried.
	Err error
	// Wait is set on a Notice that announces a pause starting now, such as
	// the backoff before a retry, so that a view can count it down.
	Wait time.Duration
}

// Provider streams answers from one backend.
type Provider interface {
	// Name is the provider's name as written before the colon in -m.
	Name() string
	// Stream sends req and returns the answer as a channel of chunks. It
	// does not block on the network: connection and HTTP errors arrive as
	// the stream's Error chunk. A non-nil error means the request could not
	// be built at all (a missing API key, say). The channel ends with
	// exactly one Finish or Error chunk, by construction (see Run), and is
	// then closed. Cancelling ctx ends the stream promptly with an Error
	// chunk wrapping ctx's cause and leaves no goroutine behind, even if
	// the reader has stopped reading: chunks it left unread may then be
	// dropped, but never the final Error. A caller that stops reading must
	// cancel ctx.
	Stream(ctx context.Context, req Request) (<-chan Chunk, error)
}

// ModelLister is implemented by providers whose API lists its models.
type ModelLister interface {
	ListModels(ctx context.Context) ([]string, error)
}

// Sentinel errors shared by every provider.
var (
	// ErrIncomplete reports a stream that ended before its finish marker.
	ErrIncomplete = errors.New("provider: stream ended before the answer was finished")
	// ErrNoKey reports a provider that needs an API key and has none.
	ErrNoKey = errors.New("provider: no API key")
)

// LostError reports a connection that ended mid-answer, after Deltas text
// and reasoning deltas had arrived.
type LostError struct {
	Deltas int
	Err    error
}

func (e *LostError) Error() string {
	msg := e.lostWhat() + " after " + strconv.Itoa(e.Deltas) + " tokens"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause, and ErrIncomplete.
func (e *LostError) Unwrap() []error { return []error{ErrIncomplete, e.Err} }

// APIError is an HTTP or in-stream error reported by a provider, in the
// provider's own words, with advice for the user.
type APIError struct {
	Provider   string        // provider name, e.g. "openai"
	Status     int           // HTTP status; 0 for an error reported inside the stream
	StatusText string        // the status in words, "Too Many Requests"; may be empty
	Type       string        // the provider's error type or code, if any
	Message    string        // the provider's own message
	Advice     string        // what the user can do about it
	RetryAfter time.Duration // from a Retry-After header, if any
}

func (e *APIError) Error() string {
	msg := e.Provider + ": "
	if e.Status != 0 {
		msg += strconv.Itoa(e.Status) + " "
		if e.StatusText != "" {
			msg += e.StatusText + ": "
		}
	}
	if e.Message != "" {
		msg += e.Message
	} else if e.Type != "" {
		msg += e.Type
	}
	if e.Advice != "" {
		msg += " (" + e.Advice + ")"
	}
	return msg
}

// Temporary reports whether a retry may succeed: a rate limit (429), a
// server error (5xx but 501 Not Implemented and 505), or, for an error
// reported inside the stream with no status, a type that says the same in
// a provider's words (see temporaryTypes).
func (e *APIError) Temporary() bool {
	switch {
	case e.Status == 429:
		return true
	case e.Status == 501, e.Status == 505:
		return false
	case e.Status >= 500:
		return true
	}
	return temporaryTypes[e.Type]
}

// temporaryTypes are the error types and codes, of every wire, that mean
// "try again shortly", whatever the HTTP status they came with (none, for
// an error inside the stream).
var temporaryTypes = map[string]bool{
	// OpenAI and compatible servers.
	"server_error": true, "rate_limit_exceeded": true, "rate_limit_error": true,
	// Anthropic.
	"overloaded_error": true, "api_error": true,
	// Gemini (google.rpc.Code names).
	"RESOURCE_EXHAUSTED": true, "UNAVAILABLE": true, "INTERNAL": true, "DEADLINE_EXCEEDED": true,
}

// StreamAdvice is the advice for an error of type typ reported inside a
// stream: the same words as for the HTTP status that means the same.
func StreamAdvice(typ string) string {
	switch {
	case typ == "rate_limit_error" || typ == "rate_limit_exceeded" || typ == "RESOURCE_EXHAUSTED":
		return Advice(429, "", "", 0)
	case temporaryTypes[typ]:
		return Advice(500, "", "", 0)
	}
	return ""
}
