// Command parley is a terminal chat client for language models: a
// full-screen chat when run on a terminal without a prompt, and a one-shot
// streamer of answers for scripts otherwise.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/parley-chat/parley/internal/complete"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/ssecmd"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/ui/markdown"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// flags are the command line's values; a negative number means "not given".
type flags struct {
	model, prompt, system, role, baseURL string
	temperature                          float64
	maxTokens                            int
	raw, json                            bool
	timeout, idleTimeout                 time.Duration
	cont                                 bool
	resume                               string
	list                                 bool
	show, del, search                    string
	noSave, listModels, inline           bool
	configPath, debug                    string
	options                              []string
	attach                               []string
}

// Flag help: config.example.toml uses the same words.
const (
	helpModel       = "model as provider:model, a provider alone, an alias from the config, or a bare model name (gpt-*, claude-*, gemini-*... find their provider)"
	helpPrompt      = "send this prompt, stream the answer to stdout and exit"
	helpInline      = "chat on the main screen: the conversation goes into the terminal's scrollback and stays there"
	helpSystem      = "system prompt"
	helpRole        = "named system prompt from [roles] in the config"
	helpBaseURL     = "endpoint of the chosen provider (also OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST, GEMINI_BASE_URL)"
	helpTemperature = "sampling temperature (provider default when not given)"
	helpMaxTokens   = "longest answer in tokens (provider default when not given)"
	helpOption      = "provider option KEY=VALUE put in the request body, repeatable (-o top_p=0.9 -o seed=7); VALUE is JSON when it parses, else a string"
	helpTimeout     = "limit for the whole request, e.g. 90s or 5m (0: none)"
	helpIdleTimeout = "longest silence allowed between bytes of an answer (0: none)"
	helpAttach      = "attach the file, the folder's text files, or the image (PNG, JPEG, GIF, WebP) at `PATH` to the prompt, repeatable"
)

func main() {
	// Ctrl+C, kill and a closed terminal all stop the run the same way:
	// what reached the user is saved as stopped, and the status is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// A closed stdout (| head) makes writes fail with EPIPE instead of
	// killing the process, so that what was written is saved first. The
	// signals themselves are dropped: the channel is never read.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes the command line with the given streams and environment,
// and returns the exit status; ctx ends with an interruption.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := newEnvironment(stdin, stdout, stderr, getenv)
	cmd := newRootCommand(env)
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	code := exitCode(ctx, err)
	if msg := errorLine(err); msg != "" {
		fmt.Fprintln(stderr, "parley: "+msg)
	}
	return code
}

// environment is what a run reads and writes, and what it learned about
// them once, at the start: which of the streams are terminals, the size of
// the terminal on stdout, NO_COLOR. Nothing else in the program probes the
// terminal or reads the process environment; tests build their own.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	stdinTTY, stdoutTTY, stderrTTY bool
	width, height                  int    // of the terminal on stdout; 80×24 when unknown
	noColor                        bool   // NO_COLOR is set
	workDir                        string // where relative paths start; "" when it cannot be read
}

// newEnvironment looks at the streams and the environment once.
func newEnvironment(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *environment {
	env := &environment{
		stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		stdinTTY: isTerminal(stdin), stdoutTTY: isTerminal(stdout), stderrTTY: isTerminal(stderr),
		width: 80, height: 24,
		noColor: getenv("NO_COLOR") != "",
		workDir: workDir(),
	}
	env.width, env.height = env.size()
	return env
}

// size is the size of the terminal on stdout now, for a printer that
// follows a resize; the size found at the start when it cannot be read.
func (env *environment) size() (width, height int) {
	if f, ok := env.stdout.(interface{ Fd() uintptr }); ok && env.stdoutTTY {
		if w, h, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w, h
		}
	}
	return env.width, env.height
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(fd.Fd()))
}

// glamourStyle is the markdown style for the configured theme: none under
// NO_COLOR, else light or dark.
func (env *environment) glamourStyle(theme string) string {
	return markdown.StyleFor(theme, env.noColor)
}

