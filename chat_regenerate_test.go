package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/store"
)

// tmuxChat runs the built binary's chat in a detached tmux session of
// 100x30 and returns the functions that type keys into it and read its
// screen, and the file its exit status is written to.
func tmuxChat(t *testing.T, env []string, args ...string) (keys func(...string), screen func() string, exitFile string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	sock := fmt.Sprintf("parley-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	os.WriteFile(filepath.Join(dir, "socket"), []byte(sock), 0o600) // for tmuxRun
	tmux := func(a ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", sock}, a...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", a, err, out)
		}
		return string(out)
	}
	exitFile = filepath.Join(dir, "exit")
	words := []string{"env", "-i", "HOME=" + dir, "TERM=xterm-256color"}
	words = append(append(append(words, env...), binary(t)), args...)
	for i, w := range words {
		words[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	cmdline := strings.Join(words, " ") + "; echo $? >" + exitFile + "; sleep 60"
	tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", cmdline)
	t.Cleanup(func() { exec.Command("tmux", "-L", sock, "kill-server").Run() })
	keys = func(k ...string) { tmux(append([]string{"send-keys", "-t", "t"}, k...)...) }
	screen = func() string { return tmux("capture-pane", "-p", "-t", "t") }
	return keys, screen, exitFile
}

// openaiChat runs the chat (tmuxChat) on openai:m against the
// OpenAI-style server at url, with no retries and its data in data, and
// waits for its first prompt. env is what it ran with, for the runs that
// follow on the same data.
func openaiChat(t *testing.T, url, data string, args ...string) (keys func(...string), screen func() string, exitFile string, env []string) {
	t.Helper()
	env = []string{noRetry(t), "PARLEY_DATA_DIR=" + data, "OPENAI_API_KEY=sk-test"}
	keys, screen, exitFile = tmuxChat(t, env, append([]string{"-m", "openai:m", "--base-url", url}, args...)...)
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	return keys, screen, exitFile, env
}

// pollUntil calls done every 50 ms until it reports true, and fails the
// test in the words of failure once within has passed.
func pollUntil(t *testing.T, within time.Duration, done func() bool, failure func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal(failure())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitScreen polls the screen until it shows want, and returns it.
func waitScreen(t *testing.T, screen func() string, want string, within time.Duration) string {
	t.Helper()
	var s string
	pollUntil(t, within, func() bool { s = screen(); return strings.Contains(s, want) },
		func() string { return fmt.Sprintf("waited %v for %q; screen:\n%s", within, want, s) })
	return s
}

// A regenerate that cannot reach the server leaves the answer it was to
// replace on screen and in the store, complete.
func TestChatRegenerateWithTheServerDownKeepsTheAnswer(t *testing.T) {
	srv := chatServer(t, []string{"the old", " answer"}, true, nil)
	data := t.TempDir()
	keys, screen, exitFile, env := openaiChat(t, srv.URL, data)
	keys("the question", "Enter")
	waitScreen(t, screen, "the old answer", 15*time.Second)
	waitScreen(t, screen, "done", 5*time.Second)

	srv.Close() // the server is down
	keys("C-r")
	s := waitScreen(t, screen, "Regenerating failed", 15*time.Second)
	if !strings.Contains(s, "the old answer") || strings.Contains(s, "The answer failed") {
		t.Errorf("after a regenerate with the server down the screen shows:\n%s\nwant the old answer and a notice", s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)

	st, err := store.Open(filepath.Join(data, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.List(context.Background(), 0)
	st.Close()
	if err != nil || len(list) != 1 {
		t.Fatalf("saved conversations: %+v, %v; want one", list, err)
	}
	r := parley(t, "", env, "--show", list[0].ID)
	if r.code != 0 {
		t.Fatalf("--show: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "the old answer") || strings.Contains(r.stdout, "*(failed") ||
		strings.Contains(r.stdout, "*(stopped") || strings.Count(r.stdout, "**Assistant**") != 1 {
		t.Errorf("--show prints:\n%s\nwant the old answer, once, complete", r.stdout)
	}
}
