package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/store"
)

func TestRunSavedCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"one", "two", "three"} {
		if _, err := st.CreateConversation(ctx, store.Conversation{Title: title, Model: "m"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	var out bytes.Buffer
	env := newEnvironment(nil, &out, &out, func(string) string { return "" })
	s := config.Settings{DataDir: dir}
	if done, err := runSavedCommands(ctx, env, s); done || err != nil {
		t.Errorf("no store flag: %v, %v", done, err)
	}
	var ue usage.Error
	s.Saved = config.Saved{List: true, Search: "x"}
	if done, err := runSavedCommands(ctx, env, s); !done || !errors.As(err, &ue) ||
		err.Error() != "--list and --search do not go together" {
		t.Errorf("two store flags: %v, %v", done, err)
	}
	s.Saved = config.Saved{List: true}
	if done, err := runSavedCommands(ctx, env, s); !done || err != nil ||
		strings.Count(out.String(), "\n") != 3 {
		t.Errorf("--list: %v, %v, %q", done, err, out.String())
	}
}

// TestSavedCommandsEndToEnd saves an exchange with the real binary, then
// finds, shows and deletes it through the command line.
func TestSavedCommandsEndToEnd(t *testing.T) {
	srv := chatServer(t, []string{"Use ", "a zebra ", "crossing."}, true, nil)
	env := []string{"OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + t.TempDir()}
	if r := parley(t, "", env, "-m", "openai:m", "--base-url", srv.URL, "-p", "How do I cross the road?"); r.code != 0 {
		t.Fatalf("one-shot: exit %d, stderr %q", r.code, r.stderr)
	}
	r := parley(t, "", env, "--list")
	fields := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\t")
	if r.code != 0 || len(fields) != 5 || fields[1] != "How do I cross the road?" || fields[2] != "openai:m" || fields[4] != "2" {
		t.Fatalf("--list: exit %d, %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	id := fields[0]
	if r := parley(t, "", env, "--search", "zebra"); r.code != 0 || !strings.HasPrefix(r.stdout, id+"\t2\tassistant\t") ||
		!strings.Contains(r.stdout, "«zebra»") {
		t.Errorf("--search: exit %d, %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := parley(t, "", env, "--show", id[:6]); r.code != 0 || !strings.Contains(r.stdout, "\n\nUse a zebra crossing.\n") {
		t.Errorf("--show: exit %d, %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := parley(t, "", env, "--show", "ffff", "--json"); r.code != 2 || !strings.Contains(r.stderr, "no such conversation") {
		t.Errorf("--show of nothing: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := parley(t, "", env, "--delete", id[:8]); r.code != 0 || !strings.HasPrefix(r.stdout, "Deleted "+id) {
		t.Errorf("--delete: exit %d, %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := parley(t, "", env, "--list", "--json"); r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("--list --json after delete: exit %d, %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
