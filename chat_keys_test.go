package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// In the built binary: opening a saved conversation with Ctrl+O switches
// to the model it was held with, as -c and --resume do.
func TestChatOpenSwitchesToItsModel(t *testing.T) {
	srv := chatServer(t, []string{"an answer"}, true, nil)
	env := []string{noRetry(t), "PARLEY_DATA_DIR=" + t.TempDir(), "OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL=" + srv.URL}

	keys, screen, exitFile := tmuxChat(t, env, "-m", "openai:first-model")
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	keys("held by the first model", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)

	keys, screen, exitFile = tmuxChat(t, env, "-m", "openai:second-model")
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	keys("C-o")
	waitScreen(t, screen, "held by the first model", 10*time.Second)
	keys("Enter")
	s := waitScreen(t, screen, "with openai:first-model", 10*time.Second)
	if lines := strings.Split(strings.TrimRight(s, "\n"), "\n"); len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "openai:first-model") {
		t.Errorf("the status line does not name the conversation's model:\n%s", s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)
}

// In the built binary: Esc before the first token says that the answer
// never began, not that the (missing) answer above is incomplete.
func TestChatStopBeforeTheFirstToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that the server sees the client go
		select {                    // the model never starts
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	keys, screen, exitFile, _ := openaiChat(t, srv.URL, t.TempDir())
	keys("a question", "Enter")
	waitScreen(t, screen, "waiting", 10*time.Second)
	keys("Escape")
	s := waitScreen(t, screen, "stopped before the answer began", 10*time.Second)
	if strings.Contains(s, "incomplete") {
		t.Errorf("a stop before the first token speaks of an incomplete answer:\n%s", s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)
}

// In the built binary: Alt+E takes the first prompt back; sent again, it
// retitles the conversation (--list shows the new title).
func TestChatEditFirstPromptRetitles(t *testing.T) {
	srv := chatServer(t, []string{"fine"}, true, nil)
	data := t.TempDir()
	keys, screen, exitFile, _ := openaiChat(t, srv.URL, data)
	keys("a typoed question", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("M-e")
	waitScreen(t, screen, "› a typoed question", 5*time.Second)
	keys("C-u", "the corrected question", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("C-d")
	waitExit(t, exitFile, screen)

	r := parley(t, "", []string{"PARLEY_DATA_DIR=" + data}, "--list")
	if r.code != 0 || !strings.Contains(r.stdout, "the corrected question") || strings.Contains(r.stdout, "typoed") {
		t.Errorf("--list after the first prompt was edited: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// In the built binary: the help shows on a terminal of 20 columns and 10
// rows, and scrolls with ↓ to its last binding.
func TestChatHelpOnASmallTerminal(t *testing.T) {
	env := []string{"PARLEY_DATA_DIR=" + t.TempDir()}
	keys, screen, exitFile := tmuxChat(t, env, "-m", "demo")
	waitScreen(t, screen, "Ask", 15*time.Second)
	tmuxRun(t, exitFile, "resize-window", "-t", "t", "-x", "20", "-y", "10")
	keys("F1")
	s := waitScreen(t, screen, "Keys", 10*time.Second)
	seen := s
	for i := 0; strings.Contains(s, "↓ more") && i < 100; i++ {
		keys("Down")
		prev := s
		deadline := time.Now().Add(5 * time.Second)
		for s == prev && time.Now().Before(deadline) {
			time.Sleep(30 * time.Millisecond)
			s = screen()
		}
		seen += s
	}
	if strings.Contains(s, "↓ more") {
		t.Fatalf("the help never reached its end:\n%s", s)
	}
	for _, want := range []string{"send", "quit", "switch model", "ctrl+l", "f2"} {
		if !strings.Contains(seen, want) {
			t.Errorf("the help at 20 columns never showed %q", want)
		}
	}
	for _, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > 20 {
			t.Errorf("a line wider than the terminal: %q", l)
		}
	}
	keys("Escape") // alone: tmux would send Escape and C-d as one Alt+Ctrl+D
	// The input shows under the help too: wait for the help to close, so
	// that Ctrl+D does not follow Escape so closely that it reads as one key.
	for deadline := time.Now().Add(5 * time.Second); strings.Contains(screen(), "switch model"); {
		if time.Now().After(deadline) {
			t.Fatalf("Escape did not close the help:\n%s", screen())
		}
		time.Sleep(30 * time.Millisecond)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)
}

// In the built binary: an answer cut at the token limit says so under the
// answer in the chat in the words of the one-shot's stderr and --json.
func TestChatCutAtMaxTokens(t *testing.T) {
	keys, screen, exitFile, _ := openaiChat(t, cutServer(t), t.TempDir())
	keys("q", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	keys("x") // any key clears the status line's notice: the note stays
	s := waitScreen(t, screen, "■ "+provider.MsgMaxTokens, 5*time.Second)
	if !strings.Contains(s, "Some words") {
		t.Errorf("the answer is missing:\n%s", s)
	}
	keys("C-d", "C-d")
	waitExit(t, exitFile, screen)
}
