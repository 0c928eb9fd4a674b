package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// key handles a key press according to what has the keyboard. Ctrl+D
// and Ctrl+C work everywhere.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if cmd, ok := m.offerKey(msg); ok {
		return cmd
	}
	m.flash = ""
	armed := m.quitArmed
	m.quitArmed = false
	switch {
	case key.Matches(msg, m.c.keys.Quit):
		return m.quitKey(armed)
	case key.Matches(msg, m.c.keys.Interrupt) && m.ex.running():
		return m.stop()
	case key.Matches(msg, m.c.keys.Interrupt) && m.mode != modeChat:
		m.mode, m.picker = modeChat, nil
		m.fitInput()
		return nil
	}
	switch m.mode {
	case modeHelp:
		m.helpKey(msg)
		return nil
	case modePicker:
		return m.picker.update(msg)
	case modeAttach:
		return m.attachKey(msg)
	}
	if cmd, ok := m.chatKey(msg); ok {
		return cmd
	}
	return m.editKey(msg)
}

// helpKey closes or scrolls the help.
func (m *Model) helpKey(msg tea.KeyPressMsg) {
	k := m.c.keys
	page := max(m.screenRows-2, 1)
	switch {
	case key.Matches(msg, k.Close, k.Help):
		m.mode = modeChat
	case key.Matches(msg, k.Up):
		m.scrollHelp(-1)
	case key.Matches(msg, k.Down):
		m.scrollHelp(1)
	case key.Matches(msg, k.PageUp):
		m.scrollHelp(-page)
	case key.Matches(msg, k.PageDown):
		m.scrollHelp(page)
	}
}

// chatKey handles the keys of the chat itself; ok is false for keys that
// belong to the input.
func (m *Model) chatKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Interrupt):
		return m.quit(), true // nothing is running: key stopped it otherwise
	case key.Matches(msg, k.Stop):
		if m.ex.running() {
			return m.stop(), true
		}
		return nil, true
	case key.Matches(msg, k.Send):
		return m.submit(), true
	case key.Matches(msg, k.Help) && (msg.Text == "" || m.in.Value() == ""):
		m.mode, m.helpTop = modeHelp, 0
		return nil, true
	case key.Matches(msg, k.PageUp):
		m.tr.scroll(-max(m.tr.height-2, 1))
		return nil, true
	case key.Matches(msg, k.PageDown):
		m.tr.scroll(max(m.tr.height-2, 1))
		return nil, true
	case key.Matches(msg, k.Follow) && !m.tr.atBottom():
		m.tr.toBottom()
		return nil, true
	case key.Matches(msg, k.History) && m.onFirstRow():
		m.recall(-1)
		return nil, true
	case key.Matches(msg, k.HistoryFwd) && m.histIdx < len(m.history) && m.onLastRow():
		m.recall(1)
		return nil, true
	}
	return m.actionKey(msg)
}

// actionKey handles the conversation's actions.
func (m *Model) actionKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Editor):
		return m.openEditor(), true
	case key.Matches(msg, k.CopyAnswer):
		return m.copyAnswer(false), true
	case key.Matches(msg, k.CopyCode):
		return m.copyAnswer(true), true
	case key.Matches(msg, k.Regenerate):
		return m.regenerate(), true
	case key.Matches(msg, k.EditLast):
		return m.editLast(), true
	case key.Matches(msg, k.New):
		return m.newConversation(), true
	case key.Matches(msg, k.Open):
		return m.openPicker(), true
	case key.Matches(msg, k.Reasoning):
		m.tr.showReasoning = !m.tr.showReasoning
		m.tr.layout()
		return nil, true
	case key.Matches(msg, k.Model):
		return m.modelPicker(), true
	case key.Matches(msg, k.Mouse):
		m.toggleMouse()
		return nil, true
	case key.Matches(msg, k.Attach):
		m.openAttach()
		return nil, true
	case key.Matches(msg, k.Detach):
		m.detach()
		return nil, true
	}
	return nil, false
}

// editKey hands a key to the input.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	before := m.in.Value()
	m.in, cmd = m.in.Update(msg)
	if m.in.Value() != before {
		m.histIdx = len(m.history) // an edited prompt is a new draft
	}
	m.fitInput()
	return cmd
}

// quitKey quits, unless the input holds a draft: as a shell does not exit
// on Ctrl+D with a line typed, the first press only says that a second one
// quits and drops the draft.
func (m *Model) quitKey(armed bool) tea.Cmd {
	if armed || (m.mode != modeChat && m.mode != modeAttach) || isBlank(m.in.Value()) {
		return m.quit()
	}
	m.quitArmed = true
	m.flash = "ctrl+d again quits and drops your draft"
	return nil
}

// quit ends the chat. A running answer is stopped and saved before the
// program ends, here and now: a command would not outlive the program.
func (m *Model) quit() tea.Cmd {
	m.stopIfRunning()
	m.ex.saving.Wait()
	m.end()
	m.quitting = true
	return tea.Quit
}

// submit sends the input as a prompt.
func (m *Model) submit() tea.Cmd {
	prompt := m.in.Value()
	if isBlank(prompt) {
		return nil
	}
	if m.ex.running() {
		m.flash = "an answer is still coming: esc stops it"
		return nil
	}
	m.in.Reset()
	m.fitInput()
	m.remember(prompt)
	return m.send(prompt)
}

// regenerate asks for the last answer again.
func (m *Model) regenerate() tea.Cmd {
	if len(m.turns) == 0 {
		m.flash = "nothing to regenerate"
		return nil
	}
	stopped := m.stopIfRunning()
	return tea.Batch(stopped, m.ask(true))
}

// editLast takes the last prompt and its answer out of the conversation
// and puts the prompt back in the input.
func (m *Model) editLast() tea.Cmd {
	if len(m.turns) == 0 {
		m.flash = "no prompt to edit"
		return nil
	}
	stopped := m.stopIfRunning()
	m.dropNote()
	last := m.turns[len(m.turns)-1]
	m.tr.remove(last.user, last.answer, last.failed)
	m.turns = m.turns[:len(m.turns)-1]
	m.replace(last.saved)
	m.restorePending(last.files) // they go again with the edited prompt
	m.in.SetValue(last.prompt)
	m.fitInput()
	m.ex.clear()
	return stopped
}

// replace notes that the stored exchange sl, and any after it, are no
// longer part of the conversation: the next exchange saved replaces them.
// They stay in the store until that exchange's answer has its first words,
// so that an edit never sent, or a regenerate that failed, loses nothing.
func (m *Model) replace(sl *slot) {
	if sl != nil {
		m.replaced = sl // earlier than any replaced before: turns go from the end
	}
}

// newConversation starts afresh with the same model.
func (m *Model) newConversation() tea.Cmd {
	stopped := m.stopIfRunning()
	m.turns = nil
	m.convID = ""
	m.convSeq++
	m.lastSlot, m.replaced, m.note = nil, nil, nil
	m.tr.reset()
	m.ex.clear()
	m.flash = "new conversation"
	return stopped
}

// stopIfRunning stops a running answer and returns the command saving it.
func (m *Model) stopIfRunning() tea.Cmd {
	if m.ex.running() {
		return m.stop()
	}
	return nil
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}
