package main

import (
	"fmt"
	"io"
	"net/http"
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
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			ws.mu.Lock()
			ws.got = append(ws.got, r)
			ws.bodies = append(ws.bodies, string(body))
			ws.mu.Unlock()
			w.Header().Set("Content-Type", b.ctype)
			io.WriteString(w, b.body("ok"))
		})
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

// askWire asks a one-shot question with args and env of the wire servers,
// and fails the test unless the answer is their "ok" and only the server
// of want was asked, once.
func askWire(t *testing.T, want string, env []string, args ...string) (map[string]*wireServer, result) {
	t.Helper()
	servers, wenv := wireServers(t)
	r := parley(t, "", append(wenv, env...), append(args, "-p", "q")...)
	if r.code != 0 || r.stdout != "ok" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := requests(servers); got != want+"=1" {
		t.Errorf("requests: %s, want %s=1", got, want)
	}
	return servers, r
}

func TestBareModelNames(t *testing.T) {
	keys := map[string]string{}
	for _, b := range backends {
		if len(b.key) > 0 {
			keys[b.name] = b.key[0]
		}
	}
	// The provider each model goes to, with only that provider's key set.
	for model, want := range map[string]string{
		"gpt-4o":            "openai",
		"o3-mini":           "openai",
		"gpt-5-mini":        "openai",
		"claude-sonnet-4-5": "anthropic",
		"gemini-2.5-flash":  "gemini",
		"my-finetune":       "anthropic", // no family: the only provider with a key
	} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			log := filepath.Join(t.TempDir(), "debug.log")
			servers, r := askWire(t, want, []string{keys[want]}, "-m", model, "--debug", log)
			if r.stderr != "" {
				t.Fatalf("stderr %q", r.stderr)
			}
			ws := servers[want]
			if !strings.Contains(ws.bodies[0], model) && !strings.Contains(ws.got[0].URL.Path, model) {
				t.Errorf("the request does not name %s: %s %s", model, ws.got[0].URL.Path, ws.bodies[0])
			}
			data, _ := os.ReadFile(log)
			if !strings.Contains(string(data), "provider picked") || !strings.Contains(string(data), "provider="+want) {
				t.Errorf("debug log does not say which provider was picked:\n%s", data)
			}
		})
	}
}

func TestBareModelNamePrecedence(t *testing.T) {
	cfg := writeConfig(t, "default_provider = \"gemini\"\n[aliases]\nfast = \"anthropic:claude-haiku-4-5\"\n")
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
			askWire(t, tt.want, all, "-m", tt.model)
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
