package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parley-chat/parley/provider"
)

func TestPromptsKeepOrderSkipRepeatsAndStayBounded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range []string{"one", "two", "two", "three"} {
		if err := s.AddPrompt(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Prompts(ctx)
	if err != nil || !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Fatalf("Prompts = %q, %v", got, err)
	}
	for i := range PromptHistoryLen + 5 {
		if err := s.AddPrompt(ctx, fmt.Sprint("p", i)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = s.Prompts(ctx)
	if len(got) != PromptHistoryLen || got[0] != "p5" || got[len(got)-1] != fmt.Sprint("p", PromptHistoryLen+4) {
		t.Fatalf("after many prompts: %d kept, first %q, last %q", len(got), got[0], got[len(got)-1])
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM prompts").Scan(&n); err != nil || n != PromptHistoryLen {
		t.Fatalf("table holds %d rows (%v), want %d", n, err, PromptHistoryLen)
	}
}

// A database written at schema version 1 opens, keeps its conversations,
// and gains the prompt history.
func TestSchemaOneMigratesToPrompts(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, 1)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Get(ctx, "abc")
	if err != nil || c.Title != "old one" || len(c.Messages) != 1 || c.Messages[0].Role != provider.RoleUser {
		t.Fatalf("old conversation after migration: %+v, %v", c, err)
	}
	if err := s.AddPrompt(ctx, "new"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Prompts(ctx); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("Prompts = %q", got)
	}
}
