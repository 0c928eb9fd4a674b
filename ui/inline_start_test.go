package ui

import (
	"reflect"
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

// Ctrl+D while lines are still on their way to the terminal quits once
// they are printed, whatever comes in between: a resize (a window still
// being dragged) gave a command of its own, which took the place of the
// held quit, and the chat never ended.
func TestInlineQuitsAfterAResize(t *testing.T) {
	m := New(Options{Provider: &fakeProvider{}, Model: "fake:model", Theme: ThemeDark, Now: fixedNow})
	im := newInlineModel(m)
	im.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	im.pr.busy = true // a print on its way
	if _, cmd := im.Update(tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}); yields(cmd, isQuit) {
		t.Fatal("quit before the print reached the terminal")
	}
	im.Update(tea.WindowSizeMsg{Width: 60, Height: 30})
	if _, cmd := im.Update(inlinePrintedMsg{}); !yields(cmd, isQuit) {
		t.Fatal("the chat did not quit once everything was printed")
	}
}

func isQuit(msg tea.Msg) bool { _, ok := msg.(tea.QuitMsg); return ok }

// yields runs cmd, and the commands of the batches and sequences it
// gives, and reports whether any message satisfies ok.
func yields(cmd tea.Cmd, ok func(tea.Msg) bool) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if ok(msg) {
		return true
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			if yields(v.Index(i).Interface().(tea.Cmd), ok) {
				return true
			}
		}
	}
	return false
}
