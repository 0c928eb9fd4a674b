package ui

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
)

// TermPrinter prints a one-shot answer on a terminal as rendered
// markdown, progressively: lines that can no longer change are printed
// once, so the terminal's own scrollback and selection keep working, and
// the open tail is redrawn in place below them. Reasoning goes to the
// error stream when it is a terminal.
type TermPrinter struct {
	opts TermOptions
	sb   *Scrollback
	rsn  termsafe.Sanitizer

	tail      []string // the open tail on screen, as written
	last      time.Time
	settle    widthSettle
	reasoning bool // a reasoning line is open on the error stream
	fed, done int  // bytes of the answer's text given, and drawn
}

// TermOptions configure a TermPrinter.
type TermOptions struct {
	Out, Err io.Writer
	// ErrTTY says that Err is a terminal: reasoning is shown there.
	ErrTTY bool
	// Size returns the terminal's size in cells now; it is asked at every
	// frame, so that a resize re-wraps the open tail.
	Size func() (width, height int)
	// Resized, when not nil, receives when the terminal was resized
	// (SIGWINCH): frames are held until its size settles (see Flush). A
	// resize is also seen by a new width at a frame, but not one undone
	// between two frames.
	Resized <-chan os.Signal
	// Style is the glamour style of the render.
	Style string
}

// NewTermPrinter returns a printer for the terminal opts describe.
func NewTermPrinter(opts TermOptions) *TermPrinter {
	w, _ := opts.Size()
	return &TermPrinter{opts: opts, sb: NewScrollback(w, opts.Style), settle: widthSettle{width: w}}
}

// Chunk takes one chunk of the stream; text is drawn at the next Flush.
func (p *TermPrinter) Chunk(c provider.Chunk) error {
	switch c.Kind {
	case provider.KindText:
		p.sb.Append(c.Text) // the renderer sanitizes
		p.fed += len(c.Text)
	case provider.KindReasoning:
		if p.opts.ErrTTY {
			if !p.reasoning {
				io.WriteString(p.opts.Err, "\x1b[2mThinking: ")
				p.reasoning = true
			}
			io.WriteString(p.opts.Err, strings.ReplaceAll(p.rsn.Feed(c.Text), "\n", " "))
		}
	case provider.KindNotice:
		p.endReasoning()
	}
	return nil
}

func (p *TermPrinter) endReasoning() {
	if p.reasoning {
		io.WriteString(p.opts.Err, "\x1b[0m\n")
		p.reasoning = false
	}
}

// Flush draws a frame, at most one per frameInterval, as the chat does,
// and none while the terminal's width keeps changing (see widthSettle).
func (p *TermPrinter) Flush() error {
	now := time.Now()
	if now.Sub(p.last) < frameInterval || p.sb.Empty() {
		return nil
	}
	p.resized(now)
	width, height := p.opts.Size()
	if p.settle.hold(width, now) > 0 {
		return nil
	}
	p.last = now
	return p.draw(width, height, false)
}

// Due reports whether text was taken that Flush has not drawn yet, and
// how long until Flush will draw it (0: now).
func (p *TermPrinter) Due() (time.Duration, bool) {
	if p.fed == p.done || p.sb.Empty() {
		return 0, false
	}
	now := time.Now()
	p.resized(now)
	return max(frameInterval-now.Sub(p.last), p.settle.left(now), 0), true
}

// resized notes a resize signalled since the last call as seen at now.
func (p *TermPrinter) resized(now time.Time) {
	select {
	case <-p.opts.Resized:
		p.settle.at = now
	default:
	}
}

// Close draws the whole answer for good.
func (p *TermPrinter) Close(error) error {
	p.sb.Finish()
	p.endReasoning()
	return p.Draw(true)
}

// Draw prints the lines that became stable, then the open tail (all of it
// when final). The old tail is erased first, from its first line that the
// frame does not show again as it is (a frame in a paragraph mostly
// changes its last line only): on a terminal that re-wrapped it to a new
// width, it takes the rows it takes at that width. A tail as
// tall as the screen is not drawn until it settles, since the cursor
// cannot move back above the screen.
//
// A resize that the terminal takes in while a frame is still on its way to
// it is not handled (TestOneShotResizedRace, run on demand, shows it: a
// window resized every 53ms while a steady stream is drawn fails in every
// try). The frame's erase counts the old tail's rows at the width read
// here; the terminal runs it at the width it has when it reads the frame.
// tmux reads the pty and handles resizes in one loop, so a resize it
// handles before reading frames already written (when its output is busy)
// makes those frames run at the new width: narrowed, the erase stops short
// and leaves the first rows of the old tail above the new frame (partial
// copies of a paragraph's first lines in the scrollback); widened, with
// lines wider than the old width (code), it goes too far and may take
// lines printed for good. No later frame can tell which width a frame ran at.
// There is no sound fix with output alone: every way back to the tail's
// start depends on the width at some instant the printer cannot see.
// Counting rows has this race; parking the cursor at the tail's start
// moves the count to the move up after the tail (the same race); a saved
// cursor (DECSC) is not moved when the screen scrolls as the tail is
// written below the last row; asking for the cursor's position (DSR) needs
// the terminal's input and races too. A resize between frames, the common
// case, is handled: TestOneShotResizedMidAnswer.
func (p *TermPrinter) Draw(final bool) error {
	width, height := p.opts.Size()
	return p.draw(width, height, final)
}

// draw is Draw for a terminal of width×height.
func (p *TermPrinter) draw(width, height int, final bool) error {
	if p.sb.Empty() {
		return nil
	}
	p.endReasoning()
	p.sb.SetWidth(width)
	stable, tail := p.sb.Take(final)
	if Rows(tail, width) >= height-1 {
		tail = nil
	}
	// The rows of the old tail that the frame shows again as they are
	// stay; the rest is erased and written.
	old := p.tail
	keep := 0
	for keep < len(old) && keep < len(stable)+len(tail) && old[keep] == lineAt(stable, tail, keep) {
		keep++
	}
	var b strings.Builder
	if rows := Rows(old[keep:], width); rows > 0 {
		b.WriteString(eraseUp(rows))
	}
	for i := keep; i < len(stable)+len(tail); i++ {
		b.WriteString(lineAt(stable, tail, i))
		b.WriteByte('\n')
	}
	p.tail = tail
	fed := p.fed
	if _, err := io.WriteString(p.opts.Out, b.String()); err != nil {
		return err
	}
	p.done = fed
	return nil
}

// lineAt is line i of the frame whose lines are stable then tail.
func lineAt(stable, tail []string, i int) string {
	if i < len(stable) {
		return stable[i]
	}
	return tail[i-len(stable)]
}

// Shown is how many bytes of the answer's text, as it arrived, have been
// drawn: in full or as part of the open tail.
func (p *TermPrinter) Shown() int { return p.done }

// eraseUp moves the cursor from the start of the row below rows rows of
// text to the first of them, and erases them. It does not erase below
// from the first row, as "\x1b[J" there would do: on the screen's top
// row that is a clear screen, which tmux (scroll-on-clear) copies into the
// scrollback first. It clears that row, and erases below from the next.
func eraseUp(rows int) string {
	return "\r\x1b[" + strconv.Itoa(rows) + "A\x1b[2K\x1b[B\x1b[J\x1b[A"
}
