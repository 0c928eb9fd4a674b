package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestFTSQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hello world", `"hello" "world"`},
		{"  c++  ", `"c++"`},
		{`say "hi"`, `"say" """hi"""`},
		{"pre*", `"pre*"`},
		{"AND OR NOT NEAR(a b)", `"AND" "OR" "NOT" "NEAR(a" "b)"`},
		{"*** -- ...", ""},
		{"", ""},
		{"naïve 東京", `"naïve" "東京"`},
	} {
		if got := ftsQuery(tc.in); got != tc.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSearchRanksAndHighlights(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	filler := strings.Repeat("nothing to see here at all. ", 40)
	once := addConversation(t, s, "about databases", filler+"sqlite is mentioned once."+filler)
	often := addConversation(t, s, "sqlite sqlite sqlite: why SQLite?", "SQLite is small")
	addConversation(t, s, "about cats", "cats purr")

	hits, err := s.Search(ctx, "sqlite", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.ConversationID+"/"+string(h.Role))
	}
	want := []string{often.ID + "/user", often.ID + "/assistant", once.ID + "/assistant"}
	if !slices.Equal(got, want) {
		t.Errorf("hits %v, want %v (best first)", got, want)
	}
	if !slices.IsSortedFunc(hits, func(a, b Hit) int { return cmpFloat(a.Rank, b.Rank) }) {
		t.Errorf("ranks not ascending: %+v", hits)
	}

	last := hits[len(hits)-1]
	if !strings.Contains(last.Snippet, MarkStart+"sqlite"+MarkEnd) {
		t.Errorf("snippet %q does not mark the match", last.Snippet)
	}
	if !strings.HasPrefix(last.Snippet, "…") || !strings.HasSuffix(last.Snippet, "…") ||
		len(last.Snippet) > 200 {
		t.Errorf("snippet %q should be a short excerpt with ellipses", last.Snippet)
	}
	if last.Title != "about databases" || last.Seq != 2 || last.MessageID == 0 {
		t.Errorf("hit %+v", last)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestSearchMatching(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	addConversation(t, s, "I was running late", "Don't use C++ for this; the café is open")
	for _, tc := range []struct {
		query string
		hits  int
	}{
		{"run", 1},             // stemming: running
		{"RUNNING LATE", 1},    // case, all words
		{"running early", 0},   // every word must be there
		{"cafe", 1},            // accents
		{"don't", 1},           // quote inside a word
		{"c++", 1},             // punctuation
		{"lat*", 0},            // no prefix search
		{"late*", 1},           // the star is punctuation
		{`"late`, 1},           // unbalanced quote
		{"late OR nothing", 0}, // OR is a word, not an operator
		{"(late)", 1},          // syntax is literal
		{"-late", 1},
		{"col:late", 0}, // no column filter: "col" is a word
	} {
		hits, err := s.Search(ctx, tc.query, 10)
		if err != nil || len(hits) != tc.hits {
			t.Errorf("Search(%q) = %d hits, %v; want %d", tc.query, len(hits), err, tc.hits)
		}
	}
	if _, err := s.Search(ctx, " ** ", 10); err == nil {
		t.Error("a query with no words succeeded")
	}
}

func TestSearchFollowsUpdates(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c := addConversation(t, s, "q")
	sv, err := s.StartAnswer(ctx, Message{ConversationID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	sv.Text("first draft")
	if _, err := sv.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "draft", 10); len(hits) != 1 {
		t.Fatalf("finished answer not found: %v", hits)
	}
	if err := s.UpdateMessage(ctx, Message{ID: sv.ID(), Text: "second version"}); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "draft", 10); len(hits) != 0 {
		t.Errorf("old text still found: %v", hits)
	}
	if hits, _ := s.Search(ctx, "version", 10); len(hits) != 1 {
		t.Errorf("new text not found: %v", hits)
	}
}

func TestSearchLimit(t *testing.T) {
	s := openTemp(t)
	for range 30 {
		addConversation(t, s, "same words")
	}
	for _, tc := range []struct{ limit, want int }{{5, 5}, {0, 20}, {100, 30}} {
		hits, err := s.Search(context.Background(), "same", tc.limit)
		if err != nil || len(hits) != tc.want {
			t.Errorf("Search limit %d: %d hits, %v; want %d", tc.limit, len(hits), err, tc.want)
		}
	}
}

func TestFragments(t *testing.T) {
	h := Hit{Snippet: "…a " + MarkStart + "b" + MarkEnd + " c " + MarkStart + "d" + MarkEnd}
	want := []Fragment{{"…a ", false}, {"b", true}, {" c ", false}, {"d", true}}
	if got := h.Fragments(); !slices.Equal(got, want) {
		t.Errorf("Fragments = %v, want %v", got, want)
	}
	if got := (Hit{Snippet: "x" + MarkStart + "open"}).Fragments(); len(got) != 2 || !got[1].Match {
		t.Errorf("unterminated mark: %v", got)
	}
}

func TestSearchRanksTheNewestMatches(t *testing.T) {
	s := openTemp(t)
	defer func(w int) { searchWindow = w }(searchWindow)
	searchWindow = 2
	best := addConversation(t, s, "owl owl owl")
	addConversation(t, s, "an owl and many other words besides it")
	newest := addConversation(t, s, "owl owl and a few more")
	hits, err := s.Search(context.Background(), "owl", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].ConversationID != newest.ID {
		t.Errorf("hits %+v, want the two newest, best first", hits)
	}
	for _, h := range hits {
		if h.ConversationID == best.ID {
			t.Error("a match older than the window was ranked")
		}
	}
}
