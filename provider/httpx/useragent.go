package httpx

import "net/http"

// UserAgent is sent as the User-Agent of every request that has none of
// its own ("parley/1.2.0"); main sets it from the build info. Empty
// leaves Go's default.
var UserAgent string

// withUserAgent returns req with UserAgent set, as a copy: a RoundTripper
// does not change the request it was given.
func withUserAgent(req *http.Request) *http.Request {
	if UserAgent == "" || req.Header.Get("User-Agent") != "" {
		return req
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", UserAgent)
	return r
}
