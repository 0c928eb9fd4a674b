package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/demo"
	"github.com/parley-chat/parley/ui/markdown"
)

// screen replays what termPrinter writes on a terminal that never scrolls:
// it understands exactly the sequences the printer uses (CR, LF, cursor up,
// erase below) and returns the lines left on the screen.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	row := 0
	seq := regexp.MustCompile(`^\x1b\[([0-9;]*)([A-Za-z])`)
	for len(out) > 0 {
		switch {
		case out[0] == '\r':
			out = out[1:]
		case out[0] == '\n':
			row++
			out = out[1:]
		case out[0] == '\x1b':
			m := seq.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("unexpected escape sequence at %q", out[:min(len(out), 10)])
			}
			switch m[2] {
			case "A":
				n, _ := strconv.Atoi(m[1])
				row -= n
			case "J":
				if row < len(rows) {
					rows = rows[:row]
				}
			}
			out = out[len(m[0]):]
		default:
			end := strings.IndexAny(out, "\r\n\x1b")
			if end < 0 {
				end = len(out)
			}
			for len(rows) <= row {
				rows = append(rows, "")
			}
			rows[row] += out[:end]
			out = out[end:]
		}
	}
	return rows
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestTermPrinterEndsWithTheFullRender feeds an answer token by token,
// drawing a frame after each, and checks that the screen ends up holding
// exactly a full render of it: every stable line printed once, every
// redrawn tail taken back.
func TestTermPrinterEndsWithTheFullRender(t *testing.T) {
	text := demo.Answer("show me")
	for every := 1; every <= 9; every++ { // frames after every N tokens
		var out bytes.Buffer
		p := &termPrinter{out: &out, errw: &bytes.Buffer{}, height: 1000,
			md: markdown.New(markdown.Options{Width: 90, Style: "dark"})}
		for i, tok := range demo.Tokens(text) {
			p.chunk(provider.Chunk{Kind: provider.KindText, Text: tok})
			if i%every == 0 {
				if err := p.draw(false); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := p.close(nil); err != nil {
			t.Fatal(err)
		}
		checkScreen(t, text, out.String())
	}
}

func checkScreen(t *testing.T, text, out string) {
	t.Helper()
	tr, err := glamour.NewTermRenderer(markdown.GlamourOptions(markdown.Options{Width: 90, Style: "dark"})...)
	if err != nil {
		t.Fatal(err)
	}
	full, err := tr.Render(text)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimRight(markdown.ExpandTabs(sgr.ReplaceAllString(markdown.TrimPadding(full), "")), "\n")
	got := strings.TrimRight(strings.Join(screen(t, out), "\n"), "\n")
	if got != want {
		t.Fatalf("screen:\n%s\n\nwant:\n%s", got, want)
	}
}

func TestTermPrinterFitsLinesToTheTerminal(t *testing.T) {
	p := &termPrinter{width: 20}
	tests := []struct {
		line, want string
		rows       int
	}{
		{"short", "short", 1},
		{"\treturn x" + strings.Repeat(" ", 11), "    return x" + strings.Repeat(" ", 8), 1}, // padding past the width is cut
		{strings.Repeat("x", 30), strings.Repeat("x", 30), 2},                                // text past it wraps
		{"\x1b[1mbold\x1b[m" + strings.Repeat(" ", 25), "\x1b[1mbold\x1b[m" + strings.Repeat(" ", 16), 1},
	}
	for _, tt := range tests {
		if got := p.fit(tt.line); got != tt.want {
			t.Errorf("fit(%q) = %q, want %q", tt.line, got, tt.want)
		}
		if got := p.rowsOf(p.fit(tt.line)); got != tt.rows {
			t.Errorf("rows(%q) = %d, want %d", tt.line, got, tt.rows)
		}
	}
}

func TestSpinnerStopsAndClearsItsLine(t *testing.T) {
	var buf syncBuffer
	stop := startSpinner(&buf, "waiting for demo:demo")
	time.Sleep(150 * time.Millisecond)
	stop()
	stop() // a second call does nothing
	out := buf.String()
	if !strings.Contains(out, "waiting for demo:demo") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("spinner wrote %q", out)
	}
	if n := len(buf.String()); n != len(out) {
		t.Errorf("the spinner wrote after stop")
	}
}
