package providertest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// Wire describes a backend's answer as it travels, for Faults: a complete,
// finished answer cut into the units the backend decodes one at a time.
type Wire struct {
	// ContentType is the media type of the stream: text/event-stream or
	// application/x-ndjson.
	ContentType string
	// Frames are the answer's units in order, each with its terminator:
	// server-sent event blocks ending in their blank line (see SSEFrames),
	// or JSON lines ending in their newline (see LineFrames).
	Frames []string
	// Finished is the number of leading Frames that make a finished
	// answer. A stream that ends after fewer must never be reported as
	// finished; one that ends after these may be.
	Finished int
	// Text is the text of the answer.
	Text string
	// Word is a piece of Text that appears verbatim in Frames; the invalid
	// UTF-8 case replaces its first byte with 0xFF in every frame.
	Word string
	// Unknown is a frame the backend must ignore: an event or a field that
	// a newer version of the API might send.
	Unknown string
	// KeepAlive is a frame that carries nothing but counts as activity
	// (": ping\n\n"); empty when the format has none.
	KeepAlive string
	// Resumes is set for a backend that reconnects after a lost stream;
	// its reconnections are answered with 503.
	Resumes bool
	// Strict is set for a backend under EventSource's rules, which
	// refuses a successful response of another media type; the others
	// take a mislabelled body whose first line has the stream's shape.
	Strict bool
	// Known maps the names of cases that the backend is known to fail
	// (or the start of their names: "malformed") to why. They are skipped
	// with that reason, so that the gap shows in the test log.
	Known map[string]string
}

// NewFunc builds the provider under test for srv with the given options,
// which it must honour: the matrix sets Retry (never nil), Timeout and
// IdleTimeout.
type NewFunc func(srv *streamtest.Server, o provider.Options) provider.Provider

// SSEFrames cuts a server-sent event transcript after each blank line.
func SSEFrames(s string) []string { return cutAfter(s, "\n\n") }

// LineFrames cuts a JSON-lines transcript after each newline.
func LineFrames(s string) []string { return cutAfter(s, "\n") }

func cutAfter(s, sep string) []string {
	var frames []string
	for s != "" {
		i := strings.Index(s, sep)
		if i < 0 {
			return append(frames, s)
		}
		frames = append(frames, s[:i+len(sep)])
		s = s[i+len(sep):]
	}
	return frames
}

// idleLimit is the --idle-timeout of the timing cases and pingEvery their
// keep-alive interval: short, yet far enough apart that a loaded machine
// does not blur them.
const (
	idleLimit = 400 * time.Millisecond
	pingEvery = 50 * time.Millisecond
)

// Faults runs the fault matrix of issue 8 against a backend: each of
// FaultStatuses (see httpFaults); the answer byte by byte, trickled and
// with other line ends; cut cleanly and dropped after every frame and
// inside one, and reset over HTTP/2; retried before the first token and
// not after; silent (also after the finish marker), kept alive, and
// bounded by --timeout; invalid UTF-8, unknown frames, malformed JSON in
// every frame, a line over the size bound, a 200 that is an HTML page, and
// cancellation, also of a fast answer whose reader has stopped reading.
// Whatever happens, the stream keeps its contract (see Collect), never
// reports as finished an answer whose finish marker did not arrive, and
// shows only a prefix of the true answer.
func Faults(t *testing.T, b Backend, w Wire) {
	t.Helper()
	if w.Finished < 1 || w.Finished > len(w.Frames) {
		t.Fatalf("Wire.Finished = %d with %d frames", w.Finished, len(w.Frames))
	}
	body := strings.Join(w.Frames, "")
	f := &matrix{newProvider: b.New, req: b.Request, w: w}
	f.sub(t, "status", func(t *testing.T) { httpFaults(t, b) })
	f.sub(t, "whole", func(t *testing.T) {
		f.complete(t, f.run(t, provider.Options{}, streamtest.Write(body)))
	})
	f.sub(t, "byte by byte", func(t *testing.T) {
		f.complete(t, f.run(t, provider.Options{}, streamtest.Chunks(body, 1)))
	})
	f.sub(t, "trickle", func(t *testing.T) {
		f.complete(t, f.run(t, provider.Options{IdleTimeout: idleLimit}, streamtest.Trickle(body, 100*time.Microsecond)))
	})
	f.sub(t, "line ends", func(t *testing.T) {
		ends := []string{"\r\n"}
		if w.ContentType == provider.MediaEventStream {
			ends = append(ends, "\r")
		}
		for _, end := range ends {
			f.complete(t, f.run(t, provider.Options{}, streamtest.Chunks(strings.ReplaceAll(body, "\n", end), 7)))
		}
	})
	f.cuts(t)
	f.reset(t)
	f.retries(t)
	f.timing(t)
	f.content(t)
	f.sub(t, "html 200", func(t *testing.T) {
		page := "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
		r := f.collect(t, provider.Options{}, streamtest.Status(http.StatusOK, "text/html; charset=utf-8", page))
		f.failed(t, r, "expected "+w.ContentType+", got text/html", "502 Bad Gateway")
	})
	f.sub(t, "mislabelled 200", func(t *testing.T) {
		// Servers label streams text/plain, octet-stream or nothing; the
		// vendors' SDKs read them all. A wire under EventSource's rules
		// refuses them, as a browser does.
		body := strings.Join(f.w.Frames, "")
		for _, ct := range []string{"text/plain; charset=utf-8", "application/octet-stream", ""} {
			resp := streamtest.Response{Header: http.Header{"Content-Type": {ct}}, Steps: []streamtest.Step{streamtest.Chunks(body, 3)}}
			if r := f.collect(t, provider.Options{}, resp); f.w.Strict {
				f.failed(t, r, "expected "+f.w.ContentType)
			} else {
				f.complete(t, r)
			}
		}
	})
	f.sub(t, "cancel", func(t *testing.T) { f.cancel(t) })
	f.sub(t, "cancel under load", func(t *testing.T) { f.cancelUnderLoad(t) })
}

