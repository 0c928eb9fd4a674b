package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Bytes typed before raw mode become the keys they were: a line end is
// Enter (never Ctrl+J, the newline key), text is text, and an escape
// sequence typed ahead is dropped whole rather than typed as "[A".
func TestTypeAheadKeys(t *testing.T) {
	got := ""
	for _, k := range typeAheadKeys([]byte("hé\x1b[Ax\x01\ty\x7f\n")) {
		got += k.(tea.KeyPressMsg).String() + " "
	}
	if want := "h é x tab y backspace enter "; got != want {
		t.Errorf("keys = %q, want %q", got, want)
	}
}
