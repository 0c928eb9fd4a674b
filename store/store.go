// Package store keeps Parley's conversations in an embedded SQLite database
// (modernc.org/sqlite, no cgo).
//
// A Store is safe for concurrent use, and several Parley processes may use
// the same database at once: the database runs in WAL mode with a busy
// timeout, and every write transaction takes the write lock up front
// (BEGIN IMMEDIATE), so concurrent writers wait for each other instead of
// failing. A streaming answer is kept by a Saver, which writes it at least
// once a second so that a crash loses at most the last second of it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long, in milliseconds, a statement waits for another
// connection or process to release the database before it fails.
const busyTimeout = 10000

// applicationID marks a database file as Parley's ("PRLY"), so that Open
// refuses some other program's SQLite file instead of adding tables to it.
const applicationID = 0x50524c59

// Store is an open conversation database.
type Store struct {
	db   *sql.DB
	path string
}

// DefaultPath returns where the database lives when the configuration does
// not say: $PARLEY_DATA_DIR/parley.db, else $XDG_DATA_HOME/parley/parley.db,
// else ~/.local/share/parley/parley.db. getenv reads the environment (the
// caller's, so that the store itself reads none).
func DefaultPath(getenv func(string) string) (string, error) {
	if dir := getenv("PARLEY_DATA_DIR"); dir != "" {
		return filepath.Join(dir, "parley.db"), nil
	}
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "parley", "parley.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store: no place for the database: %w", err)
	}
	return filepath.Join(home, ".local", "share", "parley", "parley.db"), nil
}

// Open opens the database at path, creating it (mode 0600) and its
// directory (0700) if needed, and brings its schema up to date. It never truncates or rewrites
// an existing file that it cannot use: a damaged file, another program's
// database or one written by a newer Parley is left as it is and reported
// as an *OpenError.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: no database path given")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, &OpenError{Path: path, Err: fmt.Errorf("cannot create its directory: %w", err)}
	}
	// Conversations are private: a new database is made readable by its
	// owner only (SQLite gives its -wal and -shm files the same mode).
	_, statErr := os.Stat(path)
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	} else {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		what := "cannot write to it"
		if errors.Is(statErr, fs.ErrNotExist) {
			what = "cannot create it"
		}
		return nil, &OpenError{Path: path, Err: fmt.Errorf("%s: %w", what, err)}
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	// One writer at a time is all SQLite allows; a few connections let
	// readers (a listing, a search) run while a Saver writes.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	return s, nil
}

// dsn builds the connection string: every connection gets the busy
// timeout, foreign keys and synchronous=NORMAL (in WAL mode, durable across
// a crash of the process: a kill -9 loses no committed write), and write
// transactions begin IMMEDIATE. WAL mode belongs to the file, not the
// connection: migrate sets it once it knows the file is Parley's.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// OpenError reports a database that cannot be used. Its message names the
// file, says why, and what the user can do about it.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	msg := "store: cannot use " + e.Path + ": " + strings.TrimPrefix(e.Err.Error(), "store: ")
	switch {
	case errors.Is(e.Err, ErrNewerSchema):
		return msg + " (upgrade Parley, or run with --no-save)"
	case errors.Is(e.Err, ErrNotParley):
		return msg + " (move the file aside, or run with --no-save)"
	}
	return msg + " (check that the file and its directory are writable, or run with --no-save)"
}

// Unwrap returns the cause.
func (e *OpenError) Unwrap() error { return e.Err }

// Sentinel errors of the store.
var (
	// ErrNewerSchema reports a database written by a newer Parley.
	ErrNewerSchema = errors.New("store: database written by a newer Parley")
	// ErrNotParley reports a file that is not a Parley database, or is damaged.
	ErrNotParley = errors.New("store: not a Parley database, or damaged")
	// ErrNotFound reports a conversation that does not exist.
	ErrNotFound = errors.New("store: no such conversation")
	// ErrNoMessage reports a message that does not exist (any more).
	ErrNoMessage = errors.New("store: no such message")
	// ErrNoTerms is a search for text that holds no word to look for.
	ErrNoTerms = errors.New("store: nothing to search for")
)

// openError turns what SQLite said while opening into an *OpenError whose
// words say what is wrong with the file.
func openError(path string, err error) error {
	var oe *OpenError
	if errors.As(err, &oe) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			err = fmt.Errorf("%w: %s", ErrNotParley, se.Error())
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			err = fmt.Errorf("SQLite cannot write it or create its journal files: %s", se.Error())
		}
	}
	return &OpenError{Path: path, Err: err}
}
