package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/store"
)

// frameInterval is the shortest time between two renders of a streaming
// answer: deltas arriving in between are coalesced into one render.
const frameInterval = time.Second / 60

// frameBudget is how much more of an answer's text a frame shows at most:
// about 70 ms of rendering at 120 columns. Text that arrives faster than
// that (a fast local server, a buffering proxy) appears in steps, with key
// presses read between them, instead of in one long render.
const frameBudget = 16 << 10

// maxBatch bounds the chunks one message carries, so that a flood of
// deltas still lets key presses through between two batches.
const maxBatch = 4096

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

// chunksMsg carries the chunks of exchange gen that arrived since the last
// message: the first one waited for, the others gathered until a frame was
// due. closed says the channel was closed; frame, that the answer is to be
// rendered with them; fast, that the channel filled up meanwhile.
type chunksMsg struct {
	gen    int
	ch     <-chan provider.Chunk
	chunks []provider.Chunk
	closed bool
	frame  bool
	fast   bool
}

// readChunks blocks for the next chunk of ch and, when the next frame is
// not due yet (due: none after a pause, so the first token of it shows at
// once), gathers what else comes until it is, then returns it all as one
// message that is also the frame. It gathers by sleeping and then taking
// what the channel holds: one wake-up a frame instead of one a token, as
// the chunks wait in the channel's buffer as they would have waited for
// the frame. A stream that fills the buffer meanwhile (fast, from the
// message before) would be held back by that, and by the time a frame
// takes to render, so its chunks are taken as they come, as a burst's
// (see Model.received), until a batch finds only one.
func readChunks(ch <-chan provider.Chunk, gen int, due time.Time, fast bool) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		msg := chunksMsg{gen: gen, ch: ch, frame: true}
		msg.chunks, msg.closed = provider.Batch(ch, nil, maxBatch)
		n := len(msg.chunks)
		if fast {
			// As a burst arrives: a message per batch, the frames on
			// their own ticks (Model.received), so that the channel is
			// read while a frame renders.
			msg.frame, msg.fast = false, n > 1
			return msg
		}
		wait := time.Until(due)
		if wait <= 0 || msg.closed || n >= maxBatch || last(msg.chunks[n-1]) {
			return msg
		}
		time.Sleep(wait)
		if held := len(ch); held > 0 { // this reader alone takes from ch: Batch will not wait
			msg.fast = held == cap(ch)
			var more []provider.Chunk
			more, msg.closed = provider.Batch(ch, nil, maxBatch-n)
			msg.chunks = append(msg.chunks, more...)
		}
		return msg
	}
}

// last reports whether c ends an answer: it is shown without waiting.
func last(c provider.Chunk) bool {
	return c.Kind == provider.KindFinish || c.Kind == provider.KindError
}

// frameMsg asks for a render of the streaming answer.
type frameMsg struct{ gen int }

// frameTick schedules the next frame of exchange gen, frameInterval after
// the last one (at once when that is past).
func frameTick(gen int, last time.Time) tea.Cmd {
	wait := frameInterval - time.Since(last)
	if wait <= 0 {
		return func() tea.Msg { return frameMsg{gen: gen} }
	}
	return tea.Tick(wait, func(time.Time) tea.Msg { return frameMsg{gen: gen} })
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
