package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
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

// checkUsage rejects, as usage errors (exit 2), what the flags parse but
// cannot mean: words after a command that takes none, numbers out of
// range, an unknown theme (the one in effect, s.Theme).
func checkUsage(cmd *cobra.Command, f *flags, cfg fileConfig, s settings, args []string, getenv func(string) string) error {
	if len(args) > 0 {
		switch {
		case f.list:
			return usageErrorf("--list takes no arguments (got %q)", args[0])
		case f.listModels:
			return usageErrorf("--list-models takes no arguments (got %q)", args[0])
		case f.show != "":
			return oneValue("--show", args[0])
		case f.del != "":
			return oneValue("--delete", args[0])
		case f.search != "":
			return oneValue("--search", args[0])
		}
	}
	changed := cmd.Flags().Changed
	if changed("temperature") && (f.temperature < 0 || f.temperature > maxTemperature) {
		return usageErrorf("--temperature %g is out of range: give a value from 0 to %d", f.temperature, maxTemperature)
	}
	if t := cfg.Temperature; t != nil && (*t < 0 || *t > maxTemperature) {
		return usageErrorf("config: temperature %g is out of range: give a value from 0 to %d", *t, maxTemperature)
	}
	if changed("max-tokens") && (f.maxTokens < 0 || f.maxTokens > maxMaxTokens) {
		return usageErrorf("--max-tokens %d is out of range: give a value from 1 to %d (0: the provider's default)", f.maxTokens, maxMaxTokens)
	}
	if m := cfg.MaxTokens; m < 0 || m > maxMaxTokens {
		return usageErrorf("config: max_tokens %d is out of range: give a value from 1 to %d (0: the provider's default)", m, maxMaxTokens)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"timeout", f.timeout}, {"idle-timeout", f.idleTimeout}} {
		if changed(d.name) && d.v < 0 {
			return usageErrorf("--%s %v is negative: give a duration such as 90s or 5m (0: none)", d.name, d.v)
		}
	}
	if !slices.Contains(themes, s.Theme) {
		from := "config: theme" // resolve lets PARLEY_THEME override it
		if getenv("PARLEY_THEME") != "" {
			from = "PARLEY_THEME"
		}
		return usageError{fmt.Errorf("%s %q is not a theme: use auto, dark or light", from, s.Theme)}
	}
	return nil
}

func oneValue(flag, extra string) error {
	return usageErrorf("%s takes one value (got %q too; quote a value with spaces)", flag, extra)
}
