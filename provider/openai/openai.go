// Package openai streams answers from the OpenAI Chat Completions API and
// from every server that speaks it (vLLM, llama.cpp, LM Studio, Ollama's
// /v1, OpenRouter, Groq, DeepSeek...).
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"

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
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Retry says how requests are retried before the first token.
	Retry provider.RetryPolicy
	// WrapBody, if set, wraps each response body (an idle watchdog, say).
	WrapBody func(io.ReadCloser) io.ReadCloser
}

// Client is an OpenAI-compatible provider.
type Client struct{ cfg Config }

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
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	return &Client{cfg: cfg}
}

// Name returns the provider's name.
func (c *Client) Name() string { return c.cfg.Name }

// Stream sends req to /chat/completions and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	body, err := json.Marshal(newChatRequest(req))
	if err != nil {
		return nil, fmt.Errorf("openai: %w", err)
	}
	return provider.Run(ctx, c.cfg.Retry, func(ctx context.Context, e *provider.Emitter) (string, error) {
		return c.attempt(ctx, e, body, req.Model)
	}), nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.cfg.Name, err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	return hr, nil
}

func (c *Client) attempt(ctx context.Context, e *provider.Emitter, body []byte, model string) (string, error) {
	hr, err := c.newRequest(ctx, http.MethodPost, "/chat/completions", body)
	if err != nil {
		return "", err
	}
	hr.Header.Set("Accept", "text/event-stream")
	resp, err := c.cfg.HTTPClient.Do(hr)
	if err != nil {
		return "", err
	}
	rc := resp.Body
	if c.cfg.WrapBody != nil {
		rc = c.cfg.WrapBody(rc)
	}
	defer rc.Close()
	if resp.StatusCode != http.StatusOK {
		return "", provider.ResponseError(c.cfg.Name, resp, c.cfg.KeyEnv, model)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		snippet, _ := io.ReadAll(io.LimitReader(rc, 512))
		return "", fmt.Errorf("%s: expected text/event-stream, got %s: %s", c.cfg.Name, orNone(mt), provider.Snippet(snippet, 120))
	}
	return c.decode(e, stream.NewDecoder(rc))
}

func orNone(mt string) string {
	if mt == "" {
		return "no content type"
	}
	return mt
}

// decode reads the answer's events until [DONE] or the end of the body.
func (c *Client) decode(e *provider.Emitter, d *stream.Decoder) (string, error) {
	var reason string
	finished := false
	for d.Next() {
		ev := d.Event()
		if ev.Data == "[DONE]" {
			return reason, nil
		}
		var ch chunk
		if err := json.Unmarshal([]byte(ev.Data), &ch); err != nil {
			return "", fmt.Errorf("%s: malformed chunk after %d tokens: %v: %s", c.cfg.Name, e.Tokens(), err, provider.Snippet([]byte(ev.Data), 80))
		}
		if len(ch.Error) > 0 && string(ch.Error) != "null" {
			typ, msg := provider.ErrorMessage([]byte(`{"error":` + string(ch.Error) + `}`))
			return "", &provider.APIError{Provider: c.cfg.Name, Type: typ, Message: msg}
		}
		for _, choice := range ch.Choices {
			delta := choice.Delta
			if !e.Reasoning(delta.ReasoningContent) || !e.Reasoning(delta.Reasoning) || !e.Text(delta.Content) {
				return "", context.Canceled
			}
			if choice.FinishReason != nil && *choice.FinishReason != "" {
				reason, finished = *choice.FinishReason, true
			}
		}
		if ch.Usage != nil {
			e.Usage(ch.usage())
		}
	}
	if err := d.Err(); err != nil {
		return "", e.Lost(fmt.Errorf("%s: %w", c.cfg.Name, err))
	}
	if finished {
		return reason, nil
	}
	return "", e.Lost(nil)
}

// ListModels returns the IDs that GET /models lists, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	hr, err := c.newRequest(ctx, http.MethodGet, "/models", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.cfg.HTTPClient.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, provider.ResponseError(c.cfg.Name, resp, c.cfg.KeyEnv, "")
	}
	var list modelList
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: listing models: %w", c.cfg.Name, err)
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids, nil
}
