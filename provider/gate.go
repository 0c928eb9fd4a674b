package provider

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// A Gate lets the reader of a stream say when it will next look at the
// chunks: until then the body is not read, so the events that the server
// sends meanwhile wait in the connection and are read together, at one
// wake-up, rather than each at its own. A reader that draws frames holds
// the gate until a moment before its next frame; the events are then
// read and decoded just before it is drawn, and a stream of a thousand
// tokens a second costs a few reads a frame instead of one a token. A
// gate that is not held, or held until a time past, lets every read
// through.
//
// Hold is called by the stream's reader; Wait by the goroutine that
// reads the body, through a body that GateBody wraps.
type Gate struct {
	base  time.Time
	until atomic.Int64 // nanoseconds after base; reads wait until then
	timer *time.Timer
}

// NewGate returns a gate that is not held.
func NewGate() *Gate {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &Gate{base: time.Now(), timer: t}
}

// Hold keeps the body from being read before t.
func (g *Gate) Hold(t time.Time) { g.until.Store(int64(t.Sub(g.base))) }

// Wait returns once the gate is not held, or ctx is done. It is called
// by one goroutine at a time.
func (g *Gate) Wait(ctx context.Context) {
	for {
		d := time.Duration(g.until.Load()) - time.Since(g.base)
		if d <= 0 {
			return
		}
		g.timer.Reset(d)
		select {
		case <-g.timer.C:
		case <-ctx.Done():
			g.timer.Stop()
			return
		}
	}
}

// gateKey is the context key under which a request's gate travels.
type gateKey struct{}

// WithGate returns ctx carrying g, for the body of the request made with
// it (see GateBody); ctx itself when g is nil.
func WithGate(ctx context.Context, g *Gate) context.Context {
	if g == nil {
		return ctx
	}
	return context.WithValue(ctx, gateKey{}, g)
}

// GateBody returns body, read only when the gate that ctx carries lets
// it; body itself when ctx carries none.
func GateBody(ctx context.Context, body io.ReadCloser) io.ReadCloser {
	g, _ := ctx.Value(gateKey{}).(*Gate)
	if g == nil {
		return body
	}
	return &gatedBody{ReadCloser: body, ctx: ctx, g: g}
}

type gatedBody struct {
	io.ReadCloser
	ctx context.Context
	g   *Gate
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.g.Wait(b.ctx)
	return b.ReadCloser.Read(p)
}
