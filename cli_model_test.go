package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// wireServer is a local server speaking one backend's wire, which records
// the requests it gets.
type wireServer struct {
	b      backend
	url    string
	mu     sync.Mutex
	got    []*http.Request
	bodies []string
}

// wireServers starts a server for openai, anthropic and gemini, and
// returns them with the variables that point each provider at its own.
func wireServers(t *testing.T) (map[string]*wireServer, []string) {
	t.Helper()
	servers := map[string]*wireServer{}
	var env []string
	for _, b := range backends {
		varName := map[string]string{"openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL", "gemini": "GEMINI_BASE_URL"}[b.name]
		if varName == "" {
			continue
		}
		ws := &wireServer{b: b}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			ws.mu.Lock()
			ws.got = append(ws.got, r)
			ws.bodies = append(ws.bodies, string(body))
			ws.mu.Unlock()
			w.Header().Set("Content-Type", b.ctype)
			io.WriteString(w, b.body("ok"))
		}))
		t.Cleanup(srv.Close)
		ws.url = srv.URL
		servers[b.name] = ws
		env = append(env, varName+"="+srv.URL)
	}
	return servers, env
}

// requests returns how many requests each server got, as "name=n" words.
func requests(servers map[string]*wireServer) string {
	var words []string
	for _, name := range []string{"anthropic", "gemini", "openai"} {
		ws := servers[name]
		ws.mu.Lock()
		if n := len(ws.got); n > 0 {
			words = append(words, fmt.Sprintf("%s=%d", name, n))
		}
		ws.mu.Unlock()
	}
	return strings.Join(words, " ")
}

func TestBareModelNames(t *testing.T) {
	keys := map[string]string{}
	for _, b := range backends {
		if len(b.key) > 0 {
			keys[b.name] = b.key[0]
		}
	}
	tests := []struct{ model, key, want string }{
		{"gpt-4o", "openai", "openai"},
		{"o3-mini", "openai", "openai"},
		{"gpt-5-mini", "openai", "openai"},
		{"claude-sonnet-4-5", "anthropic", "anthropic"},
		{"gemini-2.5-flash", "gemini", "gemini"},
		// No family: the only provider with a key.
		{"my-finetune", "anthropic", "anthropic"},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			t.Parallel()
			servers, env := wireServers(t)
			log := filepath.Join(t.TempDir(), "debug.log")
			r := parley(t, "", append(env, keys[tt.key]), "-m", tt.model, "--debug", log, "-p", "q")
			if r.code != 0 || r.stdout != "ok" || r.stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if got := requests(servers); got != tt.want+"=1" {
				t.Errorf("requests: %s, want %s=1", got, tt.want)
			}
			ws := servers[tt.want]
			if !strings.Contains(ws.bodies[0], tt.model) && !strings.Contains(ws.got[0].URL.Path, tt.model) {
				t.Errorf("the request does not name %s: %s %s", tt.model, ws.got[0].URL.Path, ws.bodies[0])
			}
			data, _ := os.ReadFile(log)
			if !strings.Contains(string(data), "provider picked") || !strings.Contains(string(data), "provider="+tt.want) {
				t.Errorf("debug log does not say which provider was picked:\n%s", data)
			}
		})
	}
}

func TestBareModelNamePrecedence(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte("default_provider = \"gemini\"\n[aliases]\nfast = \"anthropic:claude-haiku-4-5\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	all := []string{"OPENAI_API_KEY=sk-test-faults", "ANTHROPIC_API_KEY=sk-ant-test-faults", "GEMINI_API_KEY=gm-test-faults", "PARLEY_CONFIG=" + cfg}
	tests := []struct {
		name, model, want string
	}{
		{"family before the default provider", "claude-sonnet-4-5", "anthropic"},
		{"default provider for an unknown family", "my-model", "gemini"},
		{"provider:model first", "openai:claude-like", "openai"},
		{"aliases first", "fast", "anthropic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			servers, env := wireServers(t)
			r := parley(t, "", append(env, all...), "-m", tt.model, "-p", "q")
			if r.code != 0 || r.stdout != "ok" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if got := requests(servers); got != tt.want+"=1" {
				t.Errorf("requests: %s, want %s=1", got, tt.want)
			}
		})
	}
}

func TestBareModelNameErrors(t *testing.T) {
	tests := []struct {
		name   string
		env    []string
		args   []string
		stderr string
	}{
		{"family without its key", nil, []string{"-m", "gpt-4o", "-p", "q"},
			"parley: no API key for openai: set OPENAI_API_KEY\n"},
		{"no family, no key", nil, []string{"-m", "my-model", "-p", "q"},
			`parley: no default provider for model "my-model": write provider:my-model, or set default_provider in the config (providers: anthropic, bedrock, deepseek, demo, gemini, groq, llamacpp, lmstudio, mistral, ollama, openai, openrouter, sse, vllm)` + "\n"},
		{"no family, two keys", []string{"OPENAI_API_KEY=a", "GROQ_API_KEY=b"}, []string{"-m", "my-model", "-p", "q"},
			`parley: no default provider for model "my-model": write provider:my-model, or set default_provider in the config (providers: anthropic, bedrock, deepseek, demo, gemini, groq, llamacpp, lmstudio, mistral, ollama, openai, openrouter, sse, vllm)` + "\n"},
		{"a preset's name is not the default provider's model", []string{"PARLEY_DEFAULT_PROVIDER=openai"}, []string{"-m", "openrouter", "-p", "q"},
			"parley: no API key for openrouter: set OPENROUTER_API_KEY\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := parley(t, "", tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" || r.stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, stderr %q", r.code, r.stdout, r.stderr, tt.stderr)
			}
		})
	}
}
