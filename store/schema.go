package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations bring the schema from version i to version i+1: migrations[0]
// creates version 1 from an empty file. The schema version is kept in
// PRAGMA user_version. Append to this list; never edit a migration that has
// shipped.
var migrations = []string{
	// 1: conversations, their messages, and a full-text index of the
	// messages' text; triggers keep the index and the message counts in
	// step. Times are Unix milliseconds, durations milliseconds.
	`
CREATE TABLE conversations (
	id         TEXT PRIMARY KEY,
	title      TEXT NOT NULL,
	model      TEXT NOT NULL DEFAULT '',
	provider   TEXT NOT NULL DEFAULT '',
	system     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	-- kept by triggers, so that a listing need not count
	message_count INTEGER NOT NULL DEFAULT 0
) STRICT;

-- covers what a listing reads, so that listing is one scan of the index
CREATE INDEX conversations_by_update ON conversations
	(updated_at DESC, id, title, model, provider, created_at, message_count);

CREATE TABLE messages (
	id               INTEGER PRIMARY KEY,
	conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	seq              INTEGER NOT NULL,
	role             TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
	text             TEXT NOT NULL DEFAULT '',
	reasoning        TEXT NOT NULL DEFAULT '',
	model            TEXT NOT NULL DEFAULT '',
	provider         TEXT NOT NULL DEFAULT '',
	ttft_ms          INTEGER NOT NULL DEFAULT 0,
	duration_ms      INTEGER NOT NULL DEFAULT 0,
	input_tokens     INTEGER NOT NULL DEFAULT 0,
	output_tokens    INTEGER NOT NULL DEFAULT 0,
	reasoning_tokens INTEGER NOT NULL DEFAULT 0,
	status           TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'stopped', 'failed')),
	error            TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL,
	UNIQUE (conversation_id, seq)
) STRICT;

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
	UPDATE conversations SET message_count = message_count + 1 WHERE id = new.conversation_id;
END;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
	UPDATE conversations SET message_count = message_count - 1 WHERE id = old.conversation_id;
END;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
	text,
	content = 'messages',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
	INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
WHEN old.text IS NOT new.text BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
`,
	// 2: the prompts typed in the chat, oldest first, for ↑/↓ across runs.
	`
CREATE TABLE prompts (
	id         INTEGER PRIMARY KEY,
	text       TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
`,
	// 3: how long the model reasoned before its answer, in milliseconds,
	// so that a reopened conversation says what the live one said.
	`
ALTER TABLE messages ADD COLUMN thinking_ms INTEGER NOT NULL DEFAULT 0;
`,
	// 4: the files attached to a message (-a): a text file's content in
	// the row, indexed for search; an image's bytes in blobs, one row per
	// distinct content (SHA-256), removed with the last attachment that
	// uses it.
	`
CREATE TABLE blobs (
	hash TEXT PRIMARY KEY, -- SHA-256 of data, in hex
	data BLOB NOT NULL
) STRICT;

CREATE TABLE attachments (
	id         INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	pos        INTEGER NOT NULL,
	name       TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size       INTEGER NOT NULL,
	text       TEXT NOT NULL DEFAULT '',
	blob       TEXT REFERENCES blobs (hash),
	UNIQUE (message_id, pos)
) STRICT;

CREATE INDEX attachments_by_blob ON attachments (blob) WHERE blob IS NOT NULL;

CREATE TRIGGER attachments_blob_delete AFTER DELETE ON attachments
WHEN old.blob IS NOT NULL AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob = old.blob) BEGIN
	DELETE FROM blobs WHERE hash = old.blob;
END;

CREATE VIRTUAL TABLE attachments_fts USING fts5 (
	text,
	content = 'attachments',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER attachments_fts_insert AFTER INSERT ON attachments WHEN new.text != '' BEGIN
	INSERT INTO attachments_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER attachments_fts_delete AFTER DELETE ON attachments WHEN old.text != '' BEGIN
	INSERT INTO attachments_fts (attachments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
`,
}

// SchemaVersion returns the schema version this Parley writes.
func SchemaVersion() int { return len(migrations) }

// migrate checks that the file is a Parley database this Parley can use and
// applies the migrations it lacks, each in its own write transaction, so
// that two processes opening a new database at once do not both migrate.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.checkFile(ctx); err != nil {
		return err
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("store: set WAL mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("store: the database cannot use WAL mode (journal mode %q)", mode)
	}
	for {
		done, err := s.migrateOnce(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOnce applies the next migration, if any; it reports true when the
// schema is current.
func (s *Store) migrateOnce(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	switch {
	case version > len(migrations):
		return false, fmt.Errorf("%w (schema version %d; this Parley knows up to %d)",
			ErrNewerSchema, version, len(migrations))
	case version == len(migrations):
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("store: migration to schema version %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

// checkFile checks, without writing, that the database is one this Parley
// can use, before anything (such as WAL mode) changes the file.
func (s *Store) checkFile(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	version, err := schemaVersion(ctx, tx)
	if err == nil && version > len(migrations) {
		err = fmt.Errorf("%w (schema version %d; this Parley knows up to %d)",
			ErrNewerSchema, version, len(migrations))
	}
	if err == nil && version > 0 {
		err = s.quickCheck(ctx, tx)
	}
	return err
}

// schemaVersion returns the schema version of the database, after checking
// that it is Parley's: an empty file, or one that carries our application ID.
func schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var version, appID, tables int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, err
	}
	if appID == applicationID {
		return version, nil
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return 0, err
	}
	if appID != 0 || version != 0 || tables != 0 {
		return 0, fmt.Errorf("%w: the file holds another program's database", ErrNotParley)
	}
	return 0, nil
}
