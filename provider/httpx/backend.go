package httpx

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// Backend is the part that every HTTP backend shares: the endpoint it
// talks to, the options it obeys and the root of the API its requests go
// to. A backend's Client holds one and makes every request through it:
//
//	func New(ep provider.Endpoint, o provider.Options) *Client {
//		return &Client{b: httpx.NewBackend(ep, o, "acme", DefaultBaseURL, "/v1")}
//	}
//
//	func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
//		call := httpx.Call{Method: http.MethodPost, URL: c.b.Base + "/v1/chat", ...}
//		return c.b.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
//			rc, err := c.b.Open(ctx, call)
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

// Events reads rc, a body that Open returned, as server-sent events with
// decode, and closes it. The Tail that decode is given closes rc a
// moment after decode calls Finished (see provider.Tail).
func Events(rc io.ReadCloser, decode func(*stream.Decoder, *provider.Tail) (string, error)) (string, error) {
	defer rc.Close()
	tail := provider.NewTail(rc)
	defer tail.Stop()
	return decode(stream.NewDecoder(rc), tail)
}
