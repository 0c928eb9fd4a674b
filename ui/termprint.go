package ui

import (
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

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

	tail      []string // the open tail on screen, its first row the cursor's
	width     int      // the terminal's width it was drawn at
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
				p.Aside()
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

// Aside readies the terminal for a line that something else writes (a
// notice or reasoning on the error stream): the open tail is erased, to be
// drawn again below that line at the next frame. The cursor is at the
// start of a row.
func (p *TermPrinter) Aside() {
	if len(p.tail) > 0 {
		io.WriteString(p.opts.Out, eraseFromRow)
		p.tail = nil
	}
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
		p.settle.saw(now)
	default:
	}
}

// Close draws the whole answer for good.
//
// While the window is being resized, it draws right after the next resize,
// when the next one is the furthest away (see Draw), or once the size
// settled, whichever comes first.
func (p *TermPrinter) Close(error) error {
	p.sb.Finish()
	p.endReasoning()
	now := time.Now()
	p.resized(now)
	if left := p.settle.left(now); left > 0 && p.opts.Resized != nil && !p.sb.Empty() {
		wait := time.NewTimer(left)
		select {
		case <-p.opts.Resized:
		case <-wait.C:
		}
		wait.Stop()
	}
	return p.Draw(true)
}

// Draw prints the lines that became stable, then the open tail (all of it
// when final). The cursor stays on the tail's first row: a frame erases
// from there down (from the first of the tail's lines that changed, when
// nothing became stable), prints what became stable in its place, and
// draws the tail again below it, with autowrap off, so that each of its lines takes
// one row whatever the terminal's width (a line wider is cut, until it is
// printed for good), and goes back up to its first row by as many rows.
// So a frame counts no rows at a width: one drawn at a width the terminal
// has just left comes out right too, and rows that the terminal re-wraps
// when it narrows are below the cursor, where the next frame erases them.
// The inline chat prints the same way (see inlinePrinter.next). A tail as
// tall as the screen is not drawn until it settles, since the cursor
// could not go back above the screen.
//
// What a resize does to this, and what is handled:
//   - A resize between frames or during one: handled
//     (TestOneShotResizedMidAnswer, TestOneShotResizedRaceFullScreen).
//   - A window being dragged: Flush draws nothing until the width has
//     stayed put for a while (widthSettle: 100ms, more while resizes keep
//     coming), then draws once at the final width; Close, if resizes are
//     still coming, draws right after the next one.
//   - tmux, narrowed, pushes as many rows above the cursor into the
//     scrollback as its re-wrapping added: near the top of the screen,
//     where the rows above the cursor are fewer than that, part of the
//     tail goes there too, out of reach (TestOneShotResizedRace, which
//     starts at the top of an empty window). Not handled.
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
	if len(tail) >= height-1 {
		tail = nil
	}
	fed := p.fed
	if len(stable) == 0 && slices.Equal(tail, p.tail) {
		p.done = fed
		return nil
	}
	// The old tail's lines but its last that the frame shows again as they
	// are stay (most frames only add words to its last line): one row
	// each, drawn at this width, so the frame erases from the row below
	// them. Should the terminal have re-wrapped them since, unseen, that
	// row is off, but only until the next frame that prints for good,
	// which erases from the tail's first row.
	keep := 0
	for len(stable) == 0 && width == p.width && keep < len(tail) && keep < len(p.tail)-1 && tail[keep] == p.tail[keep] {
		keep++
	}
	var b strings.Builder
	if len(p.tail) > 0 {
		// Down by new lines, not a cursor move: at the screen's bottom
		// (the tail's rows fewer than counted, a widening unseen) they
		// scroll where a move would stop, so that the way back up still
		// ends on the tail's first row.
		b.WriteString(strings.Repeat("\r\n", keep))
		b.WriteString(eraseFromRow)
	}
	printLines(&b, stable)
	if len(tail) > 0 {
		b.WriteString(ansi.ResetModeAutoWrap)
		b.WriteString(strings.Join(tail[keep:], "\r\n"))
		b.WriteString("\r")
		if up := max(len(tail)-1, keep); up > 0 {
			b.WriteString(ansi.CursorUp(up))
		}
		b.WriteString(ansi.SetModeAutoWrap)
	}
	p.tail, p.width = tail, width
	if _, err := io.WriteString(p.opts.Out, b.String()); err != nil {
		return err
	}
	p.done = fed
	return nil
}

// Shown is how many bytes of the answer's text, as it arrived, have been
// drawn: in full or as part of the open tail.
func (p *TermPrinter) Shown() int { return p.done }
