package provider

import (
	"errors"
	"fmt"

	"github.com/parley-chat/parley/stream"
)

// MsgMaxTokens is the Notice a backend sends just before the Finish chunk
// of an answer that stopped because it reached its token limit, whatever
// the provider calls that ("length", "max_tokens", "MAX_TOKENS").
const MsgMaxTokens = "answer cut at max tokens"

// ReadFailed reports the read error that ended a stream before its finish
// marker. An event or line over the decoder's bound says so, with the
// tokens that arrived; any other fault is a lost connection (see
// Emitter.Lost). name prefixes the message.
func ReadFailed(e *Emitter, name string, err error) error {
	if errors.Is(err, stream.ErrTooLarge) {
		return fmt.Errorf("%s: %w (after %d tokens)", name, err, e.Tokens())
	}
	return e.Lost(fmt.Errorf("%s: %w", name, err))
}
