package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// Opening a saved conversation held with another model resolves that model
// in a command: Update returns at once while the switch is pending (it may
// run api_key_cmd), and the switch applies when its message comes back.
func TestOpenedConversationsModelIsResolvedOffUpdate(t *testing.T) {
	st := openStore(t)
	c := saveConversation(t, st, store.Conversation{Title: "held elsewhere", Model: "big", Provider: "other"})
	asked, release := make(chan string, 1), make(chan struct{})
	m := New(Options{
		Provider: &fakeProvider{}, Model: "fake:small", Request: provider.Request{Model: "small"},
		Store: st, Theme: ThemeNone, Now: fixedNow,
		Switch: func(spec string) (provider.Provider, provider.Request, error) {
			asked <- spec
			<-release
			return &fakeProvider{}, provider.Request{Model: "big"}, nil
		},
	})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := m.Update(pickedMsg{kind: pickConversation, value: c.ID})
	msgs := make(chan tea.Msg, 1)
	go func() { msgs <- cmd() }() // as Bubble Tea runs a command: off the event loop

	updated := make(chan struct{})
	go func() {
		defer close(updated)
		select {
		case <-asked: // pending in the command
		case msg := <-msgs: // the command is done: its message must not wait for the switch either
			m.Update(msg)
		}
		m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	}()
	select {
	case <-updated:
	case <-time.After(5 * time.Second):
		close(release)
		<-updated
		t.Fatal("Update waited for the model switch")
	}
	if m.st.model != "fake:small" || m.in.Value() != "x" {
		t.Fatalf("while the switch is pending: model %q, input %q", m.st.model, m.in.Value())
	}
	close(release)
	m.Update(<-msgs)
	if m.st.model != "other:big" || m.req.Model != "big" || !strings.Contains(m.flash, "with other:big") {
		t.Errorf("after the switch: model %q (request %q), flash %q", m.st.model, m.req.Model, m.flash)
	}
}
