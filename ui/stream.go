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

// chunksMsg carries every chunk that was waiting on the stream of exchange
// gen: the first one waited for, the others already buffered. closed says
// the channel was closed.
type chunksMsg struct {
	gen    int
	ch     <-chan provider.Chunk
	chunks []provider.Chunk
	closed bool
}

// readChunks blocks for the next chunk of ch, then drains whatever else is
// already buffered without waiting, so that a fast stream arrives as a few
// large messages instead of one message per token.
func readChunks(ch <-chan provider.Chunk, gen int) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		msg := chunksMsg{gen: gen, ch: ch}
		msg.chunks, msg.closed = provider.Batch(ch, nil, maxBatch)
		return msg
	}
}

// frameMsg asks for a render of the streaming answer.
type frameMsg struct{ gen int }

// frameTick schedules the next frame of exchange gen, frameInterval after
// the last one (at once when that is past: the first token shows without
// waiting for a tick).
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
