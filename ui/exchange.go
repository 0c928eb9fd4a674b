package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/attach"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// exchange is the state of the running exchange, or of the last one once
// it ended: which one it is, how to stop it, the answer it streams into and
// where that is saved, what it replaces, the status line's measures and the
// pacing of its frames. The Model holds one and hands it the exchange's
// messages; a message of an exchange that ended (an earlier gen) changes
// nothing.
type exchange struct {
	gen    int                // counts exchanges begun and ended
	cancel context.CancelFunc // stops the request; nil once it ended
	answer *entry             // the answer on screen; nil when none
	saver  *store.Saver       // keeps the answer; nil with no store
	saving sync.WaitGroup     // answers still being written, see finishSaver
	pend   *pending           // what the exchange replaces, until its first words
	stats  stats

	framePending bool      // a frame of the answer is scheduled
	lastFrame    time.Time // when the last frame of the answer was rendered

	threads provider.Threads // one thread while the answer comes at a reading pace
	gate    *provider.Gate   // the gate of the answer's body (see hold)
	taken   int              // chunks taken since the last frame
}

// begin starts an exchange that streams into answer a, at now, and returns
// the context of its request. Messages of the exchange before are ignored
// from now on.
func (x *exchange) begin(parent context.Context, a *entry, now time.Time) context.Context {
	x.gen++
	ctx, cancel := context.WithCancel(parent)
	x.cancel, x.answer = cancel, a
	x.stats = stats{state: stateConnecting, started: now, progress: -1}
	x.gate, x.taken = provider.NewGate(), 0
	return provider.WithGate(ctx, x.gate)
}

// hold keeps the answer's body unread until a moment before the next
// frame, after a frame at now that took a few chunks of an answer at a
// reading pace on one thread: the events that come meanwhile wait in the
// connection and are read, decoded and handed over at one wake-up, not
// each at its own. On one thread the runtime runs the held read, due
// first, before the next frame's tick.
func (x *exchange) hold(now time.Time) {
	n := x.taken
	x.taken = 0
	provider.HoldForFrame(x.gate, &x.threads, n, now.Add(frameInterval))
}

// running reports whether an answer is being requested or streamed.
func (x *exchange) running() bool { return x.stats.state.running() }

// live reports whether gen is the exchange running now.
func (x *exchange) live(gen int) bool { return gen == x.gen && x.running() }

// end stops the request and puts the exchange in state s; its late chunks
// and frames are ignored.
func (x *exchange) end(s state) {
	if x.cancel != nil {
		x.cancel()
		x.cancel = nil
	}
	x.gen++
	x.framePending = false
	x.stats.state = s
	x.threads.End()
}

// clear forgets the measures of the last exchange, for a conversation
// that starts afresh or is edited.
func (x *exchange) clear() { x.stats = stats{progress: -1} }

// delta counts a text or reasoning delta that arrived at now.
func (x *exchange) delta(now time.Time) {
	st := &x.stats
	if st.first.IsZero() {
		st.first = now
	}
	st.last, st.notice = now, notice{}
	st.deltas++
	st.state = stateStreaming
}

// nextFrame schedules the next frame of exchange gen, unless one is
// scheduled already.
func (x *exchange) nextFrame(gen int) tea.Cmd {
	if x.framePending {
		return nil
	}
	x.framePending = true
	return frameTick(gen, x.lastFrame)
}

// framing takes the frame of exchange gen that was scheduled, and reports
// whether that exchange is still the current one.
func (x *exchange) framing(gen int) bool {
	if gen != x.gen {
		return false
	}
	x.framePending = false
	return true
}

// save writes the end of the exchange that just ended in state s with
// cause.
func (x *exchange) save(s state, cause error) tea.Cmd {
	sv := x.saver
	x.saver = nil
	if s == stateStopped {
		cause = context.Canceled
	}
	return x.finishSaver(sv, s.status(), cause)
}

