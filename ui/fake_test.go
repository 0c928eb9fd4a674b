package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/parley-chat/parley/provider"
)

// fakeProvider streams a scripted answer. When hold is set, it sends the
// script and then waits for release (or cancellation) before finishing.
type fakeProvider struct {
	script  []provider.Chunk
	release chan struct{}
	reqs    chan provider.Request
}

func (f *fakeProvider) Name() string { return "fake" }

func (f *fakeProvider) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	if f.reqs != nil {
		f.reqs <- req
	}
	ch := make(chan provider.Chunk, 4)
	go func() {
		defer close(ch)
		send := func(c provider.Chunk) bool {
			select {
			case ch <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, c := range f.script {
			if !send(c) {
				cancelled(ctx, ch)
				return
			}
		}
		if f.release != nil {
			select {
			case <-f.release:
			case <-ctx.Done():
				cancelled(ctx, ch)
				return
			}
		}
		send(provider.Chunk{Kind: provider.KindFinish, Reason: "stop"})
	}()
	return provider.Relay(ctx, ch, nil), nil // the contract of a real stream
}

// held streams text and then waits for its release to finish.
func held(text string) *fakeProvider {
	return &fakeProvider{script: words(text), release: make(chan struct{})}
}

// words splits text into text chunks of one word each, spaces kept.
func words(text string) []provider.Chunk {
	var out []provider.Chunk
	for _, w := range strings.SplitAfter(text, " ") {
		out = append(out, provider.Chunk{Kind: provider.KindText, Text: w})
	}
	return out
}

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// probeMsg asks the running program for its screen, answered from the
// program's own goroutine by the filter installed in start; fn, if set,
// runs there too, with the model.
type probeMsg struct {
	reply chan string
	fn    func(m *Model)
}

// harness runs the chat under teatest.
type harness struct {
	t  testing.TB
	tm *teatest.TestModel
}

// startB starts the chat at 120×40 for a benchmark.
func startB(b *testing.B, opts Options) *harness { return start(b, opts, 120, 40) }

func start(t testing.TB, opts Options, w, h int) *harness {
	t.Helper()
	if opts.Theme == "" {
		opts.Theme = ThemeDark
	}
	if opts.Model == "" {
		opts.Model = "fake:model"
	}
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if p, ok := msg.(probeMsg); ok {
			if p.fn != nil {
				p.fn(m.(*Model))
			}
			p.reply <- m.View().Content
			return nil
		}
		return msg
	}
	tm := teatest.NewTestModel(t, New(opts),
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithFilter(filter)))
	return &harness{t: t, tm: tm}
}

// screen returns the current screen as plain text.
func (h *harness) screen() string {
	reply := make(chan string, 1)
	h.tm.Send(probeMsg{reply: reply})
	select {
	case s := <-reply:
		return ansi.Strip(s)
	case <-time.After(5 * time.Second):
		h.t.Fatal("the program did not answer a probe")
		return ""
	}
}

// waitFor polls the screen until cond holds, and returns it.
func (h *harness) waitFor(what string, cond func(screen string) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := h.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) waitText(sub string) string {
	h.t.Helper()
	return h.waitFor(sub, func(s string) bool { return strings.Contains(s, sub) })
}

func (h *harness) typeText(s string) { h.tm.Type(s) }

// open opens the saved conversation titled title from the picker.
func (h *harness) open(title string) {
	h.press('o', tea.ModCtrl)
	h.waitText(title)
	h.press(tea.KeyEnter, 0)
}

// editLast takes the last prompt back into the input (Alt+E) and waits
// until it shows there.
func (h *harness) editLast(prompt string) {
	h.t.Helper()
	h.press('e', tea.ModAlt)
	h.waitText("› " + prompt)
}

// send types prompt after what the input holds and presses Enter.
func (h *harness) send(prompt string) {
	h.typeText(prompt)
	h.press(tea.KeyEnter, 0)
}

func (h *harness) press(code rune, mod tea.KeyMod) {
	h.tm.Send(tea.KeyPressMsg{Code: code, Mod: mod})
}

// quit presses ctrl+d twice, which quits even with a draft in the input,
// and waits for the program to end.
func (h *harness) quit() {
	h.t.Helper()
	h.press('d', tea.ModCtrl)
	h.press('d', tea.ModCtrl)
	h.tm.WaitFinished(h.t, teatest.WithFinalTimeout(5*time.Second))
}

// pipeProvider streams whatever the test sends on out.
type pipeProvider struct{ out chan provider.Chunk }

func newPipe() *pipeProvider { return &pipeProvider{out: make(chan provider.Chunk)} }

func (p *pipeProvider) Name() string { return "pipe" }

func (p *pipeProvider) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	ch := make(chan provider.Chunk)
	go func() {
		defer close(ch)
		for {
			select {
			case c := <-p.out:
				select {
				case ch <- c:
				case <-ctx.Done():
					return
				}
				if c.Kind == provider.KindFinish || c.Kind == provider.KindError {
					return
				}
			case <-ctx.Done():
				cancelled(ctx, ch)
				return
			}
		}
	}()
	return provider.Relay(ctx, ch, nil), nil
}

// cancelled ends a cancelled stream with an error chunk if the reader is
// still there, never blocking on it; provider.Relay, over it, makes sure
// the stream ends with one whatever the timing.
func cancelled(ctx context.Context, ch chan<- provider.Chunk) {
	select {
	case ch <- provider.Chunk{Kind: provider.KindError, Err: ctx.Err()}:
	default:
	}
}

func (p *pipeProvider) text(s string) { p.out <- provider.Chunk{Kind: provider.KindText, Text: s} }

// inspect runs fn with the model on the program's goroutine.
func (h *harness) inspect(fn func(m *Model)) {
	reply := make(chan string, 1)
	h.tm.Send(probeMsg{reply: reply, fn: fn})
	select {
	case <-reply:
	case <-time.After(5 * time.Second):
		h.t.Fatal("the program did not answer a probe")
	}
}

// rawScreen returns the current screen with its escape sequences.
func (h *harness) rawScreen() string {
	reply := make(chan string, 1)
	h.tm.Send(probeMsg{reply: reply})
	select {
	case s := <-reply:
		return s
	case <-time.After(5 * time.Second):
		h.t.Fatal("the program did not answer a probe")
		return ""
	}
}
