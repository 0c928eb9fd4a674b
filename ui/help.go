package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// helpView is the full help, built from the key map, in the transcript's
// place.
func (m *Model) helpView() string {
	s := m.c.styles
	body := m.help.FullHelpView(m.c.keys.FullHelp())
	title := s.Title.Render("Keys") + s.Dim.Render("  (esc or f1 closes)")
	out := title + "\n\n" + body
	return fitBlock(out, m.c.width, m.screenRows)
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
