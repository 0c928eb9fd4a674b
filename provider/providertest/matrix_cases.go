package providertest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
	"github.com/parley-chat/parley/stream/streamtest"
)

// The cases of Faults, by kind of fault.

// cuts ends the stream cleanly and abruptly after every frame, and in
// the middle of each frame before the finish.
func (f *matrix) cuts(t *testing.T) {
	fr := f.w.Frames
	for k := 0; k <= len(fr); k++ {
		head := strings.Join(fr[:k], "")
		f.sub(t, "end after "+strconv.Itoa(k), func(t *testing.T) {
			r := f.run(t, provider.Options{}, streamtest.Write(head))
			f.afterCut(t, r, k)
		})
		f.sub(t, "drop after "+strconv.Itoa(k), func(t *testing.T) {
			r := f.run(t, provider.Options{}, streamtest.Write(head), streamtest.Drop())
			f.afterCut(t, r, k)
		})
		if k < f.w.Finished {
			f.sub(t, "drop inside "+strconv.Itoa(k), func(t *testing.T) {
				r := f.run(t, provider.Options{}, streamtest.Write(head+fr[k][:len(fr[k])/2]), streamtest.Drop())
				f.lost(t, r)
			})
		}
	}
}

// reset drops the connection after the head of the answer over HTTP/2,
// as the model APIs serve: the stream is reset rather than closed.
func (f *matrix) reset(t *testing.T) {
	head := strings.Join(f.w.Frames[:f.w.Finished-1], "")
	f.sub(t, "http/2 reset", func(t *testing.T) {
		resps := []streamtest.Response{{Header: http.Header{"Content-Type": {f.w.ContentType}},
			Steps: []streamtest.Step{streamtest.Write(head), streamtest.Drop()}}}
		if f.w.Resumes {
			for range 5 {
				resps = append(resps, streamtest.Status(http.StatusServiceUnavailable, "application/json", `{"error":{"message":"gone"}}`))
			}
		}
		srv := streamtest.NewTLSServer(t, resps...)
		f.lostHead(t, Stream(t, f.newProvider(srv, provider.Options{Retry: &provider.RetryPolicy{}}), f.req))
	})
}

// lostHead is lost for a stream cut after the head of the answer, which
// holds tokens: they must have arrived.
func (f *matrix) lostHead(t *testing.T, r Result, want ...string) {
	t.Helper()
	if r.Deltas == 0 {
		t.Errorf("no token of the answer's head arrived; error %v", r.Err)
	}
	f.lost(t, r, want...)
}

func (f *matrix) afterCut(t *testing.T, r Result, k int) {
	t.Helper()
	if k < f.w.Finished {
		f.lost(t, r)
		return
	}
	if r.Finished && r.Text != f.w.Text {
		t.Errorf("finished with text %q, want %q", r.Text, f.w.Text)
	}
	if !r.Finished {
		f.prefix(t, r)
	}
}

// retries checks that a request is retried, visibly, while no token has
// arrived, and never after one.
func (f *matrix) retries(t *testing.T) {
	body := strings.Join(f.w.Frames, "")
	head := strings.Join(f.w.Frames[:f.w.Finished-1], "")
	policy := &provider.RetryPolicy{Max: 2, Base: time.Millisecond, Cap: time.Millisecond}
	ok := streamtest.Response{Header: http.Header{"Content-Type": {f.w.ContentType}}, Steps: []streamtest.Step{streamtest.Write(body)}}
	f.sub(t, "retry before first token", func(t *testing.T) {
		srv := streamtest.NewServer(t, streamtest.Status(http.StatusServiceUnavailable, "application/json", `{"error":{"message":"overloaded"}}`), ok)
		r := Stream(t, f.newProvider(srv, provider.Options{Retry: policy}), f.req)
		f.complete(t, r)
		if len(r.Notices) == 0 {
			t.Error("the retry was not announced")
		}
	})
	if f.w.Resumes {
		return // a lost stream is resumed, not retried from the start
	}
	f.sub(t, "no retry after a token", func(t *testing.T) {
		// A second request would go beyond the script and fail the test.
		srv := streamtest.NewServer(t, streamtest.Response{Header: http.Header{"Content-Type": {f.w.ContentType}},
			Steps: []streamtest.Step{streamtest.Write(head), streamtest.Drop()}})
		f.lostHead(t, Stream(t, f.newProvider(srv, provider.Options{Retry: policy}), f.req))
	})
}

