// Package complete completes the values of parley's flags in the shell.
// Cobra's completion command writes the bash, zsh, fish or PowerShell
// script, which calls the hidden __complete command, which calls the
// functions registered here. They read what the run would read (the config,
// the store, and the models cache that --list-models keeps here) and never
// the network: a completion must be instant, and fail silently.
package complete

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// Register registers on cmd the completion of -m, --role and the flags
// that take a saved conversation's ID. load returns the settings the run
// would have, or false; getenv reads the environment.
func Register(cmd *cobra.Command, load func() (config.Settings, bool), getenv func(string) string) {
	must := func(err error) {
		if err != nil {
			panic(err) // a flag name typo: caught by the tests
		}
	}
	must(cmd.RegisterFlagCompletionFunc("model", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return models(load, getenv), cobra.ShellCompDirectiveNoFileComp
	}))
	must(cmd.RegisterFlagCompletionFunc("role", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return roles(load), cobra.ShellCompDirectiveNoFileComp
	}))
	idFunc := func(c *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return ids(c.Context(), load, getenv), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
	for _, name := range []string{"resume", "show", "delete"} {
		must(cmd.RegisterFlagCompletionFunc(name, idFunc))
	}
}

// models offers the providers (with their default model), the aliases,
// and the models that --list-models last listed.
func models(load func() (config.Settings, bool), getenv func(string) string) []cobra.Completion {
	s, ok := load()
	if !ok {
		return nil
	}
	var out []cobra.Completion
	for _, name := range s.Endpoints.Names() {
		desc := "provider"
		if m := s.Endpoints[name].Model; m != "" {
			desc += ", default model " + m
		}
		out = append(out, cobra.CompletionWithDesc(name, desc))
	}
	aliases := make([]string, 0, len(s.Aliases))
	for a := range s.Aliases {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		out = append(out, cobra.CompletionWithDesc(a, "alias for "+s.Aliases[a]))
	}
	for _, name := range s.Endpoints.Names() {
		for _, m := range cachedModels(getenv, name) {
			out = append(out, cobra.Completion(name+":"+m))
		}
	}
	return out
}

// roles offers the roles of the config, each with the start of its system
// prompt.
func roles(load func() (config.Settings, bool)) []cobra.Completion {
	s, ok := load()
	if !ok {
		return nil
	}
	names := make([]string, 0, len(s.Roles))
	for r := range s.Roles {
		names = append(names, r)
	}
	slices.Sort(names)
	out := make([]cobra.Completion, 0, len(names))
	for _, r := range names {
		out = append(out, cobra.CompletionWithDesc(r, describe(s.Roles[r])))
	}
	return out
}

// ids offers the saved conversations' IDs, the one used last first, each
// with its title. A store that does not exist is not made.
func ids(ctx context.Context, load func() (config.Settings, bool), getenv func(string) string) []cobra.Completion {
	s, ok := load()
	if !ok {
		return nil
	}
	path, err := s.StorePath(getenv)
	if err != nil {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	st, err := store.Open(path)
	if err != nil {
		return nil
	}
	defer st.Close()
	if ctx == nil {
		ctx = context.Background()
	}
	list, err := st.List(ctx, 0)
	if err != nil {
		return nil
	}
	out := make([]cobra.Completion, 0, len(list))
	for _, c := range list {
		out = append(out, cobra.CompletionWithDesc(c.ID, describe(c.Title)))
	}
	return out
}

// describe makes text a one-line description of at most 60 characters,
// with nothing that could drive the terminal.
func describe(text string) string {
	text = termsafe.Line(text)
	if r := []rune(text); len(r) > 60 {
		text = string(r[:59]) + "…"
	}
	return text
}

// modelsCacheFile is where --list-models keeps what a provider listed,
// for the completion of -m.
func modelsCacheFile(getenv func(string) string, providerName string) (string, error) {
	dir := cacheDir(getenv)
	if dir == "" {
		return "", errors.New("no cache directory")
	}
	if providerName == "" || strings.ContainsAny(providerName, `/\`) || strings.HasPrefix(providerName, ".") {
		return "", errors.New("no cache for this provider name")
	}
	return filepath.Join(dir, "parley", "models", providerName), nil
}

// CacheModels keeps the models a provider listed, for the completion of
// -m; failing to is no error of --list-models.
func CacheModels(getenv func(string) string, providerName string, models []string) {
	path, err := modelsCacheFile(getenv, providerName)
	if err != nil || os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	var b strings.Builder
	for _, m := range models {
		if m = strings.TrimSpace(m); m != "" && !strings.ContainsAny(m, "\n\r") {
			b.WriteString(m + "\n")
		}
	}
	tmp := path + ".tmp"
	if os.WriteFile(tmp, []byte(b.String()), 0o600) == nil {
		os.Rename(tmp, path)
	}
}

// cachedModels returns the models --list-models last listed for a
// provider, or none.
func cachedModels(getenv func(string) string, providerName string) []string {
	path, err := modelsCacheFile(getenv, providerName)
	if err != nil {
		return nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var models []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if m := termsafe.Cell(strings.TrimSpace(sc.Text())); m != "" {
			models = append(models, m)
		}
	}
	return models
}

// cacheDir is the user's cache directory as os.UserCacheDir finds it, read
// through getenv; "" when there is none.
func cacheDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return getenv("LocalAppData")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Caches")
		}
	case "plan9":
		if home := getenv("home"); home != "" {
			return filepath.Join(home, "lib", "cache")
		}
	default:
		if dir := getenv("XDG_CACHE_HOME"); dir != "" {
			if !filepath.IsAbs(dir) {
				return ""
			}
			return dir
		}
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".cache")
		}
	}
	return ""
}
