package provider

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Sink receives what a stream carries. *Emitter is one; a backend's
// decoder writes to a Sink, so that it can be tested without a stream.
// Each method reports false when the stream was cancelled and the decoder
// should stop (with ErrStopped).
type Sink interface {
	Text(string) bool
	Reasoning(string) bool
	Progress(percent float64, label string) bool
	Usage(Usage) bool
	Notice(string) bool
	// Deltas is the number of text and reasoning deltas so far.
	Deltas() int
}

var _ Sink = (*Emitter)(nil)

// ErrStopped is what a decoder returns when its Sink went away (the
// stream was cancelled). Run reports the cancellation instead, so the
// user never sees it.
var ErrStopped = errors.New("provider: stream cancelled")

// Stopped returns ErrStopped when ok is false: the result of a Sink's
// method as an error.
func Stopped(ok bool) error {
	if ok {
		return nil
	}
	return ErrStopped
}

// DecodeFrame unmarshals data, one JSON frame of a streamed answer (the
// data of an event, a line), into v, with the markers of KeepSurrogates
// for the halves of a surrogate pair. A frame that is not JSON is an error
// from Malformed; what names the frame ("chunk", "line").
func DecodeFrame(name, what string, data []byte, s Sink, v any) error {
	if err := json.Unmarshal(KeepSurrogates(data), v); err != nil {
		return Malformed(name, what, s, err, data)
	}
	return nil
}

// Malformed reports a frame that could not be read, with the number of
// tokens that came before it and the frame's start.
func Malformed(name, what string, s Sink, err error, data []byte) error {
	return fmt.Errorf("%s: malformed %s after %d tokens: %v: %s", name, what, s.Deltas(), err, Snippet(data, 80))
}
