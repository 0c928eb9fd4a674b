package ui

import "github.com/parley-chat/parley/provider"

// pending is what a running exchange replaces (a regenerated answer, or
// the exchanges an edited prompt sent again takes the place of) until the
// new answer has its first words. Until then the old answer stays on
// screen and in the store; an exchange that fails or is stopped before
// puts everything back as it was before the key was pressed.
type pending struct {
	regen    bool
	old      turn  // regenerate: the last turn as it was
	replaced *slot // Model.replaced before the exchange began
}

// newPending returns what the exchange about to begin replaces, or nil
// when it replaces nothing. For a regenerate, it takes the old answer off
// the last turn (its entries stay on screen until settle or revert).
func (m *Model) newPending(regen bool) *pending {
	t := &m.turns[len(m.turns)-1]
	if regen {
		p := &pending{regen: true, old: *t, replaced: m.replaced}
		t.answer, t.failed = nil, nil
		m.replace(t.saved)
		return p
	}
	if m.replaced != nil {
		return &pending{replaced: m.replaced} // an edited prompt sent again
	}
	return nil
}

// settle completes the replacement: the new answer has its first words,
// so the old one leaves the screen (the Saver swaps them in the store).
func (m *Model) settle() {
	p := m.ex.pend
	m.ex.pend = nil
	if p.regen {
		m.tr.remove(p.old.answer, p.old.failed)
	}
}

// revert undoes a replacement whose answer ended in state s (with cause
// when it failed) before its first words. The store was not touched; the
// screen goes back to what it showed before, with a notice of what
// happened.
func (m *Model) revert(s state, cause error) {
	p := m.ex.pend
	m.ex.pend = nil
	m.replaced = p.replaced
	t := &m.turns[len(m.turns)-1]
	what, kept, flash := "Regenerating", "the answer above is kept", "the answer above is kept"
	if p.regen {
		m.tr.remove(t.answer)
		*t = p.old
		m.ex.answer = t.answer
	} else { // an edited prompt sent again: back to editing it
		m.tr.remove(t.user, t.answer)
		m.turns = m.turns[:len(m.turns)-1]
		m.restorePending(t.files) // for the edit when it is sent again
		m.ex.answer = nil
		what, kept, flash = "Sending the edited prompt", "the exchange it replaces is kept; Up recalls your edit", "Up recalls your edit"
		if m.in.Value() == "" {
			m.in.SetValue(t.prompt)
			m.fitInput()
			kept, flash = "the exchange it replaces is kept; your edit is back in the input", "your edit is back in the input"
		}
	}
	switch {
	case s == stateStopped:
		m.flash = "stopped early: " + flash
	case s == stateFailed && cause != nil:
		why, _ := describe(cause)
		m.notify("✗ " + what + " failed: " + why + ". " + provider.Capital(kept) + ".")
	default:
		m.notify("✗ The new answer was empty. " + provider.Capital(kept) + ".")
	}
}

// notify shows a line from Parley at the end of the transcript, in place
// of the one shown before; the next exchange removes it.
func (m *Model) notify(text string) {
	m.dropNote()
	m.note = &entry{kind: entryInfo, text: text, dirty: true}
	m.tr.add(m.note)
}

// dropNote removes the notice, if any.
func (m *Model) dropNote() {
	if m.note != nil {
		m.tr.remove(m.note)
		m.note = nil
	}
}

// end tells the commands still saving in order that the chat is over.
func (m *Model) end() { m.endOnce.Do(func() { close(m.ended) }) }
