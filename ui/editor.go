package ui

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// editorDoneMsg reports that $EDITOR exited; the prompt is in path.
type editorDoneMsg struct {
	path string
	err  error
}

// openEditor hands the input to the editor of Options.Editor (vi when
// none is set) and takes the edited text back when it exits.
func (m *Model) openEditor() tea.Cmd {
	f, err := os.CreateTemp("", "parley-*.md")
	if err != nil {
		m.flash = "cannot start the editor: " + err.Error()
		return nil
	}
	path := f.Name()
	_, werr := f.WriteString(m.in.Value())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		m.flash = "cannot start the editor: " + werr.Error()
		return nil
	}
	args := m.opts.Editor
	if len(args) == 0 {
		args = []string{"vi"}
	}
	cmd := exec.Command(args[0], append(args[1:], path)...)
	done := func(err error) tea.Msg { return editorDoneMsg{path: path, err: err} }
	if m.opts.Inline {
		return tea.Exec(&wrapping{cmd}, done)
	}
	return tea.ExecProcess(cmd, done)
}

// wrapping runs an editor with the terminal's autowrap on: the inline chat
// keeps it off (see inlineModel.Init).
type wrapping struct{ *exec.Cmd }

func (c *wrapping) SetStdin(r io.Reader)  { c.Stdin = r }
func (c *wrapping) SetStdout(w io.Writer) { c.Stdout = w }
func (c *wrapping) SetStderr(w io.Writer) { c.Stderr = w }

func (c *wrapping) Run() error {
	if c.Stdout != nil {
		_, _ = io.WriteString(c.Stdout, ansi.SetModeAutoWrap)
		defer io.WriteString(c.Stdout, ansi.ResetModeAutoWrap)
	}
	return c.Cmd.Run()
}

func (m *Model) editorDone(msg editorDoneMsg) tea.Cmd {
	defer os.Remove(msg.path)
	if msg.err != nil {
		var exit *exec.ExitError
		if errors.As(msg.err, &exit) {
			m.flash = "the editor failed; the input is unchanged"
		} else {
			m.flash = "cannot run the editor: " + msg.err.Error()
		}
		return nil
	}
	b, err := os.ReadFile(msg.path)
	if err != nil {
		m.flash = "cannot read the edited prompt: " + err.Error()
		return nil
	}
	m.in.SetValue(strings.TrimRight(string(b), "\n"))
	m.fitInput()
	return nil
}
