package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"github.com/parley-chat/parley/provider"
)

// Attachment is a file saved with a message: a text file's content in
// Text, or an image's bytes in Data.
type Attachment struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	Text      string `json:"text,omitempty"`
	Data      []byte `json:"data,omitempty"` // base64 in JSON
}

// AttachmentsOf returns files as the store keeps them.
func AttachmentsOf(files []provider.Attachment) []Attachment {
	if len(files) == 0 {
		return nil
	}
	out := make([]Attachment, len(files))
	for i, f := range files {
		a := Attachment{Name: f.Name, MediaType: f.MediaType, Size: int64(len(f.Data))}
		if f.IsImage() {
			a.Data = f.Data
		} else {
			a.Text = string(f.Data)
		}
		out[i] = a
	}
	return out
}

// Provider returns a as a provider sends it.
func (a Attachment) Provider() provider.Attachment {
	p := provider.Attachment{Name: a.Name, MediaType: a.MediaType, Data: a.Data}
	if !p.IsImage() {
		p.Data = []byte(a.Text)
	}
	return p
}

// addAttachments saves the attachments of the message msgID within tx;
// an image's bytes are written once for each distinct content.
func addAttachments(ctx context.Context, tx *sql.Tx, msgID int64, list []Attachment) error {
	for i, a := range list {
		var blob any // NULL for a text file
		if a.Text == "" && len(a.Data) > 0 {
			sum := sha256.Sum256(a.Data)
			hash := hex.EncodeToString(sum[:])
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, data) VALUES (?, ?) ON CONFLICT DO NOTHING`,
				hash, a.Data); err != nil {
				return fmt.Errorf("store: save attachment %s: %w", a.Name, err)
			}
			blob = hash
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO attachments (message_id, pos, name, media_type, size, text, blob)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			msgID, i, a.Name, a.MediaType, a.Size, a.Text, blob); err != nil {
			return fmt.Errorf("store: save attachment %s: %w", a.Name, err)
		}
	}
	return nil
}

// attachmentsIn reads the attachments of the messages of conversation
// convID, by message ID, each message's in the order attached.
func attachmentsIn(ctx context.Context, q querier, convID string) (map[int64][]Attachment, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT a.message_id, a.name, a.media_type, a.size, a.text, coalesce(b.data, x'')
		FROM attachments a
		JOIN messages m ON m.id = a.message_id
		LEFT JOIN blobs b ON b.hash = a.blob
		WHERE m.conversation_id = ?
		ORDER BY a.message_id, a.pos`, convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byMsg := map[int64][]Attachment{}
	for rows.Next() {
		var id int64
		var a Attachment
		if err := rows.Scan(&id, &a.Name, &a.MediaType, &a.Size, &a.Text, &a.Data); err != nil {
			return nil, err
		}
		if len(a.Data) == 0 {
			a.Data = nil
		}
		byMsg[id] = append(byMsg[id], a)
	}
	return byMsg, rows.Err()
}

// querier is what reads: the database or a transaction.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}
