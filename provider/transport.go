package provider

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// MediaEventStream is the media type of server-sent events.
const MediaEventStream = "text/event-stream"

// maxJSONBody bounds a JSON response read by GetJSON.
const maxJSONBody = 16 << 20

// NewHTTPClient returns the HTTP client that providers share: proxies from
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY, the system's certificate
// authorities plus those in caFile (PEM) when it is not empty, and no
// overall timeout, since an answer may stream for minutes (Options.Timeout
// and Options.IdleTimeout bound it instead).
func NewHTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("provider: ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("provider: ca_file %s holds no PEM certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}, nil
}

var defaultClient = sync.OnceValue(func() *http.Client {
	c, _ := NewHTTPClient("") // cannot fail without a CA file
	return guard(c)
})

// TimeoutError reports a request that outlived Options.Timeout, or a
// response that was silent for longer than Options.IdleTimeout.
type TimeoutError struct {
	Limit time.Duration
	Idle  bool  // the silence between two reads, not the whole request
	Err   error // the underlying fault, if any (stream.ErrIdle)
}

func (e *TimeoutError) Error() string {
	if e.Idle {
		return "no data from the server for " + e.Limit.String() + " (--idle-timeout)"
	}
	return "request took longer than " + e.Limit.String() + " (--timeout)"
}

// Unwrap returns the underlying fault.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout reports true, as net.Error timeouts do.
func (e *TimeoutError) Timeout() bool { return true }

// Start is Run with o's retry policy, bounded by o.Timeout: every attempt
// shares one deadline, and a request that outlives it ends with a
// *TimeoutError (inside a *LostError once tokens have arrived). A wait
// before a retry that would end after the deadline is not begun. Every
// notice and error of the stream is scrubbed of ep's key, and the key
// goes only to the origin it was meant for (see checkRedirect).
func (o Options) Start(ctx context.Context, ep Endpoint, fn RunFunc) <-chan Chunk {
	ctx = withSecrets(ctx, ep.secrets())
	policy := o.RetryPolicy()
	if o.Timeout <= 0 {
		return Run(ctx, policy, fn)
	}
	deadline := time.Now().Add(o.Timeout)
	cause := &TimeoutError{Limit: o.Timeout}
	policy.deadline, policy.timeout = deadline, o.Timeout
	return Run(ctx, policy, func(ctx context.Context, e *Emitter) (string, error) {
		actx, cancel := context.WithDeadlineCause(ctx, deadline, cause)
		defer cancel()
		reason, err := fn(actx, e)
		if err != nil && ctx.Err() == nil && context.Cause(actx) == cause {
			var lost *LostError
			if !errors.As(err, &lost) {
				err = e.Lost(cause)
			}
		}
		return reason, err
	})
}

// Call is one HTTP request of a backend, for Options.Open.
type Call struct {
	// Endpoint is whom the call goes to: its name prefixes errors, its key
	// variable goes into advice, and its key is scrubbed from any error.
	Endpoint Endpoint
	Method   string // GET when empty
	URL      string
	Header   http.Header // sent as is; Content-Type is JSON when Body is set
	Body     []byte
	// Model goes into the advice for a 404.
	Model string
	// Accept lists the media types a successful response may have, and is
	// sent as the Accept header unless Header has one; empty accepts any. A
	// 200 of another type (an HTML error page from a proxy, say) fails with
	// "expected text/event-stream, got text/html".
	Accept []string
}

// Open sends c and returns the body of its successful response. The body
// must be closed. While waiting for the headers and between any two reads
// of the body, more than o.IdleTimeout of silence ends the request with a
// *TimeoutError. A status other than 2xx is an *APIError in the provider's
// words; a network failure is a *NetError in plain words. No error holds
// the key, and a redirect never carries it to another origin.
func (o Options) Open(ctx context.Context, c Call) (io.ReadCloser, error) {
	ep := c.Endpoint
	log := o.Logger()
	ctx = withSecrets(ctx, ep.secrets())
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	var rd io.Reader
	if c.Body != nil {
		rd = bytes.NewReader(c.Body)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(ctx, c.Method, c.URL, rd)
	if err != nil {
		cancel(nil)
		return nil, ep.Scrub(fmt.Errorf("%s: %w", ep.Name, err))
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(c.Accept) > 0 && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", strings.Join(c.Accept, ", "))
	}
	w := &watchedBody{ctx: ctx, cancel: cancel, idle: o.IdleTimeout}
	w.arm()
	start := time.Now()
	log.Debug("request", "provider", ep.Name, "method", c.Method, "url", ep.scrubString(redactURL(c.URL)), "bytes", len(c.Body))
	resp, err := o.Client().Do(req)
	if err != nil {
		err = w.cause(err)
		w.stop()
		log.Debug("request failed", "provider", ep.Name, "err", ep.scrubString(err.Error()))
		return nil, ep.Scrub(fmt.Errorf("%s: %w", ep.Name, unframe(err)))
	}
	w.watch(resp.Body)
	ct := resp.Header.Get("Content-Type")
	log.Debug("response", "provider", ep.Name, "status", resp.StatusCode, "content_type", ct, "after", time.Since(start).Round(time.Millisecond))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := ResponseError(ep.Name, resp, ep.KeyVar(nil), c.Model)
		w.Close()
		log.Debug("api error", "provider", ep.Name, "err", ep.scrubString(apiErr.Error()))
		return nil, ep.Scrub(apiErr)
	}
	if err := checkType(ct, c.Accept, w); err != nil {
		w.Close()
		return nil, ep.Scrub(fmt.Errorf("%s: %w", ep.Name, err))
	}
	return w, nil
}

// GetJSON sends c (a GET unless c.Method says otherwise), bounded by
// o.Timeout, and decodes its JSON response, of at most 16 MiB, into v.
// Its error, like a stream's, holds no key.
func (o Options) GetJSON(ctx context.Context, c Call, v any) error {
	return c.Endpoint.Scrub(o.getJSON(ctx, c, v))
}

func (o Options) getJSON(ctx context.Context, c Call, v any) error {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, &TimeoutError{Limit: o.Timeout})
		defer cancel()
	}
	rc, err := o.Open(ctx, c)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(io.LimitReader(rc, maxJSONBody)).Decode(v); err != nil {
		return fmt.Errorf("%s: malformed response from %s: %w", c.Endpoint.Name, redactURL(c.URL), err)
	}
	return nil
}

func checkType(ct string, accept []string, body io.Reader) error {
	if len(accept) == 0 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(ct)
	for _, a := range accept {
		if strings.EqualFold(mt, a) {
			return nil
		}
	}
	if mt == "" {
		mt = "no content type"
	}
	start, _ := io.ReadAll(io.LimitReader(body, 512))
	msg := fmt.Sprintf("expected %s, got %s", accept[0], mt)
	if s := Snippet(start, 120); s != "" {
		msg += ": " + s
	}
	return errors.New(msg)
}
