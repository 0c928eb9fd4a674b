package stream

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Defaults of the Client's Options.
const (
	DefaultRetry         = 3 * time.Second
	DefaultMaxBackoff    = 30 * time.Second
	DefaultMaxReconnects = 5
)

// ErrEnded is the cause reported when the server closed the stream and the
// Client could not reconnect.
var ErrEnded = errors.New("stream: server closed the stream")

// Reconnect describes a reconnection that the Client is about to make.
type Reconnect struct {
	// Attempt counts the reconnections in a row that have made no
	// progress, from 1 (see Options.MaxReconnects).
	Attempt int
	// Wait is the time the Client waits before reconnecting.
	Wait time.Duration
	// LastEventID is sent with the reconnection, as Last-Event-ID.
	LastEventID string
	// Err is why the connection ended: ErrEnded for a clean end of the
	// body, else a network error, an *IdleError, or the failed reconnection's
	// error.
	Err error
}

// Options tune a Client. The zero value is ready to use.
type Options struct {
	// Retry is the reconnection time until the server sets one with a
	// retry field; 0 means DefaultRetry.
	Retry time.Duration
	// MaxBackoff caps the wait between reconnections, which doubles (with
	// jitter) after each reconnection that delivers no event; 0 means
	// DefaultMaxBackoff. A server's retry larger than the cap is obeyed.
	MaxBackoff time.Duration
	// MaxReconnects bounds the reconnections in a row that make no
	// progress: that deliver no event with an ID not seen before in the
	// stream. Events without IDs, or the same events sent again by a
	// server that ignores Last-Event-ID, are no progress, so an endpoint
	// that sends its events and closes is not reconnected forever. 0
	// means DefaultMaxReconnects, and a negative value means never
	// reconnect: the end of the body then ends the stream cleanly.
	MaxReconnects int
	// LastEventID is sent with the first request, to resume a stream.
	LastEventID string
	// MaxEventSize bounds a line and an event; 0 means DefaultMaxEventSize.
	MaxEventSize int
	// IdleTimeout, if positive, ends a connection that sends no byte for
	// that long (see WatchIdle); the Client then reconnects.
	IdleTimeout time.Duration
	// OnReconnect, if set, is called from Next before each reconnection's
	// wait.
	OnReconnect func(Reconnect)
}

// Client reads server-sent events from an HTTP endpoint and reconnects as a
// browser's EventSource does; see the package documentation. A Client is
// used from one goroutine; to stop it from another, cancel its context.
type Client struct {
	ctx    context.Context
	hc     *http.Client
	newReq RequestFunc
	opts   Options
	rnd    *rand.Rand

	body     io.ReadCloser
	dec      *Decoder
	lastID   string
	retry    time.Duration // the server's reconnection time, if retrySet
	retrySet bool
	failures int                 // reconnections in a row without progress
	seen     map[uint64]struct{} // hashes of the event IDs delivered, up to maxSeenIDs
	seed     maphash.Seed
	ev       Event
	err      error
	done     bool
}

// NewClient returns a Client that reads the event stream that newReq's
// requests answer with, using hc (http.DefaultClient if nil). ctx governs
// the whole stream, every connection and wait included: cancelling it ends
// the stream, and Next then returns false with Err reporting ctx's error.
// No connection is made before the first Next.
func NewClient(ctx context.Context, hc *http.Client, newReq RequestFunc, opts Options) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	if opts.Retry <= 0 {
		opts.Retry = DefaultRetry
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxReconnects == 0 {
		opts.MaxReconnects = DefaultMaxReconnects
	}
	return &Client{
		ctx: ctx, hc: hc, newReq: newReq, opts: opts, lastID: opts.LastEventID,
		rnd:  rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		seen: map[uint64]struct{}{}, seed: maphash.MakeSeed(),
	}
}

// maxSeenIDs bounds the event IDs a Client remembers to tell progress
// from repetition: 4,096 hashes, about 100 KiB. A server that sends the
// same history of more events than that again on each reconnection is
// taken to make progress.
const maxSeenIDs = 4096

// progress records ev's ID and reports whether it is one not seen before.
func (c *Client) progress(ev Event) bool {
	if ev.ID == "" {
		return false
	}
	h := maphash.String(c.seed, ev.ID)
	if _, ok := c.seen[h]; ok {
		return false
	}
	if len(c.seen) < maxSeenIDs {
		c.seen[h] = struct{}{}
	}
	return true
}

// Event returns the event that the last call to Next returned.
func (c *Client) Event() Event { return c.ev }

