package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// TestReaderKeepsUpWithABurst plays the chat's side of a burst: frames that
// take a while to render, each followed by the reader's wait for the next
// one. The provider's channel holds 64 chunks; what arrives while a frame
// renders must not wait in it, or a burst would come 64 chunks a frame.
// Every chunk arrives once, in order, and the last one ends the stream.
func TestReaderKeepsUpWithABurst(t *testing.T) {
	const n = 10_000
	ch := make(chan provider.Chunk, 64)
	go func() {
		defer close(ch)
		for i := range n {
			// A provider decodes each chunk: a few microseconds, so that
			// taking what the channel holds is quicker than refilling it.
			for start := time.Now(); time.Since(start) < 3*time.Microsecond; {
			}
			ch <- provider.Chunk{Kind: provider.KindText, Text: strconv.Itoa(i) + " "}
		}
		ch <- provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	}()
	r := newReader(ch)
	var due time.Time
	next, frames, most := 0, 0, 0
	for ended := false; !ended; {
		msg := r.next(1, due)().(chunksMsg)
		if msg.r != r || msg.gen != 1 {
			t.Fatalf("a message of reader %p, exchange %d; want %p, 1", msg.r, msg.gen, r)
		}
		frames++
		most = max(most, len(msg.chunks))
		for _, c := range msg.chunks {
			switch {
			case ended:
				t.Fatalf("chunk %+v after the finish", c)
			case c.Kind == provider.KindFinish:
				ended = true
			case c.Text != strconv.Itoa(next)+" ":
				t.Fatalf("chunk %q, want %d: lost or out of order", c.Text, next)
			default:
				next++
			}
		}
		if msg.closed && !ended {
			t.Fatalf("the channel closed after %d chunks with no finish", next)
		}
		time.Sleep(50 * time.Millisecond) // a frame's render, long on a loaded machine
		due = time.Now().Add(frameInterval)
	}
	if next != n {
		t.Fatalf("%d chunks arrived, want %d", next, n)
	}
	if most <= 2*cap(ch) {
		t.Errorf("at most %d chunks in a frame over %d frames: about what the channel holds (%d)", most, frames, cap(ch))
	}
	<-r.done
}

// TestReaderWakesOncePerFrame: chunks that come before the frame is due
// make one message, at the frame; the first chunk after a pause comes at
// once; the stream's last chunk does not wait for the frame.
func TestReaderWakesOncePerFrame(t *testing.T) {
	ch := make(chan provider.Chunk)
	r := newReader(ch)
	defer func() {
		close(ch)
		<-r.done
	}()
	text := func(s string) { ch <- provider.Chunk{Kind: provider.KindText, Text: s} }

	got := make(chan chunksMsg, 1)
	read := func(due time.Time) { go func() { got <- r.next(1, due)().(chunksMsg) }() }
	read(time.Time{}) // a pause: no frame is due
	start := time.Now()
	text("one ")
	if msg := <-got; len(msg.chunks) != 1 || time.Since(start) > 2*time.Second {
		t.Fatalf("after a pause: %d chunks after %v; want the first at once", len(msg.chunks), time.Since(start))
	}

	const frame = 300 * time.Millisecond
	due := time.Now().Add(frame)
	read(due)
	text("two ")
	text("three ")
	text("four ")
	msg := <-got
	if time.Now().Before(due) {
		t.Errorf("the message came %v before the frame", time.Until(due))
	}
	if len(msg.chunks) != 3 {
		t.Errorf("%d chunks in the frame, want the 3 sent before it", len(msg.chunks))
	}

	read(time.Now().Add(time.Hour))
	text("five ")
	ch <- provider.Chunk{Kind: provider.KindFinish}
	select {
	case msg := <-got:
		if n := len(msg.chunks); n != 2 || msg.chunks[n-1].Kind != provider.KindFinish {
			t.Errorf("the last message holds %+v, want the text and the finish", msg.chunks)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the finish waited for the frame")
	}
}

// TestStopKeepsWhatCameSinceTheLastFrame: Esc shows the words that arrived
// after the last frame, which no frame had shown yet.
func TestStopKeepsWhatCameSinceTheLastFrame(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.send("a question") // the stream it would open is played below
	ch := make(chan provider.Chunk)
	defer close(ch)
	_, cmd := m.Update(streamOpenedMsg{gen: m.ex.gen, ch: ch})
	go func() { ch <- provider.Chunk{Kind: provider.KindText, Text: "Otters "} }()
	m.Update(cmd()) // the first frame; the next read is left waiting
	if s := screenOf(m); !strings.Contains(s, "Otters") {
		t.Fatalf("the first frame does not show the first word:\n%s", s)
	}
	ch <- provider.Chunk{Kind: provider.KindText, Text: "hold "}
	ch <- provider.Chunk{Kind: provider.KindText, Text: "hands."}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		m.ex.rd.mu.Lock()
		n := len(m.ex.rd.buf)
		m.ex.rd.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader did not take the words")
		}
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if got := m.turns[0].answer.answerText(); got != "Otters hold hands." {
		t.Errorf("after esc the answer is %q, want every word that arrived", got)
	}
	if s := screenOf(m); !strings.Contains(s, "Otters hold hands.") || !strings.Contains(s, "stopped") {
		t.Errorf("after esc the screen does not show every word that arrived, stopped:\n%s", s)
	}
}

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
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
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
	full := newAnswer(c.wrap, c.styles.Theme)
	full.appendText(text)
	full.finish()
	full.status = status
	want := full.render(&c, false)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the answer after a burst is not a full render of its text: %d lines, want %d", len(got), len(want))
	}
	screen := h.screen()
	if last := strings.TrimSpace(ansi.Strip(want[len(want)-1])); !strings.Contains(screen, last) {
		t.Errorf("the screen does not end with the answer's last line %q:\n%s", last, screen)
	}
	h.quit()
}