// finishSaver finishes sv in the background and returns the command that
// reports the outcome. The write runs in its own goroutine, counted in
// saving so that quitting waits for it: a command might never run once
// the program ends.
func (x *exchange) finishSaver(sv *store.Saver, status store.Status, cause error) tea.Cmd {
	if sv == nil {
		return nil
	}
	done := make(chan error, 1)
	x.saving.Add(1)
	go func() {
		defer x.saving.Done()
		_, err := sv.Finish(status, cause)
		done <- err
	}()
	return func() tea.Msg { return savedMsg{err: <-done} }
}

// send adds prompt to the conversation and asks for an answer.
func (m *Model) send(prompt string) tea.Cmd {
	files := m.takePending()
	u := &entry{kind: entryUser, text: termsafe.Sanitize(prompt), detail: attachedLine(files), dirty: true}
	m.turns = append(m.turns, turn{prompt: prompt, user: u, files: files})
	m.tr.add(u)
	return m.ask(false)
}

// attachedLine shows the files sent with a prompt, by name and size, not
// their content: "attached: main.go (1.2 KiB) · shot.png (80 KiB)"; "" for
// none.
func attachedLine(files []provider.Attachment) string {
	if len(files) == 0 {
		return ""
	}
	parts := make([]string, len(files))
	for i, f := range files {
		parts[i] = termsafe.Line(f.Name) + " (" + attach.Size(int64(len(f.Data))) + ")"
	}
	return "attached: " + strings.Join(parts, " · ")
}

// attachedNames lists the names of files for a one-line notice.
func attachedNames(files []provider.Attachment) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = termsafe.Line(f.Name)
	}
	return strings.Join(names, ", ")
}

// ask requests an answer to the last turn, again when regen is set.
func (m *Model) ask(regen bool) tea.Cmd {
	if m.prov == nil {
		m.flash = "no model: pick one with " + m.c.keys.Model.Help().Key
		return nil
	}
	m.dropNote()
	m.ex.pend = m.newPending(regen)
	req := m.req
	req.Messages = m.messages()
	a := newAnswer(m.c.wrap, m.c.styles.Theme)
	a.md.SetBudget(frameBudget)
	m.turns[len(m.turns)-1].answer = a
	m.tr.add(a)
	m.tr.toBottom()
	ctx := m.ex.begin(m.ctx, a, m.c.now())
	t := &m.turns[len(m.turns)-1]
	rec := record{
		convID: m.convID, convSeq: m.convSeq, prompt: t.prompt, files: t.files,
		model: req.Model, provider: m.prov.Name(), system: req.System,
		slot: newSlot(), after: m.lastSlot, replace: m.replaced,
		swap: m.ex.pend != nil, ended: m.ended, now: m.c.now,
	}
	t.saved, m.lastSlot, m.replaced = rec.slot, rec.slot, nil
	return tea.Batch(openStream(ctx, m.prov, req, m.ex.gen, m.opts.Store, rec), waitTick(m.ex.gen))
}

// messages is the conversation as the provider sees it. A turn whose answer
// failed before any text is left out, except the last one, so that roles
// alternate.
func (m *Model) messages() []provider.Message {
	msgs := make([]provider.Message, 0, 2*len(m.turns))
	for i, t := range m.turns {
		last := i == len(m.turns)-1
		text := ""
		if t.answer != nil {
			text = t.answer.rawText()
		}
		if !last && text == "" {
			continue
		}
		msgs = append(msgs, provider.Message{Role: provider.RoleUser, Content: t.prompt, Attachments: t.files})
		if !last {
			msgs = append(msgs, provider.Message{Role: provider.RoleAssistant, Content: text})
		}
	}
	return msgs
}

