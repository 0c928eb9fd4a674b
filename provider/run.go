package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Emitter hands chunks from a provider's decoding goroutine to the reader of
// its stream. Every send gives way to cancellation, so a reader that goes
// away never strands the goroutine.
type Emitter struct {
	ctx context.Context
	// ch is both ways: the producer, its only sender, may also take back
	// what the reader left unread (see end).
	ch      chan Chunk
	deltas  int
	secrets []string // scrubbed from every notice and error (see scrub.go)
	// text and reasoning pair the halves of surrogate pairs that a frame
	// split (see KeepSurrogates).
	text, reasoning joiner
}

// Text sends a delta of the answer. Empty deltas are dropped. It reports
// false when the stream was cancelled and the producer should stop.
//
// The markers of KeepSurrogates are read back: the halves of a surrogate
// pair split across two deltas make one character, and a lone half is
// U+FFFD. A high half that ends a delta is held back until the next text
// delta, or until any chunk other than a delta is sent.
func (e *Emitter) Text(s string) bool {
	return e.delta(KindText, &e.text, s)
}

// Reasoning sends a delta of the model's reasoning, as Text does.
func (e *Emitter) Reasoning(s string) bool {
	return e.delta(KindReasoning, &e.reasoning, s)
}

func (e *Emitter) delta(k Kind, j *joiner, s string) bool {
	if s == "" {
		return true
	}
	s = j.join(s)
	if s == "" {
		// A half held back: it counts as arrived, so that the request is
		// not retried after it.
		e.deltas++
		return true
	}
	if !e.send(Chunk{Kind: k, Text: s}) {
		return false
	}
	e.deltas++ // counted once sent, so that a LostError counts what the reader got
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

// Deltas is the number of text and reasoning deltas handed to the reader
// so far.
func (e *Emitter) Deltas() int { return e.deltas }

// Lost reports a stream that ended before its finish marker, because of
// err or, when err is nil, because the body simply ended. Once tokens have
// arrived it is a *LostError; before that, err itself or ErrIncomplete.
func (e *Emitter) Lost(err error) error {
	switch {
	case e.deltas > 0:
		return &LostError{Deltas: e.deltas, Err: err}
	case err != nil:
		return err
	}
	return ErrIncomplete
}

// send hands c to the reader. A delta goes as it is: the answer is the
// model's, never scrubbed. Any other chunk first flushes what the joiners
// hold back, and is scrubbed.
func (e *Emitter) send(c Chunk) bool {
	if c.Kind != KindText && c.Kind != KindReasoning {
		if !e.flush() {
			return false
		}
		c = scrubChunk(c, e.secrets)
	}
	select {
	case e.ch <- c:
		return true
	case <-e.ctx.Done():
		return false
	}
}

// flush sends what the joiners hold back: no more of the deltas it
// belongs with can come before another kind of chunk.
func (e *Emitter) flush() bool {
	for _, d := range [...]struct {
		k Kind
		j *joiner
	}{{KindReasoning, &e.reasoning}, {KindText, &e.text}} {
		if s := d.j.flush(); s != "" && !e.send(Chunk{Kind: d.k, Text: s}) {
			return false
		}
	}
	return true
}

// end sends the stream's one terminal chunk c, a Finish or an Error, and
// never fails to: the channel is closed after it. While ctx lives it waits
// for the reader. Once ctx is done the reader may be slow or gone, so if
// the buffer is full end takes back the chunks still in it, which the
// reader never saw, to make room. The reader then did not get the whole
// answer: c becomes an Error that says so, even if it was a Finish.
func (e *Emitter) end(c Chunk) {
	if e.flush() {
		c = scrubChunk(c, e.secrets)
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
	e.deltas -= dropped
	// The only sender, with an empty buffer: this cannot block.
	e.ch <- Chunk{Kind: KindError, Err: e.cancelled()}
}

// cancelled is the error of a stream that ended because ctx did: its
// cause, as a *LostError once tokens have reached the reader.
func (e *Emitter) cancelled() error {
	err := context.Cause(e.ctx)
	if e.deltas > 0 {
		return &LostError{Deltas: e.deltas, Err: err}
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

	// deadline is when the whole request must end (Options.Timeout, set by
	// Start): a wait that would end later is not begun.
	deadline time.Time
	timeout  time.Duration
}

// MaxWait is the longest wait before a retry. A server that asks for a
// longer one (Retry-After: 3600) is not waited for: the request fails at
// once with the server's words and when to retry.
const MaxWait = 60 * time.Second

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
		e := &Emitter{ctx: ctx, ch: ch, secrets: Secrets(ctx)}
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
			var wait time.Duration
			retry := e.deltas == 0 && attempt < policy.Max && Retryable(err)
			if retry {
				wait, err, retry = policy.wait(attempt, err, time.Now())
			}
			if !retry {
				e.end(Chunk{Kind: KindError, Err: err})
				return
			}
			notice := Chunk{Kind: KindNotice, Wait: wait, Err: err,
				Text: fmt.Sprintf("%v (retry %d of %d)", err, attempt+1, policy.Max)}
			if !e.send(notice) || !pause(ctx, wait) {
				e.end(Chunk{Kind: KindError, Err: e.cancelled()})
				return
			}
		}
	}()
	return ch
}

// pause waits d, and reports false if ctx ended first.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// wait returns how long to wait before retry number attempt+1 of err, or
// reports that the request must not wait: the server asked for a wait
// longer than MaxWait, or the wait would end after the deadline of
// --timeout. Then err is returned in the provider's words, with, past the
// deadline, why it was not retried.
func (p RetryPolicy) wait(attempt int, err error, now time.Time) (time.Duration, error, bool) {
	d := p.backoff(attempt, err)
	if d > MaxWait {
		return 0, err, false // its advice says when to retry
	}
	if !p.deadline.IsZero() && now.Add(d).After(p.deadline) {
		return 0, pastDeadline(err, p.timeout), false
	}
	return d, err, true
}

// pastDeadline is err, given up on because --timeout ends before the
// next try could.
func pastDeadline(err error, timeout time.Duration) error {
	why := "--timeout " + timeout.String() + " ends before the next try"
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		c := *apiErr
		c.Advice = alsoAdvise(c.Advice, why)
		return &c
	}
	var netErr *NetError
	if errors.As(err, &netErr) {
		c := *netErr
		c.Advice = alsoAdvise(c.Advice, why)
		return &c
	}
	return fmt.Errorf("%w (%s)", err, why)
}

// alsoAdvise returns advice with more after it.
func alsoAdvise(advice, more string) string {
	if advice == "" {
		return more
	}
	return advice + "; " + more
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

// Retryable is the one rule, for every wire, of what is worth sending
// again before the first token: an error of the provider that Temporary
// says is (a rate limit, an overloaded or failing server, whether it came
// as an HTTP status or inside the stream), and a network fault that
// NetError.Temporary says is (a refused or reset connection, one closed
// before the response, a connection that timed out). A host that does not
// resolve, a certificate not trusted, a refused redirect, a timeout of
// --idle-timeout or --timeout, and a malformed answer are not.
func Retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Temporary()
	}
	var netErr *NetError
	if errors.As(err, &netErr) {
		return netErr.Temporary()
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
				// Joined already: sent as they are, and counted.
				if ok = e.send(c); ok {
					e.deltas++
				}
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
