// Package sse streams answers from any EventSource-style endpoint, the
// usual shape of a custom AI service: it POSTs {"model", "messages"} as JSON
// to the configured URL and reads server-sent events back.
//
//	(default) event   a delta of the answer; data is the text itself, or
//	                  a JSON string literal of it
//	reasoning event   a delta of the model's reasoning, the same way
//	progress event    {"percent": 0-100, "label": "..."} or a bare number
//	usage event       {"input_tokens": n, "output_tokens": n}
//	done event        the answer is complete
//	error event       the answer failed; data is the message (or a JSON error)
//
// Events of other types are ignored; an answer that brings no text, but
// events of another type with data, fails naming that type (better-sse's
// session.stream names its events "stream").
//
// Text comes either way, decided by the first text event: plain, or each
// event's data a JSON string, as servers that JSON-encode every event send
// it (better-sse's default, json.dumps in Python), which is the only way
// some of them (better-sse writes "data:" with no space) can send a leading
// space or a newline.
//
// A connection that ends before "done" is resumed with Last-Event-ID,
// when the stream gave its events ids, so the answer goes on with no word
// lost or repeated. A server that does not read Last-Event-ID and sends
// the answer again (under new ids: better-sse makes up a random one for
// each event) is told by its first text event, the answer's first again,
// and ends the answer there. A stream that cannot be resumed and ends without
// "done" is an error.
//
// A request has one budget of retries, the provider's RetryPolicy.Max,
// whichever layer spends it: before the first token a lost connection is
// retried from the start by provider.Run (the stream client does not
// reconnect on its own, so the two never nest); after it, the stream
// client resumes, with what Run left, counted afresh only once a resumed
// connection brings a new event. Every wait is capped, and every retry
// sends a notice.
package sse

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/stream"
)

func init() {
	provider.Register(provider.TypeSSE, func(ep provider.Endpoint, o provider.Options) (provider.Provider, error) {
		if ep.BaseURL == "" {
			return nil, fmt.Errorf("%s: no endpoint URL: give one with --base-url or base_url", cmp.Or(ep.Name, "sse"))
		}
		return New(ep, o), nil
	})
}

// Client is the generic SSE provider.
type Client struct {
	httpx.Backend
	// Reconnect tunes reconnection; the zero value is the stream
	// package's defaults. MaxBackoff caps every wait: a server's retry
	// field asking for longer ends the answer instead. MaxReconnects and
	// OnReconnect are set by the Client, from the request's retry budget.
	Reconnect stream.Options
}

var _ provider.Provider = (*Client)(nil)

// New returns a Client that POSTs to ep.BaseURL, the endpoint's full URL.
func New(ep provider.Endpoint, o provider.Options) *Client {
	b := httpx.NewBackend(ep, o, "sse", "", "")
	b.Base = ep.BaseURL // the URL as it is, slashes and all
	return &Client{Backend: b}
}

// Causes that stop the stream client before it reconnects.
var (
	// errNoResume stops a reconnection which could only repeat the answer
	// from its start.
	errNoResume = errors.New("sse: the stream gave no event ids to resume from")
	// errRetry hands a connection lost before the first token to
	// provider.Run, which retries the request within its budget.
	errRetry = errors.New("sse: retry the request")
	// errLongWait stops a reconnection the server wants delayed beyond
	// the cap on waits.
	errLongWait = errors.New("sse: the server's retry is too long")
)

// errReplay reports a resumption that started the answer again.
var errReplay = errors.New("the server sent the answer again from its start (it does not resume from Last-Event-ID)")

// Stream POSTs req to the endpoint and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	cr, err := newChatRequest(c.Name(), req)
	if err != nil {
		return nil, err
	}
	body, err := c.Body(cr, req.Extra, provider.Nest{})
	if err != nil {
		return nil, err
	}
	h := c.KeyHeader("Authorization", "Bearer ")
	h.Set("Content-Type", "application/json")
	newReq := stream.NewRequestFunc(http.MethodPost, c.Base, body, h)
	budget := c.Options.RetryPolicy().Max
	return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		// Run calls again only to retry, which spends one of the budget.
		defer func() { budget-- }()
		return c.attempt(ctx, e, newReq, req.Model, budget)
	}), nil
}

