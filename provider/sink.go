package provider

import "errors"

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
