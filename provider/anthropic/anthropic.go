// Package anthropic streams answers from Anthropic's Messages API
// (POST /v1/messages with "stream": true): server-sent events named
// message_start, content_block_start/delta/stop, message_delta,
// message_stop, ping and error.
package anthropic

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/stream"
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
type Client struct{ b httpx.Backend }

var (
	_ provider.Provider    = (*Client)(nil)
	_ provider.ModelLister = (*Client)(nil)
)

// New returns a Client for ep; an empty BaseURL means DefaultBaseURL and
// an empty Name "anthropic". The base URL is the API root; one that already
// ends in /v1 is taken as well.
func New(ep provider.Endpoint, o provider.Options) *Client {
	return &Client{b: httpx.NewBackend(ep, o, "anthropic", DefaultBaseURL, "/v1")}
}

// Name returns the endpoint's name.
func (c *Client) Name() string { return c.b.Name() }

func (c *Client) header() http.Header {
	h := c.b.KeyHeader("x-api-key", "")
	h.Set("anthropic-version", Version)
	return h
}

// Stream sends req to /v1/messages and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	body, err := provider.Body(newMessagesRequest(req), req.Extra, provider.Nest{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name(), err)
	}
	call := httpx.Call{
		Method: http.MethodPost, URL: c.b.Base + "/v1/messages",
		Header: c.header(), Body: body, Model: req.Model, Accept: []string{provider.MediaEventStream},
	}
	return c.b.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		rc, err := c.b.Open(ctx, call)
		if err != nil {
			return "", err
		}
		return httpx.Events(rc, func(sd *stream.Decoder, tail *provider.Tail) (string, error) {
			return c.decode(sd, e, tail)
		})
	}), nil
}

// decode reads events until message_stop or the end of the body. The
// message_delta with the stop_reason comes after the last content block
// has ended: the answer is complete, and message_stop is waited for only
// until the body ends or provider.FinishGrace has passed.
func (c *Client) decode(sd *stream.Decoder, e *provider.Emitter, tail *provider.Tail) (string, error) {
	d := decoder{name: c.Name()}
	for sd.Next() {
		ev := sd.Event()
		done, err := d.handle(ev.Type, []byte(ev.Data), e)
		if err != nil {
			return "", err
		}
		if done {
			return d.reason, nil
		}
		if d.reason != "" {
			tail.Finished()
		}
	}
	if d.reason != "" {
		// A fault after the stop_reason loses nothing of the answer.
		return d.reason, d.finish(e)
	}
	if err := sd.Err(); err != nil {
		return "", provider.ReadFailed(e, c.Name(), err)
	}
	return "", e.Lost(nil) // the body ended before the stop_reason
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
		call := httpx.Call{URL: c.b.Base + "/v1/models?" + q.Encode(), Header: c.header()}
		if err := c.b.GetJSON(ctx, call, &list); err != nil {
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
