package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

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
	text, rsn markdown.Sanitizer
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
		out: out, errw: errw, errTTY: isTerminal(errw), height: height,
		md: markdown.New(markdown.Options{Width: min(width, 120), Style: style}),
	}
}

func (p *termPrinter) chunk(c provider.Chunk) error {
	switch c.Kind {
	case provider.KindText:
		p.md.Append(p.text.Feed(c.Text))
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
	p.md.Append(p.text.Flush())
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
	lines := strings.Split(strings.TrimRight(p.md.Render(), "\n"), "\n")
	stable := len(lines)
	if !final {
		stable = 0 // TODO(lead): the renderer's stable prefix
	}
	var b strings.Builder
	if p.tail > 0 {
		// Back to the first line of the old tail, and clear to the end.
		b.WriteString("\r\x1b[" + strconv.Itoa(p.tail) + "A\x1b[J")
		p.tail = 0
	}
	for _, l := range lines[min(p.printed, len(lines)):stable] {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	p.printed = max(p.printed, stable)
	if !final {
		if tail := lines[p.printed:]; len(tail) < p.height-1 {
			for _, l := range tail {
				b.WriteString(l)
				b.WriteByte('\n')
			}
			p.tail = len(tail)
		}
	}
	_, err := io.WriteString(p.out, b.String())
	return err
}
