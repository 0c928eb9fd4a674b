package main

import (
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// In the built binary: a reasoning answer's header says how long the
// model thought, in seconds ("Thought for 2 s"), never a count of deltas
// as tokens, and the conversation reopened with -c says the same.
func TestChatThinkingTimeSurvivesReopening(t *testing.T) {
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test", Answer: chatserver.Answer{
		Reasoning: []string{"Two", " and two", " make four."}, Tokens: []string{"Four", "."},
		Pause: 700 * time.Millisecond,
	}}))
	t.Cleanup(srv.Close)
	header := regexp.MustCompile(`Thought for (\d+) s`)

	keys, screen, exitFile, env := openaiChat(t, srv.URL, t.TempDir())
	keys("2+2?", "Enter")
	s := waitScreen(t, screen, "done", 15*time.Second)
	live := header.FindString(s)
	if live == "" || live == "Thought for 0 s" || regexp.MustCompile(`\d+ tokens`).MatchString(s) {
		t.Fatalf("the live header does not say how long the model thought:\n%s", s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)

	keys, screen, exitFile = tmuxChat(t, env, "-m", "openai:m", "--base-url", srv.URL, "-c")
	s = waitScreen(t, screen, "Four.", 15*time.Second)
	if got := header.FindString(s); got != live {
		t.Errorf("reopened with -c the header says %q, live it said %q:\n%s", got, live, s)
	}
	keys("C-d")
	waitExit(t, exitFile, screen)
}
