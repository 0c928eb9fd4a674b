package stream

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is everything a decoder tells about a stream.
type result struct {
	Events   []Event
	LastID   string
	Retry    time.Duration
	RetrySet bool
	Err      error
}

func decodeAll(r io.Reader, max int) result {
	d := NewDecoder(r)
	if max > 0 {
		d.SetMaxEventSize(max)
	}
	var res result
	for d.Next() {
		res.Events = append(res.Events, d.Event())
	}
	res.LastID = d.LastEventID()
	res.Retry, res.RetrySet = d.Retry()
	res.Err = d.Err()
	return res
}

func msg(data string) Event { return Event{Type: "message", Data: data} }

type sseCase struct {
	name   string
	in     string
	want   []Event
	lastID string
	retry  time.Duration // 0: no valid retry field
}

// The cases of the web-platform-tests eventsource/format-* suite, as the
// bytes their server sends (message.py ends each message with "\n\n\n",
// or with "\n" under newline=none), and what a browser dispatches. The
// format-mime-* cases are about the response's media type and are tested
// with the client.
var wptCases = []sseCase{
	{name: "format-bom", in: "\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n\n",
		want: []Event{msg("1"), msg("3")}},
	{name: "format-bom-2", in: "\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n\n",
		want: []Event{msg("2"), msg("3")}},
	{name: "format-comments",
		in: "data:1\r:\x00\n:\r\ndata:2\n:" + strings.Repeat("x", 2048) + "\rdata:3\n:data:fail\r:" +
			strings.Repeat("x", 2048) + "\ndata:4\n\n",
		want: []Event{msg("1\n2\n3\n4")}},
	{name: "format-data-before-final-empty-line", in: "retry:1000\ndata:test1\n\nid:test\ndata:test2\n",
		want: []Event{msg("test1")}, retry: time.Second},
	{name: "format-field-data", in: "data:\n\ndata\ndata\n\ndata:test\n\n\n",
		want: []Event{msg(""), msg("\n"), msg("test")}},
	{name: "format-field-event", in: "event:test\ndata:x\n\ndata:x\n\n\n",
		want: []Event{{Type: "test", Data: "x"}, msg("x")}},
	{name: "format-field-event-empty", in: "event: \ndata:data\n\n\n",
		want: []Event{msg("data")}},
	{name: "format-field-id", in: "id: \u2026\nretry: 1000\ndata: hello\n\n",
		want: []Event{{Type: "message", Data: "hello", ID: "\u2026"}}, lastID: "\u2026", retry: time.Second},
	{name: "format-field-id-2", in: "id: \u2026\ndata: hello\n\ndata: \u2026\n\nid: \u2026\ndata: \u2026\n\n",
		want: []Event{
			{Type: "message", Data: "hello", ID: "\u2026"},
			{Type: "message", Data: "\u2026", ID: "\u2026"},
			{Type: "message", Data: "\u2026", ID: "\u2026"},
		}, lastID: "\u2026"},
	{name: "format-field-id-3/persists", in: "id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n",
		want: []Event{
			{Type: "message", Data: "1", ID: "1"}, {Type: "message", Data: "2", ID: "1"},
			{Type: "message", Data: "3", ID: "2"}, {Type: "message", Data: "4", ID: "2"},
		}, lastID: "2"},
	{name: "format-field-id-3/resets", in: "id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
		want: []Event{{Type: "message", Data: "1", ID: "1"}, msg("2"), msg("3")}},
	{name: "format-field-id-3/resets-without-colon", in: "id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n",
		want: []Event{{Type: "message", Data: "1", ID: "1"}, msg("2"), msg("3")}},
	{name: "format-field-id-null/nul-nul", in: "id: \x00\x00\ndata: hello\n\n", want: []Event{msg("hello")}},
	{name: "format-field-id-null/x-nul", in: "id: x\x00\ndata: hello\n\n", want: []Event{msg("hello")}},
	{name: "format-field-id-null/nul-x", in: "id: \x00x\ndata: hello\n\n", want: []Event{msg("hello")}},
	{name: "format-field-id-null/x-nul-x", in: "id: x\x00x\ndata: hello\n\n", want: []Event{msg("hello")}},
	{name: "format-field-id-null/space-nul", in: "id:  \x00\ndata: hello\n\n", want: []Event{msg("hello")}},
	{name: "format-field-id-null/keeps-previous", in: "id: 1\ndata: a\n\nid: x\x00\ndata: b\n\n",
		want: []Event{{Type: "message", Data: "a", ID: "1"}, {Type: "message", Data: "b", ID: "1"}}, lastID: "1"},
	{name: "format-field-id-null/escaped-text", in: "id: x\\u0000\ndata: hello\n\n",
		want: []Event{{Type: "message", Data: "hello", ID: `x\u0000`}}, lastID: `x\u0000`},
	{name: "format-field-parsing",
		in:   "data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
		want: []Event{msg("\x00\n 2\n1\n3\n\n4")}},
	{name: "format-field-retry", in: "retry:03000\ndata:x\n\n\n", want: []Event{msg("x")}, retry: 3 * time.Second},
	{name: "format-field-retry-bogus", in: "retry:3000\nretry:1000x\ndata:x\n\n\n", want: []Event{msg("x")}, retry: 3 * time.Second},
	{name: "format-field-retry-empty", in: "retry\ndata:test\n\n\n", want: []Event{msg("test")}},
	{name: "format-field-unknown", in: "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n\n",
		want: []Event{msg("test\n\ntest")}},
	{name: "format-leading-space", in: "data:\ttest\rdata: \ndata:test\n\n\n", want: []Event{msg("\ttest\n\ntest")}},
	{name: "format-newlines", in: "data:test\r\ndata\ndata:test\r\n\r\n", want: []Event{msg("test\n\ntest")}},
	{name: "format-null-character", in: "data:\x00\n\n\n\n", want: []Event{msg("\x00")}},
	{name: "format-utf-8", in: "data:ok\xE2\x80\xA6\n\n\n", want: []Event{msg("ok\u2026")}},
}

