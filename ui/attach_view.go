package ui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/termsafe"
)

// maxMatchRows bounds the lines of completion candidates.
const maxMatchRows = 3

// inputArea renders what is under the status line: the pending
// attachments, the candidates of a completion, and the input, or the
// attach prompt in its place. rows is its height.
func (m *Model) inputArea() (view string, rows int) {
	var lines []string
	if l := m.pendingLine(); l != "" {
		lines = append(lines, l)
	}
	input, h := m.in.View(), m.in.Height()
	if m.mode == modeAttach {
		lines = append(lines, m.matchLines()...)
		m.att.prompt.SetWidth(max(m.c.width-lipgloss.Width(m.att.prompt.Prompt)-1, 1))
		input, h = m.att.prompt.View(), 1
	}
	m.att.above = len(lines)
	if len(lines) == 0 {
		return input, h
	}
	return strings.Join(lines, "\n") + "\n" + input, h + len(lines)
}

// inputCursor is where the cursor is, relative to the input area; nil
// when neither the input nor the attach prompt has the keyboard.
func (m *Model) inputCursor() *tea.Cursor {
	var cur *tea.Cursor
	switch m.mode {
	case modeChat:
		cur = m.in.Cursor()
	case modeAttach:
		cur = m.att.prompt.Cursor()
	}
	if cur != nil {
		cur.Position.Y += m.att.above
	}
	return cur
}

// pendingLine shows the attachments that go with the next prompt, by name
// and size, and the key that removes the last: "" for none.
func (m *Model) pendingLine() string {
	files := m.att.pending
	if len(files) == 0 {
		return ""
	}
	s := m.c.styles
	parts := make([]string, len(files))
	for i, f := range files {
		parts[i] = termsafe.Line(f.Name) + s.Dim.Render(" ("+attach.Size(int64(len(f.Data)))+")")
	}
	hint := s.Dim.Render(" · " + m.c.keys.Detach.Help().Key + " removes the last")
	line := s.Title.Render("+ ") + strings.Join(parts, s.Dim.Render(" · "))
	if lipgloss.Width(line+hint) <= m.c.width {
		return line + hint
	}
	return ansi.Truncate(line, m.c.width, "…")
}

// matchLines are the candidates of the last completion, as many as fit
// in maxMatchRows lines, or why there are none.
func (m *Model) matchLines() []string {
	dim := m.c.styles.Dim
	if m.att.miss != "" {
		return []string{dim.Render("  " + termsafe.Line(m.att.miss))}
	}
	var lines []string
	line := ""
	for i, name := range m.att.matches {
		name = termsafe.Line(name)
		if line != "" && lipgloss.Width(line)+2+lipgloss.Width(name) > m.c.width {
			if len(lines) == maxMatchRows-1 {
				more := "  … " + strconv.Itoa(len(m.att.matches)-i) + " more"
				line = ansi.Truncate(line, max(m.c.width-lipgloss.Width(more), 0), "") + more
				break
			}
			lines, line = append(lines, line), ""
		}
		line += "  " + name
	}
	if line != "" {
		lines = append(lines, line)
	}
	for i, l := range lines {
		lines[i] = dim.Render(ansi.Truncate(l, m.c.width, "…"))
	}
	return lines
}
