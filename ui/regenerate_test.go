package ui

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// steps answers its Nth request as its Nth provider does, and reports
// every request on reqs when that is set.
type steps struct {
	mu   sync.Mutex
	list []provider.Provider
	reqs chan provider.Request
}

func (p *steps) Name() string { return "steps" }

func (p *steps) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	p.mu.Lock()
	next := p.list[0]
	p.list = p.list[1:]
	p.mu.Unlock()
	if p.reqs != nil {
		p.reqs <- req
	}
	return next.Stream(ctx, req)
}

// refused fails as a server that is down does: before any token.
type refused struct{}

func (refused) Name() string { return "refused" }

func (refused) Stream(context.Context, provider.Request) (<-chan provider.Chunk, error) {
	// As the shared transport classifies a refused connection.
	return nil, &provider.NetError{Kind: provider.NetRefused, Host: "127.0.0.1:1",
		Words: "cannot connect to 127.0.0.1:1: connection refused",
		Err:   &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
}

// answers streams text and finishes.
func answers(text string) provider.Provider { return &fakeProvider{script: words(text)} }

// errorFirst streams an error before any token.
func errorFirst() provider.Provider {
	return &fakeProvider{script: []provider.Chunk{{Kind: provider.KindError,
		Err: &provider.APIError{Provider: "Fake", Status: 503, Message: "overloaded"}}}}
}

// silent sends nothing until its request is cancelled.
func silent() provider.Provider { return &fakeProvider{release: make(chan struct{})} }

// storedConversation returns the messages of the one saved conversation as
// Get shows them, and the texts History sends with the next prompt.
func storedConversation(t *testing.T, st *store.Store) (msgs []store.Message, sent []string) {
	t.Helper()
	c, _, sent := storedOne(t, st)
	return c.Messages, sent
}

// wantStored checks that the saved conversation holds exactly the texts
// want, every message complete, and that History sends the same.
func wantStored(t *testing.T, st *store.Store, want ...string) {
	t.Helper()
	msgs, sent := storedConversation(t, st)
	var got []string
	for _, m := range msgs {
		got = append(got, m.Text)
		if m.Status != store.StatusComplete {
			t.Errorf("stored %q with status %s (%s), want complete", m.Text, m.Status, m.Error)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
	if !slices.Equal(sent, want) {
		t.Errorf("History sends %q, want %q", sent, want)
	}
}

func TestRegenerateThatFailsKeepsTheOldAnswer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		again provider.Provider
		why   string
	}{
		{"server down", refused{}, "Cannot connect to the server"},
		{"error before any token", errorFirst(), "Fake had a server error (503)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			p := &steps{list: []provider.Provider{answers("the old answer"), tc.again, answers("the new answer")}}
			h := start(t, Options{Provider: p, Store: st}, 80, 24)
			h.send("q")
			h.waitText("done")
			h.press('r', tea.ModCtrl)
			s := h.waitText("Regenerating failed: " + tc.why)
			if !strings.Contains(s, "the old answer") || strings.Contains(s, "The answer failed") ||
				strings.Contains(s, "incomplete") {
				t.Errorf("after a failed regenerate the screen shows:\n%s\nwant the old answer and a notice", s)
			}
			wantStored(t, st, "q", "the old answer")

			// The next regenerate that has words replaces it, and the
			// notice goes.
			h.press('r', tea.ModCtrl)
			h.waitText("the new answer")
			s = h.waitText("done")
			if strings.Contains(s, "the old answer") || strings.Contains(s, "failed") {
				t.Errorf("after a regenerate that worked the screen shows:\n%s", s)
			}
			h.quit()
			wantStored(t, st, "q", "the new answer")
		})
	}
}

func TestRegenerateStoppedBeforeItsFirstWordsKeepsTheOldAnswer(t *testing.T) {
	p := &steps{list: []provider.Provider{answers("the old answer"), silent()}, reqs: make(chan provider.Request, 2)}
	h, st := chatSaving(t, p)
	h.send("q")
	<-p.reqs
	h.waitText("done")
	h.press('r', tea.ModCtrl)
	<-p.reqs // the new exchange's saving was prepared before its request
	s := h.waitText("esc stop")
	if !strings.Contains(s, "the old answer") {
		t.Errorf("while the new answer is awaited, the old one is gone from the screen:\n%s", s)
	}
	wantStored(t, st, "q", "the old answer")
	h.press(tea.KeyEscape, 0)
	s = h.waitText("stopped early: the answer above is kept")
	if !strings.Contains(s, "the old answer") || strings.Contains(s, "incomplete") {
		t.Errorf("after esc the screen shows:\n%s\nwant the old answer as it was", s)
	}
	h.quit()
	wantStored(t, st, "q", "the old answer")
}

