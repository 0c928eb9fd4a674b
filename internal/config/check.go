package config

import (
	"slices"
	"time"

	"github.com/parley-chat/parley/internal/usage"
)

// Bounds of the sampling flags: outside them a value is a typo, not a
// request any provider would take.
const (
	maxTemperature = 2
	maxMaxTokens   = 10_000_000
)

// themes are the values of theme and PARLEY_THEME ("notty" is what
// NO_COLOR turns any of them into).
var themes = []string{"auto", "dark", "light", "notty"}

// check rejects, as usage errors (exit 2), what the flags parse but
// cannot mean: words after a command that takes none, numbers out of
// range, an unknown theme (the one in effect, s.Theme).
func check(f Flags, cfg fileConfig, s Settings, getenv func(string) string) error {
	if args := f.Args; len(args) > 0 {
		switch {
		case f.Saved.List:
			return usage.Errorf("--list takes no arguments (got %q)", args[0])
		case f.ListModels:
			return usage.Errorf("--list-models takes no arguments (got %q)", args[0])
		case f.Saved.Show != "":
			return oneValue("--show", args[0])
		case f.Saved.Delete != "":
			return oneValue("--delete", args[0])
		case f.Saved.Search != "":
			return oneValue("--search", args[0])
		}
	}
	if t := f.Temperature; t != nil && (*t < 0 || *t > maxTemperature) {
		return usage.Errorf("--temperature %g is out of range: give a value from 0 to %d", *t, maxTemperature)
	}
	if t := cfg.Temperature; t != nil && (*t < 0 || *t > maxTemperature) {
		return usage.Errorf("config: temperature %g is out of range: give a value from 0 to %d", *t, maxTemperature)
	}
	if m := f.MaxTokens; m != nil && (*m < 0 || *m > maxMaxTokens) {
		return usage.Errorf("--max-tokens %d is out of range: give a value from 1 to %d (0: the provider's default)", *m, maxMaxTokens)
	}
	if m := cfg.MaxTokens; m < 0 || m > maxMaxTokens {
		return usage.Errorf("config: max_tokens %d is out of range: give a value from 1 to %d (0: the provider's default)", m, maxMaxTokens)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
	}{{"timeout", f.Timeout}, {"idle-timeout", f.IdleTimeout}} {
		if d.v != nil && *d.v < 0 {
			return usage.Errorf("--%s %v is negative: give a duration such as 90s or 5m (0: none)", d.name, *d.v)
		}
	}
	if !slices.Contains(themes, s.Theme) {
		from := "config: theme" // resolve lets PARLEY_THEME override it
		if getenv("PARLEY_THEME") != "" {
			from = "PARLEY_THEME"
		}
		return usage.Errorf("%s %q is not a theme: use auto, dark or light", from, s.Theme)
	}
	return nil
}

func oneValue(flag, extra string) error {
	return usage.Errorf("%s takes one value (got %q too; quote a value with spaces)", flag, extra)
}
