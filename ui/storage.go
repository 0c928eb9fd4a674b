package ui

import tea "charm.land/bubbletea/v2"

// savedMsg reports the outcome of saving an exchange.
type savedMsg struct {
	convID string
	err    error
}

// conversationsMsg carries the saved conversations for the picker.
type conversationsMsg struct {
	items []pickItem
	err   error
}

// conversationMsg carries a saved conversation to show and continue.
type conversationMsg struct {
	id  string
	err error
}

// save records the exchange that just ended in state s.
func (m *Model) save(s state) tea.Cmd { return nil }

func (m *Model) saved(msg savedMsg) {
	if msg.err != nil {
		m.flash = "not saved: " + msg.err.Error()
		return
	}
	m.convID = msg.convID
}

func (m *Model) openPicker() tea.Cmd {
	m.flash = "saving is off: no conversations to open"
	return nil
}

func (m *Model) conversationsListed(msg conversationsMsg) tea.Cmd { return nil }

func (m *Model) loadConversation(id string) tea.Cmd { return nil }

func (m *Model) conversationLoaded(msg conversationMsg) {}
