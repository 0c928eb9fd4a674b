package markdown

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/glamour/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

func TestTrimLine(t *testing.T) {
	pad := "\x1b[38;5;252m \x1b[m"
	tests := []struct{ in, want string }{
		{"", ""},
		{"  text", "  text"},
		{"  \x1b[38;5;252mtext\x1b[m" + strings.Repeat(pad, 20), "  \x1b[38;5;252mtext\x1b[m"},
		{"  " + strings.Repeat(pad, 5), ""}, // plain spaces bared by the runs go too: trimming is idempotent
		{"x\x1b[38;2;10;20;30m   \x1b[0m", "x"},
		{"x\x1b[1;31m \x1b[m", "x"},
		{"x\x1b[97m \x1b[m", "x"},
		{"x\x1b[39;22m \x1b[m", "x"},
		// A space shows a background, underline, reverse video, strike-through.
		{"x\x1b[48;5;236m \x1b[m", "x\x1b[48;5;236m \x1b[m"},
		{"x\x1b[38;5;252;48;5;236m \x1b[m", "x\x1b[38;5;252;48;5;236m \x1b[m"},
		{"x\x1b[4m \x1b[m", "x\x1b[4m \x1b[m"},
		{"x\x1b[7m \x1b[m", "x\x1b[7m \x1b[m"},
		{"x\x1b[9m \x1b[m", "x\x1b[9m \x1b[m"},
		{"x\x1b[44m \x1b[m", "x\x1b[44m \x1b[m"},
		// Only whole runs of spaces in one such style go; text stays.
		{"x\x1b[38;5;252m a \x1b[m", "x\x1b[38;5;252m a \x1b[m"},
		{"x\x1b[38;5;252m\x1b[m", "x\x1b[38;5;252m\x1b[m"},
		{"x\x1b[38;5m \x1b[m", "x\x1b[38;5m \x1b[m"},
		{"x\x1b[38;2;1;2m \x1b[m", "x\x1b[38;2;1;2m \x1b[m"},
		{"x\x1b[38;5;x1m \x1b[m", "x\x1b[38;5;x1m \x1b[m"},
		{"x\x1b[m \x1b[m", "x\x1b[m \x1b[m"},
		{"x \x1b[m", "x \x1b[m"},
		// Attributes set before the run and not reset apply to it too.
		{"x\x1b[44m\x1b[38;5;252m \x1b[m", "x\x1b[44m\x1b[38;5;252m \x1b[m"},
		{"\x1b[4mx\x1b[38;5;252m \x1b[m", "\x1b[4mx\x1b[38;5;252m \x1b[m"},
		{"\x1b[4mx\x1b[m\x1b[38;5;252m \x1b[m", "\x1b[4mx\x1b[m"},
	}
	for _, tt := range tests {
		if got := trimLine(tt.in); got != tt.want {
			t.Errorf("trimLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTrimLineDoesNotAllocate(t *testing.T) {
	line := "  \x1b[38;5;252mtext\x1b[m" + strings.Repeat("\x1b[38;5;252m \x1b[m", 100)
	if n := testing.AllocsPerRun(100, func() { trimLine(line) }); n != 0 {
		t.Errorf("trimLine allocates %.0f times", n)
	}
}

// TestTrimmedLinesLookTheSame draws glamour's lines and the trimmed ones
// into cells, as a terminal does, for the corpus in every standard style:
// a cell may differ only where glamour's shows nothing, a space with no
// background, underline, reverse video or strike-through, and the trimmed
// line's is empty.
func TestTrimmedLinesLookTheSame(t *testing.T) {
	styles := []string{"dark", "light", "notty", "ascii", "pink", "dracula", "tokyo-night"}
	trimmed := 0
	for name, text := range corpus(t) {
		for i, style := range styles {
			if raceEnabled && (i+len(name))%3 != 0 {
				continue
			}
			tr, err := glamour.NewTermRenderer(GlamourOptions(Options{Width: 80, Style: style})...)
			if err != nil {
				t.Fatal(err)
			}
			out, err := tr.Render(text)
			if err != nil {
				t.Fatal(err)
			}
			for n, l := range strings.Split(out, "\n") {
				tl := trimLine(l)
				if tl == l {
					continue
				}
				trimmed++
				was, is := cellsOf(l), cellsOf(tl)
				for x := range was {
					if was[x].Equal(&is[x]) {
						continue
					}
					if !blank(&was[x]) || !is[x].Equal(&uv.EmptyCell) {
						t.Fatalf("%s, %s, line %d, column %d: %+v became %+v\nline: %q", name, style, n+1, x+1, was[x], is[x], l)
					}
				}
			}
		}
	}
	if trimmed == 0 {
		t.Fatal("no line was trimmed")
	}
}

// cellsOf draws line into a row of cells.
func cellsOf(line string) []uv.Cell {
	const width = 400 // code lines are not wrapped
	buf := uv.NewScreenBuffer(width, 1)
	uv.NewStyledString(line).Draw(buf, buf.Bounds())
	cells := make([]uv.Cell, width)
	for x := range cells {
		cells[x] = *buf.CellAt(x, 0)
	}
	return cells
}

// blank reports whether c shows nothing: a space whose attributes only
// apply to a glyph.
func blank(c *uv.Cell) bool {
	const shows = uv.AttrReverse | uv.AttrStrikethrough
	return c.Content == " " && c.Style.Bg == nil && c.Style.Underline == 0 && c.Style.Attrs&shows == 0
}

// FuzzTrimLine checks that trimLine only takes off the end of a line, is
// idempotent, and never changes a cell a terminal would show.
func FuzzTrimLine(f *testing.F) {
	pad := "\x1b[38;5;252m \x1b[m"
	for _, s := range []string{
		"  \x1b[38;5;252mtext\x1b[m" + pad + pad,
		"x\x1b[48;5;236m \x1b[m",
		"x\x1b[44m\x1b[38;5;252m \x1b[m",
		"\x1b[4mx\x1b[m\x1b[38;2;1;2;3m  \x1b[0m",
		"x\x1b[1;31m \x1b[m" + pad,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		got := trimLine(line)
		if !strings.HasPrefix(line, got) {
			t.Fatalf("trimLine(%q) = %q, not a prefix", line, got)
		}
		if again := trimLine(got); again != got {
			t.Fatalf("trimLine is not idempotent on %q: %q, then %q", line, got, again)
		}
		// The cells are compared for what glamour can write: valid UTF-8,
		// one line, no tabs, and no escape sequence but SGR nor any other
		// control (the Sanitizer takes them out of the model's text).
		if got == line || !utf8.ValidString(line) || !sgrOnly(line) {
			return
		}
		was, is := cellsOf(line), cellsOf(got)
		for x := range was {
			if !was[x].Equal(&is[x]) && (!blank(&was[x]) || !is[x].Equal(&uv.EmptyCell)) {
				t.Fatalf("trimLine(%q) = %q changes column %d: %+v became %+v", line, got, x+1, was[x], is[x])
			}
		}
	})
}

// sgrSeq matches an SGR sequence, the only escape glamour writes.
var sgrSeq = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// sgrOnly reports whether line has no control character (C0, DEL, C1)
// outside its SGR sequences.
func sgrOnly(line string) bool {
	for _, r := range sgrSeq.ReplaceAllString(line, "") {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}
