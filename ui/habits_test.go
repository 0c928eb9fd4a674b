package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// Ctrl+D with a draft in the input does not quit at once: it says that a
// second press quits and drops the draft, and any other key disarms it.
func TestCtrlDWithDraftAsksBeforeQuitting(t *testing.T) {
	h := start(t, Options{Provider: &fakeProvider{}}, 80, 24)
	h.typeText("a draft worth keeping")
	h.press('d', tea.ModCtrl)
	s := h.waitText("ctrl+d again quits")
	if !strings.Contains(s, "a draft worth keeping") {
		t.Fatalf("the draft is gone after one ctrl+d:\n%s", s)
	}
	h.typeText("!")
	h.waitFor("the hint gone", func(s string) bool { return !strings.Contains(s, "ctrl+d again") })
	h.press('d', tea.ModCtrl)
	h.waitText("ctrl+d again quits")
	h.press('d', tea.ModCtrl)
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// Ctrl+D on an empty input quits at once.
func TestCtrlDOnEmptyInputQuits(t *testing.T) {
	h := start(t, Options{Provider: &fakeProvider{}}, 80, 24)
	h.waitText("Ask anything")
	h.press('d', tea.ModCtrl)
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// Esc before the first token says the answer never began, not that the
// (missing) answer above is incomplete.
func TestStopBeforeFirstTokenSaysSo(t *testing.T) {
	f := &fakeProvider{release: make(chan struct{})}
	h := start(t, Options{Provider: f}, 80, 24)
	h.typeText("question")
	h.press(tea.KeyEnter, 0)
	h.waitText("question")
	h.press(tea.KeyEscape, 0)
	s := h.waitText("stopped")
	if !strings.Contains(s, "stopped before the answer began") || strings.Contains(s, "above is incomplete") {
		t.Fatalf("esc before the first token:\n%s", s)
	}
	h.quit()
}
