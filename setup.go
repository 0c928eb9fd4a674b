package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/provider/ollama"

	// The backends register themselves with the provider package.
	_ "github.com/parley-chat/parley/provider/anthropic"
	_ "github.com/parley-chat/parley/provider/demo"
	_ "github.com/parley-chat/parley/provider/gemini"
	_ "github.com/parley-chat/parley/provider/langchain"
	_ "github.com/parley-chat/parley/provider/openai"
	_ "github.com/parley-chat/parley/provider/sse"
)

// setup is what a request needs: the provider, the model spec shown to
// the user, and the request template (model, system prompt, parameters).
type setup struct {
	prov    provider.Provider
	spec    string // "provider:model"
	request provider.Request
	opts    provider.Options
	eps     provider.Endpoints
	s       settings
	logFile *os.File
}

// newSetup resolves the model and builds its provider.
func newSetup(ctx context.Context, env *environment, f *flags, s settings) (*setup, error) {
	w := &setup{s: s, eps: s.endpoints}
	client, err := httpx.NewClient(s.CAFile)
	if err != nil {
		return nil, usageError{err}
	}
	retry := provider.DefaultRetry
	retry.Max = s.Retries
	w.opts = provider.Options{HTTPClient: client, Retry: &retry, Timeout: s.Timeout, IdleTimeout: s.IdleTimeout}
	if f.debug != "" {
		lf, err := os.OpenFile(f.debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, usageErrorf("--debug: %v", err)
		}
		w.logFile = lf
		w.opts.Debug = slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if err := w.use(ctx, env, s.Model); err != nil {
		return nil, err
	}
	return w, nil
}

// use points the setup at the model that spec names.
func (w *setup) use(ctx context.Context, env *environment, spec string) error {
	if alias, ok := w.s.aliases[spec]; ok {
		spec = alias
	}
	def := w.providerFor(ctx, env, spec)
	ep, model, err := w.eps.Resolve(spec, def)
	if err != nil {
		return usageError{plain(err)}
	}
	ep = ep.FromEnv(env.getenv)
	if w.s.BaseURL != "" {
		ep.BaseURL = w.s.BaseURL
	}
	if cmd, ok := w.s.keyCmds[ep.Name]; ok && ep.APIKey == "" {
		key, err := apiKeyFromCommand(ctx, ep.Name, cmd, keyCmdTimeout)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted while the command ran
		}
		if err != nil {
			return usageError{err}
		}
		ep.APIKey = key
	}
	p, err := provider.New(ep, w.opts)
	if err != nil {
		if hint := w.shadowHint(spec, def); hint != "" && errors.Is(err, provider.ErrNoKey) {
			// "-m mistral" with Ollama as the default: the Mistral API,
			// which may not be what was meant.
			err = fmt.Errorf("%w (%s)", err, hint)
		}
		return usageError{plain(err)}
	}
	w.prov, w.spec = p, ep.Name+":"+model
	w.request = provider.Request{Model: model, System: w.s.System, Temperature: w.s.Temperature, MaxTokens: w.s.MaxTokens, Extra: w.s.Extra}
	return nil
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

// close releases what the setup holds open: the debug log.
func (w *setup) close() {
	if w.logFile != nil {
		w.logFile.Close()
	}
}

// listModels prints the models of the chosen provider, one a line: as the
// server wrote them when piped, sanitized on a terminal.
func listModels(ctx context.Context, env *environment, w *setup) error {
	lister, ok := w.prov.(provider.ModelLister)
	if !ok {
		return usageErrorf("%s cannot list its models", w.prov.Name())
	}
	models, err := lister.ListModels(ctx)
	if err != nil {
		return err
	}
	cacheModels(w.prov.Name(), models)
	tty := env.stdoutTTY
	out := bufio.NewWriter(env.stdout)
	for _, m := range models {
		line := w.prov.Name() + ":" + m
		if tty {
			line = clean(line)
		}
		out.WriteString(line + "\n")
	}
	return out.Flush()
}
