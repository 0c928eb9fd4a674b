package ui

import (
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// TestReadChunksKeepsUpWithABurst checks that the chunk reader, which
// sleeps until the frame is due while a paced stream's chunks wait in the
// channel, does not hold a fast stream to a bufferful a frame: once the
// buffer was found full, it returns each batch at once, without a frame
// (the frames come on ticks, while the channel is read).
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
	start := time.Now()
	next := readChunks(ch, 1, start.Add(frame), first.fast)().(chunksMsg)
	if next.frame || time.Since(start) > frame/2 || len(next.chunks) == 0 {
		t.Errorf("a fast stream's next batch: frame %v after %v with %d chunks; want no frame, at once", next.frame, time.Since(start), len(next.chunks))
	}
}
