package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// maxJSONBody bounds a JSON response read by GetJSON.
const maxJSONBody = 16 << 20

// Call is one HTTP request of a backend, for Open.
type Call struct {
	// Endpoint is whom the call goes to: its name prefixes errors, its key
	// variable goes into advice, and its key is scrubbed from any error.
	Endpoint provider.Endpoint
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

// Open sends c with o's client and returns the body of its successful
// response. The body must be closed. While waiting for the headers (see
// StreamClient) and between any two reads of the body, more than
// o.IdleTimeout of silence ends the request with a *provider.TimeoutError.
// A status other than 2xx is a *provider.APIError in the provider's words;
// a network failure is a *provider.NetError in plain words. No error holds
// the key, and a redirect never carries it to another origin.
func Open(ctx context.Context, o provider.Options, c Call) (io.ReadCloser, error) {
	ep := c.Endpoint
	log := o.Logger()
	ctx = provider.WithSecrets(ctx, ep)
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	var rd io.Reader
	if c.Body != nil {
		rd = bytes.NewReader(c.Body)
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, c.URL, rd)
	if err != nil {
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
	start := time.Now()
	log.Debug("request", "provider", ep.Name, "method", c.Method, "url", ep.ScrubText(provider.RedactURL(c.URL)), "bytes", len(c.Body))
	resp, err := StreamClient(o).Do(req)
	if err != nil {
		err = timedOut(ctx, err)
		log.Debug("request failed", "provider", ep.Name, "err", ep.ScrubText(err.Error()))
		return nil, ep.Scrub(fmt.Errorf("%s: %w", ep.Name, unframe(err)))
	}
	// The gate is outside the idle watchdog: a read held back by it is
	// not a silent server.
	body := provider.GateBody(ctx, &watchedBody{ctx: ctx, rc: stream.WatchIdle(resp.Body, o.IdleTimeout)})
	ct := resp.Header.Get("Content-Type")
	log.Debug("response", "provider", ep.Name, "status", resp.StatusCode, "content_type", ct, "after", time.Since(start).Round(time.Millisecond))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := ResponseError(ep.Name, resp, ep.KeyVar(nil), c.Model)
		body.Close()
		log.Debug("api error", "provider", ep.Name, "err", ep.ScrubText(apiErr.Error()))
		return nil, ep.Scrub(apiErr)
	}
	head, err := checkType(ct, c.Accept, body)
	if err != nil {
		body.Close()
		return nil, ep.Scrub(fmt.Errorf("%s: %w", ep.Name, err))
	}
	if head != nil {
		log.Debug("mislabelled stream taken for what it is", "provider", ep.Name, "content_type", ct, "as", c.Accept[0])
		return replay(head, body), nil
	}
	return body, nil
}

// Leading reads rc up to its first byte that is not white space and
// returns that byte (0 if the body ends or fails first) and a body that
// reads the same bytes as rc would have.
func Leading(rc io.ReadCloser) (io.ReadCloser, byte) {
	var head []byte
	buf := make([]byte, 64)
	for {
		n, err := rc.Read(buf)
		head = append(head, buf[:n]...)
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 {
			return replay(head, rc), t[0]
		}
		if err != nil {
			return replay(head, rc), 0
		}
	}
}

// replay returns rc as if head, read from it already, had not been.
func replay(head []byte, rc io.ReadCloser) io.ReadCloser {
	return &sniffedBody{Reader: io.MultiReader(bytes.NewReader(head), rc), body: rc}
}

// sniffedBody is a body whose first bytes were read to see what it is.
type sniffedBody struct {
	io.Reader
	body io.Closer
}

func (s *sniffedBody) Close() error { return s.body.Close() }

// GetJSON sends c (a GET unless c.Method says otherwise), bounded by
// o.Timeout, and decodes its JSON response, of at most 16 MiB, into v.
// Its error, like a stream's, holds no key.
func GetJSON(ctx context.Context, o provider.Options, c Call, v any) error {
	return c.Endpoint.Scrub(getJSON(ctx, o, c, v))
}

func getJSON(ctx context.Context, o provider.Options, c Call, v any) error {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, &provider.TimeoutError{Limit: o.Timeout})
		defer cancel()
	}
	rc, err := Open(ctx, o, c)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(io.LimitReader(rc, maxJSONBody)).Decode(v); err != nil {
		return fmt.Errorf("%s: malformed response from %s: %w", c.Endpoint.Name, provider.RedactURL(c.URL), err)
	}
	return nil
}

// checkType checks that a successful response of type ct is one of
// accept. A body labelled otherwise (no type, text/plain, a wrong one) is
// still taken when its first line has the shape of the first accepted
// type, as the vendors' own SDKs take any body: start is then what was
// read of it, to be read again. Anything else (an HTML page from a proxy,
// a JSON error) is an error that quotes its start.
func checkType(ct string, accept []string, body io.Reader) (start []byte, err error) {
	if len(accept) == 0 {
		return nil, nil
	}
	mt, _, _ := mime.ParseMediaType(ct)
	for _, a := range accept {
		if strings.EqualFold(mt, a) {
			return nil, nil
		}
	}
	if mt == "" {
		mt = "no content type"
	}
	start = firstLine(body, 512)
	if looksLike(accept[0], start) {
		return start, nil
	}
	msg := fmt.Sprintf("expected %s, got %s", accept[0], mt)
	if s := provider.Snippet(start, 120); s != "" {
		msg += ": " + s
	}
	return nil, errors.New(msg)
}

// firstLine reads body up to its first non-blank line's end, or max
// bytes, or its end, whichever comes first: never waiting for more than a
// line, since a stream may pause after its first event.
func firstLine(body io.Reader, max int) []byte {
	buf := make([]byte, 0, max)
	for len(buf) < max {
		n, err := body.Read(buf[len(buf):max])
		buf = buf[:len(buf)+n]
		if t := bytes.TrimLeft(buf, "\r\n"); bytes.ContainsAny(t, "\r\n") || err != nil {
			break
		}
	}
	return buf
}

// looksLike reports whether start, the first line of a body, has the
// shape of media type mt: a server-sent event field (data:, event:, id:,
// retry:, or a comment), or a JSON object (application/x-ndjson).
func looksLike(mt string, start []byte) bool {
	line := bytes.TrimLeft(start, "\r\n")
	switch mt {
	case provider.MediaEventStream:
		for _, field := range []string{"data:", "event:", "id:", "retry:", ":"} {
			if bytes.HasPrefix(line, []byte(field)) {
				return true
			}
		}
	case "application/x-ndjson":
		return bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{"))
	}
	return false
}

// watchedBody is a response body under stream.WatchIdle, whose read
// errors say which limit cut them short.
type watchedBody struct {
	ctx context.Context
	rc  io.ReadCloser
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.rc.Read(p)
	if err != nil && err != io.EOF {
		err = timedOut(w.ctx, err)
	}
	return n, err
}

func (w *watchedBody) Close() error { return w.rc.Close() }

// timedOut replaces err, of a request made with ctx, with the
// *provider.TimeoutError that caused it: the wait for the headers
// (StreamClient), the silence of the body (stream.WatchIdle), or the
// deadline of the whole request (provider.Start). Any other error is
// returned as it is.
func timedOut(ctx context.Context, err error) error {
	var te *provider.TimeoutError
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &te) {
		return te
	}
	if errors.As(err, &te) {
		return te
	}
	var idle *stream.IdleError
	if errors.As(err, &idle) {
		return &provider.TimeoutError{Limit: idle.Timeout, Idle: true, Err: err}
	}
	return err
}