// restore adds a message of an earlier conversation to the transcript,
// without laying it out: the caller does that once at the end.
func (m *Model) restore(msg provider.Message) {
	switch msg.Role {
	case provider.RoleUser:
		u := &entry{kind: entryUser, text: termsafe.Sanitize(msg.Content), detail: attachedLine(msg.Attachments), dirty: true}
		m.turns = append(m.turns, turn{prompt: msg.Content, user: u, files: msg.Attachments})
		m.history = append(m.history, msg.Content)
		m.histIdx = len(m.history)
		m.tr.entries = append(m.tr.entries, u)
	case provider.RoleAssistant:
		if len(m.turns) == 0 {
			m.turns = append(m.turns, turn{})
		}
		a := newAnswer(m.c.wrap, m.c.styles.Theme)
		a.appendText(msg.Content)
		a.finish()
		a.status = store.StatusComplete
		m.turns[len(m.turns)-1].answer = a
		m.tr.entries = append(m.tr.entries, a)
	}
}

func (m *Model) opened(msg streamOpenedMsg) tea.Cmd {
	if msg.convID != "" && msg.convSeq == m.convSeq {
		m.convID = msg.convID // the next prompt goes to the same conversation
	}
	if !m.ex.live(msg.gen) {
		// Stopped while connecting: what was saved is marked stopped.
		return m.ex.finishSaver(msg.saver, store.StatusStopped, context.Canceled)
	}
	m.ex.saver = msg.saver
	if msg.saveErr != nil {
		m.flash = "not saved: " + termsafe.Sanitize(msg.saveErr.Error())
	}
	if msg.err != nil {
		return m.fail(msg.err)
	}
	m.ex.stats.state = stateWaiting
	return readChunks(msg.ch, msg.gen)
}

// received applies a batch of chunks. Rendering waits for the next frame,
// except for the last chunk, which is shown at once.
func (m *Model) received(msg chunksMsg) tea.Cmd {
	if !m.ex.live(msg.gen) {
		return nil // a stopped or replaced exchange
	}
	m.ex.threads.Took(len(msg.chunks), time.Now())
	m.ex.taken += len(msg.chunks)
	for _, c := range msg.chunks {
		if cmd, done := m.apply(c); done {
			return cmd
		}
	}
	if msg.closed {
		// Neither a Finish nor an Error: never taken for a whole answer.
		return m.fail(provider.ErrIncomplete)
	}
	return tea.Batch(readChunks(msg.ch, msg.gen), m.ex.nextFrame(msg.gen))
}

// apply applies one chunk; done is true once the exchange has ended.
func (m *Model) apply(c provider.Chunk) (tea.Cmd, bool) {
	a, st := m.ex.answer, &m.ex.stats
	if m.ex.saver != nil {
		m.ex.saver.Chunk(c)
	}
	switch c.Kind {
	case provider.KindText, provider.KindReasoning:
		now := m.c.now()
		m.ex.delta(now)
		if c.Kind == provider.KindText {
			if m.ex.pend != nil && c.Text != "" {
				m.settle() // the first words: the new answer takes the old one's place
			}
			a.thoughtUntil(now)
			a.appendText(c.Text)
		} else {
			a.appendReasoning(c.Text, m.c.wrap, m.c.styles.Theme, now)
		}
	case provider.KindProgress:
		st.progress, st.label = c.Percent, termsafe.Sanitize(c.Text)
	case provider.KindUsage:
		u := c.Usage
		st.usage = &u
		if u.ReasoningTokens > 0 {
			a.thinkToks, a.dirty = u.ReasoningTokens, true
		}
	case provider.KindNotice:
		if c.Text == provider.MsgMaxTokens {
			a.cut = true
		}
		st.notice = newNotice(termsafe.Sanitize(c.Text), c.Wait, m.c.now())
	case provider.KindFinish:
		a.reason = c.Reason
		return m.finish(stateDone, nil), true
	case provider.KindError:
		return m.fail(c.Err), true
	}
	return nil, false
}

// waited keeps the waiting time in the status line current until the
// first token arrives.
func (m *Model) waited(msg waitTickMsg) tea.Cmd {
	if !m.ex.live(msg.gen) || !m.ex.stats.first.IsZero() {
		return nil
	}
	return waitTick(msg.gen)
}

