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
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/stream"
)

// DefaultBaseURL is OpenAI's own endpoint.
const DefaultBaseURL = "https://api.openai.com/v1"

func init() { provider.Register(provider.TypeOpenAI, provider.FactoryOf(New)) }

// Client is an OpenAI-compatible provider.
type Client struct{ httpx.Backend }

// FactoryOf(New) above checks that *Client is a provider.Provider.
var _ provider.ModelLister = (*Client)(nil)

// New returns a Client for ep; an empty BaseURL means DefaultBaseURL and
// an empty Name "openai". The base URL is the API root, to which
// "/chat/completions" is appended.
func New(ep provider.Endpoint, o provider.Options) *Client {
	return &Client{httpx.NewBackend(ep, o, "openai", DefaultBaseURL, "")}
}

func (c *Client) header() http.Header { return c.KeyHeader("Authorization", "Bearer ") }

// Stream sends req to /chat/completions and streams the answer. A request
// that the server rejects for a parameter it does not take is adapted and
// sent again (see fixes).
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	cr := newChatRequest(c.Endpoint, req)
	first, err := c.Body(cr, req.Extra, provider.Nest{})
	if err != nil {
		return nil, err
	}
	return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		r, body := cr, first
		for { // each fix applies once, so this ends
			reason, err := c.attempt(ctx, e, body, req.Model)
			if !fix(&r, err) {
				return reason, err
			}
			c.Logger().Debug("resending adapted to the server", "provider", c.Name(), "err", err)
			body, _ = provider.Body(r, req.Extra, provider.Nest{}) // it marshalled once already
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
	rc, err := c.Open(ctx, httpx.Call{
		Method: http.MethodPost, URL: c.Base + "/chat/completions",
		Header: c.header(), Body: body, Model: model, Accept: []string{provider.MediaEventStream, "application/json"},
	})
	if err != nil {
		return "", err
	}
	// A server that ignores "stream": true answers with the whole
	// completion, or a 200 with an error, as one JSON document.
	rc, first := httpx.Leading(rc)
	if first == '{' {
		return c.readWhole(rc, e)
	}
	return c.ReadEvents(rc, e, &decoder{name: c.Name()})
}

// maxWhole bounds a completion that comes whole.
const maxWhole = 16 << 20

// readWhole reads an answer that came as one JSON document.
func (c *Client) readWhole(rc io.ReadCloser, e *provider.Emitter) (string, error) {
	defer rc.Close()
	c.Logger().Debug("the answer came whole, not streamed", "provider", c.Name())
	data, err := io.ReadAll(io.LimitReader(rc, maxWhole+1))
	if err == nil && len(data) > maxWhole {
		err = stream.ErrTooLarge
	}
	if err != nil {
		return "", httpx.ReadFailed(e, c.Name(), err)
	}
	d := &decoder{name: c.Name()}
	if err := d.whole(data, e); err != nil {
		return "", err
	}
	return d.Finish(e)
}

// ListModels returns the IDs that GET /models lists, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var list modelList
	call := httpx.Call{URL: c.Base + "/models", Header: c.header()}
	if err := c.GetJSON(ctx, call, &list); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids, nil
}
