package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/parley-chat/parley/provider"
)

// fileConfig is the TOML configuration file. config.example.toml documents
// every key in the same words as the flag help.
type fileConfig struct {
	Model           string                    `toml:"model"`
	DefaultProvider string                    `toml:"default_provider"`
	System          string                    `toml:"system"`
	Role            string                    `toml:"role"`
	Temperature     *float64                  `toml:"temperature"`
	MaxTokens       int                       `toml:"max_tokens"`
	Timeout         duration                  `toml:"timeout"`
	IdleTimeout     duration                  `toml:"idle_timeout"`
	Retries         *int                      `toml:"retries"`
	Theme           string                    `toml:"theme"`
	DataDir         string                    `toml:"data_dir"`
	NoSave          bool                      `toml:"no_save"`
	Inline          bool                      `toml:"inline"`
	CAFile          string                    `toml:"ca_file"`
	Aliases         map[string]string         `toml:"aliases"`
	Roles           map[string]string         `toml:"roles"`
	Providers       map[string]providerConfig `toml:"providers"`
}

// providerConfig is one [providers.NAME] table.
type providerConfig struct {
	Type      string `toml:"type"`
	BaseURL   string `toml:"base_url"`
	APIKey    string `toml:"api_key"`
	APIKeyEnv string `toml:"api_key_env"`
	APIKeyCmd string `toml:"api_key_cmd"`
	Model     string `toml:"model"`
	Flavor    string `toml:"flavor"`
	// MaxTokensField: see provider.Endpoint.MaxTokensField.
	MaxTokensField maxTokensField `toml:"max_tokens_field"`
}

// duration is a time.Duration written as a Go duration string ("90s").
type duration struct {
	time.Duration
	set bool
}

// UnmarshalText parses a Go duration.
func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as 90s or 5m", b)
	}
	d.Duration, d.set = v, true
	return nil
}

// defaultConfigPath is $XDG_CONFIG_HOME/parley/config.toml.
func defaultConfigPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "parley", "config.toml")
}

// configFile is the config file a run reads, and whether the user named
// it (a named file must exist): --config, else PARLEY_CONFIG, else the
// default path.
func configFile(env *environment, f *flags) (path string, explicit bool) {
	if f.configPath != "" {
		return f.configPath, true
	}
	return configPath(env), env.getenv("PARLEY_CONFIG") != ""
}

// loadSettings reads the config file the run reads and resolves the
// settings in effect; the warnings are about the file.
func loadSettings(env *environment, f *flags) (fileConfig, settings, []string, error) {
	cfg, warnings, err := loadConfig(configFile(env, f))
	if err != nil {
		return cfg, settings{}, nil, usageError{err}
	}
	s, err := resolve(f, cfg, env.getenv)
	return cfg, s, warnings, err
}

// loadConfig reads the file at path. A missing file is an empty config
// unless the user named it; unknown keys and bad values are errors naming
// the key and the file.
func loadConfig(path string, explicit bool) (fileConfig, []string, error) {
	var cfg fileConfig
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return cfg, nil, nil
		}
		return cfg, nil, fmt.Errorf("config: %w", err)
	}
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var strict *toml.StrictMissingError
		var derr *toml.DecodeError
		switch {
		case errors.As(err, &strict) && len(strict.Errors) > 0:
			e := strict.Errors[0]
			row, _ := e.Position()
			return cfg, nil, fmt.Errorf("config %s:%d: unknown key %q", path, row, strings.Join(e.Key(), "."))
		case errors.As(err, &derr):
			row, _ := derr.Position()
			msg := strings.TrimPrefix(derr.Error(), "toml: ")
			if k := derr.Key(); len(k) > 0 {
				return cfg, nil, fmt.Errorf("config %s:%d: key %q: %s", path, row, strings.Join(k, "."), msg)
			}
			return cfg, nil, fmt.Errorf("config %s:%d: %s", path, row, msg)
		}
		return cfg, nil, fmt.Errorf("config %s: %w", path, err)
	}
	var warnings []string
	for name, pc := range cfg.Providers {
		if pc.APIKey == "" {
			continue
		}
		if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
			warnings = append(warnings, fmt.Sprintf("config %s holds the API key of provider %s and is readable by others (mode %v): chmod 600 it", path, name, info.Mode().Perm()))
		}
		break
	}
	return cfg, warnings, nil
}

