package openai

import "github.com/parley-chat/parley/provider"

func init() {
	provider.Register(provider.TypeOpenAI, func(ep provider.Endpoint, o provider.Options) (provider.Provider, error) {
		if err := ep.RequireKey(); err != nil {
			return nil, err
		}
		return New(Config{
			Name:        ep.Name,
			BaseURL:     ep.BaseURL,
			APIKey:      ep.APIKey,
			KeyEnv:      ep.KeyVar(nil),
			HTTPClient:  o.Client(),
			Retry:       o.RetryPolicy(),
			Timeout:     o.Timeout,
			IdleTimeout: o.IdleTimeout,
			Debug:       o.Debug,
		}), nil
	})
}
