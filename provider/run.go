package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"
)

// Emitter hands chunks from a provider's decoding goroutine to the reader of
// its stream. Every send gives way to cancellation, so a reader that goes
// away never strands the goroutine.
type Emitter struct {
	ctx context.Context
	// ch is both ways: the producer, its only sender, may also take back
	// what the reader left unread (see end).
	ch     chan Chunk
	tokens int
}

// Text sends a delta of the answer. Empty deltas are dropped. It reports
// false when the stream was cancelled and the producer should stop.
func (e *Emitter) Text(s string) bool {
	if s == "" {
		return true
	}
	return e.delta(Chunk{Kind: KindText, Text: s})
}

// Reasoning sends a delta of the model's reasoning.
func (e *Emitter) Reasoning(s string) bool {
	if s == "" {
		return true
	}
	return e.delta(Chunk{Kind: KindReasoning, Text: s})
}

// delta sends a text or reasoning delta and counts it once it is sent.
func (e *Emitter) delta(c Chunk) bool {
	if !e.send(c) {
		return false
	}
	e.tokens++
	return true
}

// Progress sends a progress update; percent is -1 when unknown.
func (e *Emitter) Progress(percent float64, label string) bool {
	return e.send(Chunk{Kind: KindProgress, Percent: percent, Text: label})
}

// Usage sends token counts.
func (e *Emitter) Usage(u Usage) bool { return e.send(Chunk{Kind: KindUsage, Usage: u}) }

// Notice sends a message for the user that is not part of the answer.
func (e *Emitter) Notice(s string) bool { return e.send(Chunk{Kind: KindNotice, Text: s}) }

// Tokens is the number of text and reasoning deltas handed to the reader
// so far.
func (e *Emitter) Tokens() int { return e.tokens }

// Lost reports a stream that ended before its finish marker, because of
// err or, when err is nil, because the body simply ended. Once tokens have
// arrived it is a *LostError; before that, err itself or ErrIncomplete.
func (e *Emitter) Lost(err error) error {
	switch {
	case e.tokens > 0:
		return &LostError{Tokens: e.tokens, Err: err}
	case err != nil:
		return err
	}
	return ErrIncomplete
}

func (e *Emitter) send(c Chunk) bool {
	select {
	case e.ch <- c:
		return true
	case <-e.ctx.Done():
		return false
	}
}

// end sends the stream's one terminal chunk c, a Finish or an Error, and
// never fails to: the channel is closed after it. While ctx lives it waits
// for the reader. Once ctx is done the reader may be slow or gone, so if
// the buffer is full end takes back the chunks still in it, which the
// reader never saw, to make room. The reader then did not get the whole
// answer: c becomes an Error that says so, even if it was a Finish.
func (e *Emitter) end(c Chunk) {
	select {
	case e.ch <- c:
		return
	case <-e.ctx.Done():
	}
	select {
	case e.ch <- c:
		return
	default:
	}
	dropped := 0
	for len(e.ch) > 0 {
		select {
		case d := <-e.ch:
			if d.Kind == KindText || d.Kind == KindReasoning {
				dropped++
			}
		default: // the reader took the last one meanwhile
		}
	}
	e.tokens -= dropped
	// The only sender, with an empty buffer: this cannot block.
	e.ch <- Chunk{Kind: KindError, Err: e.cancelled()}
}

// cancelled is the error of a stream that ended because ctx did: its
// cause, as a *LostError once tokens have reached the reader.
func (e *Emitter) cancelled() error {
	err := fmt.Errorf("%w", context.Cause(e.ctx))
	if e.tokens > 0 {
		return &LostError{Tokens: e.tokens, Err: err}
	}
	return err
}

// RetryPolicy says how often and how patiently a request is retried before
// its first token. Once a token has arrived a request is never retried.
type RetryPolicy struct {
	// Max is the number of retries after the first attempt; 0 disables them.
	Max int
	// Base is the first backoff; it doubles each time, with jitter, up to Cap.
	Base, Cap time.Duration
}

// DefaultRetry is used when a provider is given no policy.
var DefaultRetry = RetryPolicy{Max: 2, Base: time.Second, Cap: 20 * time.Second}

// RunFunc opens one attempt of a request and streams it through e. It
// returns the provider's stop reason when the answer finished, or the error
// that ended it.
type RunFunc func(ctx context.Context, e *Emitter) (reason string, err error)

// Run starts fn in its own goroutine and returns the channel its chunks
// arrive on. A failure before any chunk was sent is retried by policy when
// Retryable says so, with a Notice for each retry.
//
// The channel ends with exactly one Finish or Error chunk and is then
// closed, whatever the timing of a cancellation and whether or not the
// reader still reads: a reader that stops reading must cancel ctx, and the
// stream then ends at once with an Error wrapping ctx's cause. A Finish
// means the reader was handed every chunk of the answer.
func Run(ctx context.Context, policy RetryPolicy, fn RunFunc) <-chan Chunk {
	ch := make(chan Chunk, 64)
	go func() {
		defer close(ch)
		e := &Emitter{ctx: ctx, ch: ch}
		for attempt := 0; ; attempt++ {
			reason, err := fn(ctx, e)
			if err == nil {
				e.end(Chunk{Kind: KindFinish, Reason: reason})
				return
			}
			if ctx.Err() != nil {
				e.end(Chunk{Kind: KindError, Err: e.cancelled()})
				return
			}
			if e.tokens > 0 || attempt >= policy.Max || !Retryable(err) {
				e.end(Chunk{Kind: KindError, Err: err})
				return
			}
			wait := policy.backoff(attempt, err)
			notice := Chunk{Kind: KindNotice, Wait: wait,
				Text: fmt.Sprintf("%v (retry %d of %d)", err, attempt+1, policy.Max)}
			if !e.send(notice) {
				continue // cancelled: the next attempt reports it
			}
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
	}()
	return ch
}

func (p RetryPolicy) backoff(attempt int, err error) time.Duration {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter
	}
	base, limit := p.Base, p.Cap
	if base <= 0 {
		base = time.Second
	}
	if limit <= 0 {
		limit = 20 * time.Second
	}
	d := base << attempt
	if d > limit || d <= 0 {
		d = limit
	}
	// Full jitter on the upper half keeps retries of many clients apart.
	return d/2 + rand.N(d/2+1)
}

// Retryable reports whether err, returned before the first token, may go
// away if the request is sent again: a refused or reset connection, a rate
// limit, an overloaded or failing server.
func Retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Temporary()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && !dnsErr.IsTemporary {
		return false // a host that does not exist will not exist in a second
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Op == "dial" || opErr.Op == "read"
	}
	return false
}

// Relay returns a stream that carries the chunks of in and keeps the
// contract of Run even where in does not: it ends with exactly one Finish
// or Error chunk, and a Finish only if in finished. done, if not nil, runs
// once in has closed, before the terminal chunk is sent. in must close
// promptly once ctx is done.
func Relay(ctx context.Context, in <-chan Chunk, done func()) <-chan Chunk {
	return Run(ctx, RetryPolicy{}, func(ctx context.Context, e *Emitter) (reason string, err error) {
		defer func() {
			for range in { // whatever is left once the reader went away
			}
			if done != nil {
				done()
			}
		}()
		for c := range in {
			ok := true
			switch c.Kind {
			case KindFinish:
				return c.Reason, nil
			case KindError:
				return "", c.Err
			case KindText, KindReasoning:
				ok = e.delta(c)
			default:
				ok = e.send(c)
			}
			if !ok {
				return "", context.Cause(ctx)
			}
		}
		return "", e.Lost(nil)
	})
}
