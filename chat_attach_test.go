package main

import (
	"strings"
	"testing"
	"time"
)

// TestAttachChatKey: in the built binary, alt+a opens the attach prompt,
// Tab completes the path as a shell does (showing the candidates when
// several match), Enter puts the file above the input, and it goes with
// the prompt sent next, then shows under it by name and size.
func TestAttachChatKey(t *testing.T) {
	srv, requests := recordingServer(t)
	env := []string{noRetry(t), "OPENAI_API_KEY=sk-test"}
	keys, screen, exitFile := tmuxChat(t, env, "-m", "openai:m", "--base-url", srv.URL, "--no-save")
	waitScreen(t, screen, "Ask anything", 15*time.Second)
	keys("M-a")
	waitScreen(t, screen, "attach ›", 5*time.Second)
	keys("testdata/attach/pi", "Tab")
	waitScreen(t, screen, "pixel.bmp  pixel.png", 5*time.Second)
	keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "no", "Tab")
	waitScreen(t, screen, "attach › testdata/attach/notes.txt", 5*time.Second)
	keys("Enter")
	waitScreen(t, screen, "+ testdata/attach/notes.txt (18 B)", 5*time.Second)
	keys("what is on it?", "Enter")
	waitScreen(t, screen, "done", 15*time.Second)
	s := screen()
	if !strings.Contains(s, "attached: testdata/attach/notes.txt (18 B)") || strings.Contains(s, "+ testdata") {
		t.Errorf("after sending the screen shows:\n%s\nwant the file under the prompt, none pending", s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)
	got := requests(1)
	want := "<file name=\"testdata/attach/notes.txt\">\nremember the milk\n</file>\n\nwhat is on it?"
	if len(got) != 1 || got[0].Prompt() != want {
		var prompts []string
		for _, r := range got {
			prompts = append(prompts, r.Prompt())
		}
		t.Errorf("the server received %q, want %q", prompts, want)
	}
}