// sub runs the case name as a subtest, unless it is a known failure.
func (f *matrix) sub(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		for k, why := range f.w.Known {
			if strings.HasPrefix(name, k) {
				t.Skip("known failure: " + why)
			}
		}
		fn(t)
	})
}

type matrix struct {
	newProvider NewFunc
	req         provider.Request
	w           Wire
}

// run serves one 200 response of the wire's type made of steps.
func (f *matrix) run(t *testing.T, o provider.Options, steps ...streamtest.Step) Result {
	t.Helper()
	return f.collect(t, o, streamtest.Response{Header: http.Header{"Content-Type": {f.w.ContentType}}, Steps: steps})
}

// collect serves resp to the provider's first request; a resuming
// backend's later requests get a 503.
func (f *matrix) collect(t *testing.T, o provider.Options, resp streamtest.Response) Result {
	t.Helper()
	srv := streamtest.NewServerFunc(t, func(n int, r *http.Request) streamtest.Response {
		if n == 0 {
			return resp
		}
		if !f.w.Resumes {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL)
		}
		return streamtest.Status(http.StatusServiceUnavailable, "application/json", `{"error":{"message":"gone"}}`)
	})
	if o.Retry == nil {
		o.Retry = &provider.RetryPolicy{}
	}
	return Stream(t, f.newProvider(srv, o), f.req)
}

// complete checks an answer that must have arrived whole.
func (f *matrix) complete(t *testing.T, r Result) {
	t.Helper()
	if r.Err != nil || !r.Finished || r.Text != f.w.Text {
		t.Errorf("got text %q, finished %v, error %v; want %q finished", r.Text, r.Finished, r.Err, f.w.Text)
	}
}

// failed checks an answer that must have ended with an error holding
// every one of want, after a prefix of the answer. Once tokens have
// arrived, a lost connection must say how many.
func (f *matrix) failed(t *testing.T, r Result, want ...string) {
	t.Helper()
	if r.Err == nil {
		t.Fatalf("no error: text %q, finished %v", r.Text, r.Finished)
	}
	for _, s := range want {
		if !strings.Contains(r.Err.Error(), s) {
			t.Errorf("error %q does not say %q", r.Err, s)
		}
	}
	f.prefix(t, r)
	var lost *provider.LostError
	if errors.As(r.Err, &lost) {
		if lost.Deltas != r.Deltas || lost.Deltas == 0 {
			t.Errorf("error %q counts %d tokens; %d arrived", r.Err, lost.Deltas, r.Deltas)
		}
		if !errors.Is(r.Err, provider.ErrIncomplete) {
			t.Errorf("error %q is not provider.ErrIncomplete", r.Err)
		}
	}
}

// lost checks an answer that ended before its finish marker for want of
// data: an error wrapping ErrIncomplete, a *LostError once tokens arrived.
func (f *matrix) lost(t *testing.T, r Result, want ...string) {
	t.Helper()
	f.failed(t, r, want...)
	if r.Err == nil {
		return
	}
	var lost *provider.LostError
	if r.Deltas > 0 && !errors.As(r.Err, &lost) {
		t.Errorf("error %q after %d tokens is not a *provider.LostError", r.Err, r.Deltas)
	}
	// A time limit is not a lost connection: it says so in its own words.
	words := "connection lost after "
	var te *provider.TimeoutError
	if errors.As(r.Err, &te) {
		words = "answer incomplete after "
	}
	if r.Deltas > 0 && !strings.Contains(r.Err.Error(), words+strconv.Itoa(r.Deltas)+" tokens") {
		t.Errorf("error %q does not say %q%d tokens", r.Err, words, r.Deltas)
	}
}

func (f *matrix) prefix(t *testing.T, r Result) {
	t.Helper()
	if !strings.HasPrefix(f.w.Text, r.Text) {
		t.Errorf("text %q is not a prefix of the answer %q", r.Text, f.w.Text)
	}
}
