package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/parley-chat/parley/stream"
)

// MsgMaxTokens is the Notice a backend sends just before the Finish chunk
// of an answer that stopped because it reached its token limit, whatever
// the provider calls that ("length", "max_tokens", "MAX_TOKENS").
const MsgMaxTokens = "answer cut at max tokens"

// ReadFailed reports the read error that ended a stream before its finish
// marker. An event or line over the decoder's bound says so, with the
// tokens that arrived; any other fault is a lost connection (see
// Emitter.Lost). name prefixes the message. Either way the error is
// ErrIncomplete.
func ReadFailed(e *Emitter, name string, err error) error {
	if errors.Is(err, stream.ErrTooLarge) {
		return &incomplete{fmt.Errorf("%s: %w (after %d tokens)", name, err, e.Tokens())}
	}
	return e.Lost(fmt.Errorf("%s: %w", name, err))
}

// incomplete marks an error that ended an answer early as ErrIncomplete,
// without changing its message.
type incomplete struct{ err error }

func (e *incomplete) Error() string { return e.err.Error() }

// Unwrap returns the error and ErrIncomplete.
func (e *incomplete) Unwrap() []error { return []error{e.err, ErrIncomplete} }

// Advice returns the advice that ResponseError gives for an HTTP status:
// keyEnv names the key's variable (401, 403), model the model (404), wait
// the Retry-After delay (429). Backends that see statuses through another
// client's errors use it.
func Advice(status int, keyEnv, model string, wait time.Duration) string {
	return advice(status, keyEnv, model, wait)
}
