package markdown

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

var zzPara = "Hello there, this is a paragraph with *emphasis* and `code` and **strong** words that goes on long enough to wrap onto the next line of the answer, and then it goes on\nfor another line of plain words so that it has the size of a typical paragraph in an answer."

func BenchmarkZZGlamour(b *testing.B) {
	e, _ := newEngine(Options{Width: 100, Style: "dark"})
	for b.Loop() {
		e.piece(false, "", zzPara+"\n\n")
	}
}

func BenchmarkZZWrap(b *testing.B) {
	blk := strings.Repeat("\x1b[38;5;252mHello there, this is a paragraph with \x1b[m\x1b[38;5;252;3memphasis\x1b[m\x1b[38;5;252m and\x1b[m", 5)
	for b.Loop() {
		s := lipgloss.Wrap(blk, 96, "")
		for _, l := range strings.Split(s, "\n") {
			_ = trimLine("  " + l)
		}
	}
}
