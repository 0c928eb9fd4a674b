package ui

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/termsafe"
)

// offer is a pasted path of an existing file, which y attaches: the input
// goes back to what it held before the paste.
type offer struct {
	path   string
	before string // the input before the paste
}

// pastedFileMsg says that a paste named an existing file.
type pastedFileMsg struct {
	path          string
	before, after string // the input before and after the paste
}

// paste puts pasted text where the keyboard is. Pasted into the input, a
// path of an existing file is offered for attaching.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	switch m.mode {
	case modePicker:
		return m.picker.update(msg)
	case modeAttach:
		m.att.prompt, cmd = m.att.prompt.Update(msg)
		m.att.matches, m.att.miss = nil, ""
		m.fitInput()
		return cmd
	}
	before := m.in.Value()
	m.in, cmd = m.in.Update(msg)
	m.fitInput()
	path := pastedPath(msg.Content)
	if path == "" {
		return cmd
	}
	after, wd := m.in.Value(), m.workDir()
	return tea.Batch(cmd, func() tea.Msg {
		abs := path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, abs)
		}
		if info, err := os.Stat(abs); err != nil || !info.Mode().IsRegular() {
			return nil
		}
		return pastedFileMsg{path: path, before: before, after: after}
	})
}

// pastedFile asks whether to attach the pasted file, unless the input
// changed since the paste.
func (m *Model) pastedFile(msg pastedFileMsg) {
	if m.mode != modeChat || m.in.Value() != msg.after {
		return
	}
	m.att.offer = &offer{path: msg.path, before: msg.before}
	m.flash = "attach " + filepath.Base(termsafe.Line(msg.path)) + "? y attaches · other keys keep the text"
}

// offerKey answers the offer of a pasted file: y attaches it and takes
// the path out of the input; any other key keeps the text as pasted and
// does what it always does (ok is false).
func (m *Model) offerKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	o := m.att.offer
	if o == nil {
		return nil, false
	}
	m.att.offer = nil
	m.flash = ""
	if msg.Text != "y" && msg.Text != "Y" {
		return nil, false
	}
	m.in.SetValue(o.before)
	m.fitInput()
	return m.loadAttachment(o.path), true
}

// pastedPath is the path that pasted text names, or "" when it does not
// look like one path: one line, perhaps quoted, perhaps a file:// URL,
// perhaps with the backslashes a terminal puts before spaces when a file
// is dropped on it.
func pastedPath(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4096 || strings.ContainsAny(s, "\n\r\x00") {
		return ""
	}
	if n := len(s); n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n-1] == s[0] {
		return s[1 : n-1]
	}
	if strings.HasPrefix(s, "file://") {
		u, err := url.Parse(s)
		if err != nil || (u.Host != "" && u.Host != "localhost") {
			return ""
		}
		return u.Path
	}
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
