// Package openai streams answers from the OpenAI Chat Completions API and
// from every server that speaks it (vLLM, llama.cpp, LM Studio, Ollama's
// /v1, OpenRouter, Groq, DeepSeek...).
//
// Text comes from delta.content; reasoning from delta.reasoning_content
// (DeepSeek, vLLM), delta.reasoning (OpenRouter, Ollama) or a <think>…</think>
// block that opens the content (models served raw); usage from the chunk
// that stream_options.include_usage adds, or from the finish chunk. A
// stream is complete at "data: [DONE]" or, for servers that omit it, when
// the body ends after a finish_reason.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// DefaultBaseURL is OpenAI's own endpoint.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a Client.
type Config struct {
	// Name is the provider name shown in errors ("openai", "groq"...).
	Name string
	// BaseURL is the API root; "/chat/completions" is appended.
	BaseURL string
	// APIKey is sent as a bearer token when not empty.
	APIKey string
	// KeyEnv names the variable the key came from, for advice on 401.
	KeyEnv string
	// HTTPClient sends the requests; nil means provider.NewHTTPClient's.
	HTTPClient *http.Client
	// Retry says how requests are retried before the first token; the zero
	// value retries nothing.
	Retry provider.RetryPolicy
	// Timeout bounds a whole request and IdleTimeout the silence between
	// two reads (see provider.Options); 0 means no bound.
	Timeout, IdleTimeout time.Duration
	// Debug receives a debug log; nil means none.
	Debug *slog.Logger
	// WrapBody, if set, wraps each response body (a test's fault injector,
	// say).
	WrapBody func(io.ReadCloser) io.ReadCloser
}

// Client is an OpenAI-compatible provider.
type Client struct {
	cfg  Config
	ep   provider.Endpoint
	opts provider.Options
}

var (
	_ provider.Provider    = (*Client)(nil)
	_ provider.ModelLister = (*Client)(nil)
)

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) *Client {
	if cfg.Name == "" {
		cfg.Name = "openai"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	retry := cfg.Retry
	return &Client{
		cfg: cfg,
		ep:  provider.Endpoint{Name: cfg.Name, Type: provider.TypeOpenAI, BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, APIKeyEnv: cfg.KeyEnv},
		opts: provider.Options{HTTPClient: cfg.HTTPClient, Retry: &retry,
			Timeout: cfg.Timeout, IdleTimeout: cfg.IdleTimeout, Debug: cfg.Debug},
	}
}

// Name returns the provider's name.
func (c *Client) Name() string { return c.cfg.Name }

func (c *Client) header() http.Header {
	h := http.Header{}
	if c.cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	return h
}

// Stream sends req to /chat/completions and streams the answer. A request
// that the server rejects for a parameter it does not take is adapted and
// sent again (see fixes).
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	cr := newChatRequest(req)
	if _, err := json.Marshal(cr); err != nil {
		return nil, fmt.Errorf("%s: %w", c.cfg.Name, err)
	}
	return c.opts.Start(ctx, c.ep, func(ctx context.Context, e *provider.Emitter) (string, error) {
		r := cr
		for { // each fix applies once, so this ends
			body, _ := json.Marshal(r)
			reason, err := c.attempt(ctx, e, body, req.Model)
			if !fix(&r, err) {
				return reason, err
			}
			c.opts.Logger().Debug("resending adapted to the server", "provider", c.cfg.Name, "err", err)
		}
	}), nil
}

// fixes adapt a request that a server rejected with a 400 or 422 naming a
// parameter: servers that do not know stream_options, and OpenAI's
// reasoning models, which want max_completion_tokens for max_tokens.
var fixes = []struct {
	word  string
	apply func(*chatRequest) bool
}{
	{"stream_options", func(r *chatRequest) bool {
		ok := r.StreamOptions != nil
		r.StreamOptions = nil
		return ok
	}},
	{"max_completion_tokens", func(r *chatRequest) bool {
		if r.MaxTokens == 0 {
			return false
		}
		r.MaxCompletionTokens, r.MaxTokens = r.MaxTokens, 0
		return true
	}},
}

// fix adapts r to the error that rejected it; it reports whether it did.
func fix(r *chatRequest, err error) bool {
	var ae *provider.APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusUnprocessableEntity) {
		return false
	}
	for _, f := range fixes {
		if strings.Contains(ae.Message, f.word) && f.apply(r) {
			return true
		}
	}
	return false
}

func (c *Client) attempt(ctx context.Context, e *provider.Emitter, body []byte, model string) (string, error) {
	rc, err := c.opts.Open(ctx, provider.Call{
		Endpoint: c.ep, Method: http.MethodPost, URL: c.cfg.BaseURL + "/chat/completions",
		Header: c.header(), Body: body, Model: model, Accept: []string{provider.MediaEventStream},
	})
	if err != nil {
		return "", err
	}
	if c.cfg.WrapBody != nil {
		rc = c.cfg.WrapBody(rc)
	}
	defer rc.Close()
	tail := provider.NewTail(rc)
	defer tail.Stop()
	return c.decode(stream.NewDecoder(rc), e, tail)
}

// decode reads the answer's events until [DONE] or the end of the body.
// Once the finish_reason has arrived it reads on only until the usage
// chunk that may follow, and for at most provider.FinishGrace.
func (c *Client) decode(sd *stream.Decoder, e *provider.Emitter, tail *provider.Tail) (string, error) {
	d := decoder{name: c.cfg.Name}
	for sd.Next() {
		done, err := d.handle([]byte(sd.Event().Data), e)
		if err != nil {
			d.think.flush(e) // what arrived is shown, whatever ended it
			return "", err
		}
		if done || d.usageAfter {
			break
		}
		if d.reason != "" {
			tail.Finished()
		}
	}
	if !d.done && d.reason == "" {
		d.think.flush(e)
		if err := sd.Err(); err != nil {
			return "", provider.ReadFailed(e, c.cfg.Name, err)
		}
		return "", e.Lost(nil) // neither a finish_reason nor [DONE]
	}
	// A fault after the finish_reason loses nothing of the answer.
	return d.finish(e)
}

// ListModels returns the IDs that GET /models lists, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var list modelList
	call := provider.Call{Endpoint: c.ep, URL: c.cfg.BaseURL + "/models", Header: c.header()}
	if err := c.opts.GetJSON(ctx, call, &list); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids, nil
}
