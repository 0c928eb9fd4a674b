package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// Words that come just after a frame, right before the model pauses, are
// on the screen during the pause: the one-shot printer draws the frame it
// held back (it draws at most one a 1/60 s) when it is due, not when the
// next word comes.
func TestOneShotShowsWordsBeforeAPause(t *testing.T) {
	answer := []string{"Alpha ", "Bravo ", "Charlie ", "Delta ", "Echo ", "Foxtrot."}
	const pauseAt = 4 // before "Echo"
	reached, goOn := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		Answer: chatserver.Answer{Tokens: answer, Pause: 2 * time.Millisecond},
		OnDelta: func(i int) {
			if i == pauseAt {
				close(reached)
				<-goOn
			}
		}}))
	t.Cleanup(srv.Close)
	var once bool
	release := func() {
		if !once {
			once = true
			close(goOn)
		}
	}
	t.Cleanup(release)
	tt := startTmux(t, 80, 10, []string{"OPENAI_API_KEY=sk-test", noRetry(t), "PARLEY_DATA_DIR=" + t.TempDir()},
		"-m", "openai:m", "--base-url", srv.URL, "-p", "the question")
	select {
	case <-reached:
	case <-time.After(20 * time.Second):
		t.Fatalf("the answer did not start; screen:\n%s", tt.screen())
	}
	screen := tt.wait("Delta", 2*time.Second) // the model is still pausing
	if strings.Contains(screen, "Echo") {
		t.Fatalf("the pause did not hold:\n%s", screen)
	}
	release()
	tt.exited(10 * time.Second)
	tt.wait("Foxtrot.", 2*time.Second)
}
