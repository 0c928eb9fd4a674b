package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/provider"
)

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.toml")
	env := []string{"PARLEY_CONFIG=" + path}

	r := parley(t, "", env, "config")
	if r.code != 0 || r.stdout != path+"\n" || r.stderr != "" {
		t.Fatalf("config: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = parley(t, "", env, "config", "init")
	if r.code != 0 || r.stdout != "Wrote "+path+"\n" || r.stderr != "" {
		t.Fatalf("config init: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("config written with mode %v, want 0600", info.Mode().Perm())
	}
	// Every key of the example is there, documented and commented out:
	// the written file loads as an empty config.
	for _, key := range []string{"# model = \"demo\"", "# default_provider", "# idle_timeout", "# [providers.work]", "# Precedence"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("written config lacks %q", key)
		}
	}
	noEnv := func(string) string { return "" }
	if cfg, _, err := config.Load(config.Flags{ConfigPath: path}, noEnv); err != nil || cfg.Model != "" || len(cfg.Endpoints) != len(provider.Presets()) {
		t.Errorf("written config loads as %+v, %v; want an empty config", cfg, err)
	}
	// A run with it works as without it.
	if r := parley(t, "", env, "-m", "demo:fast", "-p", "hi"); r.code != 0 {
		t.Errorf("a run with the written config: exit %d, stderr %q", r.code, r.stderr)
	}

	// Never over an existing file.
	if err := os.WriteFile(path, []byte("model = \"mine\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = parley(t, "", env, "config", "init")
	if want := "parley: " + path + " exists: edit it with parley config edit, or move it aside first\n"; r.code != 2 || r.stdout != "" || r.stderr != want {
		t.Errorf("config init over a file: exit %d, stdout %q, stderr %q; want exit 2, %q", r.code, r.stdout, r.stderr, want)
	}
	if data, _ := os.ReadFile(path); string(data) != "model = \"mine\"\n" {
		t.Errorf("config init changed an existing file: %q", data)
	}
}

func TestConfigEdit(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	editor := filepath.Join(dir, "editor")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record + "\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "new", "config.toml")
	for _, tt := range []struct {
		name string
		env  []string
		want string
	}{
		{"EDITOR", []string{"EDITOR=" + editor}, path + "\n"},
		{"VISUAL first, with its words", []string{"VISUAL=" + editor + " --wait", "EDITOR=false"}, "--wait\n" + path + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(record)
			r := parley(t, "", append(tt.env, "PARLEY_CONFIG="+path), "config", "edit")
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if got, _ := os.ReadFile(record); string(got) != tt.want {
				t.Errorf("editor got %q, want %q", got, tt.want)
			}
			// Missing, the file was written from the example first.
			if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "# default_provider") {
				t.Errorf("config edit did not write the example first: %v", err)
			}
		})
	}
	// A failing editor is one line and exit 1.
	r := parley(t, "", []string{"EDITOR=false", "PARLEY_CONFIG=" + path}, "config", "edit")
	if r.code != 1 || r.stderr != "parley: editor false: exit status 1\n" {
		t.Errorf("failing editor: exit %d, stderr %q", r.code, r.stderr)
	}
}
