package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

// drain reads ch to its end and checks the stream's contract: exactly one
// Finish or Error chunk, last. It returns the deltas that arrived and the
// last chunk.
func drain(t *testing.T, ch <-chan Chunk) (deltas int, last Chunk) {
	t.Helper()
	ends := 0
	for c := range ch {
		if ends > 0 {
			t.Fatalf("chunk %v after the terminal chunk", c.Kind)
		}
		switch c.Kind {
		case KindText, KindReasoning:
			deltas++
		case KindFinish, KindError:
			ends++
		}
		last = c
	}
	if ends != 1 {
		t.Fatalf("the stream closed with %d terminal chunks", ends)
	}
	return deltas, last
}

// full waits until the buffer of ch is full: the reader is blocked.
func full(t *testing.T, ch <-chan Chunk) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(ch) < cap(ch) {
		if time.Now().After(deadline) {
			t.Fatalf("the buffer never filled: %d of %d", len(ch), cap(ch))
		}
		time.Sleep(time.Millisecond)
	}
}

// cancelledAfter checks the end of a stream cancelled under load: an error
// wrapping context.Canceled that counts the deltas the reader got.
func cancelledAfter(t *testing.T, deltas int, last Chunk) {
	t.Helper()
	if last.Kind != KindError || !errors.Is(last.Err, context.Canceled) {
		t.Fatalf("last chunk %v %v, want an error wrapping context.Canceled", last.Kind, last.Err)
	}
	var lost *LostError
	switch {
	case deltas > 0 && (!errors.As(last.Err, &lost) || lost.Deltas != deltas):
		t.Errorf("error %q after %d deltas", last.Err, deltas)
	case deltas == 0 && errors.As(last.Err, &lost):
		t.Errorf("error %q with no delta read", last.Err)
	}
}

// TestRunCancelUnderLoad cancels a fast stream whose reader is blocked,
// in the three places the producer can be: sending deltas, finishing, and
// failing. Whatever the timing, the stream ends with one terminal chunk,
// last: an error, or a Finish only when every delta reached the reader.
func TestRunCancelUnderLoad(t *testing.T) {
	producers := map[string]RunFunc{
		"streaming": func(ctx context.Context, e *Emitter) (string, error) {
			for e.Text("x") {
			}
			return "", ctx.Err()
		},
		"finishing": func(ctx context.Context, e *Emitter) (string, error) {
			for range 64 {
				e.Text("x")
			}
			<-ctx.Done() // the answer ends as the reader goes away
			return "stop", nil
		},
		"failing": func(ctx context.Context, e *Emitter) (string, error) {
			for range 64 {
				e.Reasoning("x")
			}
			<-ctx.Done()
			return "", e.Lost(errors.New("reset"))
		},
	}
	for name, fn := range producers {
		t.Run(name, func(t *testing.T) {
			for range 200 {
				ctx, cancel := context.WithCancel(t.Context())
				ch := Run(ctx, RetryPolicy{}, fn)
				full(t, ch)
				cancel()
				n, last := drain(t, ch)
				if last.Kind == KindFinish && n == 64 {
					continue // the reader was quick enough to get it all
				}
				cancelledAfter(t, n, last)
			}
		})
	}
}

// TestRunCancelWhileReading cancels while the reader reads: the stream
// ends with one terminal chunk, a Finish only when the answer was whole.
func TestRunCancelWhileReading(t *testing.T) {
	for i := range 500 {
		ctx, cancel := context.WithCancel(t.Context())
		ch := Run(ctx, RetryPolicy{}, func(ctx context.Context, e *Emitter) (string, error) {
			for range 100 {
				if !e.Text("x") {
					return "", ctx.Err()
				}
			}
			return "stop", nil
		})
		go func() {
			time.Sleep(time.Duration(i%50) * time.Microsecond)
			cancel()
		}()
		deltas, last := drain(t, ch)
		if last.Kind == KindFinish && deltas != 100 {
			t.Fatalf("finished after %d of 100 deltas", deltas)
		}
		if last.Kind == KindError {
			cancelledAfter(t, deltas, last)
		}
		cancel()
	}
}

// TestRelay checks that Relay keeps the contract for a stream that does
// not: a close with no terminal chunk is ErrIncomplete, and a Finish
// passes as it is.
func TestRelay(t *testing.T) {
	in := make(chan Chunk, 2)
	in <- Chunk{Kind: KindText, Text: "a"}
	close(in)
	ran := false
	deltas, last := drain(t, Relay(t.Context(), in, func() { ran = true }))
	var lost *LostError
	if deltas != 1 || last.Kind != KindError || !errors.Is(last.Err, ErrIncomplete) || !errors.As(last.Err, &lost) || lost.Deltas != 1 {
		t.Errorf("%d deltas, last %v %v; want an incomplete answer after 1 token", deltas, last.Kind, last.Err)
	}
	if !ran {
		t.Error("done did not run")
	}

	in = make(chan Chunk, 2)
	in <- Chunk{Kind: KindText, Text: "a"}
	in <- Chunk{Kind: KindFinish, Reason: "stop"}
	close(in)
	if deltas, last := drain(t, Relay(t.Context(), in, nil)); deltas != 1 || last.Kind != KindFinish || last.Reason != "stop" {
		t.Errorf("%d deltas, last %v %q", deltas, last.Kind, last.Reason)
	}
}

// TestRelayCancelUnderLoad cancels a relayed stream whose reader is
// blocked.
func TestRelayCancelUnderLoad(t *testing.T) {
	for range 100 {
		ctx, cancel := context.WithCancel(t.Context())
		inner := Run(ctx, RetryPolicy{}, func(ctx context.Context, e *Emitter) (string, error) {
			for e.Text("x") {
			}
			return "", ctx.Err()
		})
		ch := Relay(ctx, inner, nil)
		full(t, ch)
		cancel()
		n, last := drain(t, ch)
		cancelledAfter(t, n, last)
	}
}

// TestRunCancelDuringBackoff cancels a request while it waits to be
// retried: the stream ends with the cancellation at once, and the
// request is not tried again with a dead context.
func TestRunCancelDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	attempts := 0
	policy := RetryPolicy{Max: 2, Base: 30 * time.Second, Cap: 30 * time.Second}
	ch := Run(ctx, policy, func(ctx context.Context, e *Emitter) (string, error) {
		attempts++
		return "", &APIError{Provider: "acme", Status: 503}
	})
	if c := <-ch; c.Kind != KindNotice || c.Wait == 0 {
		t.Fatalf("first chunk %v, want the notice of a retry", c.Kind)
	}
	cancel()
	_, last := drain(t, ch)
	if last.Kind != KindError || !errors.Is(last.Err, context.Canceled) {
		t.Fatalf("last chunk %v %v, want an error wrapping context.Canceled", last.Kind, last.Err)
	}
	if attempts != 1 {
		t.Errorf("%d attempts, want 1: none after the cancellation", attempts)
	}
}