// Err returns the error that ended the stream, or nil if it ended cleanly:
// with a 204 response, or at the end of the body when reconnection is off.
func (c *Client) Err() error { return c.err }

// LastEventID returns the last event ID in effect, which the next
// reconnection sends.
func (c *Client) LastEventID() string { return c.lastID }

// Close ends the stream and closes the connection. Next returns false
// afterwards.
func (c *Client) Close() error {
	c.done = true
	return c.closeBody()
}

func (c *Client) closeBody() error {
	if c.body == nil {
		return nil
	}
	err := c.body.Close()
	c.body, c.dec = nil, nil
	return err
}

// Next returns the next event, connecting and reconnecting as needed. It
// returns false when the stream has ended; Err says why.
func (c *Client) Next() bool {
	first := c.dec == nil && c.failures == 0
	for !c.done {
		if c.dec == nil {
			err := c.connect()
			if c.done {
				return false
			}
			if err != nil {
				if first || c.ctx.Err() != nil {
					// Nothing to resume yet: report the failure at once.
					c.fail(err)
					return false
				}
				c.reconnect(err)
				continue
			}
		}
		if c.dec.Next() {
			c.ev, c.lastID = c.dec.Event(), c.dec.LastEventID()
			if c.progress(c.ev) {
				c.failures = 0
			}
			return true
		}
		c.lastID = c.dec.LastEventID()
		if r, ok := c.dec.Retry(); ok {
			c.retry, c.retrySet = r, true
		}
		err := c.dec.Err()
		c.closeBody()
		switch {
		case c.ctx.Err() != nil:
			c.fail(c.ctx.Err())
		case errors.Is(err, ErrTooLarge):
			c.fail(err)
		case err == nil && c.opts.MaxReconnects < 0:
			c.done = true // the end of the body, with reconnection off
		case err == nil:
			c.reconnect(ErrEnded)
		default:
			c.reconnect(err)
		}
		first = false
	}
	return false
}

func (c *Client) fail(err error) {
	c.closeBody()
	c.err, c.done = err, true
}

// connect opens a connection. A nil error with c.done set means a 204.
func (c *Client) connect() error {
	req, err := c.newReq(c.ctx)
	if err != nil {
		c.fail(err)
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if c.lastID != "" && validHeaderValue(c.lastID) {
		req.Header.Set("Last-Event-ID", c.lastID)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if c.ctx.Err() != nil {
			return c.ctx.Err()
		}
		return err
	}
	if resp.StatusCode == http.StatusNoContent {
		resp.Body.Close()
		c.done = true
		return nil
	}
	rc := WatchIdle(resp.Body, c.opts.IdleTimeout) // also while reading an error's body
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !isEventStream(ct) {
		body, _ := io.ReadAll(io.LimitReader(rc, 4<<10))
		rc.Close()
		c.fail(&ResponseError{StatusCode: resp.StatusCode, ContentType: ct, Header: resp.Header, Body: body})
		return c.err
	}
	c.body = rc
	c.dec = NewDecoder(c.body)
	c.dec.SetLastEventID(c.lastID)
	if c.opts.MaxEventSize > 0 {
		c.dec.SetMaxEventSize(c.opts.MaxEventSize)
	}
	return nil
}

// reconnect waits before the next connection, or ends the stream when
// reconnection is off or the attempts are used up.
func (c *Client) reconnect(cause error) {
	if c.opts.MaxReconnects < 0 {
		c.fail(cause)
		return
	}
	if c.failures >= c.opts.MaxReconnects {
		c.fail(fmt.Errorf("stream: gave up after %d reconnects: %w", c.failures, cause))
		return
	}
	c.failures++
	wait := c.backoff(c.failures)
	if c.opts.OnReconnect != nil {
		c.opts.OnReconnect(Reconnect{Attempt: c.failures, Wait: wait, LastEventID: c.lastID, Err: cause})
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.ctx.Done():
		c.fail(c.ctx.Err())
	}
}

// backoff returns the wait before the n-th reconnection in a row: the
// reconnection time, then doubling with jitter up to the cap.
func (c *Client) backoff(n int) time.Duration {
	base := c.opts.Retry
	if c.retrySet {
		base = c.retry
	}
	if n <= 1 || base <= 0 {
		return base
	}
	limit := max(c.opts.MaxBackoff, base)
	w := base
	for i := 1; i < n && w < limit; i++ {
		w *= 2
	}
	w = min(w, limit)
	// Equal jitter: somewhere in the upper half, never below base.
	half := w / 2
	return max(base, half+time.Duration(c.rnd.Int64N(int64(half)+1)))
}
