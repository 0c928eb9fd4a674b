// Package langchain adapts a langchaingo llms.Model to provider.Provider,
// for the backends that Parley does not speak natively. One is wired:
// Amazon Bedrock (flavor "bedrock", the "bedrock" preset). Those whose
// wire Parley speaks itself go through their native backend instead,
// which sees every byte (Mistral, for one, is the "mistral" preset of the
// openai backend).
//
// langchaingo has clients for others that this adapter would serve the
// same way: Vertex AI (llms/googleai/vertex), Cohere (llms/cohere), IBM
// watsonx (llms/watsonx), Hugging Face's inference API (llms/huggingface),
// Cloudflare Workers AI (llms/cloudflare) and Baidu's ERNIE (llms/ernie).
// One is enabled by a constructor beside newBedrock in backends.go that
// builds its llms.Model (through httpx.StreamClient where the client
// takes an *http.Client, so that ca_file, proxies, the redirect rule and
// --idle-timeout apply), a case for its flavor in New, and a preset in
// provider/endpoints.go ({Type: TypeLangChain, Flavor: "cohere", ...});
// a user may then also write [providers.NAME] type = "langchain", flavor =
// "cohere" in the config. Its faults go into its backend's tests, run
// through providertest.Faults as Bedrock's are.
//
// langchaingo's streaming has faults that this adapter guards against:
//
//   - a dropped stream or a mid-stream error object often returns no error:
//     an answer without a stop reason is reported as incomplete;
//   - cancellation sometimes returns nil, and some clients ignore the
//     context altogether: ctx.Err() is checked here, and the stream ends
//     when ctx does, without waiting for the model's call to return;
//   - with both streaming callbacks set, the text arrives through both:
//     text is taken from StreamingFunc only, reasoning from the other;
//   - tool-call JSON arrives mixed into the text: no tools are ever sent.
//
// A fault it cannot repair: on a dropped Bedrock stream langchaingo may
// lose the last delta it had already received (the error is still
// reported).
package langchain

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

func init() {
	provider.Register(provider.TypeLangChain, func(ep provider.Endpoint, o provider.Options) (provider.Provider, error) {
		return New(ep, o)
	})
}

// Client is a provider backed by a langchaingo model.
type Client struct {
	ep    provider.Endpoint
	opts  provider.Options
	model llms.Model
	// classify turns the model's errors into provider errors.
	classify func(error) error
}

var (
	_ provider.Provider    = (*Client)(nil)
	_ provider.ModelLister = (*Client)(nil)
)

// flavors lists the flavors that New knows, for its errors.
const flavors = "bedrock"

// New builds the langchaingo model that ep.Flavor names.
func New(ep provider.Endpoint, o provider.Options) (*Client, error) {
	if ep.Name == "" {
		ep.Name = "langchain"
	}
	switch ep.Flavor {
	case "bedrock":
		return newBedrock(ep, o)
	case "":
		return nil, fmt.Errorf("%s: no flavor: set flavor to one of %s", ep.Name, flavors)
	}
	return nil, fmt.Errorf("%s: unknown flavor %q (one of %s)", ep.Name, ep.Flavor, flavors)
}

// NewModel wraps any langchaingo model; name prefixes its errors.
func NewModel(name string, m llms.Model, o provider.Options) *Client {
	return &Client{ep: provider.Endpoint{Name: name, Type: provider.TypeLangChain}, opts: o, model: m}
}

// Name returns the endpoint's name.
func (c *Client) Name() string { return c.ep.Name }

// Stream sends req through the model and streams the answer.
func (c *Client) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	if len(req.Extra) > 0 {
		return nil, fmt.Errorf("%s: -o options are not passed to langchaingo backends", c.ep.Name)
	}
	msgs, err := messages(c.ep, req)
	if err != nil {
		return nil, err
	}
	return provider.Start(ctx, c.ep, c.opts, func(ctx context.Context, e *provider.Emitter) (string, error) {
		return c.generate(ctx, e, msgs, callOptions(req))
	}), nil
}

// result is what GenerateContent returned.
type result struct {
	resp *llms.ContentResponse
	err  error
}

