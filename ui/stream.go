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
// rendered with them.
type chunksMsg struct {
	gen    int
	ch     <-chan provider.Chunk
	chunks []provider.Chunk
	closed bool
	frame  bool
}

// readChunks blocks for the next chunk of ch; when the next frame is not
// due yet (due: none after a pause, so the first token of it shows at
// once), it sleeps until it is, then takes whatever else the channel holds,
// and returns it all as one message that is also the frame. A paced stream
// so costs one message, one goroutine and one wake-up a frame instead of
// one a token: the chunks wait in the channel's buffer, as they would have
// waited for the frame. A full buffer makes the provider wait, as a slow
// reader does.
func readChunks(ch <-chan provider.Chunk, gen int, due time.Time) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		msg := chunksMsg{gen: gen, ch: ch, frame: true}
		msg.chunks, msg.closed = provider.Batch(ch, nil, maxBatch)
		n := len(msg.chunks)
		if wait := time.Until(due); wait > 0 && !msg.closed && n < maxBatch && !last(msg.chunks[n-1]) {
			time.Sleep(wait)
			msg.chunks, msg.closed = drain(ch, msg.chunks)
		}
		return msg
	}
}

// drain appends to buf the chunks ch holds, without waiting for more, up
// to maxBatch in all.
func drain(ch <-chan provider.Chunk, buf []provider.Chunk) ([]provider.Chunk, bool) {
	for len(buf) < maxBatch {
		select {
		case c, ok := <-ch:
			if !ok {
				return buf, true
			}
			buf = append(buf, c)
		default:
			return buf, false
		}
	}
	return buf, false
}

// last reports whether c ends an answer: it is shown without waiting.
func last(c provider.Chunk) bool {
	return c.Kind == provider.KindFinish || c.Kind == provider.KindError
}

// frameMsg asks for a render of the streaming answer.
type frameMsg struct{ gen int }

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
