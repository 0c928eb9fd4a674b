package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
	"github.com/parley-chat/parley/termsafe"
)

// slot is where one exchange of the chat was saved. The command that
// saves the exchange fills it in the background and then closes done;
// convID, seq and sv may be read only after that, and the prompt's place
// only through wait.
type slot struct {
	done   chan struct{}
	convID string       // the conversation; empty when nothing was saved
	seq    int          // the Seq of the saved prompt; 0 when it was not saved (yet)
	sv     *store.Saver // the answer's Saver, which knows the prompt's Seq once placed; nil when none
}

func newSlot() *slot { return &slot{done: make(chan struct{})} }

// savedSlot is the slot of an exchange that was saved before.
func savedSlot(convID string, seq int) *slot {
	sl := &slot{done: make(chan struct{}), convID: convID, seq: seq}
	close(sl.done)
	return sl
}

// wait returns where the exchange was saved once that is settled (its
// Saver placed): at once for most, when the answer's first words arrive or
// when it ends for one that replaces others. ok is false when the chat
// ended first.
func (sl *slot) wait(ended <-chan struct{}) (convID string, seq int, ok bool) {
	select {
	case <-sl.done:
	case <-ended:
		return "", 0, false
	}
	if sl.sv == nil {
		return sl.convID, sl.seq, true
	}
	select {
	case <-sl.sv.Placed():
		return sl.convID, sl.sv.PromptSeq(), true
	case <-ended:
		return "", 0, false
	}
}

// errEnded is begin's error when the chat ended before the exchange could
// be saved in order.
var errEnded = errors.New("the chat ended before the exchange was saved")

// record is what the store needs to save one exchange.
type record struct {
	convID   string // empty: the conversation of after, else a new one
	convSeq  int    // which conversation of the session, see Model.convSeq
	prompt   string
	files    []provider.Attachment // sent with the prompt
	model    string                // the provider's model name
	provider string
	system   string

	slot    *slot // where this exchange is saved; begin fills and closes it
	after   *slot // the exchange begun before in the same conversation, or nil
	replace *slot // the first stored exchange this one replaces, or nil
	swap    bool  // a regenerate or an edit sent again: written with its first words
	ended   <-chan struct{}
	now     func() time.Time // the chat's clock, which times the thinking
}

// begin prepares the saving of an exchange and returns the Saver that
// keeps the answer as it streams. It runs in the command that opens the
// stream, before the request is sent, so an answer is never streamed
// without a place to keep it.
//
// begin first waits until the exchange before it is saved, so that the
// exchanges of a conversation are saved in order, in one conversation,
// however quickly they follow each other. A new exchange saves the
// conversation (if new), the prompt and the start of the answer at once.
// One that replaces stored exchanges (r.swap: regenerated, or edited and
// sent again) writes nothing yet: with the answer's first words, the
// stored exchanges it replaces (r.replace and all that follow it) give way
// to it in one transaction. So a replaced answer stays until its successor
// has words, comes back whole when the successor fails or is stopped
// before, and is never sent to the model twice when the conversation is
// resumed.
func begin(ctx context.Context, s *store.Store, r record) (convID string, sv *store.Saver, err error) {
	defer close(r.slot.done)
	convID = r.convID
	if r.after != nil {
		afterConv, _, ok := r.after.wait(r.ended)
		if !ok {
			return "", nil, errEnded
		}
		if convID == "" {
			convID = afterConv
		}
	}
	from := 0
	if r.swap && convID != "" && r.replace != nil {
		oldConv, oldSeq, ok := r.replace.wait(r.ended)
		if !ok {
			r.slot.convID = convID
			return convID, nil, errEnded
		}
		if oldConv == convID {
			from = oldSeq // 0: never saved, nothing to replace
		}
	}
	b, err := s.Begin(ctx, store.Exchange{
		ConversationID: convID, Prompt: r.prompt, Model: r.model, Provider: r.provider, System: r.system,
		Replace: r.swap, From: from, Now: r.now, Attachments: r.files,
	})
	r.slot.convID, r.slot.seq, r.slot.sv = b.ConversationID, b.PromptSeq, b.Saver
	return b.ConversationID, b.Saver, err
}

// savedMsg reports that an answer was written in full, or why it was not.
type savedMsg struct{ err error }

func (m *Model) saved(msg savedMsg) {
	// An answer replaced (regenerated, edited) before its end was written
	// is gone from the store on purpose.
	if msg.err != nil && !errors.Is(msg.err, store.ErrNoMessage) {
		m.flash = "not saved: " + termsafe.Sanitize(msg.err.Error())
	}
}

