package main

import (
	"context"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/ui"
)

// runChat opens the chat: full screen, or inline in the terminal's
// scrollback.
func runChat(ctx context.Context, env *environment, s config.Settings, w *setup, conv *conversation, files []provider.Attachment) error {
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
		Models:         func(ctx context.Context) ([]string, error) { return w.models(ctx, env) },
		Store:          conv.st,
		ConversationID: conv.conv.ID,
		Editor:         config.EditorCommand(env.getenv),
		StateHome:      env.getenv("XDG_STATE_HOME"),
		Attach:         files,
		AttachLimits:   s.Attach,
		WorkDir:        env.workDir,
		Inline:         s.Inline,
		Threads:        env.getenv("GOMAXPROCS") == "",
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
