package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/ui/markdown"
)

// Scrollback is the render of a streaming answer for an output that
// cannot take back what it printed, such as a terminal's scrollback: the
// lines of finished blocks are given once, to be printed for good, and
// the open tail of the answer is given at every frame, to be redrawn
// below them. The one-shot terminal printer (TermPrinter) and the inline
// chat both print through it.
//
// A change of width re-wraps only the open tail: what was given for good
// stays as it was printed, so nothing is given twice.
type Scrollback struct {
	md    *markdown.Renderer
	width int // of the terminal, in cells; the render is at most 120
}

// maxWrap is the widest an answer is wrapped, however wide the terminal:
// longer lines are hard to read.
const maxWrap = 120

// NewScrollback returns a Scrollback for a terminal width cells wide, in
// the glamour style given.
func NewScrollback(width int, style string) *Scrollback {
	width = max(width, 1)
	md := markdown.New(markdown.Options{Width: min(width, maxWrap), Style: style, Live: true})
	md.SetBudget(renderStep) // see Take
	return &Scrollback{width: width, md: md}
}

// renderStep is the most text Take renders in one step (the full-screen
// chat's frameBudget). glamour takes longer per byte for a long text than
// for a short one: a burst that arrived between two calls (tens of KB of
// a fast local server's answer) rendered in steps costs 10–17% less CPU
// than rendered at once (BENCHMARKS.md, "The burst (session 16)").
const renderStep = frameBudget

// Append adds a delta of the answer; it is sanitized.
func (s *Scrollback) Append(delta string) { s.md.Append(delta) }

// Finish marks the end of the answer: Take then gives all of it for good.
func (s *Scrollback) Finish() { s.md.Finish() }

// Empty reports whether no text arrived yet.
func (s *Scrollback) Empty() bool { return s.md.Text() == "" }

// Width is the terminal's width the render is for.
func (s *Scrollback) Width() int { return s.width }

// SetWidth re-wraps the open tail for a terminal width cells wide.
func (s *Scrollback) SetWidth(width int) {
	if width <= 0 || width == s.width {
		return
	}
	s.width = width
	s.md.SetWidth(min(width, maxWrap))
}

// Take returns the lines that became stable since the last call, to be
// printed once, and the open tail, to be drawn below them until the next
// call; after Finish all the lines are stable and the tail is empty.
// Lines are fitted to the terminal (see Fit). Blank lines at the end of
// the render are left out until more follows them.
func (s *Scrollback) Take(final bool) (stable, tail []string) {
	for s.md.Advance() { // all that arrived, renderStep at a time
		s.md.Stable()
	}
	lines := s.md.Lines()
	n := len(lines)
	for n > 0 && lines[n-1] == "" {
		n--
	}
	cut := n
	if !final {
		cut = min(s.md.Stable(), n)
	}
	stable = make([]string, 0, cut)
	for _, l := range lines[:cut] {
		stable = append(stable, Fit(l, s.width))
	}
	tail = make([]string, 0, n-cut)
	for _, l := range lines[cut:n] {
		tail = append(tail, Fit(l, s.width))
	}
	if final {
		s.md.Reset()
	} else {
		s.md.Seal()
	}
	return stable, tail
}

// Fit returns line l as it is printed on a terminal width cells wide:
// tabs expanded, and the padding that glamour added past the width (which
// would wrap into a blank row) cut off. Text past the width is kept: the
// terminal wraps it (glamour does not wrap code).
func Fit(l string, width int) string {
	l = markdown.ExpandTabs(l)
	if width > 0 && ansi.StringWidth(l) > width {
		if plain := ansi.Strip(l); ansi.StringWidth(strings.TrimRight(plain, " ")) <= width {
			return ansi.Truncate(l, width, "")
		}
	}
	return l
}

// rows is how many rows of a terminal width cells wide lines take, each
// ended by a new line and written with autowrap on.
func rows(lines []string, width int) int {
	n := 0
	for _, l := range lines {
		n += max((ansi.StringWidth(l)+width-1)/max(width, 1), 1)
	}
	return n
}

// eraseFromRow erases the cursor's row and all below it, and leaves the
// cursor at the start of that row. It does not erase below from the row's
// start at once: on the screen's first row that is a clear screen, which
// tmux (scroll-on-clear) copies into its scrollback first.
const eraseFromRow = "\r" + ansi.EraseEntireLine + ansi.SaveCursor + ansi.CUD1 + ansi.EraseScreenBelow + ansi.RestoreCursor

// printLines writes lines for good at the cursor, at the start of a row,
// each ended by a new line. Autowrap must be on: a line wider than the
// terminal (code) wraps, and a terminal re-wraps it when its width changes.
func printLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
}

// widthSettle follows the width of a terminal, so that a printer draws
// nothing while a window is being resized (see TermPrinter.Draw): it
// draws again once the width stayed put for resizeSettle, or, while
// resizes keep coming, for twice the time between the last two of them
// (a slow drag), up to maxSettle.
type widthSettle struct {
	width int           // the width seen last
	at    time.Time     // when a resize was seen last; zero: none yet
	gap   time.Duration // the time between the last two resizes
}

// maxSettle is the longest a resize holds the drawing.
const maxSettle = time.Second

// hold notes the width seen at now, and returns how long drawing must
// still wait (0: draw now).
func (s *widthSettle) hold(width int, now time.Time) time.Duration {
	if width != s.width {
		if s.width != 0 { // not the first width seen
			s.saw(now)
		}
		s.width = width
	}
	return s.left(now)
}

// saw notes a resize seen at now. A resize seen twice (signalled, then
// seen by its width) makes no gap.
func (s *widthSettle) saw(now time.Time) {
	if d := now.Sub(s.at); !s.at.IsZero() && d < 10*time.Millisecond {
		return
	} else if !s.at.IsZero() {
		s.gap = d
	}
	s.at = now
}

// left is how long drawing must still wait at now.
func (s *widthSettle) left(now time.Time) time.Duration {
	if s.at.IsZero() {
		return 0
	}
	settle := resizeSettle
	if s.gap < maxSettle {
		settle = min(max(settle, 2*s.gap), maxSettle)
	}
	return max(settle-now.Sub(s.at), 0)
}