func newRootCommand(env *environment) *cobra.Command {
	f := &flags{}
	cmd := &cobra.Command{
		Use:   "parley [flags] [PROMPT...]",
		Short: "Chat with language models in the terminal",
		Long: "Parley chats with language models. Without a prompt, on a terminal, it opens a full-screen\n" +
			"chat; with a prompt (-p, words, or piped stdin) it streams the answer to stdout and exits.",
		Example: "  parley -m demo\n" +
			"  parley -m openai:gpt-4o-mini -p \"why is the sky blue?\"\n" +
			"  git diff | parley -p \"review this\"\n" +
			"  parley -a main.go -p \"review this\"",
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRoot(cmd.Context(), env, f, cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&f.model, "model", "m", "", helpModel)
	fl.StringVarP(&f.prompt, "prompt", "p", "", helpPrompt)
	fl.StringArrayVarP(&f.attach, "attach", "a", nil, helpAttach)
	fl.StringVarP(&f.system, "system", "s", "", helpSystem)
	fl.StringVar(&f.role, "role", "", helpRole)
	fl.StringVar(&f.baseURL, "base-url", "", helpBaseURL)
	fl.Float64Var(&f.temperature, "temperature", -1, helpTemperature)
	fl.IntVar(&f.maxTokens, "max-tokens", 0, helpMaxTokens)
	fl.StringArrayVarP(&f.options, "option", "o", nil, helpOption)
	fl.BoolVar(&f.raw, "raw", false, "never render markdown")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per chunk (text, reasoning, usage, finish, error)")
	fl.DurationVar(&f.timeout, "timeout", -1, helpTimeout)
	fl.DurationVar(&f.idleTimeout, "idle-timeout", -1, helpIdleTimeout)
	fl.BoolVarP(&f.cont, "continue", "c", false, "continue the last conversation")
	fl.StringVar(&f.resume, "resume", "", "continue the conversation with this ID (a prefix will do)")
	fl.BoolVar(&f.list, "list", false, "list saved conversations")
	fl.StringVar(&f.show, "show", "", "show a saved conversation")
	fl.StringVar(&f.del, "delete", "", "delete a saved conversation")
	fl.StringVar(&f.search, "search", "", "search saved conversations")
	fl.BoolVar(&f.noSave, "no-save", false, "keep nothing of this exchange")
	fl.BoolVar(&f.inline, "inline", false, helpInline)
	fl.BoolVar(&f.listModels, "list-models", false, "list the models the provider offers")
	fl.StringVar(&f.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/parley/config.toml)")
	fl.StringVar(&f.debug, "debug", "", "write a debug log to this file (never to the terminal)")
	// -1 stands for "not given" (the config's value, or the provider's), not
	// a value to show as the default.
	for _, name := range []string{"temperature", "timeout", "idle-timeout"} {
		fl.Lookup(name).DefValue = "0"
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage.Errorf("%v", err) })
	cmd.AddCommand(newSSECommand(env))
	addVersion(cmd)
	cmd.AddCommand(config.Command(env.getenv, exampleConfig))
	addHelp(cmd)
	complete.Register(cmd, func() (config.Settings, bool) {
		s, _, err := config.Load(f.config(cmd, nil), env.getenv)
		return s, err == nil
	}, env.getenv)
	return cmd
}

// newSSECommand is `parley sse`, whose time limits read as the root's.
func newSSECommand(env *environment) *cobra.Command {
	return ssecmd.New(ssecmd.Options{TTY: env.stdoutTTY, TimeoutHelp: helpTimeout,
		IdleTimeoutHelp: helpIdleTimeout, IdleTimeout: config.DefaultIdleTimeout})
}

// exampleConfig is config.example.toml, every key documented: what
// `parley config init` writes.
//
//go:embed config.example.toml
var exampleConfig []byte

// config is the command line's part in the settings; args are the words
// after the flags.
func (f *flags) config(cmd *cobra.Command, args []string) config.Flags {
	c := config.Flags{Model: f.model, System: f.system, Role: f.role, BaseURL: f.baseURL,
		NoSave: f.noSave, Inline: f.inline, Options: f.options, ConfigPath: f.configPath,
		Raw: f.raw, JSON: f.json, Continue: f.cont, Resume: f.resume, Debug: f.debug, ListModels: f.listModels,
		Saved: config.Saved{List: f.list, Show: f.show, Delete: f.del, Search: f.search}, Args: args}
	changed := cmd.Flags().Changed
	if changed("temperature") {
		c.Temperature = &f.temperature
	}
	if changed("max-tokens") {
		c.MaxTokens = &f.maxTokens
	}
	if changed("timeout") {
		c.Timeout = &f.timeout
	}
	if changed("idle-timeout") {
		c.IdleTimeout = &f.idleTimeout
	}
	return c
}