// timing covers silence before the headers, mid-answer and after the
// finish marker, keep-alives that must count as activity, and a
// whole-request deadline.
func (f *matrix) timing(t *testing.T) {
	head := strings.Join(f.w.Frames[:f.w.Finished-1], "")
	rest := strings.Join(f.w.Frames[f.w.Finished-1:], "")
	idle := func(t *testing.T, r Result) {
		t.Helper()
		var te *provider.TimeoutError
		if !errors.As(r.Err, &te) || !te.Idle {
			t.Errorf("error %v is not an idle *provider.TimeoutError", r.Err)
		}
		f.failed(t, r, "--idle-timeout")
	}
	f.sub(t, "silent before headers", func(t *testing.T) {
		idle(t, f.collect(t, provider.Options{IdleTimeout: idleLimit}, streamtest.Response{Steps: []streamtest.Step{streamtest.Stall()}}))
	})
	f.sub(t, "silent mid-answer", func(t *testing.T) {
		r := f.run(t, provider.Options{IdleTimeout: idleLimit}, streamtest.Write(head), streamtest.Stall())
		idle(t, r)
		f.lostHead(t, r)
	})
	pings := func(n int) []streamtest.Step {
		var steps []streamtest.Step
		for range n {
			steps = append(steps, streamtest.Sleep(pingEvery), streamtest.Write(f.w.KeepAlive))
		}
		return steps
	}
	if f.w.KeepAlive != "" {
		f.sub(t, "kept alive", func(t *testing.T) {
			// Twice the idle limit of keep-alives and no data.
			steps := append([]streamtest.Step{streamtest.Write(head)}, pings(int(2*idleLimit/pingEvery))...)
			f.complete(t, f.run(t, provider.Options{IdleTimeout: idleLimit}, append(steps, streamtest.Write(rest))...))
		})
		f.sub(t, "kept alive past timeout", func(t *testing.T) {
			steps := append([]streamtest.Step{streamtest.Write(head)}, pings(1000)...)
			r := f.run(t, provider.Options{IdleTimeout: idleLimit, Timeout: 2 * idleLimit}, steps...)
			var te *provider.TimeoutError
			if !errors.As(r.Err, &te) || te.Idle {
				t.Errorf("error %v is not a --timeout *provider.TimeoutError", r.Err)
			}
			f.lostHead(t, r, "--timeout")
		})
	}
	f.sub(t, "finish then silence", func(t *testing.T) {
		// The finish marker, then a connection held open with nothing
		// more, as some proxies do: the answer is complete after a short
		// grace, not after the idle timeout.
		done := strings.Join(f.w.Frames[:f.w.Finished], "")
		start := time.Now()
		r := f.run(t, provider.Options{IdleTimeout: 10 * idleLimit}, streamtest.Write(done), streamtest.Stall())
		f.complete(t, r)
		if d := time.Since(start); d >= 5*idleLimit {
			t.Errorf("the answer took %s to end", d.Round(time.Millisecond))
		}
	})
	f.sub(t, "timeout", func(t *testing.T) {
		r := f.run(t, provider.Options{Timeout: idleLimit}, streamtest.Write(head), streamtest.Stall())
		var te *provider.TimeoutError
		if !errors.As(r.Err, &te) || te.Idle {
			t.Errorf("error %v is not a --timeout *provider.TimeoutError", r.Err)
		}
		f.lostHead(t, r, "--timeout")
	})
}

// content covers what a stream may carry that a backend must survive:
// invalid UTF-8, frames it does not know, malformed JSON, a huge line.
func (f *matrix) content(t *testing.T) {
	fr := f.w.Frames
	body := strings.Join(fr, "")
	if f.w.Word != "" {
		f.sub(t, "invalid utf-8", func(t *testing.T) {
			bad := "\xff" + f.w.Word[1:]
			if !strings.Contains(body, f.w.Word) {
				t.Fatalf("Word %q is not in the frames", f.w.Word)
			}
			r := f.run(t, provider.Options{}, streamtest.Chunks(strings.ReplaceAll(body, f.w.Word, bad), 5))
			want := strings.ReplaceAll(f.w.Text, f.w.Word, "\uFFFD"+f.w.Word[1:])
			if r.Err != nil || !r.Finished || r.Text != want {
				t.Errorf("got text %q, error %v; want %q finished", r.Text, r.Err, want)
			}
		})
	}
	if f.w.Unknown != "" {
		f.sub(t, "unknown frame", func(t *testing.T) {
			for k := range f.w.Finished {
				withUnknown := strings.Join(fr[:k], "") + f.w.Unknown + strings.Join(fr[k:], "")
				f.complete(t, f.run(t, provider.Options{}, streamtest.Write(withUnknown)))
			}
		})
	}
	for k := range f.w.Finished {
		i := strings.LastIndexByte(fr[k], '}')
		if i < 0 {
			continue
		}
		f.sub(t, "malformed "+strconv.Itoa(k), func(t *testing.T) {
			// Without its last brace, the frame's JSON cannot be valid.
			bad := strings.Join(fr[:k], "") + fr[k][:i] + fr[k][i+1:] + strings.Join(fr[k+1:], "")
			r := f.run(t, provider.Options{}, streamtest.Write(bad))
			if r.Finished {
				if r.Text != f.w.Text {
					t.Errorf("finished with text %q, want %q", r.Text, f.w.Text)
				}
				return // a frame the backend need not parse
			}
			f.failed(t, r, "malformed")
		})
	}
	f.sub(t, "huge line", func(t *testing.T) {
		head := strings.Join(fr[:f.w.Finished-1], "")
		r := f.run(t, provider.Options{}, streamtest.Write(head), streamtest.Repeat("x", stream.DefaultMaxEventSize+1<<20), streamtest.Write("\n\n"))
		f.failed(t, r, "exceeds")
		if !errors.Is(r.Err, stream.ErrTooLarge) || !errors.Is(r.Err, provider.ErrIncomplete) {
			t.Errorf("error %v is not stream.ErrTooLarge and provider.ErrIncomplete", r.Err)
		}
	})
	if f.w.ContentType != provider.MediaEventStream {
		return
	}
	f.sub(t, "huge event", func(t *testing.T) {
		// Short data lines that add up, with no blank line to end the event.
		head := strings.Join(fr[:f.w.Finished-1], "")
		line := "data: " + strings.Repeat("y", 1000) + "\n"
		r := f.run(t, provider.Options{}, streamtest.Write(head), streamtest.Repeat(line, (stream.DefaultMaxEventSize+1<<20)/len(line)), streamtest.Write("\n"))
		f.failed(t, r, "exceeds")
		if !errors.Is(r.Err, stream.ErrTooLarge) || !errors.Is(r.Err, provider.ErrIncomplete) {
			t.Errorf("error %v is not stream.ErrTooLarge and provider.ErrIncomplete", r.Err)
		}
	})
}

