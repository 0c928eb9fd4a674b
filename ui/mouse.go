package ui

import tea "charm.land/bubbletea/v2"

// mouseMode is the mouse mode of the view. The chat takes the mouse for
// the wheel; while it does, most terminals still select text with
// Shift+drag (Option+drag in iTerm2). The Mouse key hands the mouse back
// to the terminal, where a plain drag selects, and takes it again.
func (m *Model) mouseMode() tea.MouseMode {
	if m.mouseOff {
		return tea.MouseModeNone
	}
	return tea.MouseModeCellMotion
}

// toggleMouse gives the mouse to the terminal, or takes it back, and says
// what the mouse does now.
func (m *Model) toggleMouse() {
	m.mouseOff = !m.mouseOff
	k := m.c.keys.Mouse.Help().Key
	if m.mouseOff {
		m.flash = "mouse: drag selects text, the wheel no longer scrolls (" + k + " takes it back)"
		return
	}
	m.flash = "mouse: the wheel scrolls; shift+drag selects text (" + k + " for a plain drag)"
}
