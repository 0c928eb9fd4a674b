package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/parley-chat/parley/provider"
)

// frameInterval is the shortest time between two renders of a streaming
// answer: deltas arriving in between are coalesced into one render.
const frameInterval = time.Second / 60

// maxBatch bounds the chunks one message carries, so that a flood of
// deltas still lets key presses through between two batches.
const maxBatch = 4096

// streamOpenedMsg reports that Provider.Stream returned for exchange gen.
type streamOpenedMsg struct {
	gen int
	ch  <-chan provider.Chunk
	err error
}

// openStream calls Provider.Stream off the event loop: it is documented
// not to block on the network, but a slow adapter must not freeze the
// screen either.
func openStream(ctx context.Context, p provider.Provider, req provider.Request, gen int) tea.Cmd {
	return func() tea.Msg {
		defer logPanic()
		ch, err := p.Stream(ctx, req)
		return streamOpenedMsg{gen: gen, ch: ch, err: err}
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
		c, ok := <-ch
		if !ok {
			return chunksMsg{gen: gen, ch: ch, closed: true}
		}
		msg := chunksMsg{gen: gen, ch: ch, chunks: []provider.Chunk{c}}
		for len(msg.chunks) < maxBatch {
			select {
			case c, ok := <-ch:
				if !ok {
					msg.closed = true
					return msg
				}
				msg.chunks = append(msg.chunks, c)
			default:
				return msg
			}
		}
		return msg
	}
}

// frameMsg asks for a render of the streaming answer.
type frameMsg struct{ gen int }

// frameTick schedules the next frame of exchange gen.
func frameTick(gen int) tea.Cmd {
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return frameMsg{gen: gen} })
}
