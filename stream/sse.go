// Package stream decodes the byte streams that language models answer
// with: Server-Sent Events, decoded by the rules of the WHATWG HTML
// standard ("Interpreting an event stream"), and newline-delimited JSON. It
// knows nothing about models or providers.
//
// Every reader here is shaped like bufio.Scanner: call Next until it
// returns false, read the current item, then check Err.
//
//   - Decoder turns an io.Reader into Events, exactly as a browser's
//     EventSource would, with a bound on line and event size (*SizeError).
//   - NDJSONReader returns one JSON object a line (*LineError otherwise).
//   - WatchIdle wraps a response body so that a silent server ends the
//     read with an *IdleError instead of hanging.
//   - Client is a reconnecting EventSource over HTTP.
//
// A Client is used like this:
//
//	c := stream.NewClient(ctx, httpClient,
//		stream.NewRequestFunc("POST", url, body, header),
//		stream.Options{OnReconnect: func(r stream.Reconnect) { ... }})
//	defer c.Close()
//	for c.Next() {
//		ev := c.Event() // Type, Data, ID
//	}
//	if err := c.Err(); err != nil { ... }
//
// The Client sends Accept: text/event-stream and Cache-Control: no-cache.
// A response other than 200 text/event-stream fails with a *ResponseError
// (status, media type, start of the body) and is never retried; a 204
// ends the stream cleanly. When an established connection ends, cleanly
// or not, the Client waits the reconnection time (the server's retry
// field, else Options.Retry), doubling it with jitter after each
// reconnection that brings no event, and reconnects with Last-Event-ID
// set to the last dispatched ID, so that a server that keeps IDs resumes
// the stream with nothing lost or repeated. Options.OnReconnect learns of
// each reconnection before its wait (to show "reconnecting", say). A
// failure of the very first connection is reported at once: there is
// nothing to resume. Cancelling the context ends everything; the Client
// starts no goroutine of its own.
package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// DefaultMaxEventSize bounds a line and an event's data unless
// SetMaxEventSize says otherwise.
const DefaultMaxEventSize = 8 << 20

// ErrTooLarge is wrapped by the error that ends a stream whose line or
// event exceeds the decoder's bound.
var ErrTooLarge = errors.New("stream: event too large")

// SizeError reports a line or event larger than the decoder's bound.
type SizeError struct{ Limit int }

func (e *SizeError) Error() string { return "stream: event exceeds " + formatSize(e.Limit) }

// Unwrap returns ErrTooLarge.
func (e *SizeError) Unwrap() error { return ErrTooLarge }

func formatSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Event is one dispatched server-sent event.
type Event struct {
	// Type is the event type; "message" when the stream named none.
	Type string
	// Data is the event's data, lines joined by LF.
	Data string
	// ID is the last event ID in effect when the event was dispatched.
	ID string
}

// Decoder reads server-sent events from an io.Reader. It is shaped like
// bufio.Scanner: call Next until it returns false, read each Event, then
// check Err.
type Decoder struct {
	window

	started bool // the BOM check has been done
	skipLF  bool // the previous line ended in CR; a following LF belongs to it
	lf, cr  nextByte

	data      []byte // the data buffer, each line ending in LF
	first     []byte // the only data line so far, still in buf, when inBuf
	inBuf     bool
	hasData   bool
	typ       []byte
	hasType   bool
	lastID    string // the last event ID buffer, committed at dispatch
	pendingID string // the id field's value in the event being read
	idSet     bool
	retry     time.Duration
	retrySet  bool
	lastType  string // interned copy of the previous custom event type

	ev Event
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{window: window{r: r, max: DefaultMaxEventSize}, lf: nextByte{at: -1}, cr: nextByte{at: -1}}
}

// SetMaxEventSize bounds the length of a line and of an event's data; a
// stream that exceeds it ends with a *SizeError. It must be called before
// the first Next.
func (d *Decoder) SetMaxEventSize(n int) {
	if n > 0 {
		d.max = n
	}
}

