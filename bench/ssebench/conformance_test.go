package ssebench

import (
	"strings"
	"testing"

	sse "github.com/tmaxmax/go-sse"

	"github.com/parley-chat/parley/stream"
)

type ev struct{ typ, data, id string }

func ours(in string) []ev {
	var out []ev
	d := stream.NewDecoder(strings.NewReader(in))
	for d.Next() {
		e := d.Event()
		out = append(out, ev{e.Type, e.Data, e.ID})
	}
	return out
}

// theirs decodes with go-sse, naming an unnamed event "message" as
// EventSource does (go-sse leaves the type empty by design).
func theirs(in string) []ev {
	var out []ev
	for e, err := range sse.Read(strings.NewReader(in), nil) {
		if err != nil {
			break
		}
		if e.Type == "" {
			e.Type = "message"
		}
		out = append(out, ev{e.Type, e.Data, e.LastEventID})
	}
	return out
}

func equal(a, b []ev) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestGoSSEDifferences records where go-sse v0.12.0 departs from the WHATWG
// rules that stream.Decoder follows, and where the two agree; it fails if
// a new version of either changes that.
func TestGoSSEDifferences(t *testing.T) {
	agree := map[string]string{
		"double bom":       "\uFEFF\uFEFFdata:1\n\ndata:2\n\n",
		"id with NUL":      "id: 1\ndata: a\n\nid: x\x00\ndata: b\n\n",
		"id reset":         "id: 1\ndata: 1\n\nid:\ndata:2\n\n",
		"CR framing":       "data:a\rdata:b\r\r",
		"CR CR LF":         "data:a\r\r\ndata:b\n\n",
		"format-comments":  "data:1\r:\x00\n:\r\ndata:2\n:xx\rdata:3\n:data:fail\r:yy\ndata:4\n\n",
		"format-parsing":   "data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
		"undispatched end": "data: a\n\ndata: b",
	}
	for name, in := range agree {
		if a, b := ours(in), theirs(in); !equal(a, b) {
			t.Errorf("%s: ours %q, go-sse %q", name, a, b)
		}
	}
	differ := []struct {
		name, in     string
		ours, theirs []ev
	}{
		// The standard: an event with an empty data buffer is not dispatched.
		{"event without data", "event: x\n\ndata: y\n\n",
			[]ev{{"message", "y", ""}}, []ev{{"x", "", ""}, {"message", "y", ""}}},
		// The standard decodes the stream as UTF-8: invalid bytes become U+FFFD.
		{"invalid UTF-8", "data: a\xff\xc3\n\n",
			[]ev{{"message", "a\uFFFD\uFFFD", ""}}, []ev{{"message", "a\xff\xc3", ""}}},
	}
	for _, d := range differ {
		if got := ours(d.in); !equal(got, d.ours) {
			t.Errorf("%s: ours %q, want %q", d.name, got, d.ours)
		}
		if got := theirs(d.in); !equal(got, d.theirs) {
			t.Errorf("%s: go-sse %q, recorded as %q", d.name, got, d.theirs)
		}
	}
}
