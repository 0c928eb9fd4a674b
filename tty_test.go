package main

import (
	"strings"
	"testing"
	"time"
)

// runOnTerminal runs the binary with stdout and stderr on a 100x40
// pseudo-terminal (see onTerminal) and returns everything the terminal
// received, and the exit status.
func runOnTerminal(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	r := onTerminal(t, time.Minute, env, args...)
	return r.out, r.code
}

func TestOneShotOnTerminalIsSanitized(t *testing.T) {
	srv := chatServer(t, answerTokens, true, nil)
	for _, extra := range [][]string{nil, {"--raw"}} {
		args := append([]string{"-m", "openai:m", "--base-url", srv.URL, "-p", "q"}, extra...)
		out, code := runOnTerminal(t, []string{"OPENAI_API_KEY=sk-test"}, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %q", extra, code, out)
		}
		if strings.Contains(out, "evil") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x07") {
			t.Errorf("%v: the answer's OSC sequence reached the terminal: %q", extra, out)
		}
		if !strings.Contains(out, "bytes") || !strings.Contains(out, "Println") {
			t.Errorf("%v: the answer is missing: %q", extra, out)
		}
	}
}

func TestOneShotOnTerminalIsRendered(t *testing.T) {
	srv := chatServer(t, answerTokens, true, nil)
	out, code := runOnTerminal(t, []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
	if code != 0 {
		t.Fatalf("exit %d: %q", code, out)
	}
	if strings.Contains(out, "**") || strings.Contains(out, "```") {
		t.Errorf("raw markdown on the terminal: %q", out)
	}
	if !strings.Contains(out, "bold") {
		t.Errorf("the answer is missing: %q", out)
	}
}
