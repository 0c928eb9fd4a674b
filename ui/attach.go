package ui

import (
	"fmt"
	"path/filepath"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
)

// attacher holds the files that go with the next prompt and the attach
// prompt that adds to them: a one-line path input in the input's place,
// with the candidates of its last completion shown above it.
type attacher struct {
	pending []provider.Attachment // go with the next prompt, in order
	prompt  textinput.Model
	matches []string // the candidates of the last completion, "/" after a folder
	miss    string   // why the last completion found nothing
	above   int      // lines shown above the input: the pending line, candidates
	offer   *offer   // a pasted path waiting for y
}

// attachedMsg is the outcome of loading a path of the attach prompt or of
// a paste.
type attachedMsg struct {
	path string
	res  attach.Result
	err  error
}

// openAttach opens the attach prompt in the input's place; the draft in
// the input waits there.
func (m *Model) openAttach() {
	p := textinput.New()
	p.Prompt = "attach › "
	p.Placeholder = "a file or folder · tab completes · enter attaches · esc cancels"
	p.SetVirtualCursor(false)
	p.SetStyles(promptStyles(m.c.styles))
	p.Focus()
	m.att.prompt, m.att.matches, m.att.miss = p, nil, ""
	m.mode = modeAttach
	m.fitInput()
}

// promptStyles are the attach prompt's styles, those of the input.
func promptStyles(s *Styles) textinput.Styles {
	st := textinput.DefaultStyles(s.Theme != ThemeLight)
	in := s.Input.Focused
	st.Focused.Prompt, st.Focused.Text, st.Focused.Placeholder = in.Prompt, in.Text, in.Placeholder
	// A steady cursor: a blinking one would leave a timer running after
	// the prompt closes.
	st.Cursor.Blink = false
	return st
}

// closeAttach goes back to the input.
func (m *Model) closeAttach() {
	m.mode = modeChat
	m.att.matches, m.att.miss = nil, ""
	m.fitInput()
}

// attachKey handles a key of the attach prompt.
func (m *Model) attachKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Close):
		m.closeAttach()
		return nil
	case key.Matches(msg, k.Choose):
		path := m.att.prompt.Value()
		if isBlank(path) {
			m.closeAttach()
			return nil
		}
		return m.loadAttachment(path)
	case key.Matches(msg, k.Complete):
		return m.completePath(m.att.prompt.Value())
	case key.Matches(msg, k.Detach):
		m.detach()
		return nil
	}
	before := m.att.prompt.Value()
	var cmd tea.Cmd
	m.att.prompt, cmd = m.att.prompt.Update(msg)
	if m.att.prompt.Value() != before {
		m.att.matches, m.att.miss = nil, "" // they were for another path
	}
	m.fitInput()
	return cmd
}

// workDir is where relative paths start.
func (m *Model) workDir() string {
	if m.opts.WorkDir == "" {
		return "."
	}
	return m.opts.WorkDir
}

// loadAttachment reads path, off the event loop, under the configured
// limits.
func (m *Model) loadAttachment(path string) tea.Cmd {
	wd, lim := m.workDir(), m.opts.AttachLimits
	return func() tea.Msg {
		res, err := attach.Load([]string{path}, wd, lim)
		return attachedMsg{path: path, res: res, err: err}
	}
}

// attached adds what a path loaded to the pending attachments and closes
// the attach prompt. An error is one line in the transcript; the prompt
// stays open with the path, to be corrected.
func (m *Model) attached(msg attachedMsg) {
	err := msg.err
	if err == nil {
		err = m.addPending(msg.path, msg.res.Attachments)
	}
	if err != nil {
		m.notify("✗ " + provider.Capital(termsafe.Line(err.Error())))
		return
	}
	if len(msg.res.Skipped) > 0 {
		m.notify("Attached " + plural(len(msg.res.Attachments), "file") + " from " +
			termsafe.Line(msg.path) + "; " + termsafe.Line(msg.res.Summary()) + ".")
	}
	if m.mode == modeAttach {
		m.closeAttach()
	}
}

// addPending adds files to the pending attachments, a file attached again
// in place of the one before, unless that would take them over the
// limit of all the attachments of one message.
func (m *Model) addPending(path string, files []provider.Attachment) error {
	next := append([]provider.Attachment(nil), m.att.pending...)
	for _, f := range files {
		next = withFile(next, f)
	}
	limit := m.opts.AttachLimits.Total
	if limit <= 0 {
		limit = attach.Defaults.Total
	}
	if total := sizeOf(next); total > limit {
		return fmt.Errorf("cannot attach %s: the attachments would come to %s, over the limit of %s in all (attach.max_total)",
			path, attach.Size(total), attach.Size(limit))
	}
	m.setPending(next)
	return nil
}

// withFile is files with f added, or in place of a file of the same name.
func withFile(files []provider.Attachment, f provider.Attachment) []provider.Attachment {
	for i := range files {
		if files[i].Name == f.Name {
			files[i] = f
			return files
		}
	}
	return append(files, f)
}

func sizeOf(files []provider.Attachment) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// detach removes the last pending attachment.
func (m *Model) detach() {
	n := len(m.att.pending)
	if n == 0 {
		m.flash = "nothing attached"
		return
	}
	gone := m.att.pending[n-1]
	m.setPending(m.att.pending[:n-1])
	m.flash = "removed " + filepath.Base(termsafe.Line(gone.Name))
}

// takePending hands the pending attachments to the prompt being sent.
func (m *Model) takePending() []provider.Attachment {
	files := m.att.pending
	m.setPending(nil)
	return files
}

// restorePending puts files (of a prompt taken back to be edited) before
// the pending attachments, to go again with the edited prompt.
func (m *Model) restorePending(files []provider.Attachment) {
	next := append([]provider.Attachment(nil), files...)
	for _, f := range m.att.pending {
		next = withFile(next, f)
	}
	m.setPending(next)
}

// setPending sets the pending attachments.
func (m *Model) setPending(files []provider.Attachment) {
	m.att.pending = files
	m.namePending()
	m.fitInput()
}

// namePending names the pending attachments in the input's placeholder.
func (m *Model) namePending() {
	m.in.Placeholder = "Ask anything…"
	if len(m.att.pending) > 0 {
		m.in.Placeholder = "Ask about " + attachedNames(m.att.pending) + "…"
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprint(n) + " " + what + "s"
}
