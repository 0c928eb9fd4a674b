package stream

import (
	"bytes"
	"io"
)

// bom is the UTF-8 byte order mark, which a stream may begin with.
const bom = "\xEF\xBB\xBF"

// line returns the next line without its terminator (CRLF, LF or CR). The
// slice is valid until the next call. It reports false at the end of the
// stream, with d.err set if the end was not clean; bytes after the last
// terminator are dropped.
func (d *Decoder) line() ([]byte, bool) {
	if d.err != nil {
		return nil, false
	}
	scanned := 0 // bytes of buf[start:end] known to hold no terminator
	for {
		if !d.started {
			d.startStream()
		}
		if d.started {
			if d.skipLF && d.start < d.end {
				d.skipLF = false
				if d.buf[d.start] == '\n' {
					d.start++
				}
			}
			if eol := d.indexEOL(d.start + scanned); eol >= 0 {
				return d.cut(eol)
			}
			scanned = d.end - d.start
			if !d.more() {
				return nil, false
			}
		} // not started yet: the input has not ended (see startStream)
		d.fill()
	}
}

// startStream strips a leading BOM once enough bytes have arrived to tell
// whether the stream begins with one.
func (d *Decoder) startStream() {
	b := d.buf[d.start:d.end]
	if len(b) < len(bom) && !d.eof && bytes.HasPrefix([]byte(bom), b) {
		return // could still be a BOM
	}
	d.started = true
	if bytes.HasPrefix(b, []byte(bom)) {
		d.start += len(bom)
	}
}

// cut returns the line that ends at buf[eol] and consumes it with its
// terminator.
func (d *Decoder) cut(eol int) ([]byte, bool) {
	line := d.buf[d.start:eol]
	if d.tooLong(line) {
		return nil, false
	}
	next := eol + 1
	if d.buf[eol] == '\r' {
		switch {
		case next == d.end:
			d.skipLF = true // the LF, if any, is in the next read
		case d.buf[next] == '\n':
			next++
		}
	}
	d.start = next
	return line, true
}

// indexEOL returns the index in buf of the first CR or LF in
// buf[from:end], or -1. The positions of the next CR and the next LF are
// remembered, so that each byte is searched once for each, whatever the
// framing: a stream framed by LF costs no search for CR per line, and one
// framed by CR no search for LF.
func (d *Decoder) indexEOL(from int) int {
	lf := d.lf.find(d.buf, from, d.end, '\n')
	cr := d.cr.find(d.buf, from, d.end, '\r')
	switch {
	case cr < 0:
		return lf
	case lf < 0:
		return cr
	}
	return min(cr, lf)
}

// nextByte remembers where a byte is next found in a buffer: at is its
// index, or -1 when buf[from:end] holds none, from being the position of
// the last search.
type nextByte struct{ at, end int }

// find returns the index of the first c in buf[from:end], or -1. from
// never decreases between calls, save through shift.
func (n *nextByte) find(buf []byte, from, end int, c byte) int {
	if n.at >= from {
		return n.at
	}
	s := from
	if n.at < 0 && n.end > s {
		s = n.end // buf[from:n.end] is known to hold no c
	}
	n.at, n.end = -1, end
	if i := bytes.IndexByte(buf[s:end], c); i >= 0 {
		n.at = s + i
	}
	return n.at
}

// shift accounts for the buffer's content moving k bytes to the left.
func (n *nextByte) shift(k int) {
	switch {
	case n.at >= k:
		n.at -= k
	case n.at >= 0:
		n.at, n.end = -1, 0 // already consumed
	default:
		n.end = max(n.end-k, 0)
	}
}

// window is the read buffer of a line reader (the SSE Decoder, the
// NDJSONReader): buf[start:end] holds the bytes read but not yet
// consumed, and a line may be max bytes long.
type window struct {
	r          io.Reader
	buf        []byte
	start, end int
	max        int
	eof        bool  // the reader has nothing more
	rerr       error // the error that ended the reader (nil for io.EOF), reported once buf is used up
	err        error // the error that ended the stream
}

// tooLong reports whether line is longer than a line may be, and then
// ends the stream with a *SizeError.
func (w *window) tooLong(line []byte) bool {
	if len(line) > w.max {
		w.err = &SizeError{Limit: w.max}
		return true
	}
	return false
}

// more is asked when buf[start:end] holds no line terminator: it reports
// whether to read on. It does not when those bytes are already too long
// for a line (ending the stream with a *SizeError) or when the input has
// ended (with the reader's error, nil for a clean end).
func (w *window) more() bool {
	if w.tooLong(w.buf[w.start:w.end]) {
		return false
	}
	if w.eof {
		w.err = w.rerr
		return false
	}
	return true
}

// fill reads more input into buf. When buf is full, its content moves to
// the front, or, when it fills buf from the front, into a buffer twice as
// large, of at least least bytes and at most max+term: the reader has
// made sure that end-start <= max, so a longest line and its terminator
// (of up to term bytes) fit. fill returns how far the content moved to
// the left, for the positions in buf that the reader keeps.
func (w *window) fill(least, term int) (moved int) {
	if w.start > 0 && (w.start == w.end || w.end == len(w.buf)) {
		moved = w.start
		w.end = copy(w.buf, w.buf[w.start:w.end])
		w.start = 0
	}
	if w.end == len(w.buf) { // start is 0
		nb := make([]byte, min(max(2*len(w.buf), least), w.max+term))
		w.end = copy(nb, w.buf[:w.end])
		w.buf = nb
	}
	var n int
	n, w.eof, w.rerr = readSome(w.r, w.buf[w.end:])
	w.end += n
	return moved
}

// fill reads more input into buf, as window.fill does, for lines that end
// in a CR LF at the most.
func (d *Decoder) fill() {
	d.keepData() // buf is about to change
	if k := d.window.fill(32<<10, 2); k > 0 {
		d.lf.shift(k)
		d.cr.shift(k)
	}
}

// readSome reads into buf until a read brings bytes or an error. It
// reports eof when r has nothing more, with r's error (nil for io.EOF);
// after 100 reads that bring neither, it gives up with io.ErrNoProgress,
// as bufio does.
func readSome(r io.Reader, buf []byte) (n int, eof bool, err error) {
	for range 100 {
		k, err := r.Read(buf)
		switch {
		case err == io.EOF:
			return k, true, nil
		case err != nil:
			return k, true, err
		case k > 0:
			return k, false, nil
		}
	}
	return 0, true, io.ErrNoProgress
}
