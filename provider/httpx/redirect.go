package httpx

// This file holds the one redirect policy of every request a provider
// makes (streams, --list-models, the reconnecting EventSource client and
// the langchaingo backends alike), since they all go through Client.
//
// Go's http.Client drops Authorization and Cookie on a redirect to another
// domain, but copies every other header, so a key sent as x-api-key or
// x-goog-api-key (or in any header a server wants) would go wherever the
// server points. The rule here: a request that carries a credential is
// only ever sent to the origin the user configured. An origin is a scheme,
// a host name and a port, so another port of the same host is another
// origin (another server, as far as anyone can tell), and an https URL
// that redirects to http is refused whatever its host. The one exception
// is an upgrade from http to https on the same host name and the default
// ports: the key already went to that host in the clear, and now goes
// encrypted. Redirects of requests that carry no credential are followed.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/provider"
)

// maxRedirects bounds the redirects one request follows, as Go does.
const maxRedirects = 10

// credentialHeaders are headers that carry a credential whatever their
// value, however the key came in.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Goog-Api-Key", "Api-Key"}

// carriesCredential reports whether req holds a credential: one of the
// credential headers, or one of the secrets (provider.Secrets) anywhere in
// its headers or URL.
func carriesCredential(req *http.Request, secrets []string) bool {
	for _, h := range credentialHeaders {
		if req.Header.Get(h) != "" {
			return true
		}
	}
	for _, s := range secrets {
		if strings.Contains(req.URL.String(), s) {
			return true
		}
		for _, vs := range req.Header {
			for _, v := range vs {
				if strings.Contains(v, s) {
					return true
				}
			}
		}
	}
	return false
}

// checkRedirect is the redirect policy of Client (see above).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if sameOrigin(first.URL, req.URL) || upgrade(first.URL, req.URL) {
		return nil
	}
	if !carriesCredential(first, provider.Secrets(req.Context())) {
		return nil
	}
	to := req.URL.Scheme + "://" + req.URL.Host
	words := "the server redirected to " + to + ", another host"
	if strings.EqualFold(first.URL.Hostname(), req.URL.Hostname()) {
		words = "the server redirected to " + to
		if first.URL.Scheme == "https" && req.URL.Scheme == "http" {
			words += ", without TLS"
		} else {
			words += ", another port"
		}
	}
	return &provider.NetError{Kind: provider.NetRedirect, Host: req.URL.Host, Words: words,
		Advice: "the API key is only sent to " + first.URL.Scheme + "://" + first.URL.Host +
			"; if you trust the new address, set it as the base URL",
		Err: errRedirect}
}

// errRedirect is the raw error of a refused redirect.
var errRedirect = errors.New("redirect to another origin refused")

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// upgrade reports a redirect from http to https on the same host name and
// the default ports.
func upgrade(from, to *url.URL) bool {
	return from.Scheme == "http" && to.Scheme == "https" && strings.EqualFold(from.Hostname(), to.Hostname()) &&
		port(from) == "80" && port(to) == "443"
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
