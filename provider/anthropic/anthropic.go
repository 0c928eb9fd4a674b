// Package anthropic streams answers from Anthropic's Messages API
// (POST /v1/messages with "stream": true): server-sent events named
// message_start, content_block_start/delta/stop, message_delta,
// message_stop, ping and error.
package anthropic

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
)

const (
	// DefaultBaseURL is Anthropic's API root.
	DefaultBaseURL = "https://api.anthropic.com"
	// Version is the anthropic-version header sent with every request.
	Version = "2023-06-01"
	// DefaultMaxTokens is sent when the request sets no limit, since the
	// API requires one. Every current model accepts it.
	DefaultMaxTokens = 4096
)

func init() { provider.Register(provider.TypeAnthropic, provider.FactoryOf(New)) }

// Client is the Anthropic provider.
type Client struct{ httpx.Backend }

// FactoryOf(New) above checks that *Client is a provider.Provider.
var _ provider.ModelLister = (*Client)(nil)

// New returns a Client for ep; an empty BaseURL means DefaultBaseURL and
// an empty Name "anthropic". The base URL is the API root; one that already
// ends in /v1 is taken as well.
func New(ep provider.Endpoint, o provider.Options) *Client {
	return &Client{httpx.NewBackend(ep, o, "anthropic", DefaultBaseURL, "/v1")}
}

func (c *Client) header() http.Header {
	h := c.KeyHeader("x-api-key", "")
	h.Set("anthropic-version", Version)
	return h
}

// Stream sends req to /v1/messages and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	body, err := c.Body(newMessagesRequest(req), req.Extra, provider.Nest{})
	if err != nil {
		return nil, err
	}
	call := httpx.Call{
		Method: http.MethodPost, URL: c.Base + "/v1/messages",
		Header: c.header(), Body: body, Model: req.Model, Accept: []string{provider.MediaEventStream},
	}
	return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		rc, err := c.Open(ctx, call)
		if err != nil {
			return "", err
		}
		return c.ReadEvents(rc, e, &decoder{name: c.Name()})
	}), nil
}

// ListModels returns the IDs that GET /v1/models lists, following its
// pages, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var ids []string
	after := ""
	for page := 0; page < 50; page++ {
		q := url.Values{"limit": {"1000"}}
		if after != "" {
			q.Set("after_id", after)
		}
		var list modelList
		call := httpx.Call{URL: c.Base + "/v1/models?" + q.Encode(), Header: c.header()}
		if err := c.GetJSON(ctx, call, &list); err != nil {
			return nil, err
		}
		for _, m := range list.Data {
			ids = append(ids, m.ID)
		}
		if !list.HasMore || list.LastID == "" || list.LastID == after {
			break
		}
		after = list.LastID
	}
	slices.Sort(ids)
	return ids, nil
}
