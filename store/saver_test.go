package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// stored reads one message back.
func stored(t *testing.T, s *Store, id int64) Message {
	t.Helper()
	var convID string
	if err := s.db.QueryRow("SELECT conversation_id FROM messages WHERE id = ?", id).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	c, err := s.Get(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Messages {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d not found", id)
	return Message{}
}

func startAnswer(t *testing.T, s *Store, interval time.Duration) *Saver {
	t.Helper()
	c := addConversation(t, s, "question")
	sv, err := s.StartAnswer(context.Background(), Message{ConversationID: c.ID, Model: "gpt", Provider: "openai"})
	if err != nil {
		t.Fatal(err)
	}
	sv.interval = interval
	return sv
}

func TestSaverWritesWhileStreaming(t *testing.T) {
	s := openTemp(t)
	sv := startAnswer(t, s, 10*time.Millisecond)
	if m := stored(t, s, sv.ID()); m.Status != StatusFailed || m.Error != Unfinished ||
		m.Role != provider.RoleAssistant || m.Model != "gpt" || m.Provider != "openai" || m.Seq != 2 {
		t.Errorf("answer as started: %+v", m)
	}
	sv.Chunk(provider.Chunk{Kind: provider.KindReasoning, Text: "thinking"})
	sv.Chunk(provider.Chunk{Kind: provider.KindText, Text: "Hello"})
	sv.Chunk(provider.Chunk{Kind: provider.KindNotice, Text: "ignored"})
	deadline := time.Now().Add(10 * time.Second)
	for stored(t, s, sv.ID()).Text != "Hello" {
		if time.Now().After(deadline) {
			t.Fatal("the delta was never written before Finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if m := stored(t, s, sv.ID()); m.Reasoning != "thinking" || m.Status != StatusFailed {
		t.Errorf("while streaming: %+v", m)
	}
	sv.Text(", world")
	sv.Chunk(provider.Chunk{Kind: provider.KindUsage, Usage: provider.Usage{InputTokens: 7, OutputTokens: 3}})
	m, err := sv.Finish(StatusStopped, context.Canceled)
	if err != nil {
		t.Fatal(err)
	}
	got := stored(t, s, sv.ID())
	if got.Text != "Hello, world" || got.Reasoning != "thinking" || got.Status != StatusStopped ||
		got.Error != "context canceled" || got.Usage.InputTokens != 7 || got.Usage.OutputTokens != 3 ||
		got.TimeToFirst <= 0 {
		t.Errorf("after Finish: %+v", got)
	}
	if m.Text != got.Text || m.Status != got.Status {
		t.Errorf("Finish returned %+v, stored %+v", m, got)
	}
	if again, err := sv.Finish(StatusComplete, nil); err != nil || again.Status != StatusStopped {
		t.Errorf("second Finish: %+v, %v", again, err)
	}
	sv.Text(" and more")
	if got := stored(t, s, sv.ID()); got.Text != "Hello, world" {
		t.Errorf("a delta after Finish changed the answer: %q", got.Text)
	}
	if sv.Err() != nil {
		t.Errorf("Err() = %v", sv.Err())
	}
}

func TestSaverFinishStates(t *testing.T) {
	for _, tc := range []struct {
		name      string
		deltas    []string
		status    Status
		cause     error
		wantError string
	}{
		{"complete", []string{"a", "b"}, StatusComplete, nil, ""},
		{"complete ignores a cause", []string{"a"}, StatusComplete, errors.New("x"), ""},
		{"failed before any text", nil, StatusFailed, errors.New("openai: 500"), "openai: 500"},
		{"failed midway", []string{"par", "tial"}, StatusFailed, &provider.LostError{Deltas: 2}, "connection lost after 2 tokens"},
		{"stopped", []string{"so far"}, StatusStopped, context.Canceled, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			sv := startAnswer(t, s, time.Hour) // only Finish writes
			for _, d := range tc.deltas {
				sv.Text(d)
			}
			if _, err := sv.Finish(tc.status, tc.cause); err != nil {
				t.Fatal(err)
			}
			m := stored(t, s, sv.ID())
			if m.Text != strings.Join(tc.deltas, "") || m.Status != tc.status || m.Error != tc.wantError {
				t.Errorf("stored %q %q %q", m.Text, m.Status, m.Error)
			}
			if len(tc.deltas) == 0 && m.TimeToFirst != 0 {
				t.Errorf("time to first token %v without a token", m.TimeToFirst)
			}
		})
	}
}

func TestSaverConcurrentDeltas(t *testing.T) {
	s := openTemp(t)
	sv := startAnswer(t, s, time.Millisecond)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				sv.Text("x")
				sv.Reasoning("y")
			}
		})
	}
	wg.Wait()
	if _, err := sv.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	m := stored(t, s, sv.ID())
	if len(m.Text) != 1600 || len(m.Reasoning) != 1600 {
		t.Errorf("stored %d text and %d reasoning bytes, want 1600 each", len(m.Text), len(m.Reasoning))
	}
}

func TestSaverReportsWriteFailures(t *testing.T) {
	s := openTemp(t)
	sv := startAnswer(t, s, 0)
	execSQL(t, s, "DELETE FROM messages WHERE id = ?", sv.ID())
	sv.Text("lost")
	deadline := time.Now().Add(10 * time.Second)
	for sv.Err() == nil {
		if time.Now().After(deadline) {
			t.Fatal("no write error reported")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !errors.Is(sv.Err(), ErrNoMessage) {
		t.Errorf("Err() = %v", sv.Err())
	}
	if _, err := sv.Finish(StatusComplete, nil); !errors.Is(err, ErrNoMessage) {
		t.Errorf("Finish: %v", err)
	}
}
