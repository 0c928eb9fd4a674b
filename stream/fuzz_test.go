package stream

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// whatwgUTF8 decodes b by the Encoding Standard's UTF-8 decoder: each
// maximal ill-formed subsequence becomes one U+FFFD. It is written apart
// from appendValid, as the fuzz test's oracle.
func whatwgUTF8(b []byte) string {
	var out strings.Builder
	need, seen := 0, 0
	var cp rune
	lo, hi := byte(0x80), byte(0xBF)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if need == 0 {
			switch {
			case c <= 0x7F:
				out.WriteByte(c)
			case c >= 0xC2 && c <= 0xDF:
				need, cp = 1, rune(c&0x1F)
			case c >= 0xE0 && c <= 0xEF:
				if c == 0xE0 {
					lo = 0xA0
				} else if c == 0xED {
					hi = 0x9F
				}
				need, cp = 2, rune(c&0xF)
			case c >= 0xF0 && c <= 0xF4:
				if c == 0xF0 {
					lo = 0x90
				} else if c == 0xF4 {
					hi = 0x8F
				}
				need, cp = 3, rune(c&0x7)
			default:
				out.WriteRune(utf8.RuneError)
			}
			continue
		}
		if c < lo || c > hi {
			need, seen, cp, lo, hi = 0, 0, 0, 0x80, 0xBF
			out.WriteRune(utf8.RuneError)
			i-- // the byte starts afresh
			continue
		}
		lo, hi = 0x80, 0xBF
		cp = cp<<6 | rune(c&0x3F)
		if seen++; seen == need {
			out.WriteRune(cp)
			need, seen, cp = 0, 0, 0
		}
	}
	if need != 0 {
		out.WriteRune(utf8.RuneError)
	}
	return out.String()
}

// reference decodes a whole stream by the standard's algorithm, step by
// step and without regard for speed: decode, strip a BOM, split lines,
// process fields.
func reference(in []byte) result {
	s := strings.TrimPrefix(whatwgUTF8(in), "\uFEFF")
	var res result
	var data, typ, idBuf strings.Builder
	hasData := false
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break // an unterminated line, and the event it belongs to, is dropped
		}
		line := s[:i]
		if strings.HasPrefix(s[i:], "\r\n") {
			i++
		}
		s = s[i+1:]
		if line == "" {
			res.LastID = idBuf.String()
			if hasData {
				d := strings.TrimSuffix(data.String(), "\n")
				t := typ.String()
				if t == "" {
					t = "message"
				}
				res.Events = append(res.Events, Event{Type: t, Data: d, ID: res.LastID})
			}
			data.Reset()
			typ.Reset()
			hasData = false
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "event":
			typ.Reset()
			typ.WriteString(value)
		case "id":
			if !strings.Contains(value, "\x00") {
				idBuf.Reset()
				idBuf.WriteString(value)
			}
		case "retry":
			if value != "" && strings.Trim(value, "0123456789") == "" {
				ms, _ := digits([]byte(value))
				res.Retry, res.RetrySet = time.Duration(ms)*time.Millisecond, true
			}
		}
	}
	return res
}

func TestReferenceAgrees(t *testing.T) {
	for _, c := range allCases() {
		if got, want := decodeAll(strings.NewReader(c.in), 0), reference([]byte(c.in)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoder %+v, reference %+v", c.name, got, want)
		}
	}
}

func addSeeds(f *testing.F) {
	for _, c := range allCases() {
		f.Add([]byte(c.in), uint16(len(c.in)/2))
	}
}

// FuzzDecoder checks that the decoder agrees with the reference on any
// input, however it is cut into reads, never panics, and stays within its
// memory bound.
func FuzzDecoder(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		k := int(cut) % (len(in) + 1)
		r := io.MultiReader(bytes.NewReader(in[:k]), bytes.NewReader(in[k:]))
		want := reference(in)
		if got := decodeAll(r, 0); !reflect.DeepEqual(got, want) {
			t.Fatalf("decoder %+v\nreference %+v", got, want)
		}
		// With a small bound, the decoder gives the reference's events up
		// to the error, and holds no more than the bound.
		const max = 32
		d := NewDecoder(bytes.NewReader(in))
		d.SetMaxEventSize(max)
		n := 0
		for d.Next() {
			if n >= len(want.Events) || d.Event() != want.Events[n] {
				t.Fatalf("bounded decoder: event %d is %+v", n, d.Event())
			}
			n++
		}
		if d.Err() != nil && !errors.Is(d.Err(), ErrTooLarge) {
			t.Fatalf("error %v", d.Err())
		}
		if d.Err() == nil && n != len(want.Events) {
			t.Fatalf("bounded decoder: %d events and no error, want %d", n, len(want.Events))
		}
		if cap(d.buf) > max+2 || len(d.data) > 3*max+3 {
			t.Fatalf("buffers of %d and %d bytes", cap(d.buf), len(d.data))
		}
	})
}

// FuzzNDJSON checks that the NDJSON reader never panics, stays within its
// bound, returns only JSON objects, and reads the same however the input is
// cut.
func FuzzNDJSON(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"b\":[2]}\r\n\n"), uint16(3))
	f.Add([]byte("{\"done\":true}"), uint16(0))
	f.Add([]byte("{\"a\":1}\nnope\n"), uint16(9))
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		k := int(cut) % (len(in) + 1)
		whole := readNDJSON(bytes.NewReader(in), 0)
		split := readNDJSON(io.MultiReader(bytes.NewReader(in[:k]), bytes.NewReader(in[k:])), 0)
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("whole %+v, split at %d %+v", whole, k, split)
		}
		const max = 32
		n := NewNDJSON(bytes.NewReader(in))
		n.SetMaxLineSize(max)
		for n.Next() {
			if b := n.Bytes(); len(b) == 0 || b[0] != '{' || len(b) > max {
				t.Fatalf("line %q", b)
			}
		}
		if cap(n.buf) > max+1 {
			t.Fatalf("buffer of %d bytes", cap(n.buf))
		}
	})
}
