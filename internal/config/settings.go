package config

import (
	"path/filepath"
	"strconv"
	"time"

	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// Flags are the command line's part in the settings. A nil pointer is a
// flag not given.
type Flags struct {
	Model, System, Role, BaseURL string
	Temperature                  *float64
	MaxTokens                    *int
	Timeout, IdleTimeout         *time.Duration
	NoSave, Inline               bool
	Options                      []string // -o KEY=VALUE
	ConfigPath                   string   // --config

	Raw, JSON  bool
	Continue   bool
	Resume     string
	Debug      string
	ListModels bool
	Saved      Saved
	Args       []string // the words after the flags
}

// Saved is what the user asked of the saved conversations, if anything:
// --list, --show ID, --delete ID or --search TEXT.
type Saved struct {
	List                 bool
	Show, Delete, Search string
}

// Asked returns the store flags given, as the user wrote them.
func (q Saved) Asked() []string {
	var asked []string
	for _, flag := range []struct {
		name string
		on   bool
	}{{"--list", q.List}, {"--show", q.Show != ""}, {"--delete", q.Delete != ""}, {"--search", q.Search != ""}} {
		if flag.on {
			asked = append(asked, flag.name)
		}
	}
	return asked
}

// Output is how an answer is written.
type Output uint8

// The outputs: rendered markdown on a terminal (and the text as it came
// when piped), the text as it came everywhere, or JSON lines.
const (
	OutputRendered Output = iota
	OutputRaw
	OutputJSON
)

// Settings are the values in effect for this run: what the user asked for,
// with every layer of configuration applied.
type Settings struct {
	Model           string
	DefaultProvider string
	System          string
	BaseURL         string
	Temperature     *float64
	MaxTokens       int
	Timeout         time.Duration
	IdleTimeout     time.Duration
	Retries         int
	Theme           string
	DataDir         string
	NoSave          bool
	Inline          bool // the chat on the main screen, into the scrollback
	CAFile          string
	// Attach bounds what -a attaches; zero fields take attach.Defaults.
	Attach attach.Limits
	// Extra holds the provider options of -o KEY=VALUE.
	Extra map[string]any
	// TimeoutFrom and IdleTimeoutFrom name where the limits came from, for
	// the error that reports them: the flag (also when empty), the
	// variable, or the config file.
	TimeoutFrom, IdleTimeoutFrom string

	// Aliases maps an alias to the model spec it stands for; Endpoints are
	// the presets and the config's providers; KeyCmds maps a provider to
	// its api_key_cmd; Roles are the config's named system prompts.
	Aliases   map[string]string
	Endpoints provider.Endpoints
	KeyCmds   map[string]string
	Roles     map[string]string

	// What the run is to do, as the flags say.
	Output     Output
	Continue   bool   // -c: the latest conversation
	Resume     string // --resume: this conversation
	Debug      string // --debug: the log file
	ListModels bool
	Saved      Saved
}

// Built-in defaults: the lowest layer of precedence.
const (
	DefaultIdleTimeout = 5 * time.Minute
	defaultRetries     = 2
)

// file is the config file a run reads, and whether the user named it (a
// named file must exist): --config, else PARLEY_CONFIG, else the default
// path.
func file(f Flags, getenv func(string) string) (path string, explicit bool) {
	if f.ConfigPath != "" {
		return f.ConfigPath, true
	}
	return Path(getenv), getenv("PARLEY_CONFIG") != ""
}

// Load reads the config file the run reads and resolves the settings in
// effect, without the checks of Resolve: what the shell completion needs.
// The warnings are about the file; the errors are usage errors.
func Load(f Flags, getenv func(string) string) (Settings, []string, error) {
	_, s, warnings, err := load(f, getenv)
	return s, warnings, err
}

// Resolve is Load followed by the checks of what the flags parse but
// cannot mean (words after --list, numbers out of range, an unknown
// theme...): the settings a run goes ahead with, or a usage error.
func Resolve(f Flags, getenv func(string) string) (Settings, []string, error) {
	cfg, s, warnings, err := load(f, getenv)
	if err != nil {
		return s, warnings, err
	}
	if f.Raw && f.JSON {
		return s, warnings, usage.Errorf("--raw and --json do not go together")
	}
	return s, warnings, check(f, cfg, s, getenv)
}

func load(f Flags, getenv func(string) string) (fileConfig, Settings, []string, error) {
	cfg, warnings, err := loadConfig(file(f, getenv))
	if err != nil {
		return cfg, Settings{}, nil, usage.Error{Err: err}
	}
	s, err := resolve(f, cfg, getenv)
	return cfg, s, warnings, err
}

// StorePath is where conversations are saved: data_dir (or
// PARLEY_DATA_DIR), else the store's default.
func (s Settings) StorePath(getenv func(string) string) (string, error) {
	if s.DataDir != "" {
		return filepath.Join(s.DataDir, "parley.db"), nil
	}
	return store.DefaultPath(getenv)
}

// resolve applies the layers of configuration in one place, lowest first:
// built-in defaults, then the file, then the environment, then the flags.
// Each later layer overrides what it sets.
func resolve(f Flags, cfg fileConfig, getenv func(string) string) (Settings, error) {
	// 1. Built-in defaults.
	s := Settings{
		IdleTimeout: DefaultIdleTimeout,
		Retries:     defaultRetries,
		Theme:       "auto",
		Aliases:     map[string]string{},
		Endpoints:   provider.Presets(),
		KeyCmds:     map[string]string{},
		Roles:       cfg.Roles,
		Continue:    f.Continue,
		Resume:      f.Resume,
		Debug:       f.Debug,
		ListModels:  f.ListModels,
		Saved:       f.Saved,
	}
	switch {
	case f.JSON:
		s.Output = OutputJSON
	case f.Raw:
		s.Output = OutputRaw
	}

	// 2. The config file.
	setStr(&s.Model, cfg.Model)
	setStr(&s.DefaultProvider, cfg.DefaultProvider)
	setStr(&s.System, cfg.System)
	if cfg.Temperature != nil {
		s.Temperature = cfg.Temperature
	}
	if cfg.MaxTokens != 0 {
		s.MaxTokens = cfg.MaxTokens
	}
	if cfg.Timeout.set {
		s.Timeout, s.TimeoutFrom = cfg.Timeout.Duration, "timeout in the config"
	}
	if cfg.IdleTimeout.set {
		s.IdleTimeout, s.IdleTimeoutFrom = cfg.IdleTimeout.Duration, "idle_timeout in the config"
	}
	if cfg.Retries != nil {
		s.Retries = *cfg.Retries
	}
	setStr(&s.Theme, cfg.Theme)
	setStr(&s.DataDir, cfg.DataDir)
	s.NoSave = cfg.NoSave
	s.Inline = cfg.Inline
	setStr(&s.CAFile, cfg.CAFile)
	s.Attach = attach.Limits{File: int64(cfg.Attach.MaxFile), Image: int64(cfg.Attach.MaxImage), Total: int64(cfg.Attach.MaxTotal)}
	for k, v := range cfg.Aliases {
		s.Aliases[k] = v
	}
	for name, pc := range cfg.Providers {
		s.Endpoints.Set(provider.Endpoint{Name: name, Type: pc.Type, BaseURL: pc.BaseURL,
			APIKey: pc.APIKey, APIKeyEnv: pc.APIKeyEnv, Model: pc.Model, Flavor: pc.Flavor,
			MaxTokensField: pc.MaxTokensField.value})
		if pc.APIKeyCmd != "" {
			s.KeyCmds[name] = pc.APIKeyCmd
		}
	}
	role := cfg.Role

	// 3. The environment. Provider variables (OPENAI_API_KEY, OLLAMA_HOST...)
	// are applied to the chosen endpoint by Endpoint.FromEnv.
	setStr(&s.Model, getenv("PARLEY_MODEL"))
	setStr(&s.DefaultProvider, getenv("PARLEY_DEFAULT_PROVIDER"))
	setStr(&s.Theme, getenv("PARLEY_THEME"))
	setStr(&s.DataDir, getenv("PARLEY_DATA_DIR"))
	if v := getenv("PARLEY_INLINE"); v != "" {
		inline, err := strconv.ParseBool(v)
		if err != nil {
			return s, usage.Errorf("PARLEY_INLINE=%q is not a boolean such as 1 or 0", v)
		}
		s.Inline = inline
	}
	for _, env := range []struct {
		name string
		dst  *time.Duration
		from *string
	}{{"PARLEY_TIMEOUT", &s.Timeout, &s.TimeoutFrom}, {"PARLEY_IDLE_TIMEOUT", &s.IdleTimeout, &s.IdleTimeoutFrom}} {
		if v := getenv(env.name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return s, usage.Errorf("%s=%q is not a duration such as 90s or 5m", env.name, v)
			}
			*env.dst, *env.from = d, env.name
		}
	}

	// 4. The flags. A negative value given is refused by check.
	setStr(&s.Model, f.Model)
	setStr(&s.System, f.System)
	setStr(&role, f.Role)
	setStr(&s.BaseURL, f.BaseURL)
	if f.Temperature != nil && *f.Temperature >= 0 {
		t := *f.Temperature
		s.Temperature = &t
	}
	if m := f.MaxTokens; m != nil && *m > 0 {
		s.MaxTokens = *m
	}
	if d := f.Timeout; d != nil && *d >= 0 {
		s.Timeout, s.TimeoutFrom = *d, ""
	}
	if d := f.IdleTimeout; d != nil && *d >= 0 {
		s.IdleTimeout, s.IdleTimeoutFrom = *d, ""
	}
	if f.NoSave {
		s.NoSave = true
	}
	if f.Inline {
		s.Inline = true
	}
	extra, err := parseOptions(f.Options)
	if err != nil {
		return s, err
	}
	s.Extra = extra

	// A role is a named system prompt; an explicit --system wins over it.
	if role != "" && f.System == "" {
		text, ok := cfg.Roles[role]
		if !ok {
			return s, usage.Errorf("unknown role %q: define it under [roles] in the config", role)
		}
		s.System = text
	}
	return s, nil
}

func setStr(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// parseOptions reads the -o KEY=VALUE flags into the options each wire
// merges into its request body; a malformed or reserved one is a usage
// error. A key given twice keeps its last value.
func parseOptions(opts []string) (map[string]any, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	extra := make(map[string]any, len(opts))
	for _, kv := range opts {
		k, v, err := provider.ParseOption(kv)
		if err != nil {
			return nil, usage.Errorf("-o %v", err)
		}
		extra[k] = v
	}
	return extra, nil
}
