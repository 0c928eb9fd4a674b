package main

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley/stream/streamtest"
)

// TestErrorWords checks the words of a failed one-shot: a time limit is
// not called a lost connection and names where it was set (the flag,
// PARLEY_TIMEOUT, PARLEY_IDLE_TIMEOUT, the config file), and a failure
// after part of the answer was saved says that parley -c continues it.
func TestErrorWords(t *testing.T) {
	b := backends[0]
	stalled := func(t *testing.T) string {
		srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")), streamtest.Stall()))
		return srv.URL
	}
	const hint = "(saved: parley -c continues the conversation)"
	tests := []struct {
		name  string
		env   []string
		flags []string
		want  []string
	}{
		{"flag", nil, []string{"--timeout", "500ms"}, []string{"answer incomplete after 1 tokens", "request took longer than 500ms (--timeout)", hint}},
		{"env", []string{"PARLEY_TIMEOUT=500ms"}, nil, []string{"(PARLEY_TIMEOUT)", hint}},
		{"config", []string{"PARLEY_CONFIG=" + writeConfig(t, "retries = 0\ntimeout = \"500ms\"\n")}, nil, []string{"(timeout in the config)", hint}},
		{"idle env", []string{"PARLEY_IDLE_TIMEOUT=500ms"}, nil, []string{"no data from the server for 500ms (PARLEY_IDLE_TIMEOUT)", hint}},
		{"flag over env", []string{"PARLEY_TIMEOUT=9s"}, []string{"--timeout", "500ms"}, []string{"(--timeout)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"-m", "openai:m", "--base-url", stalled(t), "-p", "q"}, tt.flags...)
			r := parley(t, "", append([]string{"OPENAI_API_KEY=sk-test"}, tt.env...), args...)
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, tt.want...)
			if strings.Contains(r.stderr, "connection lost") {
				t.Errorf("a time limit called a lost connection: %q", r.stderr)
			}
		})
	}
	// Nothing of the answer saved: no hint; --no-save: no hint.
	r := b.run(t, "http://127.0.0.1:1")
	if r.code != 1 || strings.Contains(r.stderr, "parley -c") {
		t.Errorf("nothing saved: exit %d, %q", r.code, r.stderr)
	}
	r = parley(t, "", []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", stalled(t), "-p", "q", "--idle-timeout", "300ms", "--no-save")
	if r.code != 1 || strings.Contains(r.stderr, "parley -c") {
		t.Errorf("--no-save: exit %d, %q", r.code, r.stderr)
	}
}