// runRoot decides between the chat, a one-shot answer and the store's
// commands.
func runRoot(ctx context.Context, env *environment, f *flags, cmd *cobra.Command, args []string) error {
	s, warnings, err := config.Resolve(f.config(cmd, args), env.getenv)
	for _, w := range warnings {
		fmt.Fprintln(env.stderr, "parley: warning: "+w)
	}
	if err != nil {
		return err
	}
	if asked := s.Saved.Asked(); len(asked) > 0 && len(f.attach) > 0 {
		return usage.Errorf("-a attaches files to a prompt: it does not go with %s", asked[0])
	}
	if done, err := runSavedCommands(ctx, env, s); done {
		return storeError(err)
	}

	prompt, err := readPrompt(env, f.prompt, args)
	if err != nil {
		return err
	}
	if prompt == "" && !s.ListModels && (!env.stdinTTY || !env.stdoutTTY) {
		return usage.Errorf("no prompt: give one with -p, as words, or on stdin (or run on a terminal for the chat)")
	}
	files, err := loadAttachments(env, f.attach, s.Attach)
	if err != nil {
		return err
	}
	conv := &conversation{}
	if !s.ListModels {
		if conv, err = openConversation(ctx, env, s); err != nil {
			return storeError(err)
		}
		defer conv.close()
		if f.model == "" && conv.conv.Model != "" {
			// A continued conversation keeps its model unless -m says otherwise.
			s.Model = conv.conv.Provider + ":" + conv.conv.Model
		}
	}
	w, err := newSetup(ctx, env, s)
	if err != nil {
		return err
	}
	defer w.close()
	if s.ListModels {
		return listModels(ctx, env, w)
	}
	if prompt == "" {
		return runChat(ctx, env, s, w, conv, files)
	}
	return runOneShot(ctx, env, s, w, conv, prompt, files)
}

// readPrompt joins -p, the positional words and piped stdin.
func readPrompt(env *environment, p string, args []string) (string, error) {
	parts := make([]string, 0, 3)
	if p != "" {
		parts = append(parts, p)
	}
	if len(args) > 0 {
		parts = append(parts, strings.Join(args, " "))
	}
	if !env.stdinTTY && env.stdin != nil {
		if f, ok := env.stdin.(*os.File); !ok || isPipeOrFile(f) {
			data, err := io.ReadAll(io.LimitReader(env.stdin, maxStdin+1))
			if err != nil {
				return "", fmt.Errorf("reading stdin: %w", err)
			}
			if len(data) > maxStdin {
				return "", usage.Errorf("stdin is larger than %d MiB", maxStdin>>20)
			}
			if s := strings.TrimRight(string(data), "\n"); strings.TrimSpace(s) != "" {
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, "\n\n"), nil
}

// maxStdin bounds what is read from a pipe into the prompt.
const maxStdin = 32 << 20

// isPipeOrFile reports whether f is a pipe or a regular file, which stdin
// is when something was piped or redirected in (and not, say, /dev/null
// under a CI runner with no stdin).
func isPipeOrFile(f *os.File) bool {
	info, err := f.Stat()
	if err != nil {
		return false
	}
	m := info.Mode()
	return m&os.ModeNamedPipe != 0 || m.IsRegular()
}

// Exit statuses.
const (
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
	exitPipeClosed  = 141 // as a shell reports a process killed by SIGPIPE
)

// exitCode maps the error that ended a run to its exit status.
func exitCode(ctx context.Context, err error) int {
	switch {
	case usage.Is(err), errors.Is(err, provider.ErrNoImages):
		return exitUsage
	case ctx.Err() != nil, errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.Is(err, errPipeClosed), errors.Is(err, syscall.EPIPE):
		return exitPipeClosed
	}
	return exitFailed
}

// errInterrupted ends a run that the user interrupted.
var errInterrupted = errors.New("interrupted")

// workDir is the process's working directory, "" when it cannot be read.
func workDir() string {
	wd, _ := os.Getwd()
	return wd
}
