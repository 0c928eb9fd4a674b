// Package sse streams answers from any EventSource-style endpoint, the
// usual shape of a custom AI service: it POSTs {"model", "messages"} as JSON
// to the configured URL and reads server-sent events back.
//
//	(default) event   a delta of the answer; data is the text itself
//	reasoning event   a delta of the model's reasoning
//	progress event    {"percent": 0-100, "label": "..."} or a bare number
//	usage event       {"input_tokens": n, "output_tokens": n}
//	done event        the answer is complete
//	error event       the answer failed; data is the message (or a JSON error)
//
// A connection that drops is resumed with Last-Event-ID, when the stream
// gave its events ids, so the answer goes on with no word lost or repeated.
// A stream that cannot be resumed and ends without "done" is an error.
package sse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

func init() {
	provider.Register(provider.TypeSSE, func(ep provider.Endpoint, o provider.Options) (provider.Provider, error) {
		if ep.BaseURL == "" {
			return nil, fmt.Errorf("%s: no endpoint URL: give one with --base-url or base_url", nameOf(ep))
		}
		return New(ep, o), nil
	})
}

// Client is the generic SSE provider.
type Client struct {
	ep   provider.Endpoint
	opts provider.Options
	// Reconnect tunes reconnection; the zero value is the stream
	// package's defaults (a server's retry field is obeyed).
	Reconnect stream.Options
}

var _ provider.Provider = (*Client)(nil)

func nameOf(ep provider.Endpoint) string {
	if ep.Name == "" {
		return "sse"
	}
	return ep.Name
}

// New returns a Client that POSTs to ep.BaseURL, the endpoint's full URL.
func New(ep provider.Endpoint, o provider.Options) *Client {
	ep.Name = nameOf(ep)
	return &Client{ep: ep, opts: o}
}

// Name returns the endpoint's name.
func (c *Client) Name() string { return c.ep.Name }

// errNoResume is the cause that stops a reconnection which could only
// repeat the answer from its start.
var errNoResume = errors.New("sse: the stream gave no event ids to resume from")

// Stream POSTs req to the endpoint and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	body, err := json.Marshal(newChatRequest(req))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.ep.Name, err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if c.ep.APIKey != "" {
		h.Set("Authorization", "Bearer "+c.ep.APIKey)
	}
	newReq := stream.NewRequestFunc(http.MethodPost, c.ep.BaseURL, body, h)
	return c.opts.Start(ctx, c.ep, func(ctx context.Context, e *provider.Emitter) (string, error) {
		return c.attempt(ctx, e, newReq, req.Model)
	}), nil
}

func (c *Client) attempt(ctx context.Context, e *provider.Emitter, newReq stream.RequestFunc, model string) (string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var dropped error // why the connection ended, when it cannot be resumed
	var lost error    // why the connection that last delivered events ended
	opts := c.Reconnect
	opts.IdleTimeout = c.opts.IdleTimeout
	opts.OnReconnect = func(r stream.Reconnect) {
		if r.Attempt == 1 && e.Tokens() > 0 {
			lost = r.Err
		}
		if r.LastEventID == "" && e.Tokens() > 0 {
			// Without an id the server would start the answer again.
			dropped = r.Err
			cancel(errNoResume)
			return
		}
		c.opts.Logger().Debug("reconnecting", "provider", c.ep.Name, "attempt", r.Attempt, "wait", r.Wait, "err", r.Err)
		e.Notice(fmt.Sprintf("connection lost (%v); resuming in %s", r.Err, r.Wait.Round(time.Millisecond)))
	}
	sc := stream.NewClient(ctx, c.opts.StreamClient(), newReq, opts)
	defer sc.Close()
	for sc.Next() {
		ev := sc.Event()
		done, err := handle(c.ep.Name, ev.Type, ev.Data, e)
		if err != nil {
			return "", err
		}
		if done {
			return "done", nil
		}
	}
	err := sc.Err()
	switch cause := context.Cause(ctx); {
	case cause == errNoResume:
		err, lost = dropped, nil // the loss itself, not a failed resumption
	case ctx.Err() != nil:
		err = cause // the deadline of --timeout, say, rather than its bare error
	}
	if err == nil {
		err = stream.ErrEnded // a 204: the server has nothing (more) to say
	}
	return "", c.ep.Scrub(c.fault(err, lost, e, model))
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
	if e.Tokens() == 0 && !errors.Is(err, stream.ErrEnded) {
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
			return provider.ResponseError(c.ep.Name, resp, c.ep.KeyVar(nil), model)
		}
		ct := re.ContentType
		if ct == "" {
			ct = "no content type"
		}
		return fmt.Errorf("%s: expected text/event-stream, got %s: %s", c.ep.Name, ct, provider.Snippet(re.Body, 120))
	}
	var ne *provider.NetError
	if errors.As(err, &ne) {
		return fmt.Errorf("%s: %w", c.ep.Name, ne) // in plain words, without Go's "Post URL:"
	}
	var idle *stream.IdleError
	if errors.As(err, &idle) {
		err = &provider.TimeoutError{Limit: idle.Timeout, Idle: true, Err: err}
	}
	return fmt.Errorf("%s: %w", c.ep.Name, err)
}
