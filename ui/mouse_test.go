package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// The chat takes the mouse for the wheel; F2 (or Alt+M) hands it to the
// terminal, where a plain drag selects text, and takes it back; the
// status line says which way it went. While the terminal has it the wheel
// is the terminal's: the chat gets no wheel events to scroll with.
func TestMouseKeyHandsTheMouseToTheTerminal(t *testing.T) {
	h := start(t, Options{Provider: &fakeProvider{}}, 80, 24)
	h.waitText("Ask anything")
	mode := func() tea.MouseMode {
		var got tea.MouseMode
		h.inspect(func(m *Model) { got = m.View().MouseMode })
		return got
	}
	if got := mode(); got != tea.MouseModeCellMotion {
		t.Fatalf("at start the mouse mode is %v, want cell motion (the wheel scrolls)", got)
	}
	h.press(tea.KeyF2, 0)
	h.waitText("drag selects text")
	if got := mode(); got != tea.MouseModeNone {
		t.Fatalf("after f2 the mouse mode is %v, want none (the terminal selects)", got)
	}
	h.press('m', tea.ModAlt)
	h.waitText("the wheel scrolls")
	if got := mode(); got != tea.MouseModeCellMotion {
		t.Fatalf("after alt+m the mouse mode is %v, want cell motion", got)
	}
	h.typeText("x")
	h.press(tea.KeyF2, 0)
	s := h.waitText("drag selects text")
	if !strings.Contains(s, "› x") {
		t.Fatalf("f2 with a draft changed the draft:\n%s", s)
	}
	h.quit()
}
