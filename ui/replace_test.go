package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// numbered answers "answer N" to its Nth request, and reports the requests.
type numbered struct {
	n    atomic.Int32
	reqs chan provider.Request
}

func (p *numbered) Name() string { return "numbered" }

func (p *numbered) Stream(ctx context.Context, req provider.Request) (<-chan provider.Chunk, error) {
	f := &fakeProvider{script: words(fmt.Sprintf("answer %d", p.n.Add(1))), reqs: p.reqs}
	return f.Stream(ctx, req)
}

// ask types prompt (after what the input holds), sends it and waits for
// the answer numbered n.
func (h *harness) ask(prompt string, n int) {
	h.t.Helper()
	h.send(prompt)
	h.waitText(fmt.Sprintf("answer %d", n))
	h.waitText("done")
}

// regenerate asks for the last answer again and waits for it, numbered n.
func (h *harness) regenerate(n int) {
	h.t.Helper()
	h.press('r', tea.ModCtrl)
	h.waitText(fmt.Sprintf("answer %d", n))
	h.waitText("done")
}

// storedTexts returns the texts of the one saved conversation as Get shows
// them and as History sends them, after checking that its listed message
// count agrees.
func storedTexts(t *testing.T, st *store.Store) (id string, shown, sent []string) {
	t.Helper()
	c, listed, sent := storedOne(t, st)
	for _, m := range c.Messages {
		shown = append(shown, m.Text)
	}
	if listed != len(shown) {
		t.Errorf("listed with %d messages, holds %d", listed, len(shown))
	}
	return c.ID, shown, sent
}

// storedOne returns the one saved conversation as Get shows it, the
// message count List gives it, and the texts History sends with the next
// prompt.
func storedOne(t *testing.T, st *store.Store) (c *store.Conversation, listed int, sent []string) {
	t.Helper()
	ctx := context.Background()
	list, err := st.List(ctx, 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v; want one conversation", list, err)
	}
	c, err = st.Get(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.History(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range h {
		sent = append(sent, m.Content)
	}
	return c, list[0].MessageCount, sent
}

func TestReplacedExchangesLeaveTheStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(h *harness)
		want []string
	}{
		{
			name: "regenerate",
			act: func(h *harness) {
				h.regenerate(3)
			},
			want: []string{"q1", "answer 1", "q2", "answer 3"},
		},
		{
			name: "edit and resend",
			act: func(h *harness) {
				h.editLast("q2")
				h.ask(" edited", 3)
			},
			want: []string{"q1", "answer 1", "q2 edited", "answer 3"},
		},
		{
			name: "edit twice and resend",
			act: func(h *harness) {
				h.editLast("q2")
				h.editLast("q1")
				h.ask(" edited", 3)
			},
			want: []string{"q1 edited", "answer 3"},
		},
		{
			name: "edit, then regenerate the one before",
			act: func(h *harness) {
				h.editLast("q2")
				h.regenerate(3)
			},
			want: []string{"q1", "answer 3"},
		},
		{
			name: "edit never sent",
			act: func(h *harness) {
				h.editLast("q2")
			},
			want: []string{"q1", "answer 1", "q2", "answer 2"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			p := &numbered{}
			h := start(t, Options{Provider: p, Store: st}, 80, 24)
			h.ask("q1", 1)
			h.ask("q2", 2)
			tc.act(h)
			h.quit()

			id, shown, sent := storedTexts(t, st)
			if !slices.Equal(shown, tc.want) {
				t.Errorf("Get shows %q, want %q", shown, tc.want)
			}
			if !slices.Equal(sent, tc.want) {
				t.Errorf("History sends %q, want %q", sent, tc.want)
			}

			// Resumed, the conversation shows and sends only what stayed.
			p.reqs = make(chan provider.Request, 1)
			h = start(t, Options{Provider: p, Store: st, ConversationID: id}, 80, 24)
			h.waitText(tc.want[len(tc.want)-1])
			h.send("next")
			req := <-p.reqs
			h.waitText("done")
			h.quit()
			var got []string
			for _, m := range req.Messages {
				got = append(got, m.Content)
			}
			if want := append(slices.Clone(tc.want), "next"); !slices.Equal(got, want) {
				t.Errorf("resumed, the request holds %q, want %q", got, want)
			}
		})
	}
}

func TestRegenerateWhileConnectingKeepsOneExchange(t *testing.T) {
	p := &slowOpen{release: make(chan struct{}), fakeProvider: fakeProvider{script: words("the answer")}}
	h, st := chatSaving(t, p)
	h.send("q")
	h.waitText("connecting")
	h.press('r', tea.ModCtrl) // before the first request's conversation is known
	close(p.release)
	h.waitText("the answer")
	h.waitText("done")
	h.quit()
	_, shown, sent := storedTexts(t, st)
	want := []string{"q", "the answer"}
	if !slices.Equal(shown, want) || !slices.Equal(sent, want) {
		t.Errorf("stored %q, sent %q; want %q in one conversation", shown, sent, want)
	}
}

func TestRegenerateWhileStreamingReplacesThePartialAnswer(t *testing.T) {
	f := held("partial")
	h, st := chatSaving(t, f)
	h.send("q")
	h.waitText("partial")
	h.press('r', tea.ModCtrl)
	h.waitText("partial")
	close(f.release)
	s := h.waitText("done")
	if strings.Contains(s, "not saved") {
		t.Errorf("the replaced answer's end was reported as not saved:\n%s", s)
	}
	h.quit()
	_, shown, sent := storedTexts(t, st)
	want := []string{"q", "partial"}
	if !slices.Equal(shown, want) || !slices.Equal(sent, want) {
		t.Errorf("stored %q, sent %q; want %q", shown, sent, want)
	}
}
