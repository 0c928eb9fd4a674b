package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
)

// idBytes is the size of a conversation ID: 16 hex digits. People type a
// prefix of it; ShortID is what listings show.
const idBytes = 8

// ShortLen is how many hex digits of an ID listings show.
const ShortLen = 8

// ShortID returns the first ShortLen digits of id.
func ShortID(id string) string {
	if len(id) > ShortLen {
		return id[:ShortLen]
	}
	return id
}

func newID() string {
	b := make([]byte, idBytes)
	rand.Read(b) // never fails, says crypto/rand
	return hex.EncodeToString(b)
}

// AmbiguousError reports an ID prefix that matches more than one
// conversation.
type AmbiguousError struct {
	Prefix  string
	Matches []Conversation // some of the matches, newest first
	More    bool           // there are more matches than listed
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "store: ID %q matches more than one conversation:", e.Prefix)
	for i, c := range e.Matches {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s (%s)", c.ID, c.Title)
	}
	if e.More {
		b.WriteString(", …")
	}
	b.WriteString("; give more of the ID")
	return b.String()
}

// CreateConversation saves a new conversation and returns it with its ID
// and times set. An empty c.ID gets a new random ID; an empty c.Title
// becomes "(untitled)" (use Title to make one from the first prompt).
func (s *Store) CreateConversation(ctx context.Context, c Conversation) (Conversation, error) {
	if c.ID == "" {
		c.ID = newID()
	}
	if c.Title == "" {
		c.Title = Title("")
	}
	now := time.Now()
	c.CreatedAt, c.UpdatedAt = now, now
	c.Messages, c.MessageCount = nil, 0
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO conversations (id, title, model, provider, system, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Title, c.Model, c.Provider, c.System, millis(now), millis(now))
	if err != nil {
		return Conversation{}, fmt.Errorf("store: create conversation: %w", err)
	}
	return c, nil
}

// resolve returns the full ID of the one conversation whose ID starts with
// prefix (case-insensitive). No match is ErrNotFound; several are an
// *AmbiguousError.
func (s *Store) resolve(ctx context.Context, prefix string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(prefix))
	if p == "" || strings.Trim(p, "0123456789abcdef") != "" {
		return "", fmt.Errorf("%w: %q is not a conversation ID (IDs are hex digits; see --list)", ErrNotFound, prefix)
	}
	const show = 5
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, title FROM conversations WHERE id GLOB ? || '*'
		ORDER BY `+usedLast+` LIMIT ?`, p, show+1)
	if err != nil {
		return "", fmt.Errorf("store: find conversation %q: %w", prefix, err)
	}
	defer rows.Close()
	var found []Conversation
	for rows.Next() {
		var c Conversation
		if err := rows.Scan(&c.ID, &c.Title); err != nil {
			return "", fmt.Errorf("store: find conversation %q: %w", prefix, err)
		}
		found = append(found, c)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("store: find conversation %q: %w", prefix, err)
	}
	if len(found) == 0 {
		return "", fmt.Errorf("%w with ID %s (see --list)", ErrNotFound, p)
	}
	for _, c := range found {
		if len(found) == 1 || c.ID == p {
			return c.ID, nil // a whole ID wins over longer IDs it begins
		}
	}
	return "", &AmbiguousError{Prefix: p, Matches: found[:min(len(found), show)], More: len(found) > show}
}

// Get returns the conversation whose ID is idOrPrefix, or starts with it,
// with all its messages.
func (s *Store) Get(ctx context.Context, idOrPrefix string) (*Conversation, error) {
	id, err := s.resolve(ctx, idOrPrefix)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, id)
}

// usedLast orders conversations as every listing shows them: the one used
// last first and, of those used at the same time, the one created last
// (rowid), so that --list, -c, completions and the ambiguous-ID line agree.
const usedLast = "updated_at DESC, rowid DESC"

// Latest returns the conversation used last, with all its messages, or
// ErrNotFound when there is none.
func (s *Store) Latest(ctx context.Context) (*Conversation, error) {
	var id string
	err := s.db.QueryRowContext(ctx,
		`SELECT id FROM conversations ORDER BY `+usedLast+` LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w yet", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: latest conversation: %w", err)
	}
	return s.load(ctx, id)
}

// load reads one conversation and its messages in one read transaction, so
// that they agree with each other.
func (s *Store) load(ctx context.Context, id string) (*Conversation, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: read conversation %s: %w", id, err)
	}
	defer tx.Rollback()
	var c Conversation
	var created, updated int64
	err = tx.QueryRowContext(ctx, `
		SELECT id, title, model, provider, system, created_at, updated_at
		FROM conversations WHERE id = ?`, id).
		Scan(&c.ID, &c.Title, &c.Model, &c.Provider, &c.System, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w with ID %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read conversation %s: %w", id, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	if c.Messages, err = messages(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("store: read messages of %s: %w", id, err)
	}
	c.MessageCount = len(c.Messages)
	return &c, nil
}

// List returns up to limit conversations (all of them when limit <= 0),
// the one used last first, with their message counts but neither their
// messages nor their system prompts.
func (s *Store) List(ctx context.Context, limit int) ([]Conversation, error) {
	size := limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
		// Count first: growing the slice row by row costs more.
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM conversations`).Scan(&size); err != nil {
			return nil, fmt.Errorf("store: list conversations: %w", err)
		}
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, title, model, provider, created_at, updated_at, message_count
		FROM conversations ORDER BY `+usedLast+` LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	defer rows.Close()
	list := make([]Conversation, 0, min(size, 100_000))
	for rows.Next() {
		var c Conversation
		var created, updated int64
		if err := rows.Scan(&c.ID, &c.Title, &c.Model, &c.Provider,
			&created, &updated, &c.MessageCount); err != nil {
			return nil, fmt.Errorf("store: list conversations: %w", err)
		}
		c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	return list, nil
}

// Delete removes the conversation with exactly this ID and its messages.
func (s *Store) Delete(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM conversations WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete conversation %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w with ID %s", ErrNotFound, id)
	}
	return nil
}

// History returns the messages of a conversation to send with the next
// prompt, oldest first: every user message, and every assistant message
// that has text, partial answers included (the model sees what the user
// saw). Answers that failed before any text are left out; system messages
// are too, since the system prompt travels in provider.Request.System.
func (s *Store) History(ctx context.Context, convID string) ([]provider.Message, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, role, text FROM messages
		WHERE conversation_id = ? AND (role = 'user' OR (role = 'assistant' AND text != ''))
		ORDER BY seq`, convID)
	if err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", convID, err)
	}
	defer rows.Close()
	var h []provider.Message
	var ids []int64
	for rows.Next() {
		var m provider.Message
		var id int64
		if err := rows.Scan(&id, &m.Role, &m.Content); err != nil {
			return nil, fmt.Errorf("store: history of %s: %w", convID, err)
		}
		h, ids = append(h, m), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", convID, err)
	}
	rows.Close()
	files, err := attachmentsIn(ctx, s.db, convID)
	if err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", convID, err)
	}
	for i, id := range ids {
		for _, a := range files[id] {
			h[i].Attachments = append(h[i].Attachments, a.Provider())
		}
	}
	return h, nil
}
