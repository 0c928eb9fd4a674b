package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// AddMessage appends m to the conversation m.ConversationID and returns it
// with its ID, Seq and CreatedAt set; an empty Status means complete. It
// marks the conversation as used now. A conversation that does not exist is
// ErrNotFound.
func (s *Store) AddMessage(ctx context.Context, m Message) (Message, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	defer tx.Rollback()
	if m, err = addMessage(ctx, tx, m); err != nil {
		return Message{}, err
	}
	if err := tx.Commit(); err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	return m, nil
}

// addMessage is AddMessage within tx.
func addMessage(ctx context.Context, tx *sql.Tx, m Message) (Message, error) {
	if m.Status == "" {
		m.Status = StatusComplete
	}
	m.CreatedAt = time.Now()
	res, err := tx.ExecContext(ctx, `UPDATE conversations SET updated_at = ? WHERE id = ?`,
		millis(m.CreatedAt), m.ConversationID)
	if err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return Message{}, fmt.Errorf("%w with ID %s", ErrNotFound, m.ConversationID)
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO messages (conversation_id, seq, role, text, reasoning, model, provider,
			ttft_ms, duration_ms, input_tokens, output_tokens, reasoning_tokens, status, error, created_at,
			thinking_ms)
		VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?1),
			?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
		RETURNING id, seq`,
		m.ConversationID, string(m.Role), m.Text, m.Reasoning, m.Model, m.Provider,
		m.TimeToFirst.Milliseconds(), m.Duration.Milliseconds(),
		m.Usage.InputTokens, m.Usage.OutputTokens, m.Usage.ReasoningTokens,
		string(m.Status), m.Error, millis(m.CreatedAt), m.Thinking.Milliseconds()).Scan(&m.ID, &m.Seq)
	if err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	if err := addAttachments(ctx, tx, m.ID, m.Attachments); err != nil {
		return Message{}, err
	}
	return m, nil
}

// replaceExchange appends prompt and answer to prompt.ConversationID and
// removes the messages before them whose Seq is from or more (none when
// from <= 0), in one transaction: a reader sees either the old end of the
// conversation or the new one, never both and never neither. The new
// messages are added first, so they take fresh IDs and Seqs: an ID of a
// removed message is never given to a new one while something (a late
// Finish of the replaced answer) may still write to it.
func (s *Store) replaceExchange(ctx context.Context, from int, prompt, answer Message) (p, a Message, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return p, a, fmt.Errorf("store: replace exchange: %w", err)
	}
	defer tx.Rollback()
	if p, err = addMessage(ctx, tx, prompt); err != nil {
		return p, a, err
	}
	if a, err = addMessage(ctx, tx, answer); err != nil {
		return p, a, err
	}
	if from > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE conversation_id = ? AND seq >= ? AND seq < ?`,
			prompt.ConversationID, from, p.Seq); err != nil {
			return p, a, fmt.Errorf("store: replace exchange: %w", err)
		}
	}
	// A new first prompt (the first one edited and sent again) gives the
	// conversation its title, as the first prompt of a new one does.
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET title = ? WHERE id = ? AND NOT EXISTS
		(SELECT 1 FROM messages WHERE conversation_id = ? AND role = 'user' AND seq < ?)`,
		Title(prompt.Text), prompt.ConversationID, prompt.ConversationID, p.Seq); err != nil {
		return p, a, fmt.Errorf("store: replace exchange: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return p, a, fmt.Errorf("store: replace exchange: %w", err)
	}
	return p, a, nil
}

// UpdateMessage writes the fields of m that change while an answer streams
// and when it ends (text, reasoning, timings, usage, status, error) to the
// message m.ID. It is one small UPDATE.
func (s *Store) UpdateMessage(ctx context.Context, m Message) error {
	if m.Status == "" {
		m.Status = StatusComplete
	}
	res, err := s.db.ExecContext(ctx, `
		UPDATE messages SET text = ?, reasoning = ?, ttft_ms = ?, duration_ms = ?,
			input_tokens = ?, output_tokens = ?, reasoning_tokens = ?, status = ?, error = ?,
			thinking_ms = ?
		WHERE id = ?`,
		m.Text, m.Reasoning, m.TimeToFirst.Milliseconds(), m.Duration.Milliseconds(),
		m.Usage.InputTokens, m.Usage.OutputTokens, m.Usage.ReasoningTokens,
		string(m.Status), m.Error, m.Thinking.Milliseconds(), m.ID)
	if err != nil {
		return fmt.Errorf("store: update message %d: %w", m.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: update message %d: %w", m.ID, ErrNoMessage)
	}
	return nil
}

// messages reads the messages of one conversation, oldest first.
func messages(ctx context.Context, q querier, convID string) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, conversation_id, seq, role, text, reasoning, model, provider,
			ttft_ms, duration_ms, input_tokens, output_tokens, reasoning_tokens,
			status, error, created_at, thinking_ms
		FROM messages WHERE conversation_id = ? ORDER BY seq`, convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Message
	for rows.Next() {
		var m Message
		var ttft, dur, created, thinking int64
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.Role, &m.Text, &m.Reasoning,
			&m.Model, &m.Provider, &ttft, &dur, &m.Usage.InputTokens, &m.Usage.OutputTokens,
			&m.Usage.ReasoningTokens, &m.Status, &m.Error, &created, &thinking); err != nil {
			return nil, err
		}
		m.TimeToFirst = time.Duration(ttft) * time.Millisecond
		m.Duration = time.Duration(dur) * time.Millisecond
		m.Thinking = time.Duration(thinking) * time.Millisecond
		m.CreatedAt = fromMillis(created)
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // before the next query, for a transaction's one connection
	files, err := attachmentsIn(ctx, q, convID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Attachments = files[list[i].ID]
	}
	return list, nil
}

// DeleteMessages removes the messages of conversation convID whose Seq is
// in [from, to), or from on when to <= 0, and returns how many it removed.
// It is one statement, so one transaction: the triggers of the schema keep
// the full-text index and the conversation's message count in step. The
// chat uses it to drop an exchange that a regenerated or edited one
// replaces; the sequence numbers of later messages are left as they are.
func (s *Store) DeleteMessages(ctx context.Context, convID string, from, to int) (int, error) {
	if to <= 0 {
		to = math.MaxInt64
	}
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM messages WHERE conversation_id = ? AND seq >= ? AND seq < ?`, convID, from, to)
	if err != nil {
		return 0, fmt.Errorf("store: delete messages of %s: %w", convID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete messages of %s: %w", convID, err)
	}
	return int(n), nil
}
