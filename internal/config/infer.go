package config

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/ollama"
)

// ProviderFor returns the provider that a model spec without one is for,
// in this order: the family of a bare model name (gpt-4o → openai,
// claude-* → anthropic, gemini-* → gemini), the configured default
// provider, then the only provider with a key. A family's provider
// without a key gives way to a configured default provider, so that a
// gateway user's default keeps working. "" means none: Resolve then says
// what to write. The choice and its reason go to debug, when not nil.
func (s Settings) ProviderFor(ctx context.Context, spec string, getenv func(string) string, debug *slog.Logger) string {
	def := s.DefaultProvider
	pick := func(name, why string) string {
		if debug != nil && name != "" {
			debug.Debug("provider picked", "model", spec, "provider", name, "because", why)
		}
		return name
	}
	if spec == "" {
		if def != "" {
			return pick(def, "default provider")
		}
		return pick(detectProvider(ctx, s.Endpoints, getenv), "detected")
	}
	if !s.bareModel(spec) {
		return def // provider:model or a provider's name: Resolve reads it
	}
	if fam := provider.InferEndpoint(spec); fam != "" {
		if _, ok := s.Endpoints[fam]; ok && (def == "" || def == fam || s.hasKey(getenv, fam)) {
			return pick(fam, "model family")
		}
	}
	if def != "" {
		return pick(def, "default provider")
	}
	if keyed := s.keyed(getenv); len(keyed) == 1 {
		return pick(keyed[0], "only provider with a key")
	}
	return ""
}

// bareModel reports whether spec names a model alone: no known provider
// before a colon, and not a provider's name.
func (s Settings) bareModel(spec string) bool {
	if p, _ := provider.ParseModel(spec); p != "" {
		if _, ok := s.Endpoints[p]; ok {
			return false
		}
	}
	_, named := s.Endpoints[spec]
	return !named
}

// hasKey reports whether the endpoint called name has a key to send.
func (s Settings) hasKey(getenv func(string) string, name string) bool {
	if _, ok := s.KeyCmds[name]; ok {
		return true
	}
	ep, ok := s.Endpoints[name]
	return ok && ep.FromEnv(getenv).APIKey != ""
}

// keyed returns the providers with a key, sorted. The langchaingo
// endpoints are left out: they share their keys with a native one.
func (s Settings) keyed(getenv func(string) string) []string {
	var names []string
	for _, name := range s.Endpoints.Names() {
		if s.Endpoints[name].Type != provider.TypeLangChain && s.hasKey(getenv, name) {
			names = append(names, name)
		}
	}
	return names
}

// ShadowHint is advice for a spec that named a provider (mistral) when a
// model of the default provider by that name may have been meant: only
// local servers (Ollama and the like), whose models the user names, have
// models called like a provider.
func (s Settings) ShadowHint(spec, def string) string {
	alt := s.Endpoints.Shadows(spec, def)
	if alt == "" || !s.Endpoints[def].KeyOptional || s.Endpoints[def].Type == provider.TypeDemo {
		return ""
	}
	return fmt.Sprintf("%s names a provider; for the %s model called %s, write -m %s", spec, def, spec, alt)
}

// detectProvider picks a provider when nothing is configured: Ollama if it
// answers, else the first whose key is set. "" means none was found.
func detectProvider(ctx context.Context, eps provider.Endpoints, getenv func(string) string) string {
	if ep, ok := eps["ollama"]; ok && reachable(ctx, ollama.BaseURL(ep.FromEnv(getenv).BaseURL)) {
		return "ollama"
	}
	for _, name := range []string{"openai", "anthropic", "gemini", "openrouter", "groq", "deepseek", "mistral"} {
		if ep, ok := eps[name]; ok && ep.FromEnv(getenv).APIKey != "" {
			return name
		}
	}
	return ""
}

// reachable reports whether something listens at the host of base.
func reachable(ctx context.Context, base string) bool {
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return false
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	host := net.JoinHostPort(u.Hostname(), port)
	d := net.Dialer{Timeout: 300 * time.Millisecond}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
