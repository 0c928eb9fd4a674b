package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrNotJSON is wrapped by the error that ends an NDJSON stream at a line
// that is not a JSON object.
var ErrNotJSON = errors.New("stream: not a JSON object")

// LineError reports a line of an NDJSON stream that is not a JSON object.
type LineError struct {
	// Line is the line's number, from 1.
	Line int
	// Snippet is the start of the line, quoted, safe to print.
	Snippet string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("stream: line %d is not a JSON object: %s", e.Line, e.Snippet)
}

// Unwrap returns ErrNotJSON.
func (e *LineError) Unwrap() error { return ErrNotJSON }

// NDJSONReader reads newline-delimited JSON objects, one a line, as
// Ollama's native API streams them. It is shaped like bufio.Scanner: call
// Next until it returns false, read each object with Bytes, then check Err.
// Lines end with LF or CRLF; blank lines are skipped; a final line without
// a newline counts when the stream ends cleanly.
type NDJSONReader struct {
	window
	line int // number of the current line
	cur  []byte
}

// NewNDJSON returns an NDJSONReader reading from r, with lines bounded by
// DefaultMaxEventSize.
func NewNDJSON(r io.Reader) *NDJSONReader {
	return &NDJSONReader{window: window{r: r, max: DefaultMaxEventSize}}
}

// SetMaxLineSize bounds the length of a line; a longer one ends the stream
// with a *SizeError. It must be called before the first Next.
func (n *NDJSONReader) SetMaxLineSize(size int) {
	if size > 0 {
		n.max = size
	}
}

// Bytes returns the JSON object that the last call to Next read, without
// its line terminator. The slice is valid until the next call to Next.
func (n *NDJSONReader) Bytes() []byte { return n.cur }

// Line returns the number, from 1, of the line that Bytes returns.
func (n *NDJSONReader) Line() int { return n.line }

// Err returns the error that ended the stream, or nil at a clean end.
func (n *NDJSONReader) Err() error { return n.err }

// Next reads the next JSON object. It returns false at the end of the
// stream or on an error: a read error, a line longer than the limit
// (*SizeError), or a line that is not a JSON object (*LineError).
func (n *NDJSONReader) Next() bool {
	n.cur = nil
	for n.err == nil {
		line, ok := n.next()
		if !ok {
			return false
		}
		n.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || !json.Valid(line) {
			n.err = &LineError{Line: n.line, Snippet: snippet(line, 40)}
			return false
		}
		n.cur = line
		return true
	}
	return false
}

// next returns the next line without its LF.
func (n *NDJSONReader) next() ([]byte, bool) {
	scanned := 0
	for {
		if i := bytes.IndexByte(n.buf[n.start+scanned:n.end], '\n'); i >= 0 {
			line := n.buf[n.start : n.start+scanned+i]
			n.start += scanned + i + 1
			if n.tooLong(line) {
				return nil, false
			}
			return line, true
		}
		scanned = n.end - n.start
		if !n.more() {
			if n.err != nil || scanned == 0 {
				return nil, false // a line cut by a failed read is not parsed
			}
			line := n.buf[n.start:n.end]
			n.start = n.end
			return line, true
		}
		n.fill(16<<10, 1) // nothing here keeps a position in buf
	}
}

// snippet returns the start of b, at most n runes, quoted so that it is
// safe to print.
func snippet(b []byte, n int) string {
	i, runes := 0, 0
	for i < len(b) && runes < n {
		_, size := utf8.DecodeRune(b[i:])
		i += size
		runes++
	}
	if i < len(b) {
		return fmt.Sprintf("%q…", b[:i])
	}
	return fmt.Sprintf("%q", b)
}
