package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley/provider"
	"go.uber.org/goleak"
)

// helperEnv names the helper a re-executed test binary runs instead of the
// tests (see helpers_test.go).
const helperEnv = "PARLEY_STORE_TEST_HELPER"

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		os.Exit(runHelper(name))
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		removeBenchDB()
		os.Exit(code)
	}))
}

// openTemp opens a new store in a temporary directory.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addConversation saves a conversation with the given texts as
// alternating user and assistant messages.
func addConversation(t testing.TB, s *Store, texts ...string) Conversation {
	t.Helper()
	ctx := context.Background()
	title := "(untitled)"
	if len(texts) > 0 {
		title = Title(texts[0])
	}
	c, err := s.CreateConversation(ctx, Conversation{Title: title, Model: "demo", Provider: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range texts {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: provider.Role(role), Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// execSQL runs SQL directly on the store's database.
func execSQL(t testing.TB, s *Store, query string, args ...any) {
	t.Helper()
	if _, err := s.db.Exec(query, args...); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", query, err))
	}
}
