package ui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/store"
)

// promptsMsg carries the prompt history kept in the store.
type promptsMsg struct{ prompts []string }

// loadPrompts reads the prompt history of earlier runs from the store.
func (m *Model) loadPrompts() tea.Cmd {
	return m.fromStore(func(ctx context.Context, st *store.Store) tea.Msg {
		p, err := st.Prompts(ctx)
		if err != nil {
			return nil // the history of this run still works
		}
		return promptsMsg{prompts: p}
	})
}

// promptsLoaded puts the stored history before the prompts of this run.
func (m *Model) promptsLoaded(msg promptsMsg) {
	browsing := m.histIdx < len(m.history)
	m.history = append(slices.Clip(msg.prompts), m.history...)
	if browsing {
		m.histIdx += len(msg.prompts)
	} else {
		m.histIdx = len(m.history)
	}
}

// remember adds a sent prompt to the history, and to the store's. A
// failure to store it costs only its recall in a later run.
func (m *Model) remember(prompt string) {
	if n := len(m.history); n == 0 || m.history[n-1] != prompt {
		m.history = append(m.history, prompt)
	}
	m.histIdx, m.draft = len(m.history), ""
	if st := m.opts.Store; st != nil {
		_ = st.AddPrompt(m.ctx, prompt)
	}
}

// onFirstRow and onLastRow report whether the input's cursor is on its
// first or last screen row, where ↑ and ↓ move through the history.
func (m *Model) onFirstRow() bool {
	return m.in.Line() == 0 && m.in.LineInfo().RowOffset == 0
}

func (m *Model) onLastRow() bool {
	li := m.in.LineInfo()
	return m.in.Line() == m.in.LineCount()-1 && li.RowOffset >= li.Height-1
}

// recall moves through earlier prompts. Leaving the draft for the history
// keeps it; going past the newest prompt brings it back.
func (m *Model) recall(delta int) {
	i := min(max(m.histIdx+delta, 0), len(m.history))
	if i == m.histIdx {
		return
	}
	if m.histIdx == len(m.history) {
		m.draft = m.in.Value()
	}
	m.histIdx = i
	if i == len(m.history) {
		m.in.SetValue(m.draft)
	} else {
		m.in.SetValue(m.history[i])
	}
	m.fitInput()
}
