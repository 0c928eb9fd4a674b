// Package ui is Parley's full-screen chat: a transcript that renders
// streamed markdown as it arrives, an input line, a status line, help and
// pickers, built on Bubble Tea.
//
// The root Model owns the conversation and routes messages: those of the
// running exchange to its exchange value (generation, cancel, answer,
// saver, measures, frames), the others to its children, which share one
// common value for the screen size, the styles and the keys. A streamed answer reaches the view as
// coalesced batches of chunks and is rendered at most once per frame; View
// only assembles strings rendered beforehand.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// Options configure the chat.
type Options struct {
	// Provider answers the prompts; Model is its "provider:model" name as
	// shown in the status line.
	Provider provider.Provider
	Model    string
	// Request is the template of every request: Model, System, Temperature
	// and MaxTokens are used as given; its Messages, if any, are an earlier
	// conversation shown in the transcript and continued.
	Request provider.Request
	// Theme is ThemeAuto (or empty), ThemeDark, ThemeLight or ThemeNone.
	// With ThemeAuto the chat starts dark and follows the background colour
	// the terminal reports; NoColor then selects ThemeNone. An explicit
	// theme wins over NO_COLOR, as the NO_COLOR convention asks of
	// configuration.
	Theme string
	// NoColor says that NO_COLOR is set in the environment.
	NoColor bool
	// AnswerDone, if not nil, is called after each answer has had its
	// final render: the caller fits the process's memory limit there.
	AnswerDone func()
	// Switch resolves a "provider:model" spec picked in the model picker,
	// or the model of a conversation opened from the picker. The returned
	// Request is a template as above; its Messages are ignored. Nil
	// disables switching. Switch and Models are called from commands, off
	// the event loop, and never at the same time.
	Switch func(spec string) (provider.Provider, provider.Request, error)
	// Models lists the specs the model picker offers (aliases and listed
	// models). Nil offers only the current model.
	Models func(ctx context.Context) ([]string, error)
	// Store keeps every exchange, partial answers included, and lists the
	// conversations the picker opens. Nil means nothing is saved
	// (--no-save).
	Store *store.Store
	// ConversationID is a saved conversation to show and continue; it
	// needs Store, and replaces Request.Messages.
	ConversationID string
	// Editor is the command, with its arguments, that edits the prompt
	// (the file's path is added): $VISUAL, else $EDITOR. Empty means vi.
	Editor []string
	// StateHome is $XDG_STATE_HOME: a crash log goes to its parley
	// folder. Empty means ~/.local/state.
	StateHome string
	// Attach are files (-a) that go with the first prompt of the session,
	// shown as pending attachments until then.
	Attach []provider.Attachment
	// AttachLimits bound what the chat's attach key and a pasted path
	// attach; zero fields take attach.Defaults.
	AttachLimits attach.Limits
	// WorkDir is where the paths typed or pasted in the chat start; empty
	// means the process's working directory.
	WorkDir string

	// Inline runs the chat on the terminal's main screen: the conversation
	// is printed into the terminal's scrollback as it becomes final, and
	// stays there after the chat ends; only the answer's open tail, the
	// status line and the input are drawn at the bottom.
	Inline bool

	// Threads lets an answer that comes at a reading pace run on one
	// thread (GOMAXPROCS 1, see provider.Threads); false when the
	// environment sets GOMAXPROCS.
	Threads bool

	// Context bounds the whole session; nil means context.Background.
	Context context.Context
	// Input and Output replace the terminal, for tests.
	Input  io.Reader
	Output io.Writer
	// Now is the clock of the status line's timings; nil means time.Now.
	Now func() time.Time
}

// Run runs the chat full screen (or inline, see Options.Inline) until the user quits. It returns nil when
// the user quits (Ctrl+D, or Ctrl+C with nothing running), and ctx.Err()
// when ctx ends the chat. It does not handle signals: the caller cancels
// ctx on those it means to stop the chat. A running answer is saved as stopped either way.
// The terminal is restored however the chat ends; after a panic, the panic
// and its stack are written to a log file and the returned error names it.
func Run(ctx context.Context, opts Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts.Context = ctx
	m := New(opts)
	var model tea.Model = m
	if opts.Inline {
		model = newInlineModel(m)
	}
	if opts.Input == nil {
		typed, restore := readTypeAhead(os.Stdin)
		defer restore()
		if keys := typeAheadKeys(typed); len(keys) > 0 {
			model = &typeAhead{Model: model, keys: keys}
		}
	}
	// Signals are the caller's to turn into ctx: Bubble Tea's own handler
	// would race it and end a chat killed by SIGTERM as if the user quit.
	progOpts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}
	if opts.Input != nil {
		progOpts = append(progOpts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		progOpts = append(progOpts, tea.WithOutput(opts.Output))
	} else {
		// lipgloss read stdout's colour support when it was loaded; reading
		// it again costs a terminfo lookup and, in tmux, a tmux process.
		progOpts = append(progOpts, tea.WithColorProfile(lipgloss.Writer.Profile))
	}
	p := tea.NewProgram(model, progOpts...)
	resetCrashLog(opts.StateHome)
	_, err := p.Run()
	if opts.Inline { // turned off while the region is drawn (see inlineModel.Init)
		out := opts.Output
		if out == nil {
			out = os.Stdout
		}
		_, _ = io.WriteString(out, ansi.SetModeAutoWrap)
	}
	if m.ex.cancel != nil {
		m.ex.cancel()
	}
	m.ex.threads.End() // ended mid-answer by ctx or a panic: the default again
	// Killed by ctx or a panic mid-answer: keep what arrived.
	if m.ex.saver != nil {
		m.finish(stateStopped, nil)
	}
	m.ex.saving.Wait()
	m.end()
	if path := crashLog(); path != "" {
		return fmt.Errorf("ui: parley crashed; details are in %s", path)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("ui: parley crashed: %w", err)
	}
	return fmt.Errorf("ui: %w", err)
}
