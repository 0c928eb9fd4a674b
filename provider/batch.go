package provider

import "iter"

// Batch waits for the next chunk of ch, then takes whatever else is
// already buffered there without waiting, up to limit chunks in all, so that
// a fast stream is read as a few large batches instead of one chunk at a
// time. It appends them to buf[:0] and reports whether ch was found
// closed; the batch may hold chunks even then. Readers that render or
// write once per batch pay for a burst once.
func Batch(ch <-chan Chunk, buf []Chunk, limit int) (batch []Chunk, closed bool) {
	buf = buf[:0]
	c, ok := <-ch
	if !ok {
		return buf, true
	}
	buf = append(buf, c)
	for len(buf) < limit {
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

// Batches yields the chunks of ch in batches (see Batch) of at most limit
// chunks until ch is closed. The slice it yields is reused by the next
// batch.
func Batches(ch <-chan Chunk, limit int) iter.Seq[[]Chunk] {
	return func(yield func([]Chunk) bool) {
		buf := make([]Chunk, 0, limit)
		for {
			var closed bool
			buf, closed = Batch(ch, buf, limit)
			if len(buf) > 0 && !yield(buf) {
				return
			}
			if closed {
				return
			}
		}
	}
}
