package store

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/parley-chat/parley/provider"
)

// FlushInterval is the longest a streamed delta waits before it is written
// to the database, and so the most of an answer a crash can lose.
const FlushInterval = time.Second

// Saver keeps an answer in the store while it streams. Its methods that take
// a delta are cheap (an append under a mutex) and never wait for the disk:
// writing happens in a background goroutine, at most once per
// FlushInterval and always within FlushInterval of a delta's arrival, so a
// kill -9 loses at most the last second of the answer. Finish writes the
// end state.
//
// A Saver is safe for concurrent use. Until Finish, the stored answer has
// StatusFailed with the error Unfinished, which is what a crash leaves. An
// answer that replaces others (ReplaceAnswer) is written only from its
// first text on.
type Saver struct {
	store    *Store
	ctx      context.Context // not cancelled when the stream is
	interval time.Duration
	start    time.Time
	now      func() time.Time // the clock of the thinking time

	writing sync.Mutex     // one database write at a time, in order
	pending sync.WaitGroup // a scheduled or running background write

	mu        sync.Mutex
	msg       Message // ID and the fixed fields; text lives in the builders
	text      strings.Builder
	reasoning strings.Builder
	timer     *time.Timer // the scheduled background write, if any
	lastWrite time.Time
	thinkFrom time.Time // the first reasoning delta
	thinkTo   time.Time // the last one, or the first words after them
	finished  bool
	err       error // the first failed background write

	// An answer made by ReplaceAnswer has no place in the store until its
	// first text: until then swap holds what to write, and placed is open.
	swap      *swap
	placed    chan struct{}
	promptSeq int
}

// swap is the exchange a Saver made by ReplaceAnswer writes with its first
// text, in place of the messages from Seq from on.
type swap struct {
	prompt Message
	from   int
}

// StartAnswer saves the beginning of an assistant answer in the
// conversation m.ConversationID (m's Model and Provider say who answers)
// and returns the Saver that keeps the rest. Timings are measured from now.
// ctx bounds the writes but its cancellation does not: a stopped answer is
// still saved.
func (s *Store) StartAnswer(ctx context.Context, m Message) (*Saver, error) {
	m.Role = provider.RoleAssistant
	m.Status, m.Error = StatusFailed, Unfinished
	start := time.Now()
	m, err := s.AddMessage(ctx, m)
	if err != nil {
		return nil, err
	}
	placed := make(chan struct{})
	close(placed) // it has its place already
	return newSaver(ctx, s, m, start, placed), nil
}

func newSaver(ctx context.Context, s *Store, m Message, start time.Time, placed chan struct{}) *Saver {
	return &Saver{
		store:     s,
		ctx:       context.WithoutCancel(ctx),
		interval:  FlushInterval,
		start:     start,
		msg:       m,
		lastWrite: start,
		placed:    placed,
		now:       time.Now,
	}
}

// ReplaceAnswer is StartAnswer for an exchange that replaces the end of a
// conversation: a regenerated answer, or an edited prompt sent again. The
// messages of prompt.ConversationID whose Seq is from or more (none when
// from <= 0) give way to prompt and to the answer the Saver keeps (answer's
// Model and Provider say who answers), but only once the answer has text:
// nothing is written before, and the first text deletes the old messages
// and saves the new ones in one transaction. An answer that ends (Finish)
// before any text leaves the conversation as it was: a regenerate that
// fails or is stopped at once loses nothing.
func (s *Store) ReplaceAnswer(ctx context.Context, prompt, answer Message, from int) *Saver {
	answer.ConversationID = prompt.ConversationID
	answer.Role = provider.RoleAssistant
	answer.Status, answer.Error = StatusFailed, Unfinished
	prompt.Role = provider.RoleUser
	sv := newSaver(ctx, s, answer, time.Now(), make(chan struct{}))
	sv.swap = &swap{prompt: prompt, from: from}
	return sv
}

// Placed is closed once the answer has its place in the store, and also
// once Finish has ended an answer that never got one. An answer made by
// StartAnswer has its place from the start.
func (sv *Saver) Placed() <-chan struct{} { return sv.placed }

// PromptSeq is the Seq of the prompt saved with the answer, once Placed
// is closed: by Begin, or by the first words of an answer made by
// ReplaceAnswer; 0 when nothing was saved, and for an answer made by
// StartAnswer alone.
func (sv *Saver) PromptSeq() int {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.promptSeq
}

// ID is the stored message's ID; 0 while an answer made by ReplaceAnswer
// has no place in the store.
func (sv *Saver) ID() int64 {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.msg.ID
}

// Chunk records a chunk of the stream: text and reasoning deltas and usage.
// Other kinds are ignored; the caller ends the answer with Finish, after
// which chunks change nothing.
func (sv *Saver) Chunk(c provider.Chunk) {
	switch c.Kind {
	case provider.KindText:
		sv.Text(c.Text)
	case provider.KindReasoning:
		sv.Reasoning(c.Text)
	case provider.KindUsage:
		sv.mu.Lock()
		if !sv.finished {
			sv.msg.Usage = c.Usage
			sv.changed()
		}
		sv.mu.Unlock()
	}
}