// frame renders the streaming answer if deltas arrived since the last one,
// or if it shows less than it has (a burst larger than frameBudget).
func (m *Model) frame(msg frameMsg) tea.Cmd {
	if !m.ex.framing(msg.gen) {
		return nil
	}
	defer func() {
		m.ex.lastFrame = time.Now()
		m.ex.hold(m.ex.lastFrame)
	}()
	if a := m.ex.answer; a != nil && (a.dirty || a.md.Behind()) {
		return m.step(a)
	}
	return nil
}

// catchUpMsg asks for the next step of an answer that has more text than
// it shows (see markdown.Renderer.SetBudget).
type catchUpMsg struct{ answer *entry }

// caughtUp shows the next step of an answer that is behind.
func (m *Model) caughtUp(msg catchUpMsg) tea.Cmd {
	a := msg.answer
	if !slices.Contains(m.tr.entries, a) || !a.md.Behind() {
		return nil // removed meanwhile (regenerated, new conversation), or done
	}
	return m.step(a)
}

// step shows up to frameBudget more of answer a and lays the transcript
// out (which renders a only if it is in view). When more remains, it
// schedules the next step: a message of its own, so that key presses get
// through between steps (text that arrives meanwhile waits for the next
// frame, as usual).
func (m *Model) step(a *entry) tea.Cmd {
	more := a.md.Advance()
	a.dirty = true
	if !m.tr.follow {
		m.tr.newBelow = true
	}
	m.tr.layout()
	if more {
		return m.catchUp(a)
	}
	return nil
}

// catchUp schedules a catch-up step of a.
func (*Model) catchUp(a *entry) tea.Cmd {
	return func() tea.Msg { return catchUpMsg{a} }
}

// stop cancels the running exchange and keeps what arrived, as it stands.
func (m *Model) stop() tea.Cmd {
	return m.finish(stateStopped, nil)
}

// fail ends the exchange with err, shown under whatever arrived. A
// cancellation (the session's context ending) is a stop, not a failure.
func (m *Model) fail(err error) tea.Cmd {
	if errors.Is(err, context.Canceled) {
		return m.stop()
	}
	if m.ex.pend != nil {
		return m.finish(stateFailed, err) // nothing arrived: what it replaces comes back
	}
	title, detail := describe(err)
	e := &entry{kind: entryError, text: title, detail: detail, dirty: true}
	m.turns[len(m.turns)-1].failed = e
	cmd := m.finish(stateFailed, err)
	m.tr.add(e)
	return cmd
}

// finish ends the running exchange in state s (with cause when it failed):
// it cancels the request, renders the final frame and saves the exchange.
func (m *Model) finish(s state, cause error) tea.Cmd {
	m.ex.end(s)
	a := m.ex.answer
	if m.ex.pend != nil {
		m.revert(s, cause)
		a = nil // gone from the screen
	}
	var exact tea.Cmd
	if a != nil {
		// What arrived is shown at once, as the incremental render has it;
		// the exact full render that Finish may cost (after long code or
		// lists were rendered in chunks) follows as a message of its own,
		// so that it never holds the last words back.
		exact = func() tea.Msg { return exactMsg{a} }
		a.status = s.status()
		a.md.Advance() // what arrived since the last frame, within the budget
		a.dirty = true
	}
	m.tr.layout()
	return tea.Batch(exact, m.ex.save(s, cause))
}

// exactMsg asks for the exact final render of a finished answer.
type exactMsg struct{ answer *entry }

// exactly gives a finished answer its exact final render.
func (m *Model) exactly(msg exactMsg) tea.Cmd {
	msg.answer.finish()
	m.tr.layout()
	if m.opts.AnswerDone != nil {
		m.opts.AnswerDone()
	}
	if msg.answer.md.Behind() {
		return m.catchUp(msg.answer) // the rest of a burst that ended the answer
	}
	return nil
}
