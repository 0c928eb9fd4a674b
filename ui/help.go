package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// helpView is the full help, built from the key map, in the transcript's
// place.
func (m *Model) helpView() string {
	s := m.c.styles
	body := m.fullHelp(m.c.keys.FullHelp())
	title := s.Title.Render("Keys") + s.Dim.Render("  (esc or f1 closes)")
	out := title + "\n\n" + body
	return fitBlock(out, m.c.width, m.screenRows)
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

// fullHelp lays the groups out side by side when they fit the width, and
// otherwise in as many rows as it takes.
func (m *Model) fullHelp(groups [][]key.Binding) string {
	for per := len(groups); per > 1; per-- {
		if out, ok := m.helpRows(groups, per); ok {
			return out
		}
	}
	out, _ := m.helpRows(groups, 1)
	return out
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
