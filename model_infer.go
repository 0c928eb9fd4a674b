package main

import (
	"context"
	"fmt"

	"github.com/parley-chat/parley/provider"
)

// providerFor returns the provider that a model spec without one is for,
// in this order: the family of a bare model name (gpt-4o → openai,
// claude-* → anthropic, gemini-* → gemini), the configured default
// provider, then the only provider with a key. A family's provider
// without a key gives way to a configured default provider, so that a
// gateway user's default keeps working. "" means none: Resolve then says
// what to write. The choice and its reason go to the --debug log.
func (w *setup) providerFor(ctx context.Context, env *environment, spec string) string {
	def := w.s.DefaultProvider
	pick := func(name, why string) string {
		if w.opts.Debug != nil && name != "" {
			w.opts.Debug.Debug("provider picked", "model", spec, "provider", name, "because", why)
		}
		return name
	}
	if spec == "" {
		if def != "" {
			return pick(def, "default provider")
		}
		return pick(detectProvider(ctx, w.eps, env.getenv), "detected")
	}
	if !w.bareModel(spec) {
		return def // provider:model or a provider's name: Resolve reads it
	}
	if fam := provider.InferEndpoint(spec); fam != "" {
		if _, ok := w.eps[fam]; ok && (def == "" || def == fam || w.hasKey(env, fam)) {
			return pick(fam, "model family")
		}
	}
	if def != "" {
		return pick(def, "default provider")
	}
	if keyed := w.keyed(env); len(keyed) == 1 {
		return pick(keyed[0], "only provider with a key")
	}
	return ""
}

// bareModel reports whether spec names a model alone: no known provider
// before a colon, and not a provider's name.
func (w *setup) bareModel(spec string) bool {
	if p, _ := provider.ParseModel(spec); p != "" {
		if _, ok := w.eps[p]; ok {
			return false
		}
	}
	_, named := w.eps[spec]
	return !named
}

// hasKey reports whether the endpoint called name has a key to send.
func (w *setup) hasKey(env *environment, name string) bool {
	if _, ok := w.s.keyCmds[name]; ok {
		return true
	}
	ep, ok := w.eps[name]
	return ok && ep.FromEnv(env.getenv).APIKey != ""
}

// keyed returns the providers with a key, sorted. The langchaingo
// endpoints are left out: they share their keys with a native one.
func (w *setup) keyed(env *environment) []string {
	var names []string
	for _, name := range w.eps.Names() {
		if w.eps[name].Type != provider.TypeLangChain && w.hasKey(env, name) {
			names = append(names, name)
		}
	}
	return names
}

// shadowHint is advice for a spec that named a provider (mistral) when a
// model of the default provider by that name may have been meant: only
// local servers (Ollama and the like), whose models the user names, have
// models called like a provider.
func (w *setup) shadowHint(spec, def string) string {
	alt := w.eps.Shadows(spec, def)
	if alt == "" || !w.eps[def].KeyOptional || w.eps[def].Type == provider.TypeDemo {
		return ""
	}
	return fmt.Sprintf("%s names a provider; for the %s model called %s, write -m %s", spec, def, spec, alt)
}
