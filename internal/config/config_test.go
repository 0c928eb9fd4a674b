package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// configFile writes text to a private config file and returns its path.
func configFile(t *testing.T, text string) (path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown key", "model = \"demo\"\nbogus = 1\n", `:2: unknown key "bogus"`},
		{"unknown nested key", "[providers.x]\ntype = \"openai\"\nurl = \"x\"\n", `:3: unknown key "providers.x.url"`},
		{"bad duration", "timeout = \"soon\"\n", `key "timeout": "soon" is not a duration`},
		{"bad syntax", "model = \n", `:1:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := configFile(t, tt.text)
			_, _, err := loadConfig(path, true)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v, want it to name %s and contain %q", err, path, tt.want)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestMissingConfig(t *testing.T) {
	if _, _, err := loadConfig(filepath.Join(t.TempDir(), "none.toml"), false); err != nil {
		t.Errorf("a missing default config is an error: %v", err)
	}
	if _, _, err := loadConfig(filepath.Join(t.TempDir(), "none.toml"), true); err == nil {
		t.Error("a missing --config file is not an error")
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, _, err := loadConfig("../../config.example.toml", true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Providers["work"].Type != "openai" || cfg.Aliases["local"] != "ollama:llama3.2" {
		t.Errorf("example config read as %+v", cfg)
	}
}

func TestKeyInReadableConfigWarns(t *testing.T) {
	path := configFile(t, "[providers.x]\ntype = \"openai\"\napi_key = \"sk-x\"\n")
	if _, w, _ := loadConfig(path, true); len(w) != 0 {
		t.Errorf("warnings for a private file: %q", w)
	}
	os.Chmod(path, 0o644)
	if _, w, _ := loadConfig(path, true); len(w) != 1 || !strings.Contains(w[0], "chmod 600") || strings.Contains(w[0], "sk-x") {
		t.Errorf("warnings = %q", w)
	}
}

// TestPrecedence checks flags > environment > file > defaults.
func TestPrecedence(t *testing.T) {
	cfg, _, err := loadConfig(configFile(t, "model = \"file-model\"\nidle_timeout = \"1m\"\ntimeout = \"2m\"\ntheme = \"light\"\nsystem = \"file system\"\nrole = \"r\"\n[roles]\nr = \"role prompt\"\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PARLEY_MODEL": "env-model", "PARLEY_IDLE_TIMEOUT": "30s"}
	getenv := func(k string) string { return env[k] }
	noFlags := Flags{}

	s, err := resolve(noFlags, fileConfig{}, func(string) string { return "" })
	if err != nil || s.IdleTimeout != DefaultIdleTimeout || s.Theme != "auto" || s.Retries != defaultRetries {
		t.Errorf("defaults: %+v, %v", s, err)
	}
	s, err = resolve(noFlags, cfg, getenv)
	if err != nil || s.Model != "env-model" || s.IdleTimeout != 30*time.Second || s.Timeout != 2*time.Minute || s.Theme != "light" || s.System != "role prompt" {
		t.Errorf("file+env: model %q idle %v timeout %v theme %q system %q, %v", s.Model, s.IdleTimeout, s.Timeout, s.Theme, s.System, err)
	}
	f := Flags{Model: "flag-model", System: "flag system", Temperature: new(0.5), IdleTimeout: new(time.Duration(0))}
	s, err = resolve(f, cfg, getenv)
	if err != nil || s.Model != "flag-model" || s.IdleTimeout != 0 || s.System != "flag system" || s.Temperature == nil || *s.Temperature != 0.5 {
		t.Errorf("flags: %+v, %v", s, err)
	}
	if _, err := resolve(Flags{Role: "nope"}, cfg, getenv); err == nil {
		t.Error("an unknown role is not an error")
	}
}

// FuzzLoadConfig feeds arbitrary files to the config loader: it may refuse
// them, in one line, but never panics.
func FuzzLoadConfig(f *testing.F) {
	example, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("model = \"demo\"\n[providers.x]\ntype = \"openai\"\n"))
	f.Add([]byte("timeout = \"5m\"\nretries = -3\n[aliases]\na = \"b\"\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, _, err := loadConfig(path, true)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		resolve(Flags{}, cfg, func(string) string { return "" })
	})
}

func TestAPIKeyCmdTimeout(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("api_key_cmd runs under sh")
	}
	start := time.Now()
	key, err := KeyFromCommand(t.Context(), "openai", "sleep 10; echo sk-late", 200*time.Millisecond)
	if key != "" || err == nil || err.Error() != "api_key_cmd of provider openai did not finish within 200ms" {
		t.Errorf("a hanging api_key_cmd: key %q, error %v", key, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a hanging api_key_cmd held the run for %v", d)
	}
	if key, err := KeyFromCommand(t.Context(), "openai", "echo sk-test", time.Minute); key != "sk-test" || err != nil {
		t.Errorf("api_key_cmd: key %q, error %v", key, err)
	}
}

// --inline, inline = true and PARLEY_INLINE each turn the inline chat on;
// PARLEY_INLINE=0 turns off what the config turned on.
func TestInlineSettings(t *testing.T) {
	tests := []struct {
		flag, file bool
		env        string
		want       bool
	}{
		{false, false, "", false},
		{true, false, "", true},
		{false, true, "", true},
		{false, false, "1", true},
		{false, true, "0", false},
		{true, false, "0", true},
	}
	for _, tt := range tests {
		f := Flags{Inline: tt.flag}
		getenv := func(k string) string {
			if k == "PARLEY_INLINE" {
				return tt.env
			}
			return ""
		}
		s, err := resolve(f, fileConfig{Inline: tt.file}, getenv)
		if err != nil || s.Inline != tt.want {
			t.Errorf("flag %v, file %v, PARLEY_INLINE=%q: inline %v, %v; want %v", tt.flag, tt.file, tt.env, s.Inline, err, tt.want)
		}
	}
	_, err := resolve(Flags{}, fileConfig{}, func(k string) string {
		if k == "PARLEY_INLINE" {
			return "maybe"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "PARLEY_INLINE") {
		t.Errorf("PARLEY_INLINE=maybe: %v, want an error that names it", err)
	}
}
