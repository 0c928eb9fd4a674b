package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxRun runs a tmux command on the server of the chat that tmuxChat
// started with exitFile, and returns its output.
func tmuxRun(t *testing.T, exitFile string, args ...string) string {
	t.Helper()
	sock, err := os.ReadFile(filepath.Join(filepath.Dir(exitFile), "socket"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("tmux", append([]string{"-L", string(sock)}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// tmuxFormat expands a tmux format (such as "#{mouse_any_flag}") in the
// pane of the chat that tmuxChat started with exitFile.
func tmuxFormat(t *testing.T, exitFile, format string) string {
	t.Helper()
	return tmuxRun(t, exitFile, "display-message", "-p", "-t", "t", format)
}

// In the built binary: the chat asks the terminal for mouse buttons and
// the wheel (so the wheel scrolls); F2 gives the mouse back to the
// terminal, where a plain drag selects text, and F2 again takes it back.
// tmux reports what the program asked for.
func TestChatMouseKeyGivesTheMouseBack(t *testing.T) {
	env := []string{"PARLEY_DATA_DIR=" + t.TempDir()}
	keys, screen, exitFile := tmuxChat(t, env, "-m", "demo")
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	flag := func(want string) {
		t.Helper()
		var got string
		pollUntil(t, 5*time.Second, func() bool {
			got = tmuxFormat(t, exitFile, "#{mouse_any_flag}#{mouse_button_flag}#{mouse_all_flag}")
			return got == want
		}, func() string {
			return fmt.Sprintf("tmux mouse flags (any, button, all motion) = %q, want %q; screen:\n%s", got, want, screen())
		})
	}
	flag("110")
	keys("F2")
	waitScreen(t, screen, "drag selects text", 5*time.Second)
	flag("000")
	keys("F2")
	waitScreen(t, screen, "the wheel scrolls", 5*time.Second)
	flag("110")
	keys("C-d")
	waitExit(t, exitFile, screen)
}
