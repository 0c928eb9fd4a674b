package ui

import (
	"fmt"
	"strings"
)

// sanitizer removes terminal escape sequences and control characters from
// streamed model text, so that an answer can never drive the terminal:
// CSI, OSC (titles, hyperlinks, clipboard), DCS, APC, PM and SOS sequences
// are dropped whole, even when a sequence is split across deltas; C0 and
// C1 controls other than newline and tab are dropped; bidirectional
// overrides are made visible as ⟨U+202E⟩.
//
// TODO(markdown): use markdown's streaming Sanitizer once it lands, so the
// TUI and one-shot output share one implementation.
type sanitizer struct {
	st seqState
}

type seqState uint8

const (
	seqNone   seqState = iota
	seqEsc             // after ESC
	seqCSI             // inside a control sequence, until its final byte
	seqString          // inside OSC/DCS/APC/PM/SOS, until BEL or ST
	seqStrEsc          // ESC inside a string: ST if followed by '\'
)

func newSanitizer() *sanitizer { return &sanitizer{} }

// sanitizeText sanitizes a complete text.
func sanitizeText(s string) string {
	var z sanitizer
	return z.write(s)
}

// write returns the printable part of delta; a sequence left open at its
// end is remembered, and its rest dropped from the next delta.
func (z *sanitizer) write(delta string) string {
	if z.st == seqNone && clean(delta) {
		return delta
	}
	var b strings.Builder
	b.Grow(len(delta))
	for _, r := range delta {
		switch z.st {
		case seqEsc:
			z.afterEsc(r)
			continue
		case seqCSI:
			if r >= 0x40 && r <= 0x7e || r < 0x20 && r != 0x1b {
				z.st = seqNone
			} else if r == 0x1b {
				z.st = seqEsc
			}
			continue
		case seqString:
			switch r {
			case 0x07, 0x9c:
				z.st = seqNone
			case 0x1b:
				z.st = seqStrEsc
			}
			continue
		case seqStrEsc:
			z.st = seqString
			if r == '\\' {
				z.st = seqNone
			}
			continue
		}
		z.printable(&b, r)
	}
	return b.String()
}

func (z *sanitizer) afterEsc(r rune) {
	switch r {
	case '[':
		z.st = seqCSI
	case ']', 'P', '_', '^', 'X':
		z.st = seqString
	case 0x1b:
		z.st = seqEsc
	default:
		// A two-character sequence (ESC c, ESC 7, ...) or an intermediate:
		// drop it and the character after.
		z.st = seqNone
	}
}

func (z *sanitizer) printable(b *strings.Builder, r rune) {
	switch {
	case r == '\n' || r == '\t':
		b.WriteRune(r)
	case r == 0x1b:
		z.st = seqEsc
	case r == 0x9b:
		z.st = seqCSI
	case r == 0x9d || r == 0x90 || r == 0x9f || r == 0x9e || r == 0x98:
		z.st = seqString
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		// other C0 and C1 controls: dropped
	case bidiControl(r):
		fmt.Fprintf(b, "⟨U+%04X⟩", r)
	default:
		b.WriteRune(r)
	}
}

// flush ends the stream; an unfinished sequence is dropped.
func (z *sanitizer) flush() string {
	z.st = seqNone
	return ""
}

// clean reports whether s needs no sanitizing: the common case of plain
// text costs one pass over its bytes.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 {
			return false
		}
	}
	return true
}

func bidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}
