package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parley-chat/parley/provider"
)

// listTimeout bounds the listing of one provider's models for the picker:
// a server that does not answer in time is left out, not waited for.
var listTimeout = 5 * time.Second

// models lists what the model picker offers: the aliases, then the models
// of the current provider, then those of every other provider that can
// answer: one with a key in the environment or the config, or a server
// that needs none (Ollama, LM Studio, a key_optional endpoint) and
// answers. Providers are asked at once, each within listTimeout. A server
// that needs no key and does not answer is left out in silence; the
// failures of the others come back as the error, with what did list.
// A key behind api_key_cmd is not fetched for this: its provider is
// listed once it is in use.
func (w *setup) models(ctx context.Context, env *environment) ([]string, error) {
	specs := make([]string, 0, len(w.s.Aliases))
	for alias := range w.s.Aliases {
		specs = append(specs, alias)
	}
	slices.Sort(specs)

	type listing struct {
		name   string
		lister provider.ModelLister
		quiet  bool // a keyless server: its failure is not worth a word
		models []string
		err    error
	}
	var all []*listing
	if l, ok := w.prov.(provider.ModelLister); ok {
		all = append(all, &listing{name: w.prov.Name(), lister: l})
	}
	for _, name := range w.s.Endpoints.Names() {
		if name == w.prov.Name() {
			continue
		}
		ep := w.s.Endpoints[name].FromEnv(env.getenv)
		if ep.APIKey == "" && (!ep.KeyOptional || ep.BaseURL == "") {
			continue // no key, and no server of its own to ask
		}
		p, err := provider.New(ep, w.opts)
		if err != nil {
			continue
		}
		if l, ok := p.(provider.ModelLister); ok {
			all = append(all, &listing{name: name, lister: l, quiet: ep.APIKey == ""})
		}
	}

	var wg sync.WaitGroup
	for _, l := range all {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, listTimeout)
			defer cancel()
			l.models, l.err = l.lister.ListModels(ctx)
		})
	}
	wg.Wait()

	var failed []string
	for _, l := range all {
		if l.err != nil {
			if !l.quiet {
				failed = append(failed, l.name+": "+l.err.Error())
			}
			continue
		}
		for _, m := range l.models {
			specs = append(specs, l.name+":"+m)
		}
	}
	if len(failed) > 0 {
		return specs, errors.New(strings.Join(failed, "; "))
	}
	return specs, nil
}
