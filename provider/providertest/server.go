package providertest

import (
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// Preset returns the preset endpoint called name pointed at srv, with key
// (which may be empty), and o made to talk to srv (see Options).
func Preset(srv *streamtest.Server, name, key string, o provider.Options) (provider.Endpoint, provider.Options) {
	ep := provider.Presets()[name]
	ep.BaseURL, ep.APIKey = srv.URL, key
	return ep, Options(srv, o)
}

// Options returns o with srv's client, and no retries unless o sets a
// policy, so that a test sees each fault once.
func Options(srv *streamtest.Server, o provider.Options) provider.Options {
	o.HTTPClient = srv.Client()
	if o.Retry == nil {
		o.Retry = &provider.RetryPolicy{}
	}
	return o
}
