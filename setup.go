package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/parley-chat/parley/internal/complete"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
	"github.com/parley-chat/parley/termsafe"

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
	s       config.Settings
	logFile *os.File
}

// newSetup resolves the model and builds its provider.
func newSetup(ctx context.Context, env *environment, s config.Settings) (*setup, error) {
	w := &setup{s: s}
	client, err := httpx.NewClient(s.CAFile)
	if err != nil {
		return nil, usage.Error{Err: err}
	}
	retry := provider.DefaultRetry
	retry.Max = s.Retries
	w.opts = provider.Options{HTTPClient: client, Retry: &retry, Timeout: s.Timeout, IdleTimeout: s.IdleTimeout}
	if s.Debug != "" {
		lf, err := os.OpenFile(s.Debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, usage.Errorf("--debug: %v", err)
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
	if alias, ok := w.s.Aliases[spec]; ok {
		spec = alias
	}
	def := w.s.ProviderFor(ctx, spec, env.getenv, w.opts.Debug)
	ep, model, err := w.s.Endpoints.Resolve(spec, def)
	if err != nil {
		return usage.Error{Err: plain(err)}
	}
	ep = ep.FromEnv(env.getenv)
	if w.s.BaseURL != "" {
		ep.BaseURL = w.s.BaseURL
	}
	if cmd, ok := w.s.KeyCmds[ep.Name]; ok && ep.APIKey == "" {
		key, err := config.KeyFromCommand(ctx, ep.Name, cmd, config.KeyCmdTimeout)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted while the command ran
		}
		if err != nil {
			return usage.Error{Err: err}
		}
		ep.APIKey = key
	}
	p, err := provider.New(ep, w.opts)
	if err != nil {
		if hint := w.s.ShadowHint(spec, def); hint != "" && errors.Is(err, provider.ErrNoKey) {
			// "-m mistral" with Ollama as the default: the Mistral API,
			// which may not be what was meant.
			err = fmt.Errorf("%w (%s)", err, hint)
		}
		return usage.Error{Err: plain(err)}
	}
	w.prov, w.spec = p, ep.Name+":"+model
	w.request = provider.Request{Model: model, System: w.s.System, Temperature: w.s.Temperature, MaxTokens: w.s.MaxTokens, Extra: w.s.Extra}
	return nil
}

// close releases what the setup holds open: the debug log, and the
// connections kept for another request.
func (w *setup) close() {
	if w.logFile != nil {
		w.logFile.Close()
	}
	w.opts.HTTPClient.CloseIdleConnections()
}

// listModels prints the models of the chosen provider, one a line: as the
// server wrote them when piped, sanitized on a terminal.
func listModels(ctx context.Context, env *environment, w *setup) error {
	lister, ok := w.prov.(provider.ModelLister)
	if !ok {
		return usage.Errorf("%s cannot list its models", w.prov.Name())
	}
	models, err := lister.ListModels(ctx)
	if err != nil {
		return err
	}
	complete.CacheModels(env.getenv, w.prov.Name(), models)
	tty := env.stdoutTTY
	out := bufio.NewWriter(env.stdout)
	for _, m := range models {
		line := w.prov.Name() + ":" + m
		if tty {
			line = termsafe.Cell(line)
		}
		out.WriteString(line + "\n")
	}
	return out.Flush()
}
