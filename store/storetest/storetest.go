// Package storetest helps tests of the conversation store and of the
// commands that use it, as net/http/httptest helps those of net/http. It
// imports only the SQLite driver, not store, so that store's own tests can
// use it too.
package storetest

import (
	"bytes"
	"database/sql"
	"os"
	"testing"

	_ "modernc.org/sqlite" // the driver store uses
)

// DamagePage overwrites the first half of the root page of table in the
// database file at path, as a bad sector or a torn copy would, leaving the
// file's header and schema readable. The database must be closed, with no
// WAL file left beside it.
func DamagePage(t testing.TB, path, table string) {
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
