package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/parley-chat/parley/stream"
)

// watchedBody is a response body with two watchdogs: until the headers
// arrive, a timer cancels the request after a silence longer than idle;
// after that, stream.WatchIdle closes a body that a Read waited on for
// longer than idle. Both faults are reported as a *TimeoutError.
type watchedBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   time.Duration
	timer  *time.Timer
	once   sync.Once
}

// arm starts the watchdog on the wait for the headers.
func (w *watchedBody) arm() {
	if w.idle > 0 {
		cause := &TimeoutError{Limit: w.idle, Idle: true, Err: stream.ErrIdle}
		w.timer = time.AfterFunc(w.idle, func() { w.cancel(cause) })
	}
}

// watch hands the watch over to the body's own watchdog.
func (w *watchedBody) watch(body io.ReadCloser) {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.rc = stream.WatchIdle(body, w.idle)
}

func (w *watchedBody) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.cancel(nil)
}

// cause replaces the error of a read that a watchdog or the request's
// deadline cut short.
func (w *watchedBody) cause(err error) error {
	var te *TimeoutError
	if w.ctx.Err() != nil && errors.As(context.Cause(w.ctx), &te) {
		return te
	}
	var idle *stream.IdleError
	if errors.As(err, &idle) {
		return &TimeoutError{Limit: idle.Timeout, Idle: true, Err: err}
	}
	return err
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.rc.Read(p)
	if err != nil && err != io.EOF {
		err = w.cause(err)
	}
	return n, err
}

func (w *watchedBody) Close() error {
	var err error
	w.once.Do(func() {
		w.stop()
		err = w.rc.Close()
	})
	return err
}

// StreamClient returns the HTTP client for a stream reader that makes its
// own requests (the reconnecting EventSource client): o's client, with the
// wait for each response's headers bounded by o.IdleTimeout. The bodies
// are left to the reader's own idle watchdog.
func (o Options) StreamClient() *http.Client {
	base := o.Client()
	if o.IdleTimeout <= 0 {
		return base
	}
	c := *base
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = headerTimeout{rt: rt, d: o.IdleTimeout}
	return &c
}

// headerTimeout cancels a request whose response headers take longer
// than d.
type headerTimeout struct {
	rt http.RoundTripper
	d  time.Duration
}

func (h headerTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	cause := &TimeoutError{Limit: h.d, Idle: true, Err: stream.ErrIdle}
	t := time.AfterFunc(h.d, func() { cancel(cause) })
	resp, err := h.rt.RoundTrip(req.WithContext(ctx))
	t.Stop()
	if err != nil {
		if context.Cause(ctx) == cause {
			err = cause
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel(nil)
	return err
}
