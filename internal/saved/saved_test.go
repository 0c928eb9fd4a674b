package saved

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/internal/usage"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// savedFixture is a store with three conversations: a finished one, one
// with escape sequences and a stopped answer, and an empty one, created in
// that order.
type savedFixture struct {
	st      *store.Store
	now     time.Time
	ids     []string // in order of creation
	dataDir string
}

func newSavedFixture(t *testing.T) *savedFixture {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx := &savedFixture{st: st, now: time.Now(), dataDir: dir}
	ctx := context.Background()
	for _, conv := range []struct {
		title, model string
		msgs         []store.Message
	}{
		{"Sorting maps in Go", "gpt-4o-mini", []store.Message{
			{Role: provider.RoleUser, Text: "How do I sort a map in Go?"},
			{Role: provider.RoleAssistant, Text: "Collect the keys, then `slices.Sort` them.", Reasoning: "Maps are unordered."},
		}},
		{"Evil \x1b]52;c;aGk=\x07title", "claude", []store.Message{
			{Role: provider.RoleUser, Text: "print \x1b[2J please"},
			{Role: provider.RoleAssistant, Text: "partial answer about sorting", Status: store.StatusStopped, Error: "context canceled"},
		}},
		{"Empty one", "llama3", nil},
	} {
		c, err := st.CreateConversation(ctx, store.Conversation{Title: conv.title, Model: conv.model, Provider: "p"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range conv.msgs {
			m.ConversationID = c.ID
			if _, err := st.AddMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		fx.ids = append(fx.ids, c.ID)
		time.Sleep(2 * time.Millisecond) // the store keeps milliseconds: order them
	}
	return fx
}

// cmd returns a savedCmd printing to a buffer, as if to a terminal or not.
func (fx *savedFixture) cmd(tty, asJSON bool) (*Cmd, *strings.Builder) {
	var buf strings.Builder
	c := New(fx.st, &buf, tty, asJSON, 80, "dark")
	c.now, c.style = fx.now, "notty"
	return c, &buf
}

func TestListPiped(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(false, false)
	if err := c.list(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	first := strings.Split(lines[0], "\t")
	if len(first) != 5 || first[0] != fx.ids[2] || first[1] != "Empty one" || first[2] != "p:llama3" || first[4] != "0" {
		t.Errorf("newest line %q", first)
	}
	if _, err := time.Parse(time.RFC3339, first[3]); err != nil {
		t.Errorf("last used %q: %v", first[3], err)
	}
	if last := strings.Split(lines[2], "\t"); last[0] != fx.ids[0] || last[4] != "2" {
		t.Errorf("oldest line %q", last)
	}
}

func TestListTerminal(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(true, false)
	c.width = 80
	if err := c.list(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"\x1b[1mID", "LAST USED", store.ShortID(fx.ids[0]) + "  Sorting maps in Go", "p:gpt-4o-mini", "just now"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b]52") || strings.Contains(got, "\x07") {
		t.Errorf("a stored escape sequence reached the terminal: %q", got)
	}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		if w := len([]rune(line)); w > 80+10 { // header escapes aside
			t.Errorf("line wider than the terminal: %q", line)
		}
	}
}

func TestListEmpty(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		tty, json bool
		want      string
	}{
		{false, false, ""},
		{true, false, "No saved conversations yet.\n"},
		{false, true, "[]\n"},
	} {
		var buf strings.Builder
		if err := New(st, &buf, tc.tty, tc.json, 80, "dark").list(context.Background()); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("tty=%v json=%v: %q, want %q", tc.tty, tc.json, buf.String(), tc.want)
		}
	}
}

func TestListJSON(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(false, true)
	if err := c.list(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []store.Conversation
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].ID != fx.ids[0] || got[2].MessageCount != 2 || got[2].Messages != nil {
		t.Errorf("--list --json: %+v", got)
	}
}

func TestShowRawMarkdown(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(false, false)
	if err := c.show(context.Background(), fx.ids[0][:6]); err != nil {
		t.Fatal(err)
	}
	conv, _ := fx.st.Get(context.Background(), fx.ids[0])
	want := "# Sorting maps in Go\n\n" +
		"`" + fx.ids[0] + "` · p:gpt-4o-mini · " + conv.CreatedAt.Format("2006-01-02 15:04") + "\n\n" +
		"---\n\n**You**\n\nHow do I sort a map in Go?\n\n" +
		"---\n\n**Assistant** · gpt-4o-mini\n\n> *Reasoning*\n>\n> Maps are unordered.\n\n" +
		"Collect the keys, then `slices.Sort` them.\n\n"
	if out.String() != want {
		t.Errorf("--show piped:\n%s\nwant:\n%s", out, want)
	}

	out.Reset()
	if err := c.show(context.Background(), fx.ids[1]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "partial answer about sorting\n\n*(stopped: context canceled)*\n") {
		t.Errorf("a stopped answer should say so:\n%s", out)
	}
}

