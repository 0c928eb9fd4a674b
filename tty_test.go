package main

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// runOnTerminal runs the binary with stdout and stderr on a 100x40
// pseudo-terminal and returns everything the terminal received.
func runOnTerminal(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PARLEY_CONFIG=/dev/null", "PARLEY_DATA_DIR=" + t.TempDir(), "TERM=xterm-256color"}, env...)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&out, ptmx) // ends with EIO when the child exits
		close(done)
	}()
	err = cmd.Wait()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the terminal output did not end")
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	return out.String(), code
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
