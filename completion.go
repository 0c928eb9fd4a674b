package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// Shell completion: cobra's completion command writes the bash, zsh, fish
// or PowerShell script, which calls the hidden __complete command, which
// calls the functions registered here. They read what the run would read
// (the config, the store, the models cache) and never the network: a
// completion must be instant, and fail silently.

// addCompletions registers the completion of -m, --role and the flags that
// take a saved conversation's ID.
func addCompletions(cmd *cobra.Command, env *environment, f *flags) {
	must := func(err error) {
		if err != nil {
			panic(err) // a flag name typo: caught by the tests
		}
	}
	must(cmd.RegisterFlagCompletionFunc("model", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeModels(env, f), cobra.ShellCompDirectiveNoFileComp
	}))
	must(cmd.RegisterFlagCompletionFunc("role", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeRoles(env, f), cobra.ShellCompDirectiveNoFileComp
	}))
	ids := func(c *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeIDs(c.Context(), env, f), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
	for _, name := range []string{"resume", "show", "delete"} {
		must(cmd.RegisterFlagCompletionFunc(name, ids))
	}
}

// completionConfig loads the config and settings as a run would, or
// reports false.
func completionConfig(env *environment, f *flags) (fileConfig, settings, bool) {
	cfg, s, _, err := loadSettings(env, f)
	return cfg, s, err == nil
}

// completeModels offers the providers (with their default model), the
// aliases, and the models that --list-models last listed.
func completeModels(env *environment, f *flags) []cobra.Completion {
	_, s, ok := completionConfig(env, f)
	if !ok {
		return nil
	}
	var out []cobra.Completion
	for _, name := range s.endpoints.Names() {
		desc := "provider"
		if m := s.endpoints[name].Model; m != "" {
			desc += ", default model " + m
		}
		out = append(out, cobra.CompletionWithDesc(name, desc))
	}
	aliases := make([]string, 0, len(s.aliases))
	for a := range s.aliases {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		out = append(out, cobra.CompletionWithDesc(a, "alias for "+s.aliases[a]))
	}
	for _, name := range s.endpoints.Names() {
		for _, m := range cachedModels(name) {
			out = append(out, cobra.Completion(name+":"+m))
		}
	}
	return out
}

// completeRoles offers the roles of the config, each with the start of its
// system prompt.
func completeRoles(env *environment, f *flags) []cobra.Completion {
	cfg, _, ok := completionConfig(env, f)
	if !ok {
		return nil
	}
	names := make([]string, 0, len(cfg.Roles))
	for r := range cfg.Roles {
		names = append(names, r)
	}
	slices.Sort(names)
	out := make([]cobra.Completion, 0, len(names))
	for _, r := range names {
		out = append(out, cobra.CompletionWithDesc(r, describe(cfg.Roles[r])))
	}
	return out
}

// completeIDs offers the saved conversations' IDs, the one used last
// first, each with its title. A store that does not exist is not made.
func completeIDs(ctx context.Context, env *environment, f *flags) []cobra.Completion {
	_, s, ok := completionConfig(env, f)
	if !ok {
		return nil
	}
	path, err := storePath(env, s)
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
func modelsCacheFile(providerName string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	if providerName == "" || strings.ContainsAny(providerName, `/\`) || strings.HasPrefix(providerName, ".") {
		return "", errors.New("no cache for this provider name")
	}
	return filepath.Join(dir, "parley", "models", providerName), nil
}

// cacheModels keeps the models a provider listed; failing to is no error
// of --list-models.
func cacheModels(providerName string, models []string) {
	path, err := modelsCacheFile(providerName)
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
func cachedModels(providerName string) []string {
	path, err := modelsCacheFile(providerName)
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
		if m := clean(strings.TrimSpace(sc.Text())); m != "" {
			models = append(models, m)
		}
	}
	return models
}
