package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesCurrentSchema(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"no file, no directory", func(*testing.T, string) {}},
		{"empty file", func(t *testing.T, path string) {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "deep", "dir", "parley.db")
			tc.setup(t, path)
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for pragma, want := range map[string]any{
				"user_version":   int64(SchemaVersion()),
				"application_id": int64(applicationID),
				"journal_mode":   "wal",
				"foreign_keys":   int64(1),
				"busy_timeout":   int64(busyTimeout),
			} {
				var got any
				if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("PRAGMA %s = %v (%T), want %v", pragma, got, got, want)
				}
			}
			if s.Path() != path {
				t.Errorf("Path() = %q, want %q", s.Path(), path)
			}
			for _, name := range []string{path, path + "-wal"} {
				if info, err := os.Stat(name); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v, %v; want mode 0600", name, info.Mode(), err)
				}
			}
		})
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := addConversation(t, s, "first prompt", "first answer")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 2 || got.Messages[1].Text != "first answer" {
		t.Errorf("after reopening: %+v", got.Messages)
	}
}

func TestOpenRefusesWithoutTouchingTheFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
		want  error
		hint  string
	}{
		{"newer schema", func(t *testing.T, path string) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			addConversation(t, s, "hello")
			execSQL(t, s, "PRAGMA user_version = 99")
			s.Close()
		}, ErrNewerSchema, "upgrade Parley, or run with --no-save"},
		{"not a database", func(t *testing.T, path string) {
			junk := bytes.Repeat([]byte("this is not an SQLite file\n"), 400)
			if err := os.WriteFile(path, junk, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrNotParley, "move the file aside, or run with --no-save"},
		{"another program's database", func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
		}, ErrNotParley, "move the file aside"},
		{"another application ID", func(t *testing.T, path string) {
			rawExec(t, path, "PRAGMA application_id = 1234")
		}, ErrNotParley, "move the file aside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "parley.db")
			tc.setup(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var oe *OpenError
			if !errors.As(err, &oe) || !errors.Is(err, tc.want) {
				t.Errorf("error %v (%T), want an *OpenError wrapping %v", err, err, tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, tc.hint) {
				t.Errorf("error %q should name %s and say %q", msg, path, tc.hint)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("the file changed: %d bytes before, %d after", len(before), len(after))
			}
		})
	}
}

// rawExec runs one statement on a database without the store.
func rawExec(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func TestOpenDirectoryIsAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "parley")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(file, "parley.db"))
	if err == nil || !strings.Contains(err.Error(), "cannot create its directory") ||
		!strings.Contains(err.Error(), "--no-save") {
		t.Errorf("error %v, want one about the directory that mentions --no-save", err)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestDefaultPath(t *testing.T) {
	for _, tc := range []struct {
		name, dataDir, xdg, home, want string
	}{
		{"PARLEY_DATA_DIR wins", "/p", "/x", "/h", "/p/parley.db"},
		{"XDG_DATA_HOME", "", "/x", "/h", "/x/parley/parley.db"},
		{"relative XDG_DATA_HOME is ignored", "", "rel", "/h", "/h/.local/share/parley/parley.db"},
		{"home", "", "", "/h", "/h/.local/share/parley/parley.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PARLEY_DATA_DIR", tc.dataDir)
			t.Setenv("XDG_DATA_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			got, err := DefaultPath(os.Getenv)
			if err != nil || got != tc.want {
				t.Errorf("DefaultPath() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Application Support", "we?ird #dir %20 ü&x=1")
	path := filepath.Join(dir, "parley.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	addConversation(t, s, "hello")
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not where it was asked to be: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "parley.db") {
			t.Errorf("stray file %q", e.Name())
		}
	}
}