func TestRegenerateReplacesTheOldAnswerWithItsFirstWords(t *testing.T) {
	st := openStore(t)
	second := newPipe()
	p := &steps{list: []provider.Provider{answers("the old answer"), second}}
	h := start(t, Options{Provider: p, Store: st}, 80, 24)
	h.send("q")
	h.waitText("done")
	h.press('r', tea.ModCtrl)
	second.text("first words")
	s := h.waitText("first words")
	if strings.Contains(s, "the old answer") {
		t.Errorf("the old answer is still on screen beside the new one's first words:\n%s", s)
	}
	// The store swaps at once, in one step: never both answers, never none.
	waitStored(t, st, "q", "first words")
	second.out <- provider.Chunk{Kind: provider.KindError, Err: errors.New("cut")}
	s = h.waitText("The request failed")
	if !strings.Contains(s, "first words") || strings.Contains(s, "the old answer") {
		t.Errorf("a regenerate that failed after its first words shows:\n%s", s)
	}
	h.quit()
	msgs, _ := storedConversation(t, st)
	if len(msgs) != 2 || msgs[1].Text != "first words" || msgs[1].Status != store.StatusFailed {
		t.Errorf("stored %+v, want the prompt and the new, failed answer", msgs)
	}
}

// waitStored waits until the saved conversation holds the texts want.
func waitStored(t *testing.T, st *store.Store, want ...string) {
	t.Helper()
	var got []string
	for range 1000 {
		msgs, _ := storedConversation(t, st)
		got = got[:0]
		for _, m := range msgs {
			got = append(got, m.Text)
		}
		if slices.Equal(got, want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stored %q, want %q", got, want)
}

func TestResendingAnEditThatFailsKeepsTheOldExchange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		again provider.Provider
		act   func(h *harness) string // returns the screen after the failure
	}{
		{"server down", refused{}, func(h *harness) string {
			return h.waitText("Sending the edited prompt failed: Cannot connect to the server")
		}},
		{"stopped before the first words", silent(), func(h *harness) string {
			h.waitText("esc stop")
			h.press(tea.KeyEscape, 0)
			return h.waitText("stopped early: your edit is back in the input")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			p := &steps{list: []provider.Provider{answers("answer 1"), answers("answer 2"), tc.again, answers("answer 3")}}
			h := start(t, Options{Provider: p, Store: st}, 80, 24)
			h.ask("q1", 1)
			h.ask("q2", 2)
			h.editLast("q2")
			h.send(" edited")
			s := tc.act(h)
			if !strings.Contains(s, "› q2 edited") || strings.Contains(s, "The answer failed") {
				t.Errorf("after the edit failed the screen shows:\n%s\nwant the edit back in the input", s)
			}
			wantStored(t, st, "q1", "answer 1", "q2", "answer 2")

			h.press(tea.KeyEnter, 0) // sent again, it has an answer this time
			h.waitText("answer 3")
			h.waitText("done")
			h.quit()
			wantStored(t, st, "q1", "answer 1", "q2 edited", "answer 3")
		})
	}
}

func TestHistoryHoldsTheRawAnswer(t *testing.T) {
	raw := "a\x1b]0;x\x07b \x1b[31mred\x1b[0m end"
	st := openStore(t)
	reqs := make(chan provider.Request, 3)
	p := &steps{list: []provider.Provider{
		&fakeProvider{script: []provider.Chunk{
			{Kind: provider.KindText, Text: "a\x1b]0;"}, // split inside the sequence
			{Kind: provider.KindText, Text: "x\x07b \x1b[31mred"},
			{Kind: provider.KindText, Text: "\x1b[0m end"},
		}},
		answers("second"), answers("third"),
	}, reqs: reqs}
	h := start(t, Options{Provider: p, Store: st, Theme: ThemeNone}, 80, 24)
	h.send("q1")
	<-reqs
	h.waitText("done")
	screen := h.rawScreen()
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[31m"} {
		if strings.Contains(screen, bad) {
			t.Errorf("the screen holds %q:\n%q", bad, screen)
		}
	}
	h.send("q2")
	req := <-reqs
	h.waitText("second")
	h.waitText("done")
	h.quit()
	if len(req.Messages) != 3 || req.Messages[1].Content != raw {
		t.Errorf("the second request's history is %q, want the answer as the model sent it: %q", req.Messages, raw)
	}
	msgs, sent := storedConversation(t, st)
	if len(msgs) < 2 || msgs[1].Text != raw || sent[1] != raw {
		t.Errorf("stored %+v, History sends %q; want the raw answer %q", msgs, sent, raw)
	}

	// Resumed in the chat, the conversation sends the raw answer too.
	h = start(t, Options{Provider: p, Store: st, ConversationID: msgs[0].ConversationID, Theme: ThemeNone}, 80, 24)
	h.waitText("second")
	h.send("q3")
	req = <-reqs
	h.waitText("third")
	h.quit()
	if len(req.Messages) != 5 || req.Messages[1].Content != raw {
		t.Errorf("resumed, the request's history is %q, want the raw answer %q", req.Messages, raw)
	}
}
