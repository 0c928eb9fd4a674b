package provider

import "time"

// Batch waits for the next chunk of ch, then takes whatever else is
// already buffered there without waiting, up to limit chunks in all, so that
// a fast stream is read as a few large batches instead of one chunk at a
// time. It appends them to buf[:0] and reports whether ch was found
// closed; the batch may hold chunks even then. Readers that render or
// write once per batch pay for a burst once.
func Batch(ch <-chan Chunk, buf []Chunk, limit int) (batch []Chunk, closed bool) {
	return BatchOr(ch, buf, limit, nil)
}

// BatchOr is Batch that also gives up waiting for the first chunk when
// wake fires: it then returns an empty batch, not closed. A nil wake
// never fires.
func BatchOr(ch <-chan Chunk, buf []Chunk, limit int, wake <-chan time.Time) (batch []Chunk, closed bool) {
	buf = buf[:0]
	select {
	case c, ok := <-ch:
		if !ok {
			return buf, true
		}
		buf = append(buf, c)
	case <-wake:
		return buf, false
	}
	return Drain(ch, buf, limit)
}

// Drain appends to buf what ch holds already, without waiting, until buf
// has limit chunks, and reports whether ch was found closed.
func Drain(ch <-chan Chunk, buf []Chunk, limit int) (batch []Chunk, closed bool) {
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