// Further rules of the standard that the suite does not pin down.
var specCases = []sseCase{
	{name: "empty stream", in: ""},
	{name: "bom only", in: "\uFEFF"},
	{name: "partial bom is a field name", in: "\xEF\xBBdata:1\n\ndata:2\n\n", want: []Event{msg("2")}},
	{name: "bom then crlf", in: "\uFEFF\r\ndata:1\r\n\r\n", want: []Event{msg("1")}},
	{name: "lone cr lines", in: "data:a\rdata:b\r\rdata:c\r\r", want: []Event{msg("a\nb"), msg("c")}},
	{name: "cr cr is two lines", in: "data:a\r\r\ndata:b\n\n", want: []Event{msg("a"), msg("b")}},
	{name: "one leading space only", in: "data:  two\n\n", want: []Event{msg(" two")}},
	{name: "value may hold colons", in: "data: a: b:c\n\n", want: []Event{msg("a: b:c")}},
	{name: "field names are exact", in: "Data: x\nDATA: y\nevent : z\ndata: w\n\n", want: []Event{msg("w")}},
	{name: "pending event discarded at end", in: "data: a\n\ndata: b\n", want: []Event{msg("a")}},
	{name: "pending event discarded without terminator", in: "data: a\n\ndata: b", want: []Event{msg("a")}},
	{name: "empty data buffer resets the type", in: "event: x\n\ndata: y\n\n", want: []Event{msg("y")}},
	{name: "type applies to one event", in: "event: a\nevent: b\ndata: 1\n\ndata: 2\n\n",
		want: []Event{{Type: "b", Data: "1"}, msg("2")}},
	{name: "id alone updates the last id", in: "id: 7\n\ndata: x\n\n",
		want: []Event{{Type: "message", Data: "x", ID: "7"}}, lastID: "7"},
	{name: "id of an undispatched event is ignored", in: "id: 1\ndata: a\n\nid: 2\ndata: b", lastID: "1",
		want: []Event{{Type: "message", Data: "a", ID: "1"}}},
	{name: "id takes effect at dispatch", in: "data: a\nid: 3\n\n",
		want: []Event{{Type: "message", Data: "a", ID: "3"}}, lastID: "3"},
	{name: "retry takes effect at once", in: "retry: 5\ndata: a", retry: 5 * time.Millisecond},
	{name: "retry signs and spaces are bogus", in: "retry: -1\nretry: +2\nretry: 3 \nretry:  4\n\n"},
	{name: "retry zero", in: "retry: 0\n\n", retry: 0},
	{name: "invalid utf-8 becomes U+FFFD",
		in:   "event: \xFFx\ndata: a\xC3\nid: \xE2\x82\ndata: \xF0\x9F\x98\n\n",
		want: []Event{{Type: "\uFFFDx", Data: "a\uFFFD\n\uFFFD", ID: "\uFFFD"}}, lastID: "\uFFFD"},
	{name: "surrogates and overlongs", in: "data: \xED\xA0\x80|\xC0\xAF|\xF4\x90\x80\x80\n\n",
		want: []Event{msg("\uFFFD\uFFFD\uFFFD|\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD\uFFFD")}},
	{name: "comment with no space", in: ":ping\n:\n\n", want: nil},
	{name: "openai frame", in: "data: {\"choices\":[]}\n\ndata: [DONE]\n\n",
		want: []Event{msg(`{"choices":[]}`), msg("[DONE]")}},
}

