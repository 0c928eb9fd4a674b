package main

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// In the built binary: a prompt typed and entered before the chat is up,
// while the terminal is still in cooked mode (which turns Enter into
// "\n"), is sent as typed, in one line, not left in the input split at a
// newline.
func TestChatTypeAheadIsSent(t *testing.T) {
	prompts := make(chan string, 4)
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			prompts <- r.Prompt()
			return chatserver.Answer{Tokens: []string{"fine"}}
		}}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := command(t, ctx, []string{"OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + t.TempDir()},
		"-m", "openai:m", "--base-url", srv.URL)
	ptmx, tty := openPTY(t, 30, 100)
	// Typed before the program even runs: the terminal is in its cooked
	// mode, and its line discipline makes the Enter a "\n" there and then.
	if _, err := ptmx.Write([]byte("hello there\r")); err != nil {
		t.Fatal(err)
	}
	done := startOnPTY(t, cmd, ptmx, tty, true, io.Discard) // what the chat shows is not looked at
	defer func() {
		cancel()
		cmd.Wait()
		<-done
	}()

	select {
	case p := <-prompts:
		if p != "hello there" {
			t.Errorf("the server got the prompt %q, want %q", p, "hello there")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the prompt typed ahead was never sent")
	}
	time.Sleep(300 * time.Millisecond) // the answer shows
	ptmx.Write([]byte{4, 4})           // ctrl+d twice: quit
	if err := cmd.Wait(); err != nil {
		t.Errorf("the chat ended with %v", err)
	}
}
