package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
)

// What Open checks of a file's pages before it writes to it. PRAGMA
// quick_check reads every page: on the 83 MB benchmark database (10,000
// conversations, 100,000 messages) it took 1.4–5 s on the loaded 2-core
// test machine, about 17 ms per MB at best, which every run would pay. So a
// file up to fullCheckSize gets the full check (at most ~140 ms), and a
// bigger one the check of the conversations table and its index (8–47 ms
// on the same file): the pages that every run reads and writes first.
// Either is cut off after checkTime, a check that found nothing by then
// counting as passed.
const (
	fullCheckSize = 8 << 20
	checkTime     = time.Second
)

// quickCheck runs SQLite's quick_check on the file, within a read-only
// transaction, and reports damage as ErrNotParley.
func (s *Store) quickCheck(ctx context.Context, tx *sql.Tx) error {
	query := "PRAGMA quick_check(1)"
	if info, err := os.Stat(s.path); err == nil && info.Size() > fullCheckSize {
		query = "PRAGMA quick_check(conversations)"
	}
	cctx, cancel := context.WithTimeout(ctx, checkTime)
	defer cancel()
	var result string
	err := tx.QueryRowContext(cctx, query).Scan(&result)
	switch {
	case cctx.Err() != nil && ctx.Err() == nil:
		return nil // interrupted: nothing found in the time given
	case err != nil:
		return err
	case result != "ok":
		return fmt.Errorf("%w: %s", ErrNotParley, strings.Join(strings.Fields(result), " "))
	}
	return nil
}
