package ui

import (
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// Keys typed while the chat starts reach the terminal before it is in raw
// mode. The terminal's line discipline has then already turned Enter into
// "\n" (ICRNL), which Bubble Tea reads as Ctrl+J, the newline key: a prompt
// typed ahead and entered would sit in the input split in two. Run takes
// what is waiting in the terminal's input queue at the moment it puts the
// terminal in raw mode (readTypeAhead) and replays it as keys, with every
// line end as Enter.

// typeAheadKeys turns the bytes typed before raw mode into key presses:
// text as typed, "\n" and "\r" as Enter, tab and backspace as themselves.
// Escape sequences (an arrow key typed ahead) and other control bytes are
// dropped: in cooked mode they are not keys the chat can trust.
func typeAheadKeys(b []byte) []tea.Msg {
	var keys []tea.Msg
	press := func(code rune) { keys = append(keys, tea.KeyPressMsg{Code: code}) }
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '\n' || r == '\r':
			press(tea.KeyEnter)
		case r == '\t':
			press(tea.KeyTab)
		case r == 0x7f || r == 0x08:
			press(tea.KeyBackspace)
		case r == 0x1b:
			n = escapeLen(b)
		case r == utf8.RuneError && n == 1, unicode.IsControl(r):
		default:
			keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
		b = b[n:]
	}
	return keys
}

// escapeLen is the length of the escape sequence at the start of b: a CSI
// sequence up to its final byte, an SS3 sequence, or ESC and one byte.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return len(b)
	}
	switch b[1] {
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return i + 1
			}
		}
		return len(b)
	case 'O':
		return min(3, len(b))
	}
	return 2
}

// typeAhead runs the chat's model and hands it the keys typed before the
// chat started: after the first size it learns, or before the first key
// typed since, whichever comes first.
type typeAhead struct {
	tea.Model // the chat, full screen or inline
	keys      []tea.Msg
}

// Update replays the keys typed ahead, then handles msg as the chat does.
func (t *typeAhead) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		cmds = append(cmds, t.replay())
	}
	_, cmd := t.Model.Update(msg)
	cmds = append(cmds, cmd)
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		cmds = append(cmds, t.replay())
	}
	return t, tea.Batch(cmds...)
}

// replay gives the model the keys typed ahead, once.
func (t *typeAhead) replay() tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range t.keys {
		_, cmd := t.Model.Update(k)
		cmds = append(cmds, cmd)
	}
	t.keys = nil
	return tea.Batch(cmds...)
}
