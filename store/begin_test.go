package store

import (
	"context"
	"testing"
)

func TestBegin(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	b, err := s.Begin(ctx, Exchange{Prompt: "first question", Model: "m", Provider: "p", System: "be brief"})
	if err != nil {
		t.Fatal(err)
	}
	if b.ConversationID == "" || b.PromptSeq == 0 || b.Saver == nil {
		t.Fatalf("Begin of a new conversation = %+v", b)
	}
	b.Saver.Text("first answer")
	if _, err := b.Saver.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	b2, err := s.Begin(ctx, Exchange{ConversationID: b.ConversationID, Prompt: "second question", Model: "m", Provider: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if b2.ConversationID != b.ConversationID || b2.PromptSeq <= b.PromptSeq {
		t.Fatalf("second exchange: %+v after %+v", b2, b)
	}
	if _, err := b2.Saver.Finish(StatusStopped, context.Canceled); err != nil {
		t.Fatal(err)
	}
	// A replacement writes nothing until its first words.
	b3, err := s.Begin(ctx, Exchange{ConversationID: b.ConversationID, Prompt: "second, again", Model: "m", Provider: "p", Replace: true, From: b2.PromptSeq})
	if err != nil || b3.PromptSeq != 0 || b3.Saver == nil {
		t.Fatalf("replacement: %+v, %v", b3, err)
	}
	c, err := s.Get(ctx, b.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "first question" || c.System != "be brief" || len(c.Messages) != 4 {
		t.Fatalf("before the replacement's words: %q %q, %d messages", c.Title, c.System, len(c.Messages))
	}
	b3.Saver.Text("a better answer")
	if _, err := b3.Saver.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	c, err = s.Get(ctx, b.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 4 || c.Messages[2].Text != "second, again" || c.Messages[3].Text != "a better answer" {
		t.Fatalf("after the replacement: %+v", c.Messages)
	}
}