// conversationsMsg carries the saved conversations for the picker.
type conversationsMsg struct {
	list []store.Conversation
	err  error
}

// openPicker lists the saved conversations and then opens the picker.
func (m *Model) openPicker() tea.Cmd {
	if m.opts.Store == nil {
		m.flash = "saving is off (--no-save): no conversations to open"
		return nil
	}
	return m.fromStore(func(ctx context.Context, st *store.Store) tea.Msg {
		list, err := st.List(ctx, 500)
		return conversationsMsg{list: list, err: err}
	})
}

// fromStore returns the command that reads the store with read in the
// background, or nil when saving is off.
func (m *Model) fromStore(read func(context.Context, *store.Store) tea.Msg) tea.Cmd {
	st := m.opts.Store
	if st == nil {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		defer logPanic()
		return read(ctx, st)
	}
}

func (m *Model) conversationsListed(msg conversationsMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "cannot list conversations: " + termsafe.Sanitize(msg.err.Error())
		return nil
	}
	if len(msg.list) == 0 {
		m.flash = "no saved conversations yet"
		return nil
	}
	items := make([]pickItem, len(msg.list))
	for i, c := range msg.list {
		label := fmt.Sprintf("%s  %s · %s · %s messages", store.ShortID(c.ID), termsafe.Sanitize(c.Title),
			c.UpdatedAt.Format(time.DateTime), strconv.Itoa(c.MessageCount))
		items[i] = pickItem{label: label, value: c.ID}
	}
	m.openPickerWith(newPicker(m.c, pickConversation, "Open a conversation", items))
	return nil
}

// conversationMsg carries a saved conversation to show and continue.
type conversationMsg struct {
	conv *store.Conversation
	err  error
	// model is the model the conversation was held with, resolved, when it
	// was opened from the picker and that model is not the chat's; nil
	// otherwise.
	model *switchedMsg
}

// loadConversation reads a saved conversation in the background; picked
// says it was opened from the picker, and then the same command resolves
// the model the conversation was held with (see conversationModel).
func (m *Model) loadConversation(id string, picked bool) tea.Cmd {
	var model func(*store.Conversation) *switchedMsg
	if picked {
		model = m.conversationModel()
	}
	return m.fromStore(func(ctx context.Context, st *store.Store) tea.Msg {
		c, err := st.Get(ctx, id)
		msg := conversationMsg{conv: c, err: err}
		if err == nil && model != nil {
			msg.model = model(c)
		}
		return msg
	})
}

// conversationLoaded replaces the transcript with a saved conversation,
// which the next prompt continues.
func (m *Model) conversationLoaded(msg conversationMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "cannot open the conversation: " + termsafe.Sanitize(msg.err.Error())
		return nil
	}
	stopped := m.stopIfRunning()
	m.turns = nil
	m.tr.reset()
	m.ex.clear()
	m.convID = msg.conv.ID
	m.convSeq++
	m.lastSlot, m.replaced, m.note = nil, nil, nil
	for _, sm := range msg.conv.Messages {
		m.restoreStored(sm)
	}
	m.tr.toBottom()
	m.flash = "opened “" + termsafe.Sanitize(msg.conv.Title) + "”"
	if msg.model != nil {
		m.flash += m.useConversationModel(*msg.model)
	}
	return stopped
}

// restoreStored adds a stored message to the transcript, with how it ended.
func (m *Model) restoreStored(sm store.Message) {
	msg := provider.Message{Role: sm.Role, Content: sm.Text}
	for _, a := range sm.Attachments {
		msg.Attachments = append(msg.Attachments, a.Provider())
	}
	m.restore(msg)
	if sm.Role == provider.RoleUser {
		m.turns[len(m.turns)-1].saved = savedSlot(sm.ConversationID, sm.Seq)
	}
	if sm.Role != provider.RoleAssistant {
		return
	}
	t := &m.turns[len(m.turns)-1]
	a := t.answer
	if sm.Reasoning != "" {
		a.appendReasoning(sm.Reasoning, m.c.wrap, m.c.styles.Theme, time.Time{})
		a.thinkToks = sm.Usage.ReasoningTokens
		a.thought = sm.Thinking
		a.finish()
	}
	if sm.Status != "" {
		a.status = sm.Status
	}
	if sm.Status == store.StatusFailed {
		e := &entry{kind: entryError, text: "The answer failed", detail: termsafe.Sanitize(sm.Error), dirty: true}
		t.failed = e
		m.tr.entries = append(m.tr.entries, e)
	}
	a.dirty = true
}
