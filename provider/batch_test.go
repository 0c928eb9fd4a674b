package provider

import (
	"slices"
	"testing"
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

func TestBatches(t *testing.T) {
	ch := make(chan Chunk, 10)
	for i := range 7 {
		ch <- Chunk{Kind: KindText, Text: string(rune('a' + i))}
	}
	close(ch)
	var got []string
	var sizes []int
	for b := range Batches(ch, 3) {
		sizes = append(sizes, len(b))
		for _, c := range b {
			got = append(got, c.Text)
		}
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || len(got) != 7 || got[6] != "g" {
		t.Fatalf("batches of %v: %v", sizes, got)
	}
}