// Text appends a delta of the answer.
func (sv *Saver) Text(delta string) { sv.add(&sv.text, delta) }

// Reasoning appends a delta of the model's reasoning.
func (sv *Saver) Reasoning(delta string) { sv.add(&sv.reasoning, delta) }

func (sv *Saver) add(b *strings.Builder, delta string) {
	if delta == "" {
		return
	}
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.finished {
		return // the answer is stored as it ended
	}
	if sv.msg.TimeToFirst == 0 {
		sv.msg.TimeToFirst = max(time.Since(sv.start), time.Millisecond)
	}
	sv.thinking(b == &sv.reasoning)
	b.WriteString(delta)
	sv.changed()
}

// thinking keeps the time the model reasoned: from its first reasoning
// delta to its last, or to the first words of the answer after them.
// Called with sv.mu held, before the delta is appended.
func (sv *Saver) thinking(reasoning bool) {
	switch {
	case reasoning:
		now := sv.now()
		if sv.thinkFrom.IsZero() {
			sv.thinkFrom = now
		}
		sv.thinkTo = now
	case !sv.thinkFrom.IsZero() && sv.text.Len() == 0:
		sv.thinkTo = sv.now() // the answer begins: the thinking ended
	}
}

// changed schedules a background write unless one is already due. Called
// with sv.mu held.
func (sv *Saver) changed() {
	if sv.timer != nil || sv.finished {
		return
	}
	delay := max(sv.interval-time.Since(sv.lastWrite), 0)
	if sv.swap != nil && sv.text.Len() > 0 {
		delay = 0 // the first words of a replacement: swap at once
	}
	sv.pending.Add(1)
	sv.timer = time.AfterFunc(delay, sv.flush)
}

// flush writes what has arrived so far; it runs on its timer's goroutine.
func (sv *Saver) flush() {
	defer sv.pending.Done()
	sv.writing.Lock()
	defer sv.writing.Unlock()
	sv.mu.Lock()
	sv.timer = nil
	sv.lastWrite = time.Now()
	m, sw := sv.snapshot(), sv.swap
	sv.mu.Unlock()

	if err := sv.write(m, sw); err != nil {
		sv.mu.Lock()
		if sv.err == nil {
			sv.err = err
		}
		sv.mu.Unlock()
	}
}

// write writes m: an update of the stored answer, or, for an answer that
// has no place yet (sw), the swap, once m has text. Called with
// sv.writing held.
func (sv *Saver) write(m Message, sw *swap) error {
	if sw == nil {
		return sv.store.UpdateMessage(sv.ctx, m)
	}
	if m.Text == "" {
		return nil // no words yet: the old exchange stays
	}
	p, a, err := sv.store.replaceExchange(sv.ctx, sw.from, sw.prompt, m)
	if err != nil {
		return err
	}
	sv.mu.Lock()
	sv.msg.ID, sv.msg.Seq, sv.msg.CreatedAt = a.ID, a.Seq, a.CreatedAt
	sv.promptSeq = p.Seq
	sv.swap = nil
	sv.mu.Unlock()
	close(sv.placed)
	return nil
}

// snapshot returns the message as it stands. Called with sv.mu held. The
// strings share the builders' memory, which later appends never change.
func (sv *Saver) snapshot() Message {
	m := sv.msg
	m.Text, m.Reasoning = sv.text.String(), sv.reasoning.String()
	m.Duration = time.Since(sv.start)
	m.Thinking = sv.thinkTo.Sub(sv.thinkFrom)
	return m
}

// Err returns the first background write that failed, if any. The answer
// is still written in full by Finish if the database recovers.
func (sv *Saver) Err() error {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.err
}

// Finish writes the end of the answer: its status, the error that ended it
// (ignored for StatusComplete), its duration, and all its text. It waits
// for a background write in progress and returns the stored message. Calls
// after the first write nothing more and return the same message.
func (sv *Saver) Finish(status Status, cause error) (Message, error) {
	sv.mu.Lock()
	if sv.finished {
		m := sv.msg
		sv.mu.Unlock()
		return m, nil
	}
	sv.finished = true
	if sv.timer != nil && sv.timer.Stop() {
		sv.pending.Done()
	}
	sv.timer = nil
	sv.mu.Unlock()
	sv.pending.Wait()

	sv.writing.Lock()
	defer sv.writing.Unlock()
	sv.mu.Lock()
	m := sv.snapshot()
	m.Status, m.Error = status, ""
	if status != StatusComplete && cause != nil {
		m.Error = cause.Error()
	}
	sv.msg = m
	sw := sv.swap
	sv.mu.Unlock()
	err := sv.write(m, sw)
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.swap != nil {
		close(sv.placed) // ended without a place: it will never have one
		sv.swap = nil
	}
	m.ID, m.Seq, m.CreatedAt = sv.msg.ID, sv.msg.Seq, sv.msg.CreatedAt
	sv.msg = m
	return m, err
}

// setClock makes now the clock of the thinking time, unless it is nil.
func (sv *Saver) setClock(now func() time.Time) {
	if now != nil {
		sv.mu.Lock()
		sv.now = now
		sv.mu.Unlock()
	}
}