// generate runs one call. The model runs in its own goroutine, so that a
// client that ignores ctx cannot hold the stream open after a cancel; its
// callbacks then do nothing, and the goroutine ends when the model's call
// does.
func (c *Client) generate(ctx context.Context, e *provider.Emitter, msgs []llms.MessageContent, opts []llms.CallOption) (string, error) {
	g := &gate{}
	defer g.close() // no callback may touch e once this attempt is over
	outer := ctx
	ctx, touch, stop := c.watchIdle(ctx)
	defer stop()
	text := func(ctx context.Context, chunk []byte) error {
		g.do(func() {
			if ctx.Err() == nil {
				touch()
				g.streamed = true
				e.Text(string(chunk))
			}
		})
		return nil // an error would strand a context-blind client's reader
	}
	reasoning := func(ctx context.Context, reasoningChunk, _ []byte) error {
		g.do(func() {
			if ctx.Err() == nil {
				touch()
				e.Reasoning(string(reasoningChunk))
			}
		})
		return nil
	}
	opts = append(opts, llms.WithStreamingFunc(text), llms.WithStreamingReasoningFunc(reasoning))
	done := make(chan result, 1)
	go func() {
		resp, err := c.model.GenerateContent(ctx, msgs, opts...)
		done <- result{resp, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
	}
	// From here on no callback runs, and what they wrote is visible.
	g.close()
	if err := outer.Err(); err != nil {
		return "", err // cancelled, though the model may have returned nil
	}
	var te *provider.TimeoutError
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &te) {
		return "", e.Lost(fmt.Errorf("%s: %w", c.ep.Name, te))
	}
	if r.err != nil {
		return "", e.Lost(c.ep.Scrub(c.classifyErr(r.err)))
	}
	return c.finish(e, r.resp, g.streamed)
}

// watchIdle bounds the silence between two callbacks (and before the
// first) by Options.IdleTimeout: it returns a context that ends with a
// *provider.TimeoutError when touch was not called for that long, touch,
// and stop, which releases the watchdog.
func (c *Client) watchIdle(ctx context.Context) (_ context.Context, touch, stop func()) {
	d := c.opts.IdleTimeout
	if d <= 0 {
		return ctx, func() {}, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	cause := &provider.TimeoutError{Limit: d, Idle: true, Err: stream.ErrIdle}
	t := time.AfterFunc(d, func() { cancel(cause) })
	return ctx, func() { t.Reset(d) }, func() { t.Stop(); cancel(nil) }
}

// gate lets the model's callbacks reach the Emitter only while the attempt
// that set them runs.
type gate struct {
	mu       sync.Mutex
	closed   bool
	streamed bool // a text chunk arrived through the callback
}

func (g *gate) do(f func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		f()
	}
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

func (c *Client) classifyErr(err error) error {
	if c.classify != nil {
		if ce := c.classify(err); ce != nil {
			return ce
		}
	}
	return fmt.Errorf("%s: %w", c.ep.Name, err)
}

// errNoStop reports an answer that the model returned without a stop
// reason: langchaingo's sign of a dropped stream or a swallowed error.
var errNoStop = errors.New("the backend gave no stop reason, so the answer may be cut short")

// finish checks the response: one choice, with a stop reason.
func (c *Client) finish(e *provider.Emitter, resp *llms.ContentResponse, streamed bool) (string, error) {
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return "", e.Lost(fmt.Errorf("%s: %w", c.ep.Name, errNoStop))
	}
	ch := resp.Choices[0]
	if !streamed && !e.Text(ch.Content) {
		return "", context.Canceled // a backend that does not stream
	}
	if ch.StopReason == "" {
		return "", e.Lost(fmt.Errorf("%s: %w", c.ep.Name, errNoStop))
	}
	var u *provider.Usage
	if pu, ok := usage(ch.GenerationInfo); ok {
		u = &pu
	}
	atLimit := false
	switch ch.StopReason {
	case "max_tokens", "length", "MAX_TOKENS":
		atLimit = true
	}
	return ch.StopReason, provider.EndAnswer(e, u, atLimit)
}