// SetLastEventID sets the last event ID in effect before the first event,
// as a reconnecting client does.
func (d *Decoder) SetLastEventID(id string) { d.lastID = id }

// Event returns the event that the last call to Next decoded.
func (d *Decoder) Event() Event { return d.ev }

// Err returns the error that ended the stream, or nil at a clean end.
func (d *Decoder) Err() error { return d.err }

// LastEventID returns the last event ID in effect: that of the last
// dispatched event that set one.
func (d *Decoder) LastEventID() string { return d.lastID }

// Retry returns the reconnection time that the stream last set with a valid
// retry field, and whether it set one.
func (d *Decoder) Retry() (time.Duration, bool) { return d.retry, d.retrySet }

// Next decodes the next event. It returns false at the end of the stream or
// on an error; an event that was not dispatched by a blank line before the
// end is discarded.
func (d *Decoder) Next() bool {
	for {
		line, ok := d.line()
		if !ok {
			return false
		}
		if len(line) == 0 {
			if d.dispatch() {
				return true
			}
			continue
		}
		if !d.field(line) {
			return false
		}
	}
}

// dispatch ends the event being read; it reports whether there is one.
func (d *Decoder) dispatch() bool {
	if d.idSet {
		d.lastID, d.idSet = d.pendingID, false
	}
	if !d.hasData {
		d.hasType = false
		d.typ = d.typ[:0]
		return false
	}
	var data []byte
	if d.inBuf {
		data = d.first
	} else {
		data = d.data[:len(d.data)-1] // without the last LF
	}
	d.ev = Event{Type: d.eventType(), Data: string(data), ID: d.lastID}
	d.data, d.first = d.data[:0], nil
	d.hasData, d.hasType, d.inBuf = false, false, false
	d.typ = d.typ[:0]
	return true
}

func (d *Decoder) eventType() string {
	if !d.hasType || len(d.typ) == 0 {
		return "message"
	}
	if string(d.typ) != d.lastType {
		d.lastType = string(d.typ)
	}
	return d.lastType
}

// field processes one non-empty line.
func (d *Decoder) field(line []byte) bool {
	if line[0] == ':' {
		return true // a comment
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		return d.appendData(value)
	case "event":
		d.typ = appendValid(d.typ[:0], value)
		d.hasType = true
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			switch string(value) { // an unchanged ID costs no allocation
			case d.pendingID:
			case d.lastID:
				d.pendingID = d.lastID
			default:
				d.pendingID = validString(value)
			}
			d.idSet = true
		}
	case "retry":
		if ms, ok := digits(value); ok {
			d.retry, d.retrySet = time.Duration(ms)*time.Millisecond, true
		}
	}
	return true
}

// appendData adds a data line to the event. The first line of an event is
// left where it is in buf, saving a copy for the common event of one line,
// until a second line comes or buf moves.
func (d *Decoder) appendData(value []byte) bool {
	if !d.hasData && len(value) <= d.max && utf8.Valid(value) {
		d.first, d.inBuf, d.hasData = value, true, true
		return true
	}
	d.keepData()
	if len(d.data)+len(value) > d.max { // d.data ends in the LF dispatch removes
		d.err = &SizeError{Limit: d.max}
		return false
	}
	d.data = appendValid(d.data, value)
	d.data = append(d.data, '\n')
	d.hasData = true
	return true
}

// keepData copies a data line still in buf into the data buffer.
func (d *Decoder) keepData() {
	if d.inBuf {
		d.data = append(append(d.data[:0], d.first...), '\n')
		d.first, d.inBuf = nil, false
	}
}

// validString returns b as a string, invalid UTF-8 replaced.
func validString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string(appendValid(nil, b))
}

func digits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<62)/10 {
			n = 1 << 62 // saturate: a reconnection time of ages
			continue
		}
		n = n*10 + int64(c-'0')
	}
	if n > int64(time.Duration(1<<62)/time.Millisecond) {
		n = int64(time.Duration(1<<62) / time.Millisecond)
	}
	return n, true
}
