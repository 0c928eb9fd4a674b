// Package demo is Parley's offline provider. It starts an OpenAI-compatible
// server on 127.0.0.1 for each answer and streams a fixed markdown answer
// from it at a human pace, so that `parley -m demo` exercises the real
// network, SSE decoding and rendering path on a machine with no network
// and no keys.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

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

// Stream starts a loopback server for this answer and reads it back with
// the OpenAI client.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	delay := c.Delay
	switch {
	case delay < 0:
		delay = 0
	case delay == 0 && req.Model == "fast":
		delay = 0
	case delay == 0:
		delay = DefaultDelay
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: starting the local server: %w", err)
	}
	srv := &http.Server{Handler: handler(delay), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // Serve returns ErrServerClosed after Close.
	client := openai.New(provider.Endpoint{Name: "demo", Type: provider.TypeOpenAI, BaseURL: "http://" + ln.Addr().String() + "/v1"},
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
	out := make(chan provider.Chunk, cap(in))
	go func() {
		defer close(out)
		defer srv.Close()
		for ch := range in {
			select {
			case out <- ch:
			case <-ctx.Done():
				// The reader may be gone: offer the rest without blocking.
				select {
				case out <- ch:
				default:
				}
			}
		}
	}()
	return out, nil
}

// handler serves /v1/chat/completions with the demo answer.
func handler(delay time.Duration) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Model    string             `json:"model"`
			Messages []provider.Message `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, `{"error":{"message":"bad request body"}}`, http.StatusBadRequest)
			return
		}
		prompt := ""
		if n := len(body.Messages); n > 0 {
			prompt = body.Messages[n-1].Content
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		flusher, _ := w.(http.Flusher)
		send := func(v any) bool {
			b, _ := json.Marshal(v)
			if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
				return false
			}
			if flusher != nil {
				flusher.Flush()
			}
			return sleep(r.Context(), delay)
		}
		for _, tok := range Tokens(reasoningText) {
			if !send(delta("reasoning_content", tok)) {
				return
			}
		}
		answer := Tokens(Answer(prompt))
		for _, tok := range answer {
			if !send(delta("content", tok)) {
				return
			}
		}
		send(map[string]any{"choices": []any{map[string]any{"delta": map[string]any{}, "finish_reason": "stop"}}})
		send(map[string]any{"choices": []any{}, "usage": map[string]any{
			"prompt_tokens": len(Tokens(prompt)), "completion_tokens": len(answer),
		}})
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	return mux
}

func delta(field, text string) map[string]any {
	return map[string]any{"choices": []any{map[string]any{"delta": map[string]any{field: text}}}}
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func init() {
	provider.Register(provider.TypeDemo, func(_ provider.Endpoint, o provider.Options) (provider.Provider, error) {
		return &Client{Options: o}, nil
	})
}
