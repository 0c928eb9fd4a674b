package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// Backend is the part that every HTTP backend shares: the endpoint it
// talks to, the options it obeys and the root of the API its requests go
// to. A backend's Client embeds one, which gives it its Name, and makes
// every request through it:
//
//	type Client struct{ httpx.Backend }
//
//	func New(ep provider.Endpoint, o provider.Options) *Client {
//		return &Client{httpx.NewBackend(ep, o, "acme", DefaultBaseURL, "/v1")}
//	}
//
//	func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
//		call := httpx.Call{Method: http.MethodPost, URL: c.Base + "/v1/chat", ...}
//		return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
//			rc, err := c.Open(ctx, call)
//			...
//		}), nil
//	}
//
// The key is not checked here: provider.New refuses an endpoint that needs
// one and has none.
type Backend struct {
	Endpoint provider.Endpoint
	Options  provider.Options
	// Base is the API root, without a trailing slash.
	Base string
}

// NewBackend returns the Backend of ep: name is its name when ep has none,
// and base its root when ep has no base URL. Trailing slashes are trimmed
// from the root, then suffix (the API version that the backend adds to
// every path, such as "/v1"), so that a base URL given with it or without
// it works the same.
func NewBackend(ep provider.Endpoint, o provider.Options, name, base, suffix string) Backend {
	if ep.Name == "" {
		ep.Name = name
	}
	root := ep.BaseURL
	if root == "" {
		root = base
	}
	root = strings.TrimRight(root, "/")
	if suffix != "" {
		root = strings.TrimSuffix(root, suffix)
	}
	return Backend{Endpoint: ep, Options: o, Base: root}
}

// Body marshals v, a request body, with the options of extra merged in
// where n says (see provider.Body); its error names the endpoint.
func (b *Backend) Body(v any, extra map[string]any, n provider.Nest) ([]byte, error) {
	body, err := provider.Body(v, extra, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return body, nil
}

// Name returns the endpoint's name.
func (b *Backend) Name() string { return b.Endpoint.Name }

// Logger returns the debug log.
func (b *Backend) Logger() *slog.Logger { return b.Options.Logger() }

// KeyHeader returns a new header that carries the endpoint's key in the
// header called name, after prefix ("Bearer "); without a key it is empty.
func (b *Backend) KeyHeader(name, prefix string) http.Header {
	h := http.Header{}
	if b.Endpoint.APIKey != "" {
		h.Set(name, prefix+b.Endpoint.APIKey)
	}
	return h
}

// Start streams the answer that fn reads, with the endpoint's key kept
// out of what it reports (see provider.Start).
func (b *Backend) Start(ctx context.Context, fn provider.RunFunc) <-chan provider.Chunk {
	return provider.Start(ctx, b.Endpoint, b.Options, fn)
}

// Open sends c to the endpoint (see Open).
func (b *Backend) Open(ctx context.Context, c Call) (io.ReadCloser, error) {
	c.Endpoint = b.Endpoint
	return Open(ctx, b.Options, c)
}

// GetJSON sends c to the endpoint and decodes its JSON answer into v (see
// GetJSON).
func (b *Backend) GetJSON(ctx context.Context, c Call, v any) error {
	c.Endpoint = b.Endpoint
	return GetJSON(ctx, b.Options, c, v)
}

// EventDecoder follows the server-sent events of one answer for
// Backend.ReadEvents. Its methods write what the answer carries to the
// Sink they are given.
type EventDecoder interface {
	// Event handles one event. done says that nothing more is to be
	// read: the wire's end marker, or what may follow the finish marker
	// (usage) has arrived.
	Event(ev stream.Event, s provider.Sink) (done bool, err error)
	// Reason is the stop reason, once the finish marker has arrived.
	Reason() string
	// Finish ends a complete answer (what the decoder still holds, the
	// usage) and returns its stop reason.
	Finish(s provider.Sink) (reason string, err error)
}

// A Holder is an EventDecoder that holds back part of what arrived (the
// start of a tag, say). Before an error ends the answer, ReadEvents hands
// that over with Flush: what arrived is shown, whatever ended it.
type Holder interface {
	Flush(s provider.Sink) bool
}

// ReadEvents reads rc, a body that Open returned, as server-sent events
// with d, and closes it. The answer is complete at d's end marker or once
// its finish marker has arrived: from then on the body is read only until
// it ends, or for at most provider.FinishGrace (see provider.Tail), and a
// fault loses nothing of the answer. A body that ends before the finish
// marker is a lost connection (see ReadFailed).
func (b *Backend) ReadEvents(rc io.ReadCloser, e *provider.Emitter, d EventDecoder) (string, error) {
	defer rc.Close()
	tail := provider.NewTail(rc)
	defer tail.Stop()
	flush := func() {
		if h, ok := d.(Holder); ok {
			h.Flush(e)
		}
	}
	sd := stream.NewDecoder(rc)
	done := false
	for !done && sd.Next() {
		var err error
		if done, err = d.Event(sd.Event(), e); err != nil {
			flush()
			return "", err
		}
		if !done && d.Reason() != "" {
			tail.Finished()
		}
	}
	if !done && d.Reason() == "" {
		flush()
		if err := sd.Err(); err != nil {
			return "", ReadFailed(e, b.Name(), err)
		}
		return "", e.Lost(nil) // the body ended before the finish marker
	}
	return d.Finish(e)
}

// ReadFailed reports the read error that ended a stream before its finish
// marker. An event or line over the decoder's bound says so, with the
// tokens that arrived; any other fault is a lost connection (see
// provider.Emitter.Lost). name prefixes the message. Either way the error
// is provider.ErrIncomplete.
func ReadFailed(e *provider.Emitter, name string, err error) error {
	if errors.Is(err, stream.ErrTooLarge) {
		return &incomplete{fmt.Errorf("%s: %w (after %d tokens)", name, err, e.Deltas())}
	}
	return e.Lost(fmt.Errorf("%s: %w", name, err))
}

// incomplete marks an error that ended an answer early as
// provider.ErrIncomplete, without changing its message.
type incomplete struct{ err error }

func (e *incomplete) Error() string { return e.err.Error() }

// Unwrap returns the error and provider.ErrIncomplete.
func (e *incomplete) Unwrap() []error { return []error{e.err, provider.ErrIncomplete} }
