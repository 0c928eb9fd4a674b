package store

import (
	"context"
	"slices"
	"testing"
)

func TestDeleteMessages(t *testing.T) {
	texts := []string{"alpha", "one", "bravo", "two", "charlie", "three"}
	for _, tc := range []struct {
		name     string
		from, to int
		conv     string // "" for the conversation itself
		removed  int
		left     []string
	}{
		{name: "last exchange", from: 5, removed: 2, left: texts[:4]},
		{name: "last two exchanges", from: 3, removed: 4, left: texts[:2]},
		{name: "everything", from: 1, removed: 6, left: nil},
		{name: "a range", from: 3, to: 5, removed: 2, left: []string{"alpha", "one", "charlie", "three"}},
		{name: "past the end", from: 7, removed: 0, left: texts},
		{name: "empty range", from: 3, to: 3, removed: 0, left: texts},
		{name: "another conversation", from: 1, conv: "0000000000000000", removed: 0, left: texts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx := context.Background()
			other := addConversation(t, s, "other bravo", "other two")
			c := addConversation(t, s, texts...)
			conv := c.ID
			if tc.conv != "" {
				conv = tc.conv
			}
			n, err := s.DeleteMessages(ctx, conv, tc.from, tc.to)
			if err != nil || n != tc.removed {
				t.Fatalf("DeleteMessages(%d, %d) = %d, %v; want %d", tc.from, tc.to, n, err, tc.removed)
			}
			got, err := s.Get(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			for _, m := range got.Messages {
				shown = append(shown, m.Text)
			}
			if !slices.Equal(shown, tc.left) {
				t.Errorf("Get shows %q, want %q", shown, tc.left)
			}
			h, err := s.History(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sent []string
			for _, m := range h {
				sent = append(sent, m.Content)
			}
			if !slices.Equal(sent, tc.left) {
				t.Errorf("History sends %q, want %q", sent, tc.left)
			}
			counts := map[string]int{}
			list, err := s.List(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range list {
				counts[l.ID] = l.MessageCount
			}
			if counts[c.ID] != len(tc.left) || counts[other.ID] != 2 {
				t.Errorf("List counts %v, want %d for %s and 2 for %s", counts, len(tc.left), c.ID, other.ID)
			}
			// The index forgets deleted text and keeps the rest.
			for _, word := range []string{"bravo", "two", "three"} {
				hits, err := s.Search(ctx, word, 10)
				if err != nil {
					t.Fatal(err)
				}
				want := 0
				if word != "three" {
					want++ // the other conversation's
				}
				if slices.Contains(tc.left, word) {
					want++
				}
				if len(hits) != want {
					t.Errorf("Search(%q) found %d messages, want %d", word, len(hits), want)
				}
			}
		})
	}
}

func TestDeleteMessagesThenAdd(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := addConversation(t, s, "q", "a")
	if _, err := s.DeleteMessages(ctx, c.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: "user", Text: "q2"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Seq != 1 {
		t.Errorf("a message added to an emptied conversation has seq %d, want 1", m.Seq)
	}
}
