package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"

	"github.com/parley-chat/parley/provider"
)

// classifyNet returns err as a *provider.NetError when it is a network
// fault of a request to host, or err unchanged. An error of a cancelled request is
// left alone: the cancellation, not the network, ended it.
func classifyNet(ctx context.Context, host string, err error, beforeHeaders bool) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	var ne *provider.NetError
	if errors.As(err, &ne) {
		return err
	}
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		addrErr *net.AddrError
		certErr *tls.CertificateVerificationError
		uaErr   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &dnsErr):
		return &provider.NetError{Kind: provider.NetDNS, Host: dnsErr.Name, Err: err, Transient: dnsErr.IsTemporary || dnsErr.IsTimeout,
			Words: "cannot resolve host " + dnsErr.Name, Advice: "check the base URL and your network"}
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr):
		return &provider.NetError{Kind: provider.NetTLS, Host: host, Err: err,
			Words: "TLS certificate not trusted: " + certReason(err), Advice: "for a private CA, set ca_file in the config"}
	case errors.As(err, &opErr) && opErr.Op == "dial":
		if opErr.Addr != nil {
			host = opErr.Addr.String()
		}
		e := &provider.NetError{Kind: provider.NetConnect, Host: host, Err: err, Advice: "is the server running? check the base URL"}
		reason := "cannot connect"
		switch {
		case errors.As(err, &addrErr):
			e.Kind, reason, e.Advice = provider.NetAddress, addrErr.Err, "check the base URL"
		case errors.Is(err, syscall.ECONNREFUSED):
			e.Kind, reason, e.Transient = provider.NetRefused, "connection refused", true
		case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
			reason, e.Transient = "timed out", true
		case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
			reason, e.Advice = "unreachable", "check the base URL and your network"
		}
		e.Words = "cannot connect to " + host + ": " + reason
		return e
	case errors.Is(err, syscall.ECONNRESET):
		return &provider.NetError{Kind: provider.NetReset, Host: host, Err: err, Transient: true, Words: "the server reset the connection"}
	case beforeHeaders && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return &provider.NetError{Kind: provider.NetClosed, Host: host, Err: err, Transient: true, Words: "the server closed the connection before answering"}
	}
	return err
}

func certReason(err error) string {
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) && certErr.Err != nil {
		return certErr.Err.Error()
	}
	var uaErr x509.UnknownAuthorityError
	if errors.As(err, &uaErr) {
		return uaErr.Error()
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		return hostErr.Error()
	}
	return err.Error()
}

// classifying is the shared transport's outer layer: it turns the raw
// errors of a round trip, and of reads of its body, into *provider.NetError.
type classifying struct{ rt http.RoundTripper }

func (c classifying) RoundTrip(req *http.Request) (*http.Response, error) {
	req = withUserAgent(req)
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return nil, classifyNet(req.Context(), req.URL.Host, err, true)
	}
	resp.Body = &classifiedBody{ReadCloser: resp.Body, ctx: req.Context(), host: req.URL.Host}
	return resp, nil
}

// classifiedBody is a response body whose read errors are classified.
type classifiedBody struct {
	io.ReadCloser
	ctx  context.Context
	host string
}

func (b *classifiedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = classifyNet(b.ctx, b.host, err, false)
	}
	return n, err
}

// unframe strips the *url.Error framing ("Post \"http://...\": ") from a
// *provider.NetError: the classified error says all there is to say.
func unframe(err error) error {
	var ne *provider.NetError
	if errors.As(err, &ne) {
		return ne
	}
	return err
}
