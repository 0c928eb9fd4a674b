package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/store"
)

// TestBurstEndsAsAFullRender: an answer sent as fast as the provider can,
// a word a chunk, through the running chat; once it ended, the answer on
// screen is a full render of all its text.
func TestBurstEndsAsAFullRender(t *testing.T) {
	files, err := filepath.Glob("markdown/testdata/answers/*.md")
	if err != nil || len(files) == 0 {
		t.Fatal("no answers in markdown/testdata", err)
	}
	var b strings.Builder
	for b.Len() < 2*frameBudget {
		for _, f := range files {
			if strings.Contains(f, "open-fence") {
				continue // the rest would be code
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
			b.WriteString("\n\n")
		}
	}
	text := b.String()
	h := start(t, Options{Provider: &fakeProvider{script: words(text)}}, 120, 40)
	h.send("everything")
	var got []string
	var c common
	var status store.Status
	// About 20 s under -race on a quiet machine, and over 60 s on a busy one.
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		h.inspect(func(m *Model) {
			a := m.turns[0].answer
			if a != nil && !m.ex.running() && !a.md.Behind() && a.status != "" {
				got, c, status = append([]string(nil), a.render(m.c, false)...), *m.c, a.status
			}
		})
		if got != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the answer did not end")
		}
	}
	fullRender := func() []string {
		full := newAnswer(c.wrap, c.styles.Theme)
		full.appendText(text)
		full.finish()
		full.status = status
		return full.render(&c, false)
	}
	want := fullRender()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the answer after a burst is not a full render of its text: %d lines, want %d", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Logf("first difference, line %d:\n got %q\nwant %q", i, got[i], want[i])
				break
			}
		}
		// A full render that differs from itself is chroma's time limit
		// at work (see TestMain), not the chat's.
		if again := fullRender(); strings.Join(again, "\n") != strings.Join(want, "\n") {
			t.Log("two full renders of the text differ: chroma's regular expressions ran out of time")
		}
	}
	screen := h.screen()
	if last := strings.TrimSpace(ansi.Strip(want[len(want)-1])); !strings.Contains(screen, last) {
		t.Errorf("the screen does not end with the answer's last line %q:\n%s", last, screen)
	}
	h.quit()
}
