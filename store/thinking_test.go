package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// The time a model reasoned (its first reasoning delta to the first words
// after them) is kept with the answer, on the exchange's clock, for a
// replaced answer too, and an answer without reasoning has none.
func TestThinkingTimeIsStored(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var mu sync.Mutex
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tick := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }

	answer := func(b Begun) Message {
		t.Helper()
		sv := b.Saver
		tick(time.Second) // waiting for the first delta is not thinking
		sv.Chunk(provider.Chunk{Kind: provider.KindReasoning, Text: "let me see"})
		tick(5 * time.Second)
		sv.Chunk(provider.Chunk{Kind: provider.KindReasoning, Text: "… yes"})
		tick(7 * time.Second)
		sv.Chunk(provider.Chunk{Kind: provider.KindText, Text: "The answer"})
		tick(3 * time.Second) // writing the answer is not thinking either
		sv.Chunk(provider.Chunk{Kind: provider.KindText, Text: " is 4."})
		m, err := sv.Finish(StatusComplete, nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	b, err := s.Begin(ctx, Exchange{Prompt: "2+2?", Model: "m", Provider: "p", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if m := answer(b); m.Thinking != 12*time.Second {
		t.Errorf("Finish says the model thought for %v, want 12s", m.Thinking)
	}
	plain, err := s.Begin(ctx, Exchange{ConversationID: b.ConversationID, Prompt: "and 3+3?", Model: "m", Provider: "p", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	plain.Saver.Text("6")
	if _, err := plain.Saver.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	c, err := s.Get(ctx, b.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Messages[1].Thinking; got != 12*time.Second {
		t.Errorf("stored thinking time = %v, want 12s", got)
	}
	if got := c.Messages[3].Thinking; got != 0 {
		t.Errorf("an answer without reasoning has a thinking time of %v", got)
	}

	again, err := s.Begin(ctx, Exchange{ConversationID: b.ConversationID, Prompt: "and 3+3?", Model: "m", Provider: "p",
		Replace: true, From: c.Messages[2].Seq, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	answer(again)
	if c, err = s.Get(ctx, b.ConversationID); err != nil {
		t.Fatal(err)
	}
	if got := c.Messages[len(c.Messages)-1].Thinking; got != 12*time.Second {
		t.Errorf("replaced answer: stored thinking time = %v, want 12s", got)
	}
}
