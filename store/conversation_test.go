package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
)

func TestTitle(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, tc := range []struct{ name, prompt, want string }{
		{"one line", "How do I sort a map?", "How do I sort a map?"},
		{"first line with text", "\n  \n  Explain   this\tcode:\nfunc main() {}", "Explain this code:"},
		{"empty", " \n\t", "(untitled)"},
		{"control characters", "a\x1b[31mred\x07", "a[31mred"},
		{"cut at a word", long, strings.TrimSpace(strings.Repeat("word ", 11)) + "…"},
		{"cut inside a long word", strings.Repeat("x", 100), strings.Repeat("x", 59) + "…"},
		{"exactly 60", strings.Repeat("é", 60), strings.Repeat("é", 60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Title(tc.prompt); got != tc.want {
				t.Errorf("Title(%q) = %q, want %q", tc.prompt, got, tc.want)
			}
		})
	}
}

func TestStatusFor(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Status
	}{
		{nil, StatusComplete},
		{context.Canceled, StatusStopped},
		{fmt.Errorf("stream: %w", context.Canceled), StatusStopped},
		{context.DeadlineExceeded, StatusFailed},
		{&provider.LostError{Deltas: 3}, StatusFailed},
	} {
		if got := StatusFor(tc.err); got != tc.want {
			t.Errorf("StatusFor(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestGetByPrefix(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, id := range []string{"abc1000000000000", "abc2000000000000", "abd0000000000000", "abd00000"} {
		if _, err := s.CreateConversation(ctx, Conversation{ID: id, Title: "t" + id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, arg, want string
		err             error
		ambiguous       []string
	}{
		{name: "whole ID", arg: "abc1000000000000", want: "abc1000000000000"},
		{name: "unique prefix", arg: "abc1", want: "abc1000000000000"},
		{name: "upper case and spaces", arg: " ABC2 ", want: "abc2000000000000"},
		{name: "whole ID that begins another", arg: "abd00000", want: "abd00000"},
		{name: "ambiguous", arg: "abc", ambiguous: []string{"abc1000000000000", "abc2000000000000"}},
		{name: "ambiguous short", arg: "abd0", ambiguous: []string{"abd00000", "abd0000000000000"}},
		{name: "no match", arg: "fff", err: ErrNotFound},
		{name: "not hex", arg: "ab*", err: ErrNotFound},
		{name: "GLOB syntax", arg: "[a]", err: ErrNotFound},
		{name: "empty", arg: "", err: ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Get(ctx, tc.arg)
			var amb *AmbiguousError
			switch {
			case tc.want != "":
				if err != nil || c.ID != tc.want {
					t.Errorf("Get(%q) = %v, %v; want %s", tc.arg, c, err, tc.want)
				}
			case tc.ambiguous != nil:
				if !errors.As(err, &amb) {
					t.Fatalf("Get(%q) error %v, want an *AmbiguousError", tc.arg, err)
				}
				var ids []string
				for _, m := range amb.Matches {
					ids = append(ids, m.ID)
					if !strings.Contains(err.Error(), m.ID) {
						t.Errorf("error %q does not list %s", err, m.ID)
					}
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tc.ambiguous) {
					t.Errorf("matches %v, want %v", ids, tc.ambiguous)
				}
			default:
				if !errors.Is(err, tc.err) {
					t.Errorf("Get(%q) error %v, want %v", tc.arg, err, tc.err)
				}
			}
		})
	}
}

func TestAmbiguousListsAFew(t *testing.T) {
	s := openTemp(t)
	for range 8 {
		addConversation(t, s, "hi")
	}
	_, err := s.Get(context.Background(), "")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty prefix: %v", err)
	}
	// Every ID starts with a hex digit: find a digit that several share.
	list, _ := s.List(context.Background(), 0)
	var amb *AmbiguousError
	for _, c := range list {
		if _, err := s.Get(context.Background(), c.ID[:1]); errors.As(err, &amb) {
			break
		}
	}
	if amb == nil {
		t.Skip("no two of the random IDs share a first digit")
	}
	if len(amb.Matches) > 5 || (amb.More && len(amb.Matches) != 5) {
		t.Errorf("%d matches listed, more=%v", len(amb.Matches), amb.More)
	}
}

func TestListNewestFirst(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := addConversation(t, s, "a1", "a2", "a3")
	b := addConversation(t, s, "b1")
	c := addConversation(t, s)
	for id, at := range map[string]int{a.ID: 3000, b.ID: 1000, c.ID: 2000} {
		execSQL(t, s, "UPDATE conversations SET updated_at = ? WHERE id = ?", at, id)
	}
	list, err := s.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range list {
		got = append(got, fmt.Sprintf("%s:%d", x.Title, x.MessageCount))
	}
	if want := []string{"a1:3", "(untitled):0", "b1:1"}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	if list, _ := s.List(ctx, 2); len(list) != 2 {
		t.Errorf("List(2) returned %d", len(list))
	}
	// Adding a message makes a conversation the latest.
	if _, err := s.AddMessage(ctx, Message{ConversationID: b.ID, Role: provider.RoleUser, Text: "b2"}); err != nil {
		t.Fatal(err)
	}
	latest, err := s.Latest(ctx)
	if err != nil || latest.ID != b.ID || len(latest.Messages) != 2 || latest.Messages[1].Seq != 2 {
		t.Errorf("Latest = %+v, %v; want %s with 2 messages", latest, err, b.ID)
	}
}

func TestLatestOfNothing(t *testing.T) {
	if _, err := openTemp(t).Latest(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Latest of an empty store: %v", err)
	}
}

func TestDeleteTakesMessagesAndIndex(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	gone := addConversation(t, s, "zebra crossing", "stripes")
	kept := addConversation(t, s, "zebra finch")
	if err := s.Delete(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM messages WHERE conversation_id = ?", gone.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d messages left (%v)", n, err)
	}
	hits, err := s.Search(ctx, "zebra", 10)
	if err != nil || len(hits) != 1 || hits[0].ConversationID != kept.ID {
		t.Errorf("search after delete: %+v, %v", hits, err)
	}
}

func TestAddMessageToNothing(t *testing.T) {
	s := openTemp(t)
	_, err := s.AddMessage(context.Background(), Message{ConversationID: "0123456789abcdef", Role: provider.RoleUser})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("AddMessage to a missing conversation: %v", err)
	}
	if err := s.UpdateMessage(context.Background(), Message{ID: 42}); !errors.Is(err, ErrNoMessage) {
		t.Errorf("UpdateMessage of a missing message: %v", err)
	}
}

func TestHistory(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := addConversation(t, s)
	for _, m := range []Message{
		{Role: provider.RoleUser, Text: "q1"},
		{Role: provider.RoleAssistant, Text: "a1", Reasoning: "hmm"},
		{Role: provider.RoleUser, Text: "q2"},
		{Role: provider.RoleAssistant, Status: StatusFailed, Error: "500"},
		{Role: provider.RoleUser, Text: "q3"},
		{Role: provider.RoleAssistant, Text: "partial", Status: StatusStopped, Error: "context canceled"},
	} {
		m.ConversationID = c.ID
		if _, err := s.AddMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.Message{
		{Role: "user", Content: "q1"}, {Role: "assistant", Content: "a1"},
		{Role: "user", Content: "q2"}, {Role: "user", Content: "q3"},
		{Role: "assistant", Content: "partial"},
	}
	if !reflect.DeepEqual(h, want) { // a Message is not comparable: it holds its attachments
		t.Errorf("History = %v, want %v", h, want)
	}
}
