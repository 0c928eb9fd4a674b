package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"

	"github.com/parley-chat/parley/provider"
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
	rsn       markdown.Sanitizer
	width     int // of the terminal, in cells
	height    int

	printed   int // lines of the render printed for good
	tail      int // lines of the open tail on screen below them
	last      time.Time
	reasoning bool // a reasoning line is open on stderr
}

// frameInterval bounds how often the open tail is redrawn.
const frameInterval = 16 * time.Millisecond

func newTermPrinter(out, errw io.Writer, theme string) *termPrinter {
	width, height := 80, 24
	if f, ok := out.(*os.File); ok {
		if w, h, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			width, height = w, h
		}
	}
	style := "dark"
	switch {
	case os.Getenv("NO_COLOR") != "":
		style = "notty"
	case theme == "light":
		style = "light"
	}
	return &termPrinter{
		out: out, errw: errw, errTTY: isTerminal(errw), width: width, height: height,
		md: markdown.New(markdown.Options{Width: min(width, 120), Style: style, Live: true}),
	}
}

func (p *termPrinter) chunk(c provider.Chunk) error {
	switch c.Kind {
	case provider.KindText:
		p.md.Append(c.Text) // the renderer sanitizes
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
	_, err := io.WriteString(p.out, b.String())
	return err
}

// fit returns line l as it is printed: tabs expanded, and the padding that
// glamour added past the terminal's width (which would wrap into a blank
// row) cut off. Text past the width is kept: the terminal wraps it.
func (p *termPrinter) fit(l string) string {
	l = expandTabs(l)
	if p.width > 0 && ansi.StringWidth(l) > p.width {
		if plain := ansi.Strip(l); ansi.StringWidth(strings.TrimRight(plain, " ")) <= p.width {
			return ansi.Truncate(l, p.width, "")
		}
	}
	return l
}

// rows is how many rows of the terminal line l takes once printed: glamour
// does not wrap code, so a long line of code wraps on the terminal.
func (p *termPrinter) rows(l string) int { return p.rowsOf(p.fit(l)) }

// rowsOf is rows of a line that fit has already made printable.
func (p *termPrinter) rowsOf(fitted string) int {
	w := ansi.StringWidth(fitted)
	if p.width <= 0 || w <= p.width {
		return 1
	}
	return (w + p.width - 1) / p.width
}

// expandTabs replaces the tabs that glamour keeps in code: a terminal would
// move them to its own tab stops, past glamour's layout.
func expandTabs(l string) string {
	if strings.IndexByte(l, '\t') < 0 {
		return l
	}
	return strings.ReplaceAll(l, "\t", "    ")
}