// settings are the values in effect for this run.
type settings struct {
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
	Inline          bool
	CAFile          string
	// Extra holds the provider options of -o KEY=VALUE.
	Extra map[string]any
	// TimeoutFrom and IdleTimeoutFrom name where the limits came from, for
	// the error that reports them: the flag (also when empty), the
	// variable, or the config file.
	TimeoutFrom, IdleTimeoutFrom string

	aliases   map[string]string
	endpoints provider.Endpoints
	keyCmds   map[string]string
}

// Built-in defaults: the lowest layer of precedence.
const (
	defaultIdleTimeout = 5 * time.Minute
	defaultRetries     = 2
)

// resolve applies the layers of configuration in one place, lowest first:
// built-in defaults, then the file, then the environment, then the flags.
// Each later layer overrides what it sets.
func resolve(f *flags, cfg fileConfig, getenv func(string) string) (settings, error) {
	// 1. Built-in defaults.
	s := settings{
		IdleTimeout: defaultIdleTimeout,
		Retries:     defaultRetries,
		Theme:       "auto",
		aliases:     map[string]string{},
		endpoints:   provider.Presets(),
		keyCmds:     map[string]string{},
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
	for k, v := range cfg.Aliases {
		s.aliases[k] = v
	}
	for name, pc := range cfg.Providers {
		s.endpoints.Set(provider.Endpoint{Name: name, Type: pc.Type, BaseURL: pc.BaseURL,
			APIKey: pc.APIKey, APIKeyEnv: pc.APIKeyEnv, Model: pc.Model, Flavor: pc.Flavor,
			MaxTokensField: pc.MaxTokensField.value})
		if pc.APIKeyCmd != "" {
			s.keyCmds[name] = pc.APIKeyCmd
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
			return s, usageErrorf("PARLEY_INLINE=%q is not a boolean such as 1 or 0", v)
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
				return s, usageErrorf("%s=%q is not a duration such as 90s or 5m", env.name, v)
			}
			*env.dst, *env.from = d, env.name
		}
	}

	// 4. The flags.
	setStr(&s.Model, f.model)
	setStr(&s.System, f.system)
	setStr(&role, f.role)
	setStr(&s.BaseURL, f.baseURL)
	if f.temperature >= 0 {
		t := f.temperature
		s.Temperature = &t
	}
	if f.maxTokens > 0 {
		s.MaxTokens = f.maxTokens
	}
	if f.timeout >= 0 {
		s.Timeout, s.TimeoutFrom = f.timeout, ""
	}
	if f.idleTimeout >= 0 {
		s.IdleTimeout, s.IdleTimeoutFrom = f.idleTimeout, ""
	}
	if f.noSave {
		s.NoSave = true
	}
	if f.inline {
		s.Inline = true
	}
	extra, err := parseOptions(f.options)
	if err != nil {
		return s, err
	}
	s.Extra = extra

	// A role is a named system prompt; an explicit --system wins over it.
	if role != "" && f.system == "" {
		text, ok := cfg.Roles[role]
		if !ok {
			return s, usageErrorf("unknown role %q: define it under [roles] in the config", role)
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

// keyCmdTimeout bounds an api_key_cmd: long enough for a password manager
// that asks to be unlocked, short enough that a command waiting for input
// nobody gives does not hang the run.
const keyCmdTimeout = 2 * time.Minute

// apiKeyFromCommand runs the api_key_cmd of a provider and returns the
// first line of its output. The key never appears in an error. The command
// is killed when ctx ends or after timeout.
func apiKeyFromCommand(ctx context.Context, name, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stderr = nil
	// A child of the shell may keep the output open after the shell was
	// killed: stop waiting for it soon after.
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", fmt.Errorf("api_key_cmd of provider %s did not finish within %v", name, timeout)
	}
	if err != nil {
		return "", fmt.Errorf("api_key_cmd of provider %s failed: %v", name, err)
	}
	key, _, _ := strings.Cut(string(out), "\n")
	key = strings.TrimSpace(key)
	if key == "" {
		return "", fmt.Errorf("api_key_cmd of provider %s printed nothing", name)
	}
	return key, nil
}
