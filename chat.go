package main

import (
	"context"
	"slices"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/ui"
)

// runChat opens the chat: full screen, or inline in the terminal's
// scrollback.
func runChat(ctx context.Context, env *environment, s settings, w *setup, conv *conversation) error {
	req := w.request
	req.Messages = conv.history
	fitMemory(env.getenv)
	return ui.Run(ctx, ui.Options{
		Provider:       w.prov,
		Model:          w.spec,
		Request:        req,
		Theme:          s.Theme,
		NoColor:        env.noColor,
		AnswerDone:     func() { fitMemory(env.getenv) },
		Switch:         func(spec string) (provider.Provider, provider.Request, error) { return w.switchTo(ctx, env, spec) },
		Models:         w.models,
		Store:          conv.st,
		ConversationID: conv.conv.ID,
		Inline:         s.Inline,
	})
}

// switchTo resolves spec for the model picker, leaving the setup as it was
// when spec is no good.
func (w *setup) switchTo(ctx context.Context, env *environment, spec string) (provider.Provider, provider.Request, error) {
	next := *w
	if err := next.use(ctx, env, spec); err != nil {
		return nil, provider.Request{}, err
	}
	*w = next
	return w.prov, w.request, nil
}

// models lists what the model picker offers: the aliases, then the models
// of the current provider when it can list them.
func (w *setup) models(ctx context.Context) ([]string, error) {
	var specs []string
	for alias := range w.s.aliases {
		specs = append(specs, alias)
	}
	slices.Sort(specs)
	if lister, ok := w.prov.(provider.ModelLister); ok {
		models, err := lister.ListModels(ctx)
		if err != nil {
			return specs, err
		}
		for _, m := range models {
			specs = append(specs, w.prov.Name()+":"+m)
		}
	}
	return specs, nil
}
