package provider

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// framePrinter stands for the terminal printer in ReadFrames: it draws
// what it took at most once a frame interval and holds the rest back, as
// ui.TermPrinter does.
type framePrinter struct {
	fed, done    int
	last         time.Time
	takes, draws int
	drawn        map[int]time.Time // when each count of chunks was drawn, if asked
	sent         []time.Time       // when each chunk was sent, if asked
	waited       []time.Duration   // from each chunk's send to its frame
}

const testFrame = time.Second / 60

func (p *framePrinter) due() (time.Duration, bool) {
	if p.fed == p.done {
		return 0, false
	}
	return max(testFrame-time.Since(p.last), 0), true
}

func (p *framePrinter) take(batch []Chunk) {
	p.takes++
	p.fed += len(batch)
	if p.fed > p.done && time.Since(p.last) >= testFrame {
		for i := p.done; i < p.fed && i < len(p.sent); i++ {
			p.waited = append(p.waited, time.Since(p.sent[i]))
		}
		p.last, p.done = time.Now(), p.fed
		p.draws++
		if p.drawn != nil {
			p.drawn[p.done] = p.last
		}
	}
}

// send sends n chunks on ch, every apart (at once when 0), and notes
// when in sent, if given.
func send(ch chan<- Chunk, n int, every time.Duration, sent ...[]time.Time) {
	for i := range n {
		if len(sent) > 0 {
			sent[0][i] = time.Now()
		}
		ch <- Chunk{Kind: KindText, Text: "word "}
		if every > 0 {
			time.Sleep(every)
		}
	}
}

// A stream paced faster than frames wakes the one-shot's loop about
// twice a frame, not once a chunk: the chunks that come while a frame is
// held back wait in the channel and are taken when it is due, and drawn
// then, not a frame later.
func TestReadFramesWakesOncePerFrame(t *testing.T) {
	ch := make(chan Chunk, 64)
	p := framePrinter{sent: make([]time.Time, 400)}
	go func() {
		defer close(ch)
		send(ch, 400, time.Millisecond, p.sent) // about 1,000 chunks a second
	}()
	ReadFrames(ch, Pacing{Due: p.due}, p.take)
	slices.Sort(p.waited)
	if len(p.waited) == 0 {
		t.Fatal("no frame was drawn")
	}
	if p.waited[len(p.waited)/2] > testFrame {
		t.Errorf("words waited %v for their frame (median), want at most a frame", p.waited[len(p.waited)/2])
	}
	if p.fed != 400 {
		t.Fatalf("%d chunks taken, want 400", p.fed)
	}
	if p.takes > 200 {
		t.Errorf("the loop woke %d times for 400 chunks in %d frames; want about two a frame", p.takes, p.draws)
	}
}

// A burst that follows a paced stream is read as it comes, not a
// channel's worth a frame: the loop stops waiting for frames when more
// than half a batch came between two of them.
func TestReadFramesBurstAfterPacedStream(t *testing.T) {
	ch := make(chan Chunk, 64)
	go func() {
		defer close(ch)
		send(ch, 100, time.Millisecond)
		send(ch, 10_000, 0)
	}()
	var p framePrinter
	start := time.Now()
	ReadFrames(ch, Pacing{Due: p.due}, p.take)
	if p.fed != 10_100 {
		t.Fatalf("%d chunks taken, want 10100", p.fed)
	}
	// Held to a channel's worth a frame, the burst would take 157 frames.
	if p.draws > 100 {
		t.Errorf("%d frames for 10,100 chunks in %v: the burst waited for frames", p.draws, time.Since(start).Round(time.Millisecond))
	}
}

// A frame held back is drawn when it is due even if nothing more comes
// for a while.
func TestReadFramesDrawsAHeldFrame(t *testing.T) {
	ch := make(chan Chunk, 64)
	var paused time.Time
	go func() {
		defer close(ch)
		send(ch, 50, time.Millisecond) // paced
		time.Sleep(300 * time.Millisecond)
		paused = time.Now()
	}()
	p := framePrinter{drawn: map[int]time.Time{}}
	ReadFrames(ch, Pacing{Due: p.due}, p.take)
	if at, ok := p.drawn[50]; !ok || !at.Before(paused) {
		t.Fatalf("the last words were not drawn during the pause (drawn: %v)", p.drawn)
	}
}

// A stream at a reading pace runs on one thread at a time, a burst on
// the runtime's default, which the end of the stream leaves set.
func TestReadFramesPacedStreamOnOneThread(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) == 1 {
		t.Skip("GOMAXPROCS is set, or the default is 1 already")
	}
	def := runtime.GOMAXPROCS(0)
	ch := make(chan Chunk, 64)
	burst := make(chan struct{})
	go func() {
		defer close(ch)
		send(ch, 150, time.Millisecond) // about 1,000 a second, for 150 ms or more
		close(burst)
		send(ch, 20_000, 0)
	}()
	var p framePrinter
	var paced, bursting []int // GOMAXPROCS seen at each take, before and in the burst
	ReadFrames(ch, Pacing{Due: p.due, Threads: true}, func(batch []Chunk) {
		select {
		case <-burst:
			bursting = append(bursting, runtime.GOMAXPROCS(0))
		default:
			paced = append(paced, runtime.GOMAXPROCS(0))
		}
		p.take(batch)
	})
	if got := runtime.GOMAXPROCS(0); got != def {
		runtime.SetDefaultGOMAXPROCS()
		t.Errorf("GOMAXPROCS is %d after the stream, want the default %d", got, def)
	}
	if !slices.Contains(paced, 1) {
		t.Errorf("the paced stream never ran on one thread (GOMAXPROCS at each take: %v)", paced)
	}
	if len(bursting) == 0 || bursting[len(bursting)-1] != def {
		t.Errorf("the burst ended on GOMAXPROCS %v, want the default %d", bursting[max(len(bursting)-1, 0):], def)
	}
}

// With a gate, on one thread, the provider reads what came while a frame
// was held back all at once, just before the frame is due, rather than a
// read for each event as it arrives: at 1,000 chunks a second, a few
// reads a frame.
func TestReadFramesReadsOncePerFrame(t *testing.T) {
	ch := make(chan Chunk, 64)
	g := NewGate()
	reads := 0
	go func() { // the provider's goroutine, reading a connection
		defer close(ch)
		const n, every = 400, time.Millisecond // about 1,000 chunks a second
		start := time.Now()
		for sent := 0; sent < n; {
			g.Wait(t.Context())
			arrived := min(int(time.Since(start)/every)+1, n) // what a read would get now
			if arrived == sent {
				time.Sleep(time.Until(start.Add(time.Duration(sent) * every))) // the poller's wait
				continue
			}
			reads++
			for ; sent < arrived; sent++ {
				ch <- Chunk{Kind: KindText, Text: "word "}
			}
		}
	}()
	var p framePrinter
	ReadFrames(ch, Pacing{Due: p.due, Gate: g, Threads: true}, p.take)
	if p.fed != 400 {
		t.Fatalf("%d chunks taken, want 400", p.fed)
	}
	if reads > 200 {
		t.Errorf("%d reads for 400 chunks in %d frames; want a few a frame", reads, p.draws)
	}
}
