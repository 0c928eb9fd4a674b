package store

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagePage overwrites the first half of the root page of table in the
// database file at path, as a bad sector or a torn copy would, leaving the
// file's header and schema readable.
func damagePage(t *testing.T, path, table string) {
	t.Helper()
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the database still has a WAL file: its pages may not be in the main file")
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize, root int64
	err = db.QueryRow("PRAGMA page_size").Scan(&pageSize)
	if err == nil {
		err = db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", table).Scan(&root)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, int(pageSize/2)), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesDamagedPage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		big   bool // beyond fullCheckSize
		table string
	}{
		{"messages", false, "messages"},
		{"conversations", false, "conversations"},
		{"conversations of a big file", true, "conversations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "parley.db")
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for range 5 {
				addConversation(t, s, "a question", "an answer")
			}
			if tc.big {
				addConversation(t, s, "a long paste", strings.Repeat("lorem ipsum ", fullCheckSize/10))
			}
			s.Close()
			if info, _ := os.Stat(path); tc.big != (info.Size() > fullCheckSize) {
				t.Fatalf("the file has %d bytes", info.Size())
			}
			damagePage(t, path, tc.table)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err = Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var oe *OpenError
			if !errors.As(err, &oe) || !errors.Is(err, ErrNotParley) {
				t.Errorf("error %v (%T), want an *OpenError wrapping ErrNotParley", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "damaged") ||
				!strings.HasSuffix(msg, "(move the file aside, or run with --no-save)") {
				t.Errorf("error %q", msg)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the damaged file was written to")
			}
		})
	}
}
