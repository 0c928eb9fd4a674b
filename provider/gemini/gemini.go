// Package gemini streams answers from the Gemini API
// (POST /v1beta/models/{model}:streamGenerateContent?alt=sse): each
// server-sent event holds a GenerateContentResponse whose parts are text or,
// with "thought": true, the model's reasoning.
package gemini

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
)

// DefaultBaseURL is the Gemini API's root.
const DefaultBaseURL = "https://generativelanguage.googleapis.com"

func init() { provider.Register(provider.TypeGemini, provider.FactoryOf(New)) }

// Client is the Gemini provider.
type Client struct{ httpx.Backend }

// FactoryOf(New) above checks that *Client is a provider.Provider.
var _ provider.ModelLister = (*Client)(nil)

// New returns a Client for ep; an empty BaseURL means DefaultBaseURL and
// an empty Name "gemini".
func New(ep provider.Endpoint, o provider.Options) *Client {
	return &Client{httpx.NewBackend(ep, o, "gemini", DefaultBaseURL, "/v1beta")}
}

func (c *Client) header() http.Header { return c.KeyHeader("x-goog-api-key", "") }

// Stream sends req to streamGenerateContent and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	gr := newGenerateRequest(req)
	body, err := c.Body(gr, req.Extra, nest)
	if err != nil {
		return nil, err
	}
	gr.GenerationConfig.ThinkingConfig = nil // what a model that cannot think is sent
	model := strings.TrimPrefix(req.Model, "models/")
	call := httpx.Call{
		Method: http.MethodPost,
		URL:    c.Base + "/v1beta/models/" + url.PathEscape(model) + ":streamGenerateContent?alt=sse",
		Header: c.header(), Body: body, Model: model, Accept: []string{provider.MediaEventStream},
	}
	return c.Start(ctx, func(ctx context.Context, e *provider.Emitter) (string, error) {
		rc, err := c.Open(ctx, call)
		if rejectsThinking(err) {
			c.Logger().Debug("resending without thinkingConfig", "provider", c.Name())
			retry := call
			retry.Body, _ = provider.Body(gr, req.Extra, nest) // it marshalled once already
			rc, err = c.Open(ctx, retry)
		}
		if err != nil {
			return "", c.advise(err)
		}
		return c.ReadEvents(rc, e, &decoder{name: c.Name()})
	}), nil
}

// rejectsThinking reports a 400 from a model that does not think.
func rejectsThinking(err error) bool {
	var ae *provider.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest &&
		(strings.Contains(ae.Message, "hinking") || strings.Contains(ae.Message, "includeThoughts"))
}

// advise adds the advice that the generic one misses: Gemini answers a bad
// key with 400 INVALID_ARGUMENT, not 401.
func (c *Client) advise(err error) error {
	var ae *provider.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusBadRequest && strings.Contains(ae.Message, "API key") {
		ae.Advice = "check the API key in " + c.Endpoint.KeyVar(nil)
	}
	return err
}

// ListModels returns the models that GET /v1beta/models lists as able to
// generate content, without their "models/" prefix, sorted.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	var ids []string
	token := ""
	for page := 0; page < 50; page++ {
		q := url.Values{"pageSize": {"1000"}}
		if token != "" {
			q.Set("pageToken", token)
		}
		var list modelList
		call := httpx.Call{URL: c.Base + "/v1beta/models?" + q.Encode(), Header: c.header()}
		if err := c.GetJSON(ctx, call, &list); err != nil {
			return nil, c.advise(err)
		}
		for _, m := range list.Models {
			if slices.Contains(m.SupportedGenerationMethods, "generateContent") {
				ids = append(ids, strings.TrimPrefix(m.Name, "models/"))
			}
		}
		if list.NextPageToken == "" || list.NextPageToken == token {
			break
		}
		token = list.NextPageToken
	}
	slices.Sort(ids)
	return ids, nil
}
