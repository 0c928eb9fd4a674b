package provider

import (
	"runtime"
	"time"
)

// Pacing is how ReadFrames paces its reads.
type Pacing struct {
	// Due says whether the printer holds a frame back (text came too
	// soon after the last one) and when it is due.
	Due func() (time.Duration, bool)
	// Gate, if not nil, is the gate of the stream's body: held while
	// the loop waits for a frame, so that the provider reads the events
	// that came meanwhile at once, just before the frame.
	Gate *Gate
	// Threads: a stream at a reading pace runs on one thread at a time
	// (see Threads). The gate is held only then.
	Threads bool
}

// GateLead is how long before a frame is due its events are read: the
// time to read and decode them, with room to spare.
const GateLead = 2 * time.Millisecond

// gateChunks is the fewest chunks a frame took for the next one to hold
// the gate. A held read that finds nothing costs a wake-up more (the
// read then waits for the next event as it would have): at 100 tokens a
// second, holding it at every frame gave no fewer reads and more context
// switches (BENCHMARKS.md, session 14).
const gateChunks = 4

// HoldForFrame holds g, when there is one, until GateLead before the next
// frame, due at due, after a frame that took n chunks of a stream run by
// t: only a stream at a reading pace on one thread, whose frames take
// gateChunks or more but fewer than a burst's (half a batch), so that the
// events of the next frame are read, decoded and handed over at one
// wake-up. On one thread the runtime runs the held read, due first,
// before the frame. ReadFrames and the chat's exchange both hold so.
func HoldForFrame(g *Gate, t *Threads, n int, due time.Time) {
	if g != nil && t.One() && n >= gateChunks && n < frameBatch/2 {
		g.Hold(due.Add(-GateLead))
	}
}

// ReadFrames reads ch until it closes and hands take each batch of
// chunks, which take prints. A frame that the printer holds back is
// drawn when it is due (f.Due), by a call of take with no chunks if none
// came, even if the stream pauses, so that words are never left off the
// screen while it waits.
func ReadFrames(ch <-chan Chunk, f Pacing, take func([]Chunk)) {
	buf := make([]Chunk, 0, frameBatch)
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	var pace pacer
	procs := Threads{Auto: f.Threads}
	defer procs.End()
	for closed := false; !closed; {
		var ready <-chan time.Time
		var batch []Chunk
		d, ok := f.Due()
		switch {
		case ok && d > 0 && pace.paced:
			// A paced stream: what comes before the frame is due is
			// drawn with it, so it is taken then, at one wake-up, rather
			// than a wake-up a chunk; and when frames hold a few chunks
			// each, the provider reads them then, at one wake-up too. On
			// one thread the runtime runs the provider's read, due first,
			// before this loop; on two, under load, the loop could run
			// first and leave the read's events to the next frame.
			HoldForFrame(f.Gate, &procs, pace.last, time.Now().Add(d))
			wake.Reset(d)
			<-wake.C
			batch, closed = Drain(ch, buf[:0], frameBatch)
		default:
			if ok {
				wake.Reset(d)
				ready = wake.C
			}
			batch, closed = BatchOr(ch, buf, frameBatch, ready)
		}
		pace.n += len(batch)
		procs.Took(len(batch), time.Now())
		take(batch)
		if _, held := f.Due(); !held {
			pace.drawn()
		}
	}
}

// pacer tells a paced stream from a burst by the chunks that came
// between two frames: fewer than half a batch is a stream the one-shot
// may leave in the channel until its frame is due, which then holds all
// of them (the channel holds a batch). More is a burst, read as it comes,
// so that it never waits on a full channel while the loop sleeps.
type pacer struct {
	paced bool
	n     int // chunks taken since the last frame
	last  int // chunks of the last frame that drew any
}

// drawn notes that everything taken so far is on the screen.
func (p *pacer) drawn() {
	if p.n > 0 {
		p.paced = p.n < frameBatch/2
		p.last, p.n = p.n, 0
	}
}

// Threads runs the Go code of a stream that comes at a reading pace on
// one thread at a time (GOMAXPROCS 1), and of a burst on the runtime's
// default. A paced stream is goroutines that take turns, the provider's
// decoder and the reader that prints, each waking for a few microseconds
// per token or frame. With a second P idle, each wake-up also wakes a
// second thread, which spins looking for work, finds none and sleeps
// again (futex calls: 45% fewer on one thread at 100 tokens a second).
// On one thread, too, the gate's read, due before the frame, runs before
// the reader that draws it (see ReadFrames). A burst keeps both Ps, so
// that decoding goes on beside the render. The pace is the chunks taken
// over at least threadWindow, so the setting changes rarely (it stops the
// world for a moment); a burst is seen sooner, after a window's worth of
// chunks. The zero value, with Auto false, never changes GOMAXPROCS.
type Threads struct {
	Auto  bool      // GOMAXPROCS may be set: the environment does not
	one   bool      // it is 1
	since time.Time // start of the window
	n     int       // chunks taken in it
}

const (
	threadWindow = 100 * time.Millisecond
	// threadRate is the most chunks a second a stream on one thread
	// takes: a frame's worth at 60 frames a second is half a batch.
	threadRate = 60 * frameBatch / 2
)

// Took notes n chunks of the stream taken at now.
func (t *Threads) Took(n int, now time.Time) {
	if !t.Auto {
		return
	}
	if t.since.IsZero() {
		t.since = now
	}
	t.n += n
	switch d := now.Sub(t.since); {
	case d >= threadWindow:
		t.set(float64(t.n) < d.Seconds()*threadRate)
		t.since, t.n = now, 0
	case t.one && float64(t.n) >= threadWindow.Seconds()*threadRate:
		t.set(false) // a burst: no need to wait for the window's end
		t.since, t.n = now, 0
	}
}

// One reports whether the stream runs on one thread.
func (t *Threads) One() bool { return t.one }

// End puts GOMAXPROCS back on the default, at the end of the stream, and
// starts the next stream's count afresh.
func (t *Threads) End() {
	t.set(false)
	t.since, t.n = time.Time{}, 0
}

// set puts the stream on one thread, or back on the default.
func (t *Threads) set(one bool) {
	if !t.Auto || one == t.one {
		return
	}
	t.one = one
	if one {
		runtime.GOMAXPROCS(1)
	} else {
		runtime.SetDefaultGOMAXPROCS()
	}
}

// frameBatch is the most chunks ReadFrames hands over at once: a fast
// stream is written with few syscalls, a slow one as each chunk arrives.
const frameBatch = 64