// attempt sends the request once and reads the answer, resuming it up to
// left times in a row without progress once tokens have arrived.
func (c *Client) attempt(ctx context.Context, e *provider.Emitter, newReq stream.RequestFunc, model string, left int) (string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var dropped error // why the connection ended, when it cannot be resumed
	var lost error    // why the connection that last delivered events ended
	opts := c.Reconnect
	opts.IdleTimeout = c.Options.IdleTimeout
	opts.MaxReconnects = left
	if left <= 0 {
		opts.MaxReconnects = -1
	}
	maxWait := opts.MaxBackoff
	if maxWait <= 0 {
		maxWait = stream.DefaultMaxBackoff
	}
	d := decoder{name: c.Name()}
	var first *string // the data of the answer's first text event
	resumed := false  // a resumed connection's first text event is to come
	opts.OnReconnect = func(r stream.Reconnect) {
		switch {
		case e.Deltas() == 0 && d.unread > 0 && errors.Is(r.Err, stream.ErrEnded):
			// Events the server meant as the answer, of a type not read: a
			// retry would bring the same.
			dropped = r.Err
			cancel(errNoResume)
			return
		case e.Deltas() == 0:
			// Nothing to resume: a retry of the request, which is Run's.
			dropped = r.Err
			cancel(errRetry)
			return
		case r.Attempt == 1:
			lost = r.Err
		}
		if r.LastEventID == "" {
			// Without an id the server would start the answer again.
			dropped = r.Err
			cancel(errNoResume)
			return
		}
		if r.Wait > maxWait {
			dropped = fmt.Errorf("%w; the server asks to wait %s before resuming", r.Err, r.Wait.Round(time.Millisecond))
			cancel(errLongWait)
			return
		}
		c.Logger().Debug("reconnecting", "provider", c.Name(), "attempt", r.Attempt, "wait", r.Wait, "err", r.Err)
		e.Notice(fmt.Sprintf("connection lost (%v); resuming in %s (retry %d of %d)",
			r.Err, r.Wait.Round(time.Millisecond), r.Attempt, left))
		resumed = true
	}
	sc := stream.NewClient(ctx, httpx.StreamClient(c.Options), newReq, opts)
	defer sc.Close()
	for sc.Next() {
		ev := sc.Event()
		if ev.Type == "message" && ev.Data != "" {
			switch {
			case first == nil:
				first = &ev.Data
			case resumed && ev.Data == *first:
				// A server that does not read Last-Event-ID starts the
				// answer again, under new ids if it makes them up
				// (better-sse does). Other events (a greeting each
				// connection opens with, say) tell nothing.
				return "", c.Endpoint.Scrub(c.fault(errReplay, lost, e, model))
			}
			resumed = false
		}
		done, err := d.handle(ev.Type, ev.Data, e)
		if err != nil {
			return "", err
		}
		if done {
			if e.Deltas() == 0 && d.unread > 0 {
				return "", fmt.Errorf("%s: the answer has no text%s", c.Name(), d.unreadHint())
			}
			return "done", nil
		}
	}
	err := sc.Err()
	switch cause := context.Cause(ctx); {
	case cause == errNoResume, cause == errRetry, cause == errLongWait:
		err, lost = dropped, nil // the loss itself, not a failed resumption
	case ctx.Err() != nil:
		err = cause // the deadline of --timeout, say, rather than its bare error
	}
	if err == nil {
		err = stream.ErrEnded // a 204: the server has nothing (more) to say
	}
	err = c.fault(err, lost, e, model)
	if e.Deltas() == 0 {
		if hint := d.unreadHint(); hint != "" {
			err = fmt.Errorf("%w%s", err, hint)
		}
	}
	return "", c.Endpoint.Scrub(err)
}

// resumeError reports an answer whose connection was lost and could not
// be resumed: why it was lost (an idle timeout, say), then why resuming
// failed (the server refused, say).
type resumeError struct{ lost, err error }

func (e *resumeError) Error() string { return e.lost.Error() + "; resuming failed: " + e.err.Error() }

// Unwrap returns both faults.
func (e *resumeError) Unwrap() []error { return []error{e.lost, e.err} }

// fault turns the error that ended the stream into what the user sees:
// once tokens have arrived, a *provider.LostError, whatever ended it (a
// reconnection refused with an HTTP error, say). lost, if not nil, is why
// the connection that delivered the tokens ended before resuming failed.
func (c *Client) fault(err, lost error, e *provider.Emitter, model string) error {
	err = c.cause(err, model)
	if lost != nil {
		err = &resumeError{lost: c.cause(lost, model), err: err}
	}
	if e.Deltas() == 0 && !errors.Is(err, stream.ErrEnded) {
		return err
	}
	return e.Lost(err)
}

// cause names the fault that ended the stream, in the provider's words.
func (c *Client) cause(err error, model string) error {
	var re *stream.ResponseError
	if errors.As(err, &re) {
		if re.StatusCode != http.StatusOK {
			resp := &http.Response{StatusCode: re.StatusCode, Header: re.Header, Body: io.NopCloser(bytes.NewReader(re.Body))}
			return httpx.ResponseError(c.Name(), resp, c.Endpoint.KeyVar(nil), model)
		}
		ct := re.ContentType
		if ct == "" {
			ct = "no content type"
		}
		return fmt.Errorf("%s: expected text/event-stream, got %s: %s", c.Name(), ct, provider.Snippet(re.Body, 120))
	}
	var ne *provider.NetError
	if errors.As(err, &ne) {
		return fmt.Errorf("%s: %w", c.Name(), ne) // in plain words, without Go's "Post URL:"
	}
	var idle *stream.IdleError
	if errors.As(err, &idle) {
		err = &provider.TimeoutError{Limit: idle.Timeout, Idle: true, Err: err}
	}
	if errors.Is(err, stream.ErrEnded) {
		return fmt.Errorf("%s: %w before a \"done\" event", c.Name(), err) // which a server may not know to send
	}
	return fmt.Errorf("%s: %w", c.Name(), err)
}
