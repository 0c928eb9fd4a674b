// Package demo is Parley's offline provider. It starts an OpenAI-compatible
// server on 127.0.0.1 for each answer and streams a fixed markdown answer
// from it at a human pace, so that `parley -m demo` exercises the real
// network, SSE decoding and rendering path on a machine with no network
// and no keys.
package demo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/openai"
)

// Models served by the demo: "demo" streams at about 40 tokens a second,
// "fast" as fast as it can.
var Models = []string{"demo", "fast"}

// DefaultDelay is the pause between two tokens of the "demo" model.
const DefaultDelay = 25 * time.Millisecond

// Client is the demo provider.
type Client struct {
	// Delay overrides the pause between tokens when not zero; a negative
	// value means no pause.
	Delay time.Duration
	// Options bound and log an answer as they do any provider's: Timeout,
	// IdleTimeout and Debug apply. The HTTP client stays the demo's own
	// (loopback, no proxy), and nothing is retried.
	Options provider.Options
}

var (
	_ provider.Provider    = (*Client)(nil)
	_ provider.ModelLister = (*Client)(nil)
)

// Name returns "demo".
func (c *Client) Name() string { return "demo" }

// ListModels returns the demo's models.
func (c *Client) ListModels(context.Context) ([]string, error) {
	return append([]string(nil), Models...), nil
}

// Stream starts a loopback server (internal/chatserver) for this answer
// and reads it back with the OpenAI client.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	if err := provider.RefuseImages("demo", req); err != nil {
		return nil, err // its canned answers have no eyes
	}
	delay := c.Delay
	switch {
	case delay < 0:
		delay = 0
	case delay == 0 && req.Model == "fast":
		delay = 0
	case delay == 0:
		delay = DefaultDelay
	}
	srv, err := chatserver.Start(chatserver.Options{Model: "demo", AnswerFor: func(r chatserver.Request) chatserver.Answer {
		return answer(r.Prompt(), delay)
	}})
	if err != nil {
		return nil, fmt.Errorf("demo: starting the local server: %w", err)
	}
	client := openai.New(provider.Endpoint{Name: "demo", Type: provider.TypeOpenAI, BaseURL: srv.URL},
		provider.Options{
			HTTPClient:  &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}},
			Retry:       &provider.RetryPolicy{},
			Timeout:     c.Options.Timeout,
			IdleTimeout: c.Options.IdleTimeout,
			Debug:       c.Options.Debug,
		})
	in, err := client.Stream(ctx, req)
	if err != nil {
		srv.Close()
		return nil, err
	}
	// The local server lives as long as the answer; Relay keeps the
	// stream's contract through the hand-over.
	return provider.Relay(ctx, in, func() { srv.Close() }), nil
}

func init() {
	provider.Register(provider.TypeDemo, func(_ provider.Endpoint, o provider.Options) (provider.Provider, error) {
		return &Client{Options: o}, nil
	})
}
