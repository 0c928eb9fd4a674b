package ui

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/demo"
	"github.com/parley-chat/parley/ui/markdown"
)

// reflowTerm replays what a TermPrinter writes on a terminal that never
// scrolls and that re-wraps its lines when its width changes, as tmux
// does. It understands exactly the sequences the printer uses (CR, LF,
// autowrap off and on, cursor up, erase from the cursor's row), and fails
// the test when the cursor moves up over a line that may take more than
// one row (written with autowrap on, or at another width), past the top
// of the screen, or when text is written over text.
type reflowTerm struct {
	t             *testing.T
	width, height int
	lines         []string // the lines written, each ended by a new line but the last
	cut           []int    // per line: the width it was written at with autowrap off, or 0
	cur           int      // the line the cursor is on
	nowrap        bool     // autowrap is off
}

var seq = regexp.MustCompile(`^\x1b\[(\??)([0-9;]*)([A-Za-z])`)

func (tm *reflowTerm) size() (int, int) { return tm.width, tm.height }

func (tm *reflowTerm) Write(p []byte) (int, error) {
	tm.t.Helper()
	out := string(p)
	if len(tm.lines) == 0 {
		tm.lines, tm.cut = []string{""}, []int{0}
	}
	for len(out) > 0 {
		if strings.HasPrefix(out, eraseFromRow) {
			tm.lines, tm.cut = append(tm.lines[:tm.cur], ""), append(tm.cut[:tm.cur], 0)
			out = out[len(eraseFromRow):]
			continue
		}
		switch {
		case strings.HasPrefix(out, "\r\n") || out[0] == '\n':
			out = strings.TrimPrefix(strings.TrimPrefix(out, "\r"), "\n")
			if tm.cur < len(tm.lines)-1 { // down over a line
				tm.up(-1)
				continue
			}
			tm.lines, tm.cut = append(tm.lines, ""), append(tm.cut, 0)
			tm.cur++
			if tm.nowrap {
				tm.cut[tm.cur] = tm.width
			}
		case out[0] == '\r':
			out = out[1:]
		case out[0] == '\x1b':
			m := seq.FindStringSubmatch(out)
			if m == nil {
				tm.t.Fatalf("unexpected escape sequence at %q", out[:min(len(out), 10)])
			}
			switch m[1] + m[3] {
			case "m": // colours: part of the line
				tm.lines[tm.cur] += m[0]
			case "?l", "?h":
				if m[2] != "7" {
					tm.t.Fatalf("unexpected sequence %q", m[0])
				}
				tm.nowrap = m[3] == "l"
				if tm.nowrap && tm.lines[tm.cur] == "" {
					tm.cut[tm.cur] = tm.width
				}
			case "A", "B":
				n, err := strconv.Atoi(m[2])
				if err != nil {
					n = 1 // no parameter
				}
				if m[3] == "B" {
					n = -n
				}
				tm.up(n)
			default:
				tm.t.Fatalf("unexpected sequence %q", m[0])
			}
			out = out[len(m[0]):]
		default:
			end := strings.IndexAny(out, "\r\n\x1b")
			if end < 0 {
				end = len(out)
			}
			if tm.cur != len(tm.lines)-1 {
				tm.t.Fatalf("text written over line %d of %d: %q", tm.cur, len(tm.lines), out[:end])
			}
			tm.lines[tm.cur] += out[:end]
			if tm.nowrap {
				tm.cut[tm.cur] = tm.width
			}
			out = out[end:]
		}
	}
	return len(p), nil
}

// up moves the cursor up n rows (down, when n is negative): over lines
// written with autowrap off, at the terminal's width, each one row.
func (tm *reflowTerm) up(n int) {
	tm.t.Helper()
	if n >= tm.height {
		tm.t.Fatalf("cursor up %d on a screen of %d rows", n, tm.height)
	}
	if tm.cur-n < 0 || tm.cur-n >= len(tm.lines) {
		tm.t.Fatalf("cursor moved %d rows up from line %d of %d", n, tm.cur, len(tm.lines))
	}
	for i := min(tm.cur, tm.cur-n); i < max(tm.cur, tm.cur-n); i++ {
		if tm.cut[i] != tm.width {
			tm.t.Fatalf("cursor up over line %q, written with autowrap on or at another width", tm.lines[i])
		}
	}
	tm.cur -= n
}

