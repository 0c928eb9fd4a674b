// Package config resolves what a run of parley is to do from the command
// line, the environment and the TOML file, in one order of precedence
// (resolve), into Settings; it also holds what the configuration names
// beyond that: the `parley config` command, the api_key_cmd of a provider,
// and the choice of a provider for a bare model name. It reads the process
// environment only through the getenv it is given.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/parley-chat/parley/attach"
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
	Attach          attachConfig              `toml:"attach"`
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

// attachConfig is the [attach] table: the limits of -a.
type attachConfig struct {
	MaxFile  size `toml:"max_file"`
	MaxImage size `toml:"max_image"`
	MaxTotal size `toml:"max_total"`
}

// size is a number of bytes written as "512KiB", "4MiB" or "4096".
type size int64

// UnmarshalText parses a size.
func (n *size) UnmarshalText(b []byte) error {
	v, err := attach.ParseSize(string(b))
	*n = size(v)
	return err
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
		home := homeDir(getenv)
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "parley", "config.toml")
}

// Path is the config file a run reads when --config does not name one:
// PARLEY_CONFIG, else $XDG_CONFIG_HOME/parley/config.toml.
func Path(getenv func(string) string) string {
	if p := getenv("PARLEY_CONFIG"); p != "" {
		return p
	}
	return defaultConfigPath(getenv)
}

// homeDir is the user's home directory as os.UserHomeDir finds it, read
// through getenv.
func homeDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return getenv("USERPROFILE")
	case "plan9":
		return getenv("home")
	}
	return getenv("HOME")
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
