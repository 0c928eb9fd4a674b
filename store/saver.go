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
// StatusFailed with the error Unfinished, which is what a crash leaves.
type Saver struct {
	store    *Store
	ctx      context.Context // not cancelled when the stream is
	interval time.Duration
	start    time.Time

	writing sync.Mutex     // one database write at a time, in order
	pending sync.WaitGroup // a scheduled or running background write

	mu        sync.Mutex
	msg       Message // ID and the fixed fields; text lives in the builders
	text      strings.Builder
	reasoning strings.Builder
	timer     *time.Timer // the scheduled background write, if any
	lastWrite time.Time
	finished  bool
	err       error // the first failed background write
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
	return &Saver{
		store:     s,
		ctx:       context.WithoutCancel(ctx),
		interval:  FlushInterval,
		start:     start,
		msg:       m,
		lastWrite: start,
	}, nil
}

// ID is the stored message's ID.
func (sv *Saver) ID() int64 { return sv.msg.ID }

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
	b.WriteString(delta)
	sv.changed()
}

// changed schedules a background write unless one is already due. Called
// with sv.mu held.
func (sv *Saver) changed() {
	if sv.timer != nil || sv.finished {
		return
	}
	delay := max(sv.interval-time.Since(sv.lastWrite), 0)
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
	m := sv.snapshot()
	sv.mu.Unlock()

	if err := sv.store.UpdateMessage(sv.ctx, m); err != nil {
		sv.mu.Lock()
		if sv.err == nil {
			sv.err = err
		}
		sv.mu.Unlock()
	}
}

// snapshot returns the message as it stands. Called with sv.mu held. The
// strings share the builders' memory, which later appends never change.
func (sv *Saver) snapshot() Message {
	m := sv.msg
	m.Text, m.Reasoning = sv.text.String(), sv.reasoning.String()
	m.Duration = time.Since(sv.start)
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
	sv.mu.Unlock()
	return m, sv.store.UpdateMessage(sv.ctx, m)
}
