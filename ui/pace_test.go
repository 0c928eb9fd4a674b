package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/provider"
)

// TestBurstIsShownInSteps drives the model by hand: an answer much longer
// than a frame's budget arrives in one batch; the frame shows part of it,
// and the catch-up steps that follow, each a message of its own, show the
// rest, to the last word.
func TestBurstIsShownInSteps(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.send("write a lot") // the stream it would open is played below
	var b strings.Builder
	for i := 0; b.Len() < 3*frameBudget; i++ {
		fmt.Fprintf(&b, "Paragraph %d says a few words about nothing much, to fill the screen.\n\n", i)
	}
	b.WriteString("The last word is Ptarmigan.\n")
	m.Update(chunksMsg{gen: m.ex.gen, chunks: []provider.Chunk{{Kind: provider.KindText, Text: b.String()}}})

	_, cmd := m.Update(frameMsg{gen: m.ex.gen})
	if !m.ex.answer.md.Behind() || strings.Contains(screenOf(m), "Ptarmigan") {
		t.Fatal("the first frame showed the whole burst")
	}
	steps := 0
	for cmd != nil {
		msg, ok := cmd().(catchUpMsg)
		if !ok {
			t.Fatalf("a frame that is behind asked for %T, want a catch-up step", msg)
		}
		steps++
		_, cmd = m.Update(msg)
	}
	if m.ex.answer.md.Behind() || !strings.Contains(screenOf(m), "Ptarmigan") || steps < 2 {
		t.Fatalf("after %d steps: behind %v, screen:\n%s", steps, m.ex.answer.md.Behind(), screenOf(m))
	}
	if got := m.ex.answer.answerText(); got != b.String() {
		t.Error("the answer's text is not all that arrived")
	}
}

func screenOf(m *Model) string { return ansi.Strip(m.View().Content) }

// An answer that comes at a reading pace streams on one thread, a burst
// on the runtime's default, and the end of the answer leaves the default
// set (see provider.Threads).
func TestPacedAnswerOnOneThread(t *testing.T) {
	def := defaultThreads(t)
	p := newPipe()
	h := start(t, Options{Provider: p, Threads: true}, 80, 20)
	h.send("hi")
	var paced []int // GOMAXPROCS every 10 words
	for i := range 200 {
		p.text("word ") // about 1,000 a second at most
		time.Sleep(time.Millisecond)
		if i%10 == 9 {
			paced = append(paced, runtime.GOMAXPROCS(0))
		}
	}
	if !slices.Contains(paced, 1) {
		t.Errorf("the paced answer never ran on one thread (GOMAXPROCS every 10 words: %v)", paced)
	}
	for range 2000 {
		p.text("burst ")
	}
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("GOMAXPROCS is %d in a burst, want the default %d", got, def)
	}
	for range 200 {
		p.text("word ")
		time.Sleep(time.Millisecond)
	}
	p.out <- provider.Chunk{Kind: provider.KindFinish, Reason: "stop"}
	h.waitFor("the answer's end", func(string) bool {
		var running bool
		h.inspect(func(m *Model) { running = m.ex.running() })
		return !running
	})
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("GOMAXPROCS is %d after the answer, want the default %d", got, def)
	}
	h.quit()
}

// After a frame that took a few chunks of an answer at a reading pace,
// on one thread, the answer's body is not read until a moment before the
// next frame: what the server sends meanwhile is read at one wake-up.
func TestPacedFramesHoldTheBody(t *testing.T) {
	defaultThreads(t)
	m := New(Options{Provider: &fakeProvider{}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow, Threads: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.send("go on") // the stream it would open is played below
	m.Update(streamOpenedMsg{gen: m.ex.gen})
	body := provider.GateBody(provider.WithGate(t.Context(), m.ex.gate), io.NopCloser(strings.NewReader("data: {}\n\n")))
	five := slices.Repeat([]provider.Chunk{{Kind: provider.KindText, Text: "word "}}, 5)
	for range 15 { // 75 chunks over 150 ms or more: a reading pace
		m.Update(chunksMsg{gen: m.ex.gen, chunks: five})
		m.Update(frameMsg{gen: m.ex.gen})
		time.Sleep(10 * time.Millisecond)
	}
	m.Update(chunksMsg{gen: m.ex.gen, chunks: five})
	m.Update(frameMsg{gen: m.ex.gen})
	due := m.ex.lastFrame.Add(frameInterval - provider.GateLead)
	if _, err := body.Read(make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	if early := time.Until(due); early > 0 {
		t.Errorf("the body was read %v before the next frame's events are due (%v after the frame)", early, frameInterval-provider.GateLead)
	}
	m.stop()
	if got := runtime.GOMAXPROCS(0); got == 1 {
		t.Error("GOMAXPROCS is still 1 after the answer was stopped")
	}
}

// A chat ended from outside in the middle of a paced answer, with nothing
// saved, leaves the runtime's default number of threads.
func TestChatEndedMidAnswerLeavesTheDefaultThreads(t *testing.T) {
	def := defaultThreads(t)
	p := newPipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Provider: p, Model: "pipe:m", Theme: ThemeNone, Threads: true,
			Input: newScriptedInput("hello\r"), Output: io.Discard})
	}()
	for deadline := time.Now().Add(10 * time.Second); runtime.GOMAXPROCS(0) != 1; {
		if time.Now().After(deadline) {
			t.Fatal("the paced answer never ran on one thread")
		}
		p.text("word ")
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	<-done
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("GOMAXPROCS is %d after the chat ended, want the default %d", got, def)
	}
}

// defaultThreads skips a test that cannot see the chat change GOMAXPROCS,
// puts the default back after it, and returns the default.
func defaultThreads(t *testing.T) int {
	t.Helper()
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) == 1 {
		t.Skip("GOMAXPROCS is set, or the default is 1 already")
	}
	t.Cleanup(runtime.SetDefaultGOMAXPROCS)
	return runtime.GOMAXPROCS(0)
}
