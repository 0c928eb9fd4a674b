package provider

import (
	"io"
	"strings"
	"time"
)

// MsgMaxTokens is the Notice a backend sends just before the Finish chunk
// of an answer that stopped because it reached its token limit, whatever
// the provider calls that ("length", "max_tokens", "MAX_TOKENS").
const MsgMaxTokens = "answer cut at max tokens"

// FinishGrace is how long a backend goes on reading once its wire's
// finish marker has arrived, for what may still follow it (a usage chunk,
// the end marker) before the body ends. A server that then neither ends
// the body nor sends anything (as some proxies do) costs the user this
// long, not the idle timeout.
const FinishGrace = 250 * time.Millisecond

// Tail bounds the reading of a body after the answer's finish marker. The
// zero value does nothing; see NewTail.
type Tail struct {
	body  io.Closer
	timer *time.Timer
	done  chan struct{} // closed once the timer closed the body
}

// NewTail returns a Tail for body, which it will close.
func NewTail(body io.Closer) *Tail { return &Tail{body: body} }

// Finished says that the finish marker has arrived: FinishGrace later the
// body is closed, which ends a read still waiting for more. Only the first
// call counts.
func (t *Tail) Finished() {
	if t.body == nil || t.timer != nil {
		return
	}
	t.done = make(chan struct{})
	t.timer = time.AfterFunc(FinishGrace, func() {
		defer close(t.done)
		t.body.Close()
	})
}

// Stop cancels the grace, or waits for its closing of the body to end.
func (t *Tail) Stop() {
	if t.timer != nil && !t.timer.Stop() {
		<-t.done
	}
}

// EndAnswer sends what closes a complete answer before its Finish chunk:
// its usage, when u is not nil, and MsgMaxTokens when atLimit says that it
// stopped at its token limit. It returns ErrStopped when s went away.
func EndAnswer(s Sink, u *Usage, atLimit bool) error {
	if u != nil && !s.Usage(*u) {
		return ErrStopped
	}
	return Stopped(!atLimit || s.Notice(MsgMaxTokens))
}

// ToolCallError reports an answer in which the model asked to call tools,
// named in tools (one sent with -o tools, or a server that answers so
// anyway): Parley runs none, so the answer stops there, unfinished, which
// is a failure rather than an empty success.
func ToolCallError(name string, tools []string) error {
	what := "a tool"
	if len(tools) > 0 {
		what = strings.Join(tools, ", ")
	}
	return &APIError{Provider: name, Type: "tool_calls",
		Message: "the model asked to call " + what + " instead of answering",
		Advice:  "parley runs no tools; leave out -o tools"}
}
