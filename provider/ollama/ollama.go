// Package ollama streams answers from Ollama's native chat API
// (POST /api/chat): newline-delimited JSON objects with the answer in
// message.content, reasoning in message.thinking, and a final "done" line
// with token counts.
package ollama

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/stream"
)

// DefaultBaseURL is where a local Ollama listens.
const DefaultBaseURL = "http://localhost:11434"

func init() { provider.Register(provider.TypeOllama, provider.FactoryOf(New)) }

// Client is the Ollama provider.
type Client struct{ httpx.Backend }

// FactoryOf(New) above checks that *Client is a provider.Provider.
var _ provider.ModelLister = (*Client)(nil)

// New returns a Client for ep; an empty BaseURL means DefaultBaseURL and
// an empty Name "ollama". The base URL may be written as OLLAMA_HOST is:
// without a scheme or port ("0.0.0.0", "gpu-box:11434").
func New(ep provider.Endpoint, o provider.Options) *Client {
	ep.BaseURL = BaseURL(ep.BaseURL)
	return &Client{httpx.NewBackend(ep, o, "ollama", DefaultBaseURL, "")}
}

// BaseURL normalises an OLLAMA_HOST-style address to a URL: "http://" when
// there is no scheme, port 11434 when there is none, and 127.0.0.1 for the
// listen-everywhere address 0.0.0.0.
func BaseURL(host string) string {
	host = strings.TrimRight(strings.TrimSpace(host), "/")
	if host == "" {
		return DefaultBaseURL
	}
	if !strings.Contains(host, "://") {
		host = "http://" + host
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return host // Validate reports it
	}
	h, port := u.Hostname(), u.Port()
	if h == "" || h == "0.0.0.0" || h == "::" {
		h = "127.0.0.1"
	}
	if port == "" && u.Scheme == "http" {
		port = "11434"
	}
	if port != "" {
		u.Host = net.JoinHostPort(h, port)
	} else if strings.Contains(h, ":") {
		u.Host = "[" + h + "]"
	} else {
		u.Host = h
	}
	return strings.TrimSuffix(strings.TrimRight(u.String(), "/"), "/api")
}

// header carries the key that a proxy in front of Ollama may want.
func (c *Client) header() http.Header { return c.KeyHeader("Authorization", "Bearer ") }

// Stream sends req to /api/chat and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	body, err := c.Body(newChatRequest(req), req.Extra, nest)
	if err != nil {
		return nil, err
	}
	call := httpx.Call{
		Method: http.MethodPost, URL: c.Base + "/api/chat",
		Header: c.header(), Body: body, Model: req.Model,
		Accept: []string{"application/x-ndjson", "application/json"},
	}
	return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		rc, err := c.Open(ctx, call)
		if err != nil {
			return "", c.advise(err, req.Model)
		}
		defer rc.Close()
		return c.decode(stream.NewNDJSON(rc), e, req.Model)
	}), nil
}

func (c *Client) decode(nd *stream.NDJSONReader, e *provider.Emitter, model string) (string, error) {
	d := decoder{name: c.Name(), model: model}
	for !d.done && nd.Next() {
		if err := d.handle(nd.Bytes(), e); err != nil {
			return "", err
		}
	}
	if !d.done {
		if err := nd.Err(); err != nil {
			var le *stream.LineError
			if errors.As(err, &le) {
				return "", fmt.Errorf("%s: malformed line after %d tokens: %w", c.Name(), e.Deltas(), err)
			}
			return "", httpx.ReadFailed(e, c.Name(), err)
		}
		return "", e.Lost(nil) // the body ended without a "done" line
	}
	if err := provider.EndAnswer(e, &d.usage, d.reason == "length"); err != nil {
		return "", err
	}
	if d.called {
		return "", provider.ToolCallError(c.Name(), d.tools) // done_reason "stop" all the same
	}
	return d.reason, nil
}

var notFound = regexp.MustCompile(`model ['"]?[^'"]*['"]? not found`)

// adviceFor turns Ollama's messages into what to do about them.
func adviceFor(msg, model string) string {
	if notFound.MatchString(msg) && model != "" {
		return "model " + model + " is not available here; run: ollama pull " + model
	}
	return ""
}

// advise rewrites the errors a local Ollama gives most often: a model that
// is not pulled, and a server that is not running.
func (c *Client) advise(err error, model string) error {
	var ae *provider.APIError
	if errors.As(err, &ae) {
		if a := adviceFor(ae.Message, model); a != "" && (ae.Status == http.StatusNotFound || ae.Status == 0) {
			ae.Advice = a
		}
		return err
	}
	var ne *provider.NetError
	if errors.As(err, &ne) && (ne.Kind == provider.NetRefused || ne.Kind == provider.NetConnect) {
		c := *ne
		c.Advice = "is Ollama running? start it with: ollama serve, or set OLLAMA_HOST"
		return &c
	}
	return err
}

// ListModels returns the models that GET /api/tags lists, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var tags tagList
	call := httpx.Call{URL: c.Base + "/api/tags", Header: c.header()}
	if err := c.GetJSON(ctx, call, &tags); err != nil {
		return nil, c.advise(err, "")
	}
	ids := make([]string, 0, len(tags.Models))
	for _, m := range tags.Models {
		name := m.Name
		if name == "" {
			name = m.Model
		}
		ids = append(ids, name)
	}
	slices.Sort(ids)
	return ids, nil
}
