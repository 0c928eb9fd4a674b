package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// waitExit waits for the chat in tmux to end with status 0.
func waitExit(t *testing.T, exitFile string, screen func() string) {
	t.Helper()
	var b []byte
	pollUntil(t, 10*time.Second, func() bool { b, _ = os.ReadFile(exitFile); return strings.TrimSpace(string(b)) == "0" },
		func() string { return fmt.Sprintf("the chat did not quit with status 0: %q; screen:\n%s", b, screen()) })
}

// In the built binary: Ctrl+D with a draft asks before quitting; the
// prompts of one run come back with ↑ in the next; a --no-save run adds
// none to them.
func TestChatDraftAndPromptHistoryAcrossRuns(t *testing.T) {
	srv := chatServer(t, []string{"an", " answer"}, true, nil)
	data := t.TempDir()

	keys, screen, exitFile, _ := openaiChat(t, srv.URL, data)
	keys("remember this prompt", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("a draft", "C-d")
	waitScreen(t, screen, "ctrl+d again quits", 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	if b, _ := os.ReadFile(exitFile); len(b) != 0 {
		t.Fatalf("one ctrl+d with a draft quit the chat; screen:\n%s", screen())
	}
	keys("C-d")
	waitExit(t, exitFile, screen)

	keys, screen, exitFile, _ = openaiChat(t, srv.URL, data, "--no-save")
	keys("a secret prompt", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)

	keys, screen, exitFile, _ = openaiChat(t, srv.URL, data)
	keys("Up")
	s := waitScreen(t, screen, "› remember this prompt", 5*time.Second)
	if strings.Contains(s, "secret") {
		t.Errorf("a --no-save prompt came back:\n%s", s)
	}
	keys("C-d", "C-d")
	waitExit(t, exitFile, screen)
}
