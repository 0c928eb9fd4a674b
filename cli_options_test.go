package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// lastBody returns the JSON body of the last request ws got.
func lastBody(t *testing.T, ws *wireServer) map[string]any {
	t.Helper()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if len(ws.bodies) == 0 {
		t.Fatal("no request")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(ws.bodies[len(ws.bodies)-1]), &m); err != nil {
		t.Fatalf("body %q: %v", ws.bodies[len(ws.bodies)-1], err)
	}
	return m
}

// bodies returns how many requests ws got.
func bodies(ws *wireServer) int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.bodies)
}

// TestMaxCompletionTokens checks that OpenAI's reasoning models get the
// token limit as max_completion_tokens in the first request, while other
// models, and compatible servers, keep max_tokens unless their provider
// table says otherwise.
func TestMaxCompletionTokens(t *testing.T) {
	servers, env := wireServers(t)
	ws := servers["openai"]
	cfg := writeConfig(t, "[providers.work]\ntype = \"openai\"\nbase_url = \""+ws.url+"\"\nmax_tokens_field = \"max_completion_tokens\"\n")
	env = append(env, "OPENAI_API_KEY=sk-test", "GROQ_API_KEY=gsk-test", "PARLEY_CONFIG="+cfg)
	tests := []struct {
		args  []string
		field string
	}{
		{[]string{"-m", "o3-mini"}, "max_completion_tokens"},
		{[]string{"-m", "gpt-5-mini"}, "max_completion_tokens"},
		{[]string{"-m", "openai:o1"}, "max_completion_tokens"},
		{[]string{"-m", "gpt-4o"}, "max_tokens"},
		{[]string{"-m", "groq:o3-mini", "--base-url", ws.url}, "max_tokens"},
		{[]string{"-m", "work:llama"}, "max_completion_tokens"},
	}
	for _, tt := range tests {
		n := bodies(ws)
		r := parley(t, "", env, append(tt.args, "--max-tokens", "300", "-p", "q")...)
		if r.code != 0 || r.stdout != "ok" {
			t.Fatalf("%v: exit %d, %q, %q", tt.args, r.code, r.stdout, r.stderr)
		}
		if got := bodies(ws) - n; got != 1 {
			t.Errorf("%v: %d requests, want 1 (the first one must be right)", tt.args, got)
		}
		other := map[string]string{"max_tokens": "max_completion_tokens", "max_completion_tokens": "max_tokens"}[tt.field]
		if m := lastBody(t, ws); m[tt.field] != 300.0 || m[other] != nil {
			t.Errorf("%v: body %v, want %s only", tt.args, m, tt.field)
		}
	}
	r := parley(t, "", []string{"PARLEY_CONFIG=" + writeConfig(t, "[providers.work]\nmax_tokens_field = \"max\"\n")}, "-m", "demo", "-p", "q")
	if r.code == 0 || r.stderr == "" {
		t.Errorf("a bad max_tokens_field: exit %d, %q", r.code, r.stderr)
	}
}

// TestProviderOptions checks that -o KEY=VALUE reaches each wire's body,
// as JSON when it parses and as a string otherwise, at the place the wire
// takes it: the top level, Ollama's "options", Gemini's generationConfig.
func TestProviderOptions(t *testing.T) {
	where := map[string]string{"ollama": "options", "gemini": "generationConfig"}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ws := &wireServer{b: b}
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				ws.mu.Lock()
				ws.bodies = append(ws.bodies, string(body))
				ws.mu.Unlock()
				w.Header().Set("Content-Type", b.ctype)
				io.WriteString(w, b.body("ok"))
			})
			r := b.run(t, srv.URL, "--temperature", "0.5", "-o", "top_p=0.9", "-o", "seed=7", "-o", `stop=["END"]`, "-o", "user=bob smith", "-o", "num_ctx=8192")
			if r.code != 0 {
				t.Fatalf("exit %d: %q", r.code, r.stderr)
			}
			m := lastBody(t, ws)
			opts := m
			if under := where[b.name]; under != "" {
				var ok bool
				if opts, ok = m[under].(map[string]any); !ok {
					t.Fatalf("no %s in %v", under, m)
				}
				if opts["temperature"] != 0.5 {
					t.Errorf("the wire's own %s lost: %v", under, opts)
				}
			}
			stop, _ := opts["stop"].([]any)
			if opts["top_p"] != 0.9 || opts["seed"] != 7.0 || len(stop) != 1 || stop[0] != "END" || opts["user"] != "bob smith" || opts["num_ctx"] != 8192.0 {
				t.Errorf("options not in the body: %v", m)
			}
			if b.name != "gemini" && m["model"] == nil {
				t.Errorf("model lost: %v", m)
			}
		})
	}
	for _, bad := range []string{"model=x", "stream=false", "messages=[]", "top_p", "=1"} {
		r := parley(t, "", nil, "-m", "demo", "-o", bad, "-p", "q")
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "-o") {
			t.Errorf("-o %s: exit %d, %q", bad, r.code, r.stderr)
		}
	}
}