func TestDecoderConformance(t *testing.T) {
	for _, cases := range [][]sseCase{wptCases, specCases} {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := decodeAll(strings.NewReader(c.in), 0)
				want := result{Events: c.want, LastID: c.lastID, Retry: c.retry}
				want.RetrySet = c.retry != 0 || strings.Contains(c.name, "retry zero")
				if !reflect.DeepEqual(got, want) {
					t.Errorf("decode %q:\n got %+v\nwant %+v", c.in, got, want)
				}
			})
		}
	}
}

func allCases() []sseCase { return append(append([]sseCase(nil), wptCases...), specCases...) }

// A stream cut into two reads at any byte, or read one byte at a time,
// decodes to the same events: CR LF across reads, a BOM across reads, and
// a multi-byte character across reads change nothing.
func TestDecoderSplits(t *testing.T) {
	for _, c := range allCases() {
		want := decodeAll(strings.NewReader(c.in), 0)
		for i := 0; i <= len(c.in); i++ {
			r := io.MultiReader(strings.NewReader(c.in[:i]), strings.NewReader(c.in[i:]))
			if got := decodeAll(r, 0); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: split at %d: got %+v, want %+v", c.name, i, got, want)
			}
		}
		if got := decodeAll(iotest.OneByteReader(strings.NewReader(c.in)), 0); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: one byte at a time: got %+v, want %+v", c.name, got, want)
		}
		if got := decodeAll(iotest.DataErrReader(strings.NewReader(c.in)), 0); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: data with EOF: got %+v, want %+v", c.name, got, want)
		}
	}
}

// chunkReader returns its input in reads of random sizes.
type chunkReader struct {
	b   []byte
	rnd *rand.Rand
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(1+r.rnd.IntN(17), len(p), len(r.b))
	n = copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

func TestDecoderRandomChunks(t *testing.T) {
	var all strings.Builder
	for _, c := range allCases() {
		all.WriteString(c.in)
		all.WriteString("\n\n")
	}
	in := all.String()
	want := decodeAll(strings.NewReader(in), 0)
	if len(want.Events) < 30 {
		t.Fatalf("only %d events", len(want.Events))
	}
	for seed := range uint64(50) {
		r := &chunkReader{b: []byte(in), rnd: rand.New(rand.NewPCG(seed, 1))}
		if got := decodeAll(r, 0); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: got %+v, want %+v", seed, got, want)
		}
	}
}

func TestDecoderSetLastEventID(t *testing.T) {
	d := NewDecoder(strings.NewReader("data: a\n\nid: 2\ndata: b\n\n"))
	d.SetLastEventID("1")
	var ids []string
	for d.Next() {
		ids = append(ids, d.Event().ID)
	}
	if !reflect.DeepEqual(ids, []string{"1", "2"}) || d.LastEventID() != "2" {
		t.Errorf("ids %q, last %q", ids, d.LastEventID())
	}
}