func TestShowTerminalIsRenderedAndSanitized(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(true, false)
	c.style = "dark"
	if err := c.show(context.Background(), fx.ids[1]); err != nil {
		t.Fatal(err)
	}
	if raw := out.String(); strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x07") {
		t.Errorf("stored escape sequences reached the terminal: %q", raw)
	}
	got := ansi.Strip(out.String())
	if strings.Contains(got, "*(stopped") || strings.Contains(got, "`") || strings.Contains(got, "**You**") ||
		!strings.Contains(got, "(stopped: context canceled)") || !strings.Contains(got, "partial answer about sorting") {
		t.Errorf("not rendered as markdown: %q", got)
	}
}

func TestShowJSON(t *testing.T) {
	fx := newSavedFixture(t)
	c, out := fx.cmd(true, true)
	if err := c.show(context.Background(), fx.ids[1]); err != nil {
		t.Fatal(err)
	}
	var got store.Conversation
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != fx.ids[1] || len(got.Messages) != 2 || got.Messages[1].Status != store.StatusStopped ||
		got.Messages[1].Error != "context canceled" || got.Messages[0].Text != "print \x1b[2J please" {
		t.Errorf("--show --json: %+v", got)
	}
}

func TestShowErrors(t *testing.T) {
	fx := newSavedFixture(t)
	c, _ := fx.cmd(false, false)
	if err := c.show(context.Background(), "zz"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("--show zz: %v", err)
	}
	var amb *store.AmbiguousError
	if err := c.show(context.Background(), ""); err == nil || errors.As(err, &amb) {
		t.Errorf("--show with an empty ID: %v", err)
	}
}

func TestDelete(t *testing.T) {
	fx := newSavedFixture(t)
	ctx := context.Background()
	c, out := fx.cmd(false, false)
	var ue usage.Error
	if err := c.remove(ctx, fx.ids[0][:3]); !errors.As(err, &ue) {
		t.Errorf("--delete with 3 digits: %v, want a usage error", err)
	}
	if err := c.remove(ctx, fx.ids[0][:8]); err != nil {
		t.Fatal(err)
	}
	if want := "Deleted " + fx.ids[0] + " Sorting maps in Go\n"; out.String() != want {
		t.Errorf("said %q, want %q", out, want)
	}
	if _, err := fx.st.Get(ctx, fx.ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("still there: %v", err)
	}
	if err := c.remove(ctx, fx.ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	c, out = fx.cmd(false, true)
	if err := c.remove(ctx, fx.ids[1]); err != nil || !strings.Contains(out.String(), `"deleted": "`+fx.ids[1]+`"`) {
		t.Errorf("--delete --json: %q, %v", out, err)
	}
}

func TestSearchOutput(t *testing.T) {
	fx := newSavedFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		tty, json bool
		query     string
		want      []string
	}{
		{"piped", false, false, "sort", []string{
			fx.ids[0] + "\t1\tuser\tSorting maps in Go\tHow do I «sort» a map in Go?\n",
			fx.ids[1] + "\t2\tassistant\t", "partial answer about «sorting»\n",
		}},
		{"terminal", true, false, "sort", []string{
			"How do I \x1b[7msort\x1b[27m a map", "(you, just now)", "(assistant, just now)",
		}},
		{"json", false, true, "sorting", []string{`"matches": [`, `"sorting"`, `"snippet": "partial answer about sorting"`}},
		{"no match on a terminal", true, false, "zebra", []string{"No matches for \"zebra\".\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, out := fx.cmd(tc.tty, tc.json)
			if err := c.search(ctx, tc.query); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.ContainsRune(out.String(), '\uE000') {
				t.Errorf("internal markers leaked: %q", out)
			}
		})
	}
	c, out := fx.cmd(false, false)
	if err := c.search(ctx, "zebra"); err != nil || out.Len() != 0 {
		t.Errorf("no match, piped: %q, %v", out, err)
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"}, {-time.Hour, "just now"}, {59 * time.Second, "just now"},
		{5 * time.Minute, "5 min ago"}, {3 * time.Hour, "3 h ago"}, {30 * time.Hour, "yesterday"},
		{3 * 24 * time.Hour, "3 days ago"}, {30 * 24 * time.Hour, "Oct 26"}, {400 * 24 * time.Hour, "2025-10-21"},
	} {
		if got := ago(now.Add(-tc.d), now); got != tc.want {
			t.Errorf("ago(now-%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// BenchmarkListTable formats 10,000 conversations as the --list table for
// a terminal (the store's part is BenchmarkList in package store).
func BenchmarkListTable(b *testing.B) {
	now := time.Now()
	list := make([]store.Conversation, 10_000)
	for i := range list {
		list[i] = store.Conversation{ID: fmt.Sprintf("%016x", i), Title: fmt.Sprintf("How do I sort map number %d in Go?", i),
			Model: "gpt-4o-mini", Provider: "openai", UpdatedAt: now.Add(-time.Duration(i) * time.Minute), MessageCount: i % 20}
	}
	c := &Cmd{tty: true, width: 100, now: now}
	for b.Loop() {
		c.table(io.Discard, list)
	}
}
