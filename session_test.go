package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-chat/parley/store"
)

func TestContinueSendsTheHistory(t *testing.T) {
	var prompts []string
	srv := chatServer(t, []string{"answer"}, true, &prompts)
	data := t.TempDir()
	env := []string{"OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + data}
	if r := parley(t, "", env, "-m", "openai:m", "--base-url", srv.URL, "-p", "first"); r.code != 0 {
		t.Fatalf("first: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := parley(t, "", env, "--base-url", srv.URL, "-c", "-p", "second"); r.code != 0 || r.stdout != "answer" {
		t.Fatalf("continue: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	conv := latestConversation(t, data)
	var got []string
	for _, m := range conv.Messages {
		got = append(got, fmt.Sprintf("%s:%s:%s", m.Role, m.Text, m.Status))
	}
	want := "user:first:complete assistant:answer:complete user:second:complete assistant:answer:complete"
	if strings.Join(got, " ") != want || conv.Model != "m" || conv.Provider != "openai" {
		t.Errorf("stored %q (model %s:%s), want %q", got, conv.Provider, conv.Model, want)
	}
}

// TestInterruptKeepsThePartialAnswer sends SIGINT mid-answer: the words
// that arrived are printed and saved as stopped, and the exit status is 130.
func TestInterruptKeepsThePartialAnswer(t *testing.T) {
	sent := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"partial words\"}}]}\n\n")
		w.(http.Flusher).Flush()
		close(sent)
		<-r.Context().Done()
	})
	data := t.TempDir()
	cmd := exec.Command(binary(t), "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
	cmd.Env = []string{"HOME=" + t.TempDir(), "OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + data, "PARLEY_CONFIG=/dev/null"}
	var stdout syncBuffer
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the answer never started")
	}
	// The bytes are written; give the client a moment to read them.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), "partial") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 130 || stdout.String() != "partial words" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 130 and the partial answer", code, stdout.String(), stderr.String())
	}
	conv := latestConversation(t, data)
	last := conv.Messages[len(conv.Messages)-1]
	if last.Text != "partial words" || last.Status != store.StatusStopped {
		t.Errorf("stored answer %q with status %s, want the partial answer, stopped", last.Text, last.Status)
	}
}

// latestConversation returns the conversation used last in the store in
// the data directory dir.
func latestConversation(t *testing.T, dir string) *store.Conversation {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conv, err := st.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

// syncBuffer is a bytes.Buffer that a test may read while a command writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