func TestDecoderLimits(t *testing.T) {
	const max = 64
	tests := []struct {
		name, in string
		events   int
		wantErr  bool
	}{
		{"long line", "data: ok\n\n" + strings.Repeat("x", 1000) + "\n\n", 1, true},
		{"long line without end", "data: ok\n\n" + strings.Repeat("x", 1000), 1, true},
		{"long comment", ":" + strings.Repeat("x", max) + "\ndata: ok\n\n", 0, true},
		{"long event", "data: ok\n\n" + strings.Repeat("data: 0123456789\n", 10) + "\n", 1, true},
		{"line at the limit", "data: ok\n\n:" + strings.Repeat("x", max-1) + "\ndata: ok\n\n", 2, false},
		{"data at the limit", "data: " + strings.Repeat("x", max/2) + "\ndata:" + strings.Repeat("x", max/2-1) + "\n\n", 1, false},
		{"data over the limit", "data: " + strings.Repeat("x", max/2) + "\ndata:" + strings.Repeat("x", max/2) + "\n\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got := decodeAll(r, max)
				var se *SizeError
				wantErr := tt.wantErr
				if len(got.Events) != tt.events || (got.Err != nil) != wantErr {
					t.Fatalf("got %d events, %v", len(got.Events), got.Err)
				}
				if wantErr && (!errors.As(got.Err, &se) || se.Limit != max || !errors.Is(got.Err, ErrTooLarge)) {
					t.Fatalf("error %v, want a *SizeError", got.Err)
				}
			}
		})
	}
	if got := (&SizeError{Limit: DefaultMaxEventSize}).Error(); got != "stream: event exceeds 8 MiB" {
		t.Errorf("message %q", got)
	}
}

// The decoder never holds much more than its limit, whatever the input.
func TestDecoderMemoryBounded(t *testing.T) {
	const max = 1 << 10
	inputs := map[string]io.Reader{
		"no newline":  io.LimitReader(repeatReader('x'), 1<<20),
		"only cr":     io.LimitReader(repeatReader('\r'), 1<<20),
		"data lines":  io.LimitReader(repeatString("data: xxxxxxxxxxxxxxxx\n"), 1<<20),
		"invalid utf": io.LimitReader(repeatString("data: \xFF\xFF\xFF\xFF\xFF\xFF\xFF\n"), 1<<20),
	}
	for name, r := range inputs {
		d := NewDecoder(r)
		d.SetMaxEventSize(max)
		for d.Next() {
		}
		if cap(d.buf) > 2*max+64 || cap(d.data) > 4*max {
			t.Errorf("%s: buffers grew to %d and %d bytes", name, cap(d.buf), cap(d.data))
		}
	}
}

type repeatReader byte

func (c repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

type stringRepeater struct {
	s string
	i int
}

func repeatString(s string) io.Reader { return &stringRepeater{s: s} }

func (r *stringRepeater) Read(p []byte) (int, error) {
	for n := range p {
		p[n] = r.s[r.i]
		r.i = (r.i + 1) % len(r.s)
	}
	return len(p), nil
}

// A 50 MB line ends the stream with the default limit's error, having
// held no more than the limit.
func TestDecoderHugeLine(t *testing.T) {
	r := io.MultiReader(strings.NewReader("data: ok\n\ndata: "), io.LimitReader(repeatReader('x'), 50<<20), strings.NewReader("\n\n"))
	d := NewDecoder(r)
	n := 0
	for d.Next() {
		n++
	}
	if n != 1 || d.Err() == nil || d.Err().Error() != "stream: event exceeds 8 MiB" {
		t.Errorf("%d events, error %v", n, d.Err())
	}
	if cap(d.buf) > DefaultMaxEventSize+2 {
		t.Errorf("buffer grew to %d bytes", cap(d.buf))
	}
}

func TestDecoderReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b\n"), iotest.ErrReader(boom))
	got := decodeAll(r, 0)
	if len(got.Events) != 1 || !errors.Is(got.Err, boom) {
		t.Errorf("got %+v", got)
	}
	got = decodeAll(zeroReader{}, 0)
	if !errors.Is(got.Err, io.ErrNoProgress) {
		t.Errorf("a reader that returns nothing: %v", got.Err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// An event's strings do not change when the decoder moves on.
func TestDecoderEventsAreStable(t *testing.T) {
	d := NewDecoder(bytes.NewReader([]byte("event: a\ndata: 1\n\nevent: b\ndata: 2\n\n")))
	d.Next()
	first := d.Event()
	d.Next()
	if first.Type != "a" || first.Data != "1" {
		t.Errorf("first event changed to %+v", first)
	}
}
