package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The inline chat draws nothing until it knows the terminal's size, and
// its first frame is the one it keeps: a blank row, the status line and
// one row of input. Bubble Tea draws the view once before it hands over
// the size and may flush that frame; when it held a six-row input, the
// next, shorter frame erased it from the region's top, which tmux at the
// top of the screen keeps in its history: the scrollback then held the
// input's rows above the first prompt.
func TestInlineDrawsNothingBeforeTheSize(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow})
	var model tea.Model = newInlineModel(m)
	model = &typeAhead{Model: model, keys: typeAheadKeys([]byte("hi"))}
	if v := model.View(); v.Content != "" {
		t.Errorf("drawn before the size is known:\n%s", ansi.Strip(v.Content))
	}
	// A key may come before the size (Bubble Tea sends the size from a
	// goroutine): still nothing.
	model.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if v := model.View(); v.Content != "" {
		t.Errorf("drawn after a key, before the size is known:\n%s", ansi.Strip(v.Content))
	}
	model.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	rows := strings.Split(ansi.Strip(model.View().Content), "\n")
	if len(rows) != 3 || strings.TrimSpace(rows[0]) != "" || !strings.Contains(rows[1], "ready") ||
		strings.TrimSpace(rows[2]) != "› hix" {
		t.Errorf("the first frame is %d rows, want a blank row, the status and the input:\n%s", len(rows), strings.Join(rows, "\n"))
	}
}