// cancel cancels the request once the first token has arrived: the
// stream ends, keeping its contract, in an error wrapping
// context.Canceled, and nothing is asked of the server again.
func (f *matrix) cancel(t *testing.T) {
	head := strings.Join(f.w.Frames[:f.w.Finished-1], "")
	srv := streamtest.NewServer(t, streamtest.Response{Header: http.Header{"Content-Type": {f.w.ContentType}},
		Steps: []streamtest.Step{streamtest.Write(head), streamtest.Stall()}})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := f.newProvider(srv, provider.Options{Retry: &provider.RetryPolicy{}}).Stream(ctx, f.req)
	if err != nil {
		t.Fatal(err)
	}
	for c := range ch {
		if c.Kind == provider.KindText || c.Kind == provider.KindReasoning {
			break
		}
		if c.Kind == provider.KindFinish || c.Kind == provider.KindError {
			t.Fatalf("the stream ended before a token: %v %v", c.Kind, c.Err)
		}
	}
	cancel()
	if r := Collect(t, ch); !errors.Is(r.Err, context.Canceled) {
		t.Errorf("error %v (finished %v), want one wrapping context.Canceled", r.Err, r.Finished)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests; a cancelled stream must not ask again", n)
	}
}

// loadRuns is how many times cancelUnderLoad runs: the fault is a race,
// and each run gives the timing another chance to go wrong.
const loadRuns = 20

// cancelUnderLoad serves a fast answer with no finish to a reader
// that does not read until the stream's buffer is full, cancels, and only
// then reads: the stream must still end with exactly one terminal chunk,
// last, an error wrapping context.Canceled that counts the deltas the
// reader got.
func (f *matrix) cancelUnderLoad(t *testing.T) {
	fr := f.w.Frames
	k := slices.IndexFunc(fr[:f.w.Finished], func(s string) bool { return strings.Contains(s, f.w.Word) })
	if k < 0 {
		t.Fatalf("no frame before the finish holds Word %q", f.w.Word)
	}
	head := strings.Join(fr[:k], "")
	for range loadRuns {
		srv := streamtest.NewServer(t, streamtest.Response{Header: http.Header{"Content-Type": {f.w.ContentType}},
			Steps: []streamtest.Step{streamtest.Write(head), streamtest.Repeat(fr[k], 500)}})
		ctx, cancel := context.WithCancel(t.Context())
		ch, err := f.newProvider(srv, provider.Options{Retry: &provider.RetryPolicy{}}).Stream(ctx, f.req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(ch) < cap(ch) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if len(ch) == 0 {
			cancel()
			t.Fatal("nothing arrived in 5s")
		}
		cancel()
		r := Collect(t, ch) // exactly one terminal chunk, last
		if r.Finished || !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("finished %v, error %v; want an error wrapping context.Canceled", r.Finished, r.Err)
		}
		var lost *provider.LostError
		if r.Deltas > 0 && (!errors.As(r.Err, &lost) || lost.Deltas != r.Deltas) {
			t.Errorf("error %q after %d deltas reached the reader", r.Err, r.Deltas)
		}
		srv.Close()
	}
}
