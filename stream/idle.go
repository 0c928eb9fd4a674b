package stream

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// ErrIdle is wrapped by the error that a body watched by WatchIdle returns
// once it has been silent too long.
var ErrIdle = errors.New("stream: idle timeout")

// IdleError reports a stream that sent no byte for Timeout.
type IdleError struct{ Timeout time.Duration }

func (e *IdleError) Error() string { return "stream: no data for " + e.Timeout.String() }

// Unwrap returns ErrIdle.
func (e *IdleError) Unwrap() error { return ErrIdle }

// WatchIdle returns body with a watchdog: when a Read has waited d without
// a byte arriving, body is closed, which ends the Read, and that Read and
// every later one return an *IdleError. Any byte counts as activity,
// keep-alive comments included. Only time spent inside Read counts, so a
// reader that pauses between reads is not cut off. A d of zero or less
// returns body unchanged.
//
// The watchdog is a timer, not a goroutine; Close stops it.
func WatchIdle(body io.ReadCloser, d time.Duration) io.ReadCloser {
	if d <= 0 {
		return body
	}
	w := &idleBody{body: body, d: d}
	w.timer = time.AfterFunc(d, w.expire)
	w.timer.Stop()
	return w
}

type idleBody struct {
	body    io.ReadCloser
	d       time.Duration
	timer   *time.Timer
	expired atomic.Bool
	close   sync.Once
	err     error // from body.Close, set inside close
}

func (w *idleBody) expire() {
	w.expired.Store(true)
	w.closeBody()
}

func (w *idleBody) closeBody() error {
	w.close.Do(func() { w.err = w.body.Close() })
	return w.err
}

// Read reads from the body, closing it if no byte arrives within the
// watchdog's time.
func (w *idleBody) Read(p []byte) (int, error) {
	if w.expired.Load() {
		return 0, &IdleError{Timeout: w.d}
	}
	w.timer.Reset(w.d)
	n, err := w.body.Read(p)
	w.timer.Stop()
	if w.expired.Load() {
		if n > 0 {
			return n, nil // the bytes came in time; the next Read reports the timeout
		}
		return 0, &IdleError{Timeout: w.d}
	}
	return n, err
}

// Close stops the watchdog and closes the body.
func (w *idleBody) Close() error {
	w.timer.Stop()
	return w.closeBody()
}
