package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// texts returns the texts and statuses of a conversation's messages.
func texts(t *testing.T, s *Store, id string) (got []string, status []Status) {
	t.Helper()
	c, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Messages {
		got = append(got, m.Text)
		status = append(status, m.Status)
	}
	if c.MessageCount != len(got) {
		t.Errorf("counted %d messages, holds %d", c.MessageCount, len(got))
	}
	return got, status
}

func isPlaced(sv *Saver) bool {
	select {
	case <-sv.Placed():
		return true
	default:
		return false
	}
}

func TestReplaceAnswerWithoutTextLeavesTheConversation(t *testing.T) {
	for _, status := range []Status{StatusFailed, StatusStopped, StatusComplete} {
		t.Run(string(status), func(t *testing.T) {
			s := openTemp(t)
			c := addConversation(t, s, "q1", "a1", "q2", "a2")
			sv := s.ReplaceAnswer(context.Background(),
				Message{ConversationID: c.ID, Text: "q2 again"}, Message{Model: "m"}, 3)
			sv.interval = time.Millisecond
			sv.Chunk(provider.Chunk{Kind: provider.KindReasoning, Text: "thinking"})
			sv.Chunk(provider.Chunk{Kind: provider.KindUsage, Usage: provider.Usage{InputTokens: 3}})
			time.Sleep(20 * time.Millisecond) // background writes, if any, are done
			if isPlaced(sv) {
				t.Error("placed before any text")
			}
			if _, err := sv.Finish(status, errors.New("down")); err != nil {
				t.Fatal(err)
			}
			if !isPlaced(sv) || sv.PromptSeq() != 0 || sv.ID() != 0 {
				t.Errorf("after Finish: placed %v, prompt seq %d, ID %d; want closed, 0, 0",
					isPlaced(sv), sv.PromptSeq(), sv.ID())
			}
			got, st := texts(t, s, c.ID)
			if want := []string{"q1", "a1", "q2", "a2"}; !slices.Equal(got, want) ||
				slices.ContainsFunc(st, func(s Status) bool { return s != StatusComplete }) {
				t.Errorf("stored %q %q, want %q all complete", got, st, want)
			}
		})
	}
}

func TestReplaceAnswerSwapsWithItsFirstText(t *testing.T) {
	s := openTemp(t)
	c := addConversation(t, s, "q1", "a1", "q2", "a2")
	sv := s.ReplaceAnswer(context.Background(),
		Message{ConversationID: c.ID, Text: "q2 again"}, Message{Model: "m"}, 3)
	sv.Chunk(provider.Chunk{Kind: provider.KindReasoning, Text: "thinking"})
	sv.Text("first")
	select {
	case <-sv.Placed():
	case <-time.After(10 * time.Second):
		t.Fatal("the first text was not written at once")
	}
	got, st := texts(t, s, c.ID)
	if want := []string{"q1", "a1", "q2 again", "first"}; !slices.Equal(got, want) || st[3] != StatusFailed {
		t.Errorf("after the first text: %q %q, want %q, the answer unfinished", got, st, want)
	}
	if seq := sv.PromptSeq(); seq != 5 {
		t.Errorf("prompt seq %d, want 5 (after the replaced ones, never one of theirs)", seq)
	}
	sv.Text(" words")
	m, err := sv.Finish(StatusComplete, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, st = texts(t, s, c.ID)
	if want := []string{"q1", "a1", "q2 again", "first words"}; !slices.Equal(got, want) || st[3] != StatusComplete {
		t.Errorf("after Finish: %q %q, want %q, complete", got, st, want)
	}
	if m.ID != sv.ID() || m.Seq != 6 || m.Reasoning != "thinking" || m.Role != provider.RoleAssistant {
		t.Errorf("Finish returned %+v", m)
	}
	hits, err := s.Search(context.Background(), "again", 10)
	if err != nil || len(hits) != 1 {
		t.Errorf("Search finds the new prompt %d times (%v), want once", len(hits), err)
	}
}

func TestReplaceAnswerThatEndsWithTextIsSavedByFinish(t *testing.T) {
	s := openTemp(t)
	c := addConversation(t, s, "q1", "a1")
	sv := s.ReplaceAnswer(context.Background(),
		Message{ConversationID: c.ID, Text: "q1 again"}, Message{Model: "m"}, 1)
	sv.interval = time.Hour
	sv.mu.Lock()
	sv.text.WriteString("all at once") // as if the timer had not run yet
	sv.mu.Unlock()
	if _, err := sv.Finish(StatusStopped, context.Canceled); err != nil {
		t.Fatal(err)
	}
	got, st := texts(t, s, c.ID)
	if want := []string{"q1 again", "all at once"}; !slices.Equal(got, want) || st[1] != StatusStopped {
		t.Errorf("stored %q %q, want %q, stopped", got, st, want)
	}
}

// The replaced answer may still be written by its own Saver after the
// swap (stopped, its end written late): that write must not land on the
// new answer, as it would if the new one took the old one's ID.
func TestReplacedAnswerLateWriteMissesTheNewAnswer(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := addConversation(t, s)
	if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: provider.RoleUser, Text: "q"}); err != nil {
		t.Fatal(err)
	}
	old, err := s.StartAnswer(ctx, Message{ConversationID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	sv := s.ReplaceAnswer(ctx, Message{ConversationID: c.ID, Text: "q"}, Message{}, 1)
	sv.Text("the new answer")
	if _, err := sv.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Finish(StatusStopped, context.Canceled); !errors.Is(err, ErrNoMessage) {
		t.Errorf("the late write of the replaced answer: %v, want ErrNoMessage", err)
	}
	got, st := texts(t, s, c.ID)
	if want := []string{"q", "the new answer"}; !slices.Equal(got, want) || st[1] != StatusComplete {
		t.Errorf("stored %q %q, want %q, complete", got, st, want)
	}
}
