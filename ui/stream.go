package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// frameInterval is the shortest time between two renders of a streaming
// answer, from the end of one to the start of the next: deltas arriving in
// between are coalesced into one render.
const frameInterval = time.Second / 60

// frameBudget is how much more of an answer's text a frame shows at most:
// about 70 ms of rendering at 120 columns. Text that arrives faster than
// that (a fast local server, a buffering proxy) appears in steps, with key
// presses read between them, instead of in one long render.
const frameBudget = 16 << 10

// streamOpenedMsg reports that Provider.Stream returned for exchange gen,
// and where the answer is being saved.
type streamOpenedMsg struct {
	gen int
	ch  <-chan provider.Chunk
	err error

	convID  string // the conversation the prompt was saved in
	convSeq int    // Model.convSeq when the exchange started
	saver   *store.Saver
	saveErr error
}

// openStream saves the prompt (when st is not nil) and calls
// Provider.Stream, off the event loop: Stream is documented not to block
// on the network, but a slow adapter or disk must not freeze the screen.
func openStream(ctx context.Context, p provider.Provider, req provider.Request, gen int, st *store.Store, rec record) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		var msg streamOpenedMsg
		if st != nil {
			// The prompt is saved even if the answer is stopped meanwhile.
			msg.convID, msg.saver, msg.saveErr = begin(context.WithoutCancel(ctx), st, rec)
		} else {
			close(rec.slot.done)
		}
		msg.gen, msg.convSeq = gen, rec.convSeq
		msg.ch, msg.err = p.Stream(ctx, req)
		return msg
	}
}

// chunksMsg carries the chunks of exchange gen's stream that arrived since
// the last one, and is the answer's next frame. closed says the channel was
// closed.
type chunksMsg struct {
	gen    int
	r      *reader // nil for a message made by hand
	chunks []provider.Chunk
	closed bool
}

// reader takes an exchange's chunks off the provider's channel as they come,
// in a goroutine of its own, and hands them to the chat a frame at a time.
// The chat so wakes at most once a frame however fast tokens come (a
// message per token costs a goroutine, an Update and a View each), and a
// burst never waits in the channel's small buffer while a frame renders:
// what arrives meanwhile is kept here, however much it is.
//
// The goroutine starts with the first read and ends when the channel is
// closed, which a provider does promptly once the request's context is
// cancelled (see provider.Provider): it never outlives its request.
type reader struct {
	ch    <-chan provider.Chunk
	start sync.Once
	ready chan struct{} // one slot: buf went from empty to not empty
	done  chan struct{} // closed once the stream's final chunk came or its channel closed

	mu     sync.Mutex
	buf    []provider.Chunk // arrived, not taken yet
	closed bool             // the channel was closed
}

func newReader(ch <-chan provider.Chunk) *reader {
	return &reader{ch: ch, ready: make(chan struct{}, 1), done: make(chan struct{})}
}

// pump reads the channel to its end.
func (r *reader) pump() {
	defer logPanic()
	ended := false
	end := func() {
		if !ended {
			ended = true
			close(r.done)
		}
	}
	for c := range r.ch {
		r.mu.Lock()
		r.buf = append(r.buf, c)
		first := len(r.buf) == 1
		r.mu.Unlock()
		if first {
			select {
			case r.ready <- struct{}{}:
			default: // a wake-up is waiting already
			}
		}
		if c.Kind == provider.KindFinish || c.Kind == provider.KindError {
			end() // the last chunk: the chat takes it at once
		}
	}
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	end()
}

// take returns what arrived since the last take, and whether the channel
// was closed.
func (r *reader) take() ([]provider.Chunk, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.buf
	r.buf = nil // the chat may hold got a while: never appended to again
	return got, r.closed
}

// next waits for the next chunk of exchange gen, then until due, the time of
// the next frame (at once when that is past: the first token after a pause
// shows without waiting), and returns everything that arrived by then as one
// message. The stream's last chunk, or the end of its channel, cuts the wait
// short: the last words never wait for a frame.
func (r *reader) next(gen int, due time.Time) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		r.start.Do(func() { go r.pump() })
		select {
		case <-r.ready:
		case <-r.done:
		}
		if wait := time.Until(due); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-r.done:
				t.Stop()
			}
		}
		msg := chunksMsg{gen: gen, r: r}
		msg.chunks, msg.closed = r.take()
		return msg
	}
}

// waitInterval is how often the status line shows the time spent waiting
// for the first token.
const waitInterval = 250 * time.Millisecond

// waitTickMsg refreshes the waiting time of exchange gen.
type waitTickMsg struct{ gen int }

// waitTick schedules the next refresh of the waiting time. It only runs
// while an exchange waits for its first token.
func waitTick(gen int) tea.Cmd {
	return tea.Tick(waitInterval, func(time.Time) tea.Msg { return waitTickMsg{gen: gen} })
}
