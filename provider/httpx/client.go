// Package httpx is the HTTP engine of the backends: the one client every
// request goes through, with its policies (a key never follows a redirect
// to another origin; network faults are classified into
// *provider.NetError; the wait for a response and the silence between two
// reads are bounded by --idle-timeout), the request a backend makes
// (Open, GetJSON), and Backend, the part every HTTP backend shares.
//
// Package provider holds the types these speak in (Endpoint, Options,
// Chunk, the errors) and the stream engine (Start, Run); it knows nothing
// of this package, so that what depends only on the types (the store, the
// view) does not depend on the transport.
package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
)

// NewClient returns the HTTP client that providers share: proxies from
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY, the system's certificate
// authorities plus those in caFile (PEM) when it is not empty, and no
// overall timeout, since an answer may stream for minutes (Options.Timeout
// and Options.IdleTimeout bound it instead).
func NewClient(caFile string) (*http.Client, error) {
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
	c, _ := NewClient("") // cannot fail without a CA file
	return guard(c)
})

// Client returns the HTTP client that o says to use: o.HTTPClient, or the
// default one, with the policies every request of every backend obeys
// (see guard): a key never follows a redirect to another origin, and
// network faults are classified into *provider.NetError. o.HTTPClient
// must be an *http.Client: anything else is a mistake of the program, and
// panics.
func Client(o provider.Options) *http.Client {
	switch c := o.HTTPClient.(type) {
	case nil:
	case *http.Client:
		if c != nil {
			return guard(c)
		}
	default:
		panic(fmt.Sprintf("httpx: Options.HTTPClient is a %T, not an *http.Client", c))
	}
	return defaultClient()
}

// StreamClient returns Client(o) with the wait for each response's
// headers bounded by o.IdleTimeout: the one header watchdog, which Open
// uses and so does a stream reader that makes its own requests (the
// reconnecting EventSource client). Bodies are left to the reader's own
// idle watchdog (stream.WatchIdle).
func StreamClient(o provider.Options) *http.Client {
	base := Client(o)
	if o.IdleTimeout <= 0 {
		return base
	}
	c := *base
	c.Transport = headerTimeout{rt: c.Transport, d: o.IdleTimeout}
	return &c
}

// headerTimeout cancels a request whose response headers take longer
// than d, with a *provider.TimeoutError as the cause.
type headerTimeout struct {
	rt http.RoundTripper
	d  time.Duration
}

func (h headerTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	cause := &provider.TimeoutError{Limit: h.d, Idle: true, Err: stream.ErrIdle}
	t := time.AfterFunc(h.d, func() { cancel(cause) })
	resp, err := h.rt.RoundTrip(req.WithContext(ctx))
	t.Stop()
	if err != nil {
		if context.Cause(ctx) == cause {
			err = cause
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel(nil)
	return err
}

// guard returns c with the shared transport's policies: the redirect rule
// (redirect.go), and network errors classified into *provider.NetError
// (neterr.go). A client that guard already returned is returned as is.
func guard(c *http.Client) *http.Client {
	if _, ok := c.Transport.(classifying); ok {
		return c
	}
	g := *c
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	g.Transport = classifying{rt: rt}
	if own := c.CheckRedirect; own != nil {
		g.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if err := checkRedirect(req, via); err != nil {
				return err
			}
			return own(req, via)
		}
	} else {
		g.CheckRedirect = checkRedirect
	}
	return &g
}
