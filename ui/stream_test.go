package ui

import (
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// TestReadChunksKeepsUpWithABurst checks that the chunk reader, which
// sleeps until the frame is due while a paced stream's chunks wait in the
// channel, does not hold a fast stream to a bufferful a frame: once the
// buffer was found full, it takes the chunks as they come.
func TestReadChunksKeepsUpWithABurst(t *testing.T) {
	ch := make(chan provider.Chunk, 64)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a stream of thousands of chunks a second
		defer close(done)
		defer close(ch)
		for {
			time.Sleep(20 * time.Microsecond)
			select {
			case ch <- provider.Chunk{Kind: provider.KindText, Text: "word "}:
			case <-stop:
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for range ch {
		}
		<-done
	}()
	const frame = 200 * time.Millisecond // long enough to fill the buffer on a loaded machine
	first := readChunks(ch, 1, time.Now().Add(frame), false)().(chunksMsg)
	if !first.fast || !first.frame {
		t.Fatalf("after sleeping on a full buffer: fast %v, frame %v; want both", first.fast, first.frame)
	}
	next := readChunks(ch, 1, time.Now().Add(frame), first.fast)().(chunksMsg)
	if n := len(next.chunks); n <= 2*cap(ch) {
		t.Errorf("a fast stream gave %d chunks in a frame, about what the buffer holds (%d)", n, cap(ch))
	}
}
