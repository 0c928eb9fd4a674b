// Package saved is the command line's view of the saved conversations:
// --list, --show, --delete and --search. It prints for two readers. On a
// terminal: a table with relative times, a rendered transcript, search
// matches in reverse video, all sanitized so that stored text cannot drive
// the terminal. Piped: one tab-separated line per conversation or match,
// with full IDs and RFC 3339 times, the transcript as raw markdown, and
// search matches between « and ». With --json: one JSON document (an array
// for --list and --search).
package saved

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// Run does what q asks, which is one of --list, --show, --delete and
// --search.
func (c *Cmd) Run(ctx context.Context, q config.Saved) error {
	switch {
	case q.List:
		return c.list(ctx)
	case q.Show != "":
		return c.show(ctx, q.Show)
	case q.Delete != "":
		return c.remove(ctx, q.Delete)
	}
	return c.search(ctx, q.Search)
}

// Cmd prints what the store holds.
type Cmd struct {
	st    *store.Store
	w     io.Writer
	tty   bool   // w is a terminal
	json  bool   // print JSON
	width int    // of the terminal
	style string // glamour style for a transcript on the terminal
	now   time.Time
}

// New returns a Cmd printing to w; tty says whether w is a
// terminal, asJSON whether to print JSON, width is the terminal's and
// style the glamour style for transcripts.
func New(st *store.Store, w io.Writer, tty, asJSON bool, width int, style string) *Cmd {
	return &Cmd{st: st, w: w, tty: tty, json: asJSON, width: width, style: style, now: time.Now()}
}

// list prints every saved conversation, the one used last first.
func (c *Cmd) list(ctx context.Context) error {
	list, err := c.st.List(ctx, 0)
	if err != nil {
		return err
	}
	switch {
	case c.json:
		return c.writeJSON(nonNil(list))
	case len(list) == 0 && c.tty:
		_, err := fmt.Fprintln(c.w, "No saved conversations yet.")
		return err
	}
	// One write per line would be one system call per line.
	w := bufio.NewWriter(c.w)
	if c.tty {
		c.table(w, list)
	} else {
		for _, conv := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", conv.ID, termsafe.OneLine(conv.Title), modelName(conv),
				conv.UpdatedAt.Format(time.RFC3339), conv.MessageCount)
		}
	}
	return w.Flush()
}

// table writes conversations as a table that fits the terminal: each
// column as wide as its widest entry, models at most 24 cells, titles cut
// to what the terminal has left.
func (c *Cmd) table(w io.Writer, list []store.Conversation) {
	rows := make([][5]string, 0, len(list)+1)
	rows = append(rows, [5]string{"ID", "TITLE", "MODEL", "LAST USED", "MESSAGES"})
	widths := [5]int{store.ShortLen, 0, 0, 0, 0}
	for _, conv := range list {
		rows = append(rows, [5]string{store.ShortID(conv.ID), termsafe.Cell(conv.Title), termsafe.Cell(modelName(conv)),
			ago(conv.UpdatedAt, c.now), fmt.Sprint(conv.MessageCount)})
	}
	for _, r := range rows {
		for i := 1; i < 5; i++ {
			widths[i] = max(widths[i], cells(r[i]))
		}
	}
	widths[2] = min(widths[2], 24)
	widths[1] = min(widths[1], max(c.width-widths[0]-widths[2]-widths[3]-widths[4]-4*2, 10))
	for i, r := range rows {
		line := pad(r[0], widths[0]) + "  " + pad(r[1], widths[1]) + "  " + pad(r[2], widths[2]) + "  " +
			pad(r[3], widths[3]) + "  " + padLeft(r[4], widths[4])
		if i == 0 {
			line = bold(line)
		}
		fmt.Fprintln(w, line)
	}
}

// remove deletes one conversation. It wants at least minDeletePrefix
// digits of its ID, so that a slip of the finger deletes nothing.
func (c *Cmd) remove(ctx context.Context, idOrPrefix string) error {
	if p := strings.TrimSpace(idOrPrefix); len(p) < minDeletePrefix {
		return usage.Errorf("--delete wants at least %d digits of the ID, not %q (see --list)", minDeletePrefix, p)
	}
	conv, err := c.st.Get(ctx, idOrPrefix)
	if err != nil {
		return err
	}
	if err := c.st.Delete(ctx, conv.ID); err != nil {
		return err
	}
	if c.json {
		return c.writeJSON(map[string]string{"deleted": conv.ID, "title": conv.Title})
	}
	_, err = fmt.Fprintf(c.w, "Deleted %s %s\n", conv.ID, c.text(conv.Title))
	return err
}

// minDeletePrefix is the fewest ID digits --delete accepts.
const minDeletePrefix = 4

// writeJSON writes v as indented JSON: sanitized on a terminal, since
// JSON escapes C0 controls but not C1 ones or bidirectional overrides.
func (c *Cmd) writeJSON(v any) error {
	enc := termsafe.NewJSON(c.tty)
	enc.SetIndent("", "  ")
	b, err := enc.Encode(v)
	if err != nil {
		return err
	}
	_, err = c.w.Write(b)
	return err
}

// text makes a line of stored text fit to print: sanitized on a terminal,
// on one line everywhere.
func (c *Cmd) text(s string) string {
	if c.tty {
		return termsafe.Cell(s)
	}
	return termsafe.OneLine(s)
}

func modelName(c store.Conversation) string {
	if c.Provider == "" {
		return c.Model
	}
	return c.Provider + ":" + c.Model
}

// pad cuts or pads s to width cells.
func pad(s string, width int) string {
	w := cells(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(width-w, 0))
}

func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(width-cells(s), 0)) + s
}

// cells is the width of s on the terminal. Printable ASCII, which most
// titles are, takes the quick way: measuring graphemes costs most of the
// time of a --list of 10,000 conversations.
func cells(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

func bold(s string) string    { return "\x1b[1m" + s + "\x1b[22m" }
func reverse(s string) string { return "\x1b[7m" + s + "\x1b[27m" }

// ago says how long ago t was, briefly.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 48*time.Hour:
		return "yesterday"
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	case t.Year() == now.Year():
		return t.Format("Jan 2")
	}
	return t.Format("2006-01-02")
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
