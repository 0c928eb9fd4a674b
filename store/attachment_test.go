package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/provider"
)

var (
	notes = provider.Attachment{Name: "notes.txt", MediaType: provider.MediaText, Data: []byte("the zeppelin leaves at noon\n")}
	shot  = provider.Attachment{Name: "shot.png", MediaType: "image/png", Data: []byte("\x89PNG\r\n\x1a\nbytes")}
)

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// answered saves ex as an exchange whose answer completed (empty), and
// returns what Begin returned.
func answered(t *testing.T, s *Store, ex Exchange) Begun {
	t.Helper()
	b, err := s.Begin(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Saver.Finish(StatusComplete, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAttachmentsSaved: a prompt's attachments come back with it, from Get
// and from History, in order; the same image sent twice is kept once, and
// goes with the last message that uses it.
func TestAttachmentsSaved(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	b := answered(t, s, Exchange{Prompt: "what is this?", Model: "m", Provider: "p", Attachments: []provider.Attachment{notes, shot}})
	answered(t, s, Exchange{ConversationID: b.ConversationID, Prompt: "again", Model: "m", Provider: "p", Attachments: []provider.Attachment{shot}})
	if n := count(t, s, "blobs"); n != 1 {
		t.Errorf("%d blobs for one image sent twice", n)
	}

	c, err := s.Get(ctx, b.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Attachment{
		{Name: "notes.txt", MediaType: "text/plain", Size: 28, Text: "the zeppelin leaves at noon\n"},
		{Name: "shot.png", MediaType: "image/png", Size: 13, Data: shot.Data},
	}
	if len(c.Messages) != 4 || !reflect.DeepEqual(c.Messages[0].Attachments, want) ||
		!reflect.DeepEqual(c.Messages[2].Attachments, want[1:]) || c.Messages[1].Attachments != nil {
		t.Errorf("saved messages %+v", c.Messages)
	}
	h, err := s.History(ctx, b.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || !reflect.DeepEqual(h[0].Attachments, []provider.Attachment{notes, shot}) || !reflect.DeepEqual(h[1].Attachments, []provider.Attachment{shot}) {
		t.Errorf("history %+v", h)
	}

	// Dropping the first exchange keeps the image the second one uses;
	// deleting the conversation removes it.
	if _, err := s.DeleteMessages(ctx, b.ConversationID, 1, 3); err != nil {
		t.Fatal(err)
	}
	if na, nb := count(t, s, "attachments"), count(t, s, "blobs"); na != 1 || nb != 1 {
		t.Errorf("after dropping the first exchange: %d attachments, %d blobs; want 1, 1", na, nb)
	}
	if err := s.Delete(ctx, b.ConversationID); err != nil {
		t.Fatal(err)
	}
	if na, nb := count(t, s, "attachments"), count(t, s, "blobs"); na != 0 || nb != 0 {
		t.Errorf("after deleting the conversation: %d attachments, %d blobs", na, nb)
	}
}

// TestSearchFindsAttachedText: a word that is only in an attached text
// file finds the message it went with, naming the file; once the message
// is gone, it finds nothing.
func TestSearchFindsAttachedText(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	b := answered(t, s, Exchange{Prompt: "when?", Model: "m", Provider: "p", Attachments: []provider.Attachment{notes, shot}})
	answered(t, s, Exchange{Prompt: "a zeppelin in the text", Model: "m", Provider: "p"})

	hits, err := s.Search(ctx, "zeppelins", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Fatalf("hits %+v, want the prompt and the attached file", hits)
	}
	var inFile Hit
	for _, h := range hits {
		if h.Attachment != "" {
			inFile = h
		}
	}
	if inFile.Attachment != "notes.txt" || inFile.ConversationID != b.ConversationID || inFile.Seq != 1 ||
		!strings.Contains(inFile.Snippet, MarkStart+"zeppelin"+MarkEnd) {
		t.Errorf("hit in the file: %+v", inFile)
	}
	if hits, _ := s.Search(ctx, "zeppelin", 1); len(hits) != 1 {
		t.Errorf("limit 1 gave %d hits", len(hits))
	}
	s.Delete(ctx, b.ConversationID)
	if hits, _ := s.Search(ctx, "noon", 0); len(hits) != 0 {
		t.Errorf("hits after the delete: %+v", hits)
	}
}

// TestSchemaTwoMigratesToAttachments: a database of schema 2 opens, keeps
// its conversations, and takes attachments.
func TestSchemaTwoMigratesToAttachments(t *testing.T) {
	ctx := context.Background()
	s, err := Open(oldDatabase(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := s.Begin(ctx, Exchange{ConversationID: "abc", Prompt: "and this?", Model: "m", Provider: "p", Attachments: []provider.Attachment{notes}})
	if err != nil {
		t.Fatal(err)
	}
	b.Saver.Finish(StatusComplete, nil)
	c, err := s.Get(ctx, "abc")
	if err != nil || c.Title != "old one" || len(c.Messages) != 3 || c.Messages[0].Text != "hello" ||
		len(c.Messages[1].Attachments) != 1 || c.Messages[1].Attachments[0].Name != "notes.txt" {
		t.Fatalf("after migration: %+v, %v", c, err)
	}
}

// oldDatabase writes a database of the given schema version, made by its
// migrations, holding one conversation ("abc", titled "old one") with one
// prompt ("hello"), and returns its path.
func oldDatabase(t *testing.T, version int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("v%d.db", version))
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := append(slices.Clone(migrations[:version]), fmt.Sprintf("PRAGMA user_version = %d", version),
		fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('abc', 'old one', 1, 1)`,
		`INSERT INTO messages (conversation_id, seq, role, text, created_at) VALUES ('abc', 1, 'user', 'hello', 1)`)
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}
