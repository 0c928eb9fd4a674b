package provider

import (
	"testing"
	"time"
)

func TestBatch(t *testing.T) {
	ch := make(chan Chunk, 10)
	for i := range 5 {
		ch <- Chunk{Kind: KindText, Text: string(rune('a' + i))}
	}
	b, closed := Batch(ch, nil, 3)
	if len(b) != 3 || closed {
		t.Fatalf("first batch: %d chunks, closed %v; want 3 chunks, open", len(b), closed)
	}
	b, closed = Batch(ch, b, 3)
	if len(b) != 2 || closed || b[0].Text != "d" {
		t.Fatalf("second batch: %v, closed %v; want d and e, open", b, closed)
	}
	ch <- Chunk{Kind: KindText, Text: "f"}
	close(ch)
	b, closed = Batch(ch, b, 3)
	if len(b) != 1 || !closed {
		t.Fatalf("last batch: %v, closed %v; want f, closed", b, closed)
	}
	if b, closed = Batch(ch, b, 3); len(b) != 0 || !closed {
		t.Fatalf("after close: %v, closed %v; want nothing, closed", b, closed)
	}
}

// BatchOr gives up waiting when wake fires first, with nothing taken and
// the channel not closed; chunks then wait for the next call.
func TestBatchOrWakes(t *testing.T) {
	ch := make(chan Chunk, 10)
	wake := make(chan time.Time, 1)
	wake <- time.Now()
	if b, closed := BatchOr(ch, nil, 3, wake); len(b) != 0 || closed {
		t.Fatalf("woken: %v, closed %v; want nothing, open", b, closed)
	}
	ch <- Chunk{Kind: KindText, Text: "a"}
	close(ch)
	if b, closed := BatchOr(ch, nil, 3, wake); len(b) != 1 || !closed {
		t.Fatalf("after the wake: %v, closed %v; want a, closed", b, closed)
	}
}