// text is what the screen shows, less colours, trailing blank lines and
// trailing spaces.
func (tm *reflowTerm) text() string {
	lines := make([]string, len(tm.lines))
	for i, l := range tm.lines {
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// TestTermPrinterEndsWithTheFullRender feeds an answer token by token,
// drawing a frame after each, and checks that the screen ends up holding
// exactly a full render of it: every stable line printed once, every
// redrawn tail taken back.
func TestTermPrinterEndsWithTheFullRender(t *testing.T) {
	text := demo.Answer("show me")
	for every := 1; every <= 9; every++ { // frames after every N tokens
		tm := &reflowTerm{t: t, width: 90, height: 1000}
		p := NewTermPrinter(TermOptions{Out: tm, Err: &bytes.Buffer{}, Size: tm.size, Style: "dark"})
		for i, tok := range demo.Tokens(text) {
			p.Chunk(provider.Chunk{Kind: provider.KindText, Text: tok})
			if i%every == 0 {
				if err := p.Draw(false); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := p.Close(nil); err != nil {
			t.Fatal(err)
		}
		want := (&reflowTerm{lines: strings.Split(markdown.ExpandTabs(render(t, text, 90)), "\n")}).text()
		if got := tm.text(); got != want {
			t.Fatalf("screen:\n%s\n\nwant:\n%s", got, want)
		}
	}
}

// A terminal narrowed and widened while the answer streams shows every
// paragraph and heading once: the open tail is erased as the terminal
// re-wrapped it, and drawn again at the new width.
func TestTermPrinterResizedMidAnswer(t *testing.T) {
	toks := chatserver.Markdown(1500)
	for _, widths := range [][2]int{{100, 60}, {120, 80}, {60, 100}} {
		tm := &reflowTerm{t: t, width: widths[0], height: 40}
		p := NewTermPrinter(TermOptions{Out: tm, Err: &bytes.Buffer{}, Size: tm.size, Style: "dark"})
		for i, tok := range toks {
			if i%37 == 36 { // back and forth, at many points of the answer
				tm.width = widths[0] + widths[1] - tm.width
			}
			p.Chunk(provider.Chunk{Kind: provider.KindText, Text: tok})
			if err := p.Draw(false); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(nil); err != nil {
			t.Fatal(err)
		}
		got := onlyLetters(tm.text())
		if want := onlyLetters(ansi.Strip(render(t, strings.Join(toks, ""), tm.width))); got != want {
			t.Errorf("%d then %d columns: the screen's letters are not a full render's\n%s", widths[0], widths[1], diffAt(want, got))
		}
	}
}

// render is glamour's render of text at width, less its padding.
func render(t *testing.T, text string, width int) string {
	tr, err := glamour.NewTermRenderer(markdown.GlamourOptions(markdown.Options{Width: width, Style: "dark"})...)
	if err != nil {
		t.Fatal(err)
	}
	full, err := tr.Render(text)
	if err != nil {
		t.Fatal(err)
	}
	return markdown.TrimPadding(full)
}

// onlyLetters keeps the letters and digits of s, in order.
func onlyLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestFit(t *testing.T) {
	tests := []struct{ line, want string }{
		{"short", "short"},
		{"\treturn x" + strings.Repeat(" ", 11), "    return x" + strings.Repeat(" ", 8)}, // padding past the width is cut
		{strings.Repeat("x", 30), strings.Repeat("x", 30)},                                // text past it is kept
		{"\x1b[1mbold\x1b[m" + strings.Repeat(" ", 25), "\x1b[1mbold\x1b[m" + strings.Repeat(" ", 16)},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fit(tt.line, 20); got != tt.want {
			t.Errorf("Fit(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// diffAt shows where two strings first differ.
func diffAt(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return "want …" + want[max(0, i-40):min(len(want), i+60)] + "\ngot  …" + got[max(0, i-40):min(len(got), i+60)]
}

// A frame redraws the open tail from the first of its lines that changed,
// and leaves the cursor on the tail's first row: nothing printed for good
// is written again, and the tail is written with autowrap off, one row a
// line, so that moving in it counts no rows at a width (a resize could
// make that go wrong).
func TestTermPrinterRedrawsTheTailFromItsTop(t *testing.T) {
	tm := &reflowTerm{t: t, width: 40, height: 40}
	var out bytes.Buffer
	p := NewTermPrinter(TermOptions{Out: io.MultiWriter(tm, &out), Err: &bytes.Buffer{}, Size: tm.size, Style: "dark"})
	p.Chunk(provider.Chunk{Kind: provider.KindText, Text: "# Title\n\nAlpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa"})
	if err := p.Draw(false); err != nil {
		t.Fatal(err)
	}
	if len(p.tail) < 3 {
		t.Fatalf("the tail is %d lines, want a paragraph of 3 or more", len(p.tail))
	}
	out.Reset()
	p.Chunk(provider.Chunk{Kind: provider.KindText, Text: " quebec"})
	if err := p.Draw(false); err != nil {
		t.Fatal(err)
	}
	frame := out.String()
	n := len(p.tail) - 1
	if !strings.HasPrefix(frame, strings.Repeat("\r\n", n)+eraseFromRow+ansi.ResetModeAutoWrap) || !strings.HasSuffix(frame, "\r"+ansi.CursorUp(n)+ansi.SetModeAutoWrap) {
		t.Errorf("the frame does not redraw the tail's last line from its first row with autowrap off: %q", frame)
	}
	if strings.Contains(ansi.Strip(frame), "Title") || strings.Contains(ansi.Strip(frame), "Alpha") {
		t.Errorf("the frame writes the title or the tail's first line again: %q", frame)
	}
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
	text := "# Title\n\nAlpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec"
	if want := (&reflowTerm{lines: strings.Split(markdown.ExpandTabs(render(t, text, 40)), "\n")}).text(); tm.text() != want {
		t.Fatalf("screen:\n%s\n\nwant:\n%s", tm.text(), want)
	}
}

// A window being dragged: Flush draws nothing while the width keeps
// changing (a new width at a frame, or a resize signalled, even one undone
// since), Due says when the held frame is due, and it is drawn then, at
// the last width.
func TestTermPrinterHoldsWhileResizing(t *testing.T) {
	tm := &reflowTerm{t: t, width: 80, height: 40}
	var out bytes.Buffer
	resized := make(chan os.Signal, 1)
	p := NewTermPrinter(TermOptions{Out: io.MultiWriter(tm, &out), Err: &bytes.Buffer{}, Size: tm.size, Resized: resized, Style: "dark"})
	text := "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa"
	words := strings.SplitAfter(text, " ")
	flush := func(what string, drawn bool) {
		t.Helper()
		out.Reset()
		if err := p.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := out.Len() > 0; got != drawn {
			t.Fatalf("%s: drawn %v, want %v", what, got, drawn)
		}
	}
	p.Chunk(provider.Chunk{Kind: provider.KindText, Text: strings.Join(words[:8], "")})
	flush("the first frame", true)
	for i, event := range []string{"narrowed", "signalled"} {
		if event == "narrowed" {
			tm.width = 50
		} else {
			resized <- os.Interrupt // any signal: SIGWINCH is not everywhere
		}
		p.Chunk(provider.Chunk{Kind: provider.KindText, Text: words[8+i]})
		time.Sleep(frameInterval)
		flush(event, false)
		d, due := p.Due()
		if !due || d > maxSettle {
			t.Fatalf("%s: Due() = %v, %v; want the held frame due within %v", event, d, due, maxSettle)
		}
		time.Sleep(d)
		flush(event+", then settled", true)
	}
	p.Chunk(provider.Chunk{Kind: provider.KindText, Text: strings.Join(words[10:], "")})
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
	if want := (&reflowTerm{lines: strings.Split(markdown.ExpandTabs(render(t, text, 50)), "\n")}).text(); tm.text() != want {
		t.Fatalf("screen:\n%s\n\nwant:\n%s", tm.text(), want)
	}
}
