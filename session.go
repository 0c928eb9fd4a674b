package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/saved"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// runSavedCommands runs --list, --show, --delete or --search, if one was
// given, and reports whether it did.
func runSavedCommands(ctx context.Context, env *environment, s config.Settings) (bool, error) {
	switch asked := s.Saved.Asked(); len(asked) {
	case 0:
		return false, nil
	case 1:
	default:
		return true, usage.Errorf("%s do not go together", strings.Join(asked, " and "))
	}
	st, err := openStore(env, s)
	if err != nil {
		return true, err
	}
	defer st.Close()
	c := saved.New(st, env.stdout, env.stdoutTTY, s.Output == config.OutputJSON, env.width, env.glamourStyle(s.Theme))
	return true, c.Run(ctx, s.Saved)
}

// openStore opens the conversation database.
func openStore(env *environment, s config.Settings) (*store.Store, error) {
	path, err := s.StorePath(env.getenv)
	if err != nil {
		return nil, err
	}
	return store.Open(path)
}

// conversation is the saved conversation a run adds to. Its zero value
// (no store) saves nothing.
type conversation struct {
	st      *store.Store
	conv    store.Conversation
	history []provider.Message
}

// openConversation opens the store unless saving is off and, for
// --continue or --resume, loads the conversation to continue. A database
// that cannot be opened only costs the saving, with a warning, unless a
// conversation was to be continued from it.
func openConversation(ctx context.Context, env *environment, s config.Settings) (*conversation, error) {
	resuming := s.Continue || s.Resume != ""
	if s.NoSave && !resuming {
		return &conversation{}, nil
	}
	st, err := openStore(env, s)
	if err != nil {
		if resuming {
			return nil, err
		}
		fmt.Fprintln(env.stderr, "parley: warning: not saving: "+storeError(err).Error())
		return &conversation{}, nil
	}
	c := &conversation{st: st}
	if !resuming {
		return c, nil
	}
	var conv *store.Conversation
	if s.Continue {
		conv, err = st.Latest(ctx)
	} else {
		conv, err = st.Get(ctx, s.Resume)
	}
	if errors.Is(err, store.ErrNotFound) && s.Continue {
		err = usage.Errorf("no saved conversation to continue")
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	c.conv = *conv
	if c.history, err = st.History(ctx, conv.ID); err != nil {
		st.Close()
		return nil, err
	}
	if s.NoSave {
		// Continue from it, but add nothing to it.
		st.Close()
		c.st = nil
	}
	return c, nil
}

// close closes the store.
func (c *conversation) close() {
	if c.st != nil {
		c.st.Close()
	}
}

// start saves prompt and starts saving the answer to it. It returns nil
// when nothing is saved; a failure to save is a warning, never the end of
// the answer.
func (c *conversation) start(ctx context.Context, env *environment, w *setup, prompt string, files []provider.Attachment) *store.Saver {
	if c.st == nil {
		return nil
	}
	b, err := c.st.Begin(ctx, store.Exchange{
		ConversationID: c.conv.ID, Prompt: prompt,
		Model: w.request.Model, Provider: w.prov.Name(), System: w.request.System,
		Attachments: files,
	})
	c.conv.ID = b.ConversationID
	if err != nil {
		fmt.Fprintln(env.stderr, "parley: warning: not saving: "+storeError(err).Error())
		return nil
	}
	return b.Saver
}
