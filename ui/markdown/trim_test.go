package markdown

import (
	"strings"
	"testing"
)

func TestTrimLine(t *testing.T) {
	pad := "\x1b[38;5;252m \x1b[m"
	tests := []struct{ in, want string }{
		{"", ""},
		{"  text", "  text"},
		{"  \x1b[38;5;252mtext\x1b[m" + strings.Repeat(pad, 20), "  \x1b[38;5;252mtext\x1b[m"},
		{"  " + strings.Repeat(pad, 5), "  "},
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
