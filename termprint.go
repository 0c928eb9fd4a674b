package main

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/termsafe"
	"github.com/parley-chat/parley/ui/markdown"
)

// termPrinter renders the answer as markdown on a terminal, progressively:
// lines that can no longer change are printed once, so the terminal's own
// scrollback and selection keep working, and the open tail is redrawn in
// place. Reasoning goes to stderr when it is a terminal.
type termPrinter struct {
	out, errw io.Writer
	errTTY    bool
	md        *markdown.Renderer
	rsn       termsafe.Sanitizer
	width     int // of the terminal, in cells
	height    int

	printed   int // lines of the render printed for good
	tail      int // lines of the open tail on screen below them
	last      time.Time
	reasoning bool // a reasoning line is open on stderr
	fed, done int  // bytes of the answer's text given, and drawn
}

// frameInterval bounds how often the open tail is redrawn.
const frameInterval = 16 * time.Millisecond

func newTermPrinter(env *environment, theme string) *termPrinter {
	return &termPrinter{
		out: env.stdout, errw: env.stderr, errTTY: env.stderrTTY, width: env.width, height: env.height,
		md: markdown.New(markdown.Options{Width: min(env.width, 120), Style: env.glamourStyle(theme), Live: true}),
	}
}

func (p *termPrinter) chunk(c provider.Chunk) error {
	switch c.Kind {
	case provider.KindText:
		p.md.Append(c.Text) // the renderer sanitizes
		p.fed += len(c.Text)
	case provider.KindReasoning:
		if p.errTTY {
			if !p.reasoning {
				io.WriteString(p.errw, "\x1b[2mThinking: ")
				p.reasoning = true
			}
			io.WriteString(p.errw, strings.ReplaceAll(p.rsn.Feed(c.Text), "\n", " "))
		}
	case provider.KindNotice:
		p.endReasoning()
	}
	return nil
}

func (p *termPrinter) endReasoning() {
	if p.reasoning {
		io.WriteString(p.errw, "\x1b[0m\n")
		p.reasoning = false
	}
}

func (p *termPrinter) flush() error {
	if time.Since(p.last) < frameInterval || p.md.Text() == "" {
		return nil
	}
	p.last = time.Now()
	return p.draw(false)
}

func (p *termPrinter) close(error) error {
	p.md.Finish()
	p.endReasoning()
	return p.draw(true)
}

// draw prints the render: the lines that became stable, then the open tail
// (all of it when final). A tail taller than the screen is not drawn until
// it settles, since the cursor cannot move back above the screen.
func (p *termPrinter) draw(final bool) error {
	if p.md.Text() == "" {
		return nil
	}
	p.endReasoning()
	lines := p.md.Lines()
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	stable := len(lines)
	if !final {
		stable = min(p.md.Stable(), len(lines))
	}
	var b strings.Builder
	if p.tail > 0 {
		// Back to the first line of the old tail, and clear to the end.
		b.WriteString("\r\x1b[" + strconv.Itoa(p.tail) + "A\x1b[J")
		p.tail = 0
	}
	for _, l := range lines[min(p.printed, len(lines)):stable] {
		b.WriteString(p.fit(l))
		b.WriteByte('\n')
	}
	p.printed = max(p.printed, stable)
	if !final {
		tail, rows := lines[p.printed:], 0
		fitted := make([]string, len(tail))
		for i, l := range tail {
			fitted[i] = p.fit(l)
			rows += p.rowsOf(fitted[i])
		}
		if rows < p.height-1 {
			for _, l := range fitted {
				b.WriteString(l)
				b.WriteByte('\n')
			}
			p.tail = rows
		}
	}
	fed := p.fed
	if _, err := io.WriteString(p.out, b.String()); err != nil {
		return err
	}
	p.done = fed
	return nil
}

// shown is how much of the answer's text has been drawn: in full or as
// part of the open tail.
func (p *termPrinter) shown() int { return p.done }

// fit returns line l as it is printed: tabs expanded, and the padding that
// glamour added past the terminal's width (which would wrap into a blank
// row) cut off. Text past the width is kept: the terminal wraps it.
func (p *termPrinter) fit(l string) string {
	l = markdown.ExpandTabs(l)
	if p.width > 0 && ansi.StringWidth(l) > p.width {
		if plain := ansi.Strip(l); ansi.StringWidth(strings.TrimRight(plain, " ")) <= p.width {
			return ansi.Truncate(l, p.width, "")
		}
	}
	return l
}

// rowsOf is how many rows of the terminal a line that fit has made
// printable takes: glamour does not wrap code, so a long line of code wraps
// on the terminal.
func (p *termPrinter) rowsOf(fitted string) int {
	w := ansi.StringWidth(fitted)
	if p.width <= 0 || w <= p.width {
		return 1
	}
	return (w + p.width - 1) / p.width
}
