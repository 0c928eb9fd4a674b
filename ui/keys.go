package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
)

// KeyMap holds every key binding of the chat. It feeds both Update and the
// help view, so a binding shown in the help is the binding that works.
type KeyMap struct {
	Send       key.Binding
	Newline    key.Binding
	Stop       key.Binding
	Interrupt  key.Binding // stop when an answer is running, quit otherwise
	Quit       key.Binding
	PageUp     key.Binding
	PageDown   key.Binding
	Follow     key.Binding // jump to the bottom and follow the answer
	History    key.Binding // earlier prompt, with the cursor on the input's first row
	HistoryFwd key.Binding // later prompt, with the cursor on the last row while browsing
	Editor     key.Binding
	CopyAnswer key.Binding
	CopyCode   key.Binding
	Regenerate key.Binding
	EditLast   key.Binding
	New        key.Binding
	Open       key.Binding
	Reasoning  key.Binding
	Model      key.Binding
	Mouse      key.Binding // lets the terminal have the mouse (drag selects text), and takes it back
	Attach     key.Binding // opens the attach prompt
	Detach     key.Binding // removes the last pending attachment
	Complete   key.Binding // completes the attach prompt's path
	Help       key.Binding
	Close      key.Binding // leaves the help or a picker
	Choose     key.Binding // picks the selected item of a picker
	Up, Down   key.Binding // move in a picker
}

// DefaultKeyMap returns Parley's default keys. None of them collides with
// typing: the input's own bindings that would (ctrl+d, ctrl+n, ctrl+t,
// enter, pgup/pgdown) are taken away from it by inputKeyMap.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Send:       b("enter", "send", "enter"),
		Newline:    b("alt+enter", "newline", "alt+enter", "shift+enter", "ctrl+j"),
		Stop:       b("esc", "stop the answer", "esc"),
		Interrupt:  b("ctrl+c", "stop, or quit when idle", "ctrl+c"),
		Quit:       b("ctrl+d", "quit", "ctrl+d"),
		PageUp:     b("pgup", "scroll up", "pgup"),
		PageDown:   b("pgdn", "scroll down", "pgdown"),
		Follow:     b("end", "follow the answer", "end", "ctrl+end"),
		History:    b("↑", "earlier prompt", "up"),
		HistoryFwd: b("↓", "later prompt", "down"),
		Editor:     b("ctrl+x", "edit in $EDITOR", "ctrl+x"),
		CopyAnswer: b("ctrl+y", "copy last answer", "ctrl+y"),
		CopyCode:   b("alt+y", "copy last code block", "alt+y"),
		Regenerate: b("ctrl+r", "regenerate answer", "ctrl+r"),
		EditLast:   b("alt+e", "edit & resend last prompt", "alt+e"),
		New:        b("ctrl+n", "new conversation", "ctrl+n"),
		Open:       b("ctrl+o", "open saved conversation", "ctrl+o"),
		Reasoning:  b("ctrl+t", "show/hide thinking", "ctrl+t"),
		Model:      b("ctrl+l", "switch model", "ctrl+l"),
		Mouse:      b("f2", "mouse off/on: select text", "f2", "alt+m"),
		Attach:     b("alt+a", "attach a file or folder", "alt+a"),
		Detach:     b("alt+x", "remove last attachment", "alt+x"),
		Complete:   b("tab", "complete the path", "tab"),
		Help:       b("?/f1", "help", "f1", "?"),
		Close:      b("esc", "close", "esc", "f1"),
		Choose:     b("enter", "choose", "enter"),
		Up:         b("↑", "up", "up", "ctrl+p"),
		Down:       b("↓", "down", "down", "ctrl+n"),
	}
}

// ShortHelp is the one-line help of the status bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.Newline, k.Stop, k.Quit, k.Help}
}

// FullHelp is the help view, one column per group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Newline, k.Stop, k.Interrupt, k.Quit, k.Help, k.Attach, k.Detach},
		{k.PageUp, k.PageDown, k.Follow, k.History, k.Editor, k.Reasoning, k.Mouse},
		{k.CopyAnswer, k.CopyCode, k.Regenerate, k.EditLast, k.New, k.Open, k.Model},
	}
}

// inputKeyMap is the textarea's key map with every binding that belongs to
// the chat taken away, so that the input never swallows them.
func inputKeyMap() textarea.KeyMap {
	km := textarea.DefaultKeyMap()
	km.InsertNewline.SetKeys("alt+enter", "shift+enter", "ctrl+j")
	km.DeleteCharacterForward.SetKeys("delete")
	km.LineNext.SetKeys("down")
	km.LinePrevious.SetKeys("up")
	km.TransposeCharacterBackward.Unbind()
	km.PageUp.Unbind()
	km.PageDown.Unbind()
	km.InputEnd.SetKeys("alt+>")
	return km
}
