package main

import (
	"errors"
	"strings"

	"github.com/parley-chat/parley/internal/config"
)

// oneShotFailure is the error a failed one-shot ends with: its cause, and
// what the line on stderr adds to it (see words).
type oneShotFailure struct {
	err error
	// timeoutFrom and idleFrom name where --timeout and --idle-timeout
	// came from when not from the flag (PARLEY_TIMEOUT, the config).
	timeoutFrom, idleFrom string
	// saved is set when part of the answer was saved with the prompt:
	// `parley -c` continues from there.
	saved bool
}

// Error is the cause's message: errorLine adds the words.
func (e oneShotFailure) Error() string { return e.err.Error() }
func (e oneShotFailure) Unwrap() error { return e.err }

// words returns msg, the cause's line, with the source of a time limit
// named as the user set it, and how to continue when the exchange was
// saved.
func (e oneShotFailure) words(msg string) string {
	// Replace the longer flag first: "--timeout" is not inside
	// "--idle-timeout", but keep the order obvious.
	if e.idleFrom != "" {
		msg = strings.ReplaceAll(msg, "--idle-timeout", e.idleFrom)
	}
	if e.timeoutFrom != "" {
		msg = strings.ReplaceAll(msg, "--timeout", e.timeoutFrom)
	}
	if e.saved {
		msg += " (saved: parley -c continues the conversation)"
	}
	return msg
}

// failure returns the error a one-shot that failed with err ends with.
func failure(err error, s config.Settings, saved bool) error {
	if err == nil || errors.Is(err, errInterrupted) || errors.Is(err, errPipeClosed) {
		return err
	}
	return oneShotFailure{err: err, timeoutFrom: s.TimeoutFrom, idleFrom: s.IdleTimeoutFrom, saved: saved}
}
