package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// helpView is the full help, built from the key map, in the transcript's
// place. When it is longer than the screen it scrolls (↑/↓, PgUp/PgDn,
// the wheel), and a last line says there is more.
func (m *Model) helpView() string {
	lines := m.helpLines()
	h, n := m.helpHeight(), len(lines)
	m.helpTop = min(max(m.helpTop, 0), max(n-h, 0))
	lines = lines[m.helpTop:min(m.helpTop+h, n)]
	if m.helpTop+h < n && len(lines) > 1 {
		lines[len(lines)-1] = m.c.styles.Dim.Render("↓ more (↓ or pgdn)")
	}
	return fitBlock(strings.Join(lines, "\n"), m.c.width, h)
}

// helpLines is the whole help, title first, one string per screen line.
func (m *Model) helpLines() []string {
	s := m.c.styles
	title := s.Title.Render("Keys") + s.Dim.Render("  (esc or f1 closes)")
	if lipgloss.Width(title) > m.c.width {
		title = s.Title.Render("Keys") + s.Dim.Render(" · esc")
	}
	body := m.fullHelp(m.c.keys.FullHelp())
	return strings.Split(title+"\n\n"+body, "\n")
}

// scrollHelp moves the help by delta lines; helpView keeps it in range.
func (m *Model) scrollHelp(delta int) {
	m.helpTop = min(max(m.helpTop+delta, 0), max(len(m.helpLines())-m.helpHeight(), 0))
}

// helpHeight is how many rows the help is drawn in: the transcript's, or in
// the inline chat the bottom region's room.
func (m *Model) helpHeight() int {
	if m.opts.Inline {
		return m.inlineRoom()
	}
	return m.screenRows
}

// welcome is shown in place of an empty transcript: what to do first.
func (m *Model) welcome() string {
	s, k := m.c.styles, m.c.keys
	hint := func(b key.Binding) string {
		return s.Title.Render(b.Help().Key) + s.Dim.Render(" "+b.Help().Desc)
	}
	sep := s.Dim.Render(" · ")
	lines := []string{
		"",
		"  " + s.Title.Render("parley") + s.Dim.Render(" · "+m.st.model),
		"",
		"  " + hint(k.Send) + sep + hint(k.Newline) + sep + hint(k.Help),
		"  " + hint(k.Model) + sep + hint(k.Open),
	}
	return fitBlock(strings.Join(lines, "\n"), m.c.width, m.screenRows)
}

// fullHelp lays the groups out side by side when they fit the width,
// otherwise in as many rows as it takes, and on a screen too narrow even
// for one group's columns, as a list with each description under its key.
func (m *Model) fullHelp(groups [][]key.Binding) string {
	for per := len(groups); per > 0; per-- {
		if out, ok := m.helpRows(groups, per); ok {
			return out
		}
	}
	return m.narrowHelp(groups)
}

// narrowHelp lists the bindings one under the other, descriptions indented
// below their keys and wrapped to the width.
func (m *Model) narrowHelp(groups [][]key.Binding) string {
	st := m.c.styles.Help
	var lines []string
	for i, g := range groups {
		if i > 0 {
			lines = append(lines, "")
		}
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			lines = append(lines, st.FullKey.Render(b.Help().Key))
			for _, l := range wrap(b.Help().Desc, m.c.width-2) {
				lines = append(lines, "  "+st.FullDesc.Render(l))
			}
		}
	}
	return strings.Join(lines, "\n")
}

// helpRows renders groups, per of them on each row; ok is false when a row
// is wider than the screen.
func (m *Model) helpRows(groups [][]key.Binding, per int) (string, bool) {
	var rows []string
	for i := 0; i < len(groups); i += per {
		row := m.help.FullHelpView(groups[i:min(i+per, len(groups))])
		if lipgloss.Width(row) > m.c.width {
			return "", false
		}
		rows = append(rows, row)
	}
	return strings.Join(rows, "\n\n"), true
}

// fitBlock pads or cuts s to exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	clip := lipgloss.NewStyle().MaxWidth(w)
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = clip.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}
