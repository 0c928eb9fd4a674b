package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/lipgloss/v2"
	"github.com/parley-chat/parley/ui/markdown"
)

// Themes accepted in Options.Theme.
const (
	ThemeAuto  = "auto"              // dark until the terminal reports a light background
	ThemeDark  = markdown.StyleDark  // colours for a dark background
	ThemeLight = markdown.StyleLight // colours for a light background
	ThemeNone  = markdown.StyleNone  // no colour at all (NO_COLOR)
)

// Styles is every style of the chat, for one theme.
type Styles struct {
	// Theme is the resolved theme: ThemeDark, ThemeLight or ThemeNone. It is
	// also the glamour style of rendered answers.
	Theme string

	UserBar     lipgloss.Style // left bar beside the user's prompt
	User        lipgloss.Style
	Thinking    lipgloss.Style // the collapsed "Thinking…" line
	ThinkingBar lipgloss.Style // left bar beside expanded reasoning
	Note        lipgloss.Style // "stopped" and similar marks under an answer
	ErrorTitle  lipgloss.Style
	ErrorText   lipgloss.Style
	Status      lipgloss.Style // the status line
	StatusModel lipgloss.Style
	StatusState lipgloss.Style
	StatusError lipgloss.Style
	StatusDim   lipgloss.Style
	Below       lipgloss.Style // the "new content below" marker
	Title       lipgloss.Style // titles of the help and the pickers
	Selected    lipgloss.Style // the selected item of a picker
	Dim         lipgloss.Style
	Help        help.Styles
	Input       textarea.Styles
}

// newStyles returns the styles of theme, which must be resolved (not auto).
func newStyles(theme string) *Styles {
	if theme == ThemeNone {
		return plainStyles()
	}
	dark := theme != ThemeLight
	ld := lipgloss.LightDark(dark)
	var (
		accent  = ld(lipgloss.Color("#5A3FD9"), lipgloss.Color("#9D8CFF"))
		dim     = ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C"))
		text    = ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#DADADA"))
		red     = ld(lipgloss.Color("#C4262E"), lipgloss.Color("#FF6B6B"))
		barBg   = ld(lipgloss.Color("#E6E6E6"), lipgloss.Color("#262626"))
		barFg   = ld(lipgloss.Color("#3A3A3A"), lipgloss.Color("#BCBCBC"))
		thinkFg = ld(lipgloss.Color("#6F6F6F"), lipgloss.Color("#8F8F8F"))
	)
	s := &Styles{Theme: theme}
	s.UserBar = lipgloss.NewStyle().Foreground(accent)
	s.User = lipgloss.NewStyle().Foreground(text)
	s.Thinking = lipgloss.NewStyle().Foreground(thinkFg).Italic(true)
	s.ThinkingBar = lipgloss.NewStyle().Foreground(dim)
	s.Note = lipgloss.NewStyle().Foreground(dim).Italic(true)
	s.ErrorTitle = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.ErrorText = lipgloss.NewStyle().Foreground(text)
	s.Status = lipgloss.NewStyle().Background(barBg).Foreground(barFg)
	s.StatusModel = s.Status.Foreground(accent).Bold(true)
	s.StatusState = s.Status.Bold(true)
	s.StatusError = s.Status.Foreground(red).Bold(true)
	s.StatusDim = s.Status.Foreground(dim)
	s.Below = lipgloss.NewStyle().Foreground(accent).Reverse(true)
	s.Title = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Selected = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Dim = lipgloss.NewStyle().Foreground(dim)
	s.Help = help.DefaultStyles(dark)
	s.Input = inputStyles(textarea.DefaultStyles(dark), accent)
	return s
}

// plainStyles is the colourless theme: emphasis only where a terminal
// without colour still shows it.
func plainStyles() *Styles {
	p := lipgloss.NewStyle()
	s := &Styles{
		Theme: ThemeNone, UserBar: p, User: p, Thinking: p, ThinkingBar: p, Note: p,
		ErrorTitle: p.Bold(true), ErrorText: p, Status: p.Reverse(true),
		Below: p.Reverse(true), Title: p.Bold(true), Selected: p.Bold(true), Dim: p,
	}
	s.StatusModel, s.StatusState, s.StatusError, s.StatusDim = s.Status, s.Status, s.Status, s.Status
	s.Help = help.Styles{
		ShortKey: p, ShortDesc: p, ShortSeparator: p, Ellipsis: p,
		FullKey: p.Bold(true), FullDesc: p, FullSeparator: p,
	}
	in := textarea.DefaultStyles(true)
	for _, st := range []*textarea.StyleState{&in.Focused, &in.Blurred} {
		*st = textarea.StyleState{}
	}
	s.Input = in
	return s
}

func inputStyles(s textarea.Styles, accent color.Color) textarea.Styles {
	s.Focused.CursorLine = lipgloss.NewStyle()
	s.Focused.Prompt = lipgloss.NewStyle().Foreground(accent)
	s.Blurred.Prompt = lipgloss.NewStyle().Foreground(accent).Faint(true)
	return s
}
