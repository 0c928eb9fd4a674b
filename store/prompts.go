package store

import (
	"context"
	"fmt"
	"time"
)

// PromptHistoryLen is how many prompts the store keeps for the chat's
// history; older ones are dropped as new ones come.
const PromptHistoryLen = 1000

// AddPrompt adds a prompt typed in the chat to the history, unless it
// repeats the last one, and drops the oldest beyond PromptHistoryLen.
func (s *Store) AddPrompt(ctx context.Context, text string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add prompt: %w", err)
	}
	defer tx.Rollback()
	var last string
	err = tx.QueryRowContext(ctx, "SELECT text FROM prompts ORDER BY id DESC LIMIT 1").Scan(&last)
	if err == nil && last == text {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO prompts (text, created_at) VALUES (?, ?)",
		text, millis(time.Now())); err != nil {
		return fmt.Errorf("store: add prompt: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM prompts WHERE id <=
		(SELECT id FROM prompts ORDER BY id DESC LIMIT 1 OFFSET ?)`, PromptHistoryLen); err != nil {
		return fmt.Errorf("store: add prompt: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: add prompt: %w", err)
	}
	return nil
}

// Prompts returns the prompts of the history, oldest first.
func (s *Store) Prompts(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT text FROM
		(SELECT id, text FROM prompts ORDER BY id DESC LIMIT ?) ORDER BY id`, PromptHistoryLen)
	if err != nil {
		return nil, fmt.Errorf("store: prompts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: prompts: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: prompts: %w", err)
	}
	return out, nil
}
