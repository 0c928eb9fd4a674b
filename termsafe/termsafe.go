// Package termsafe makes text from outside (a server's answers, errors,
// model names, stored titles) safe to show on a terminal: whatever it holds,
// it can no longer drive the terminal once it has passed through here.
package termsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sanitize returns s made safe to show on a terminal: it can no longer move
// the cursor, retitle the window, set the clipboard, emit hyperlinks or
// otherwise drive the terminal.
//
//   - Escape sequences are removed whole: CSI (ESC [ … final), OSC (ESC ] …,
//     which covers titles 0/2, hyperlinks 8 and clipboard 52), DCS (ESC P),
//     SOS (ESC X), PM (ESC ^) and APC (ESC _) strings, and two- or
//     three-byte escapes (ESC x, ESC ( B). The 8-bit C1 introducers
//     (U+009B, U+009D, U+0090, U+0098, U+009E, U+009F) are treated like
//     their 7-bit forms. A string sequence ends at BEL, at ST (ESC \ or
//     U+009C), at CAN or SUB, at another ESC, or at a newline, so an
//     unterminated sequence cannot swallow the rest of an answer.
//   - C0 and C1 control characters other than newline and tab are removed,
//     and so is DEL. Carriage return is removed too: CRLF becomes LF, and a
//     lone CR can no longer overwrite the start of a line.
//   - Bidirectional embedding, override and isolate characters (U+202A to
//     U+202E and U+2066 to U+2069) are replaced by a visible marker such as
//     "⟨U+202E⟩", so they cannot reorder what the reader sees.
//   - Invalid UTF-8 bytes become U+FFFD.
//
// A string that needs none of this is returned as is, without allocating.
func Sanitize(s string) string {
	if clean(s) {
		return s
	}
	var z Sanitizer
	out := z.Feed(s)
	return out + z.Flush()
}

// Line returns s sanitized and on one line, its runs of whitespace (line
// breaks and tabs included) collapsed to single spaces and trimmed at both
// ends: the form for a notice, an error line or a one-line description.
func Line(s string) string {
	return strings.Join(strings.Fields(Sanitize(s)), " ")
}

// Sanitizer is the streaming form of Sanitize, for text that arrives delta by
// delta: an escape sequence or a UTF-8 character split across two deltas is
// recognised all the same. The zero value is ready to use. For any split of
// a text into deltas, the concatenated results of Feed followed by Flush
// equal Sanitize of the whole text.
type Sanitizer struct {
	st      state
	pending string // an incomplete UTF-8 character held back from the last delta
}

// state is where the sanitizer stands in the escape-sequence grammar.
type state uint8

const (
	ground state = iota // ordinary text
	escape              // after ESC
	escInt              // after ESC and intermediate bytes 0x20–0x2F
	csi                 // inside a control sequence
	str                 // inside an OSC, DCS, SOS, PM or APC string
	strEsc              // after ESC inside a string: ST if "\" follows
)

const (
	esc = 0x1b
	bel = 0x07
	can = 0x18
	sub = 0x1a
	del = 0x7f
)

// Feed sanitizes the next delta. An incomplete UTF-8 character at its end is
// held back until the next call (or Flush); an escape sequence still open at
// its end is remembered, and its remaining bytes are dropped when they come.
func (z *Sanitizer) Feed(delta string) string {
	if z.pending == "" && z.st == ground && clean(delta) {
		return delta
	}
	if z.pending != "" {
		delta = z.pending + delta
		z.pending = ""
	}
	var b strings.Builder
	b.Grow(len(delta))
	for i := 0; i < len(delta); {
		c := delta[i]
		if c < utf8.RuneSelf {
			z.step(&b, rune(c))
			i++
			continue
		}
		if !utf8.FullRuneInString(delta[i:]) {
			z.pending = delta[i:]
			break
		}
		r, n := utf8.DecodeRuneInString(delta[i:])
		z.step(&b, r) // an invalid byte arrives as RuneError, shown as U+FFFD
		i += n
	}
	return b.String()
}

// Flush ends the text: a held-back incomplete character becomes U+FFFD and an
// open escape sequence is dropped. The Sanitizer is then ready for new text.
func (z *Sanitizer) Flush() string {
	var b strings.Builder
	for i := 0; i < len(z.pending); i++ {
		z.step(&b, utf8.RuneError)
	}
	z.pending, z.st = "", ground
	return b.String()
}

// step advances the state machine by one character, writing what is kept.
func (z *Sanitizer) step(b *strings.Builder, r rune) {
	switch z.st {
	case escape:
		z.afterEsc(b, r)
	case escInt:
		switch {
		case r >= 0x20 && r <= 0x2f: // more intermediates
		case r >= 0x30 && r <= 0x7e:
			z.st = ground
		default:
			z.st = ground
			z.ground(b, r)
		}
	case csi:
		switch {
		case r >= 0x40 && r <= 0x7e:
			z.st = ground
		case r >= 0x20 && r <= 0x3f: // parameters and intermediates
		default: // not part of a control sequence: abandon it
			z.st = ground
			z.ground(b, r)
		}
	case str:
		switch r {
		case bel, can, sub, 0x9c:
			z.st = ground
		case esc:
			z.st = strEsc
		case '\n':
			z.st = ground
			b.WriteByte('\n')
		}
	case strEsc:
		if r == '\\' {
			z.st = ground
			return
		}
		z.st = escape
		z.afterEsc(b, r)
	default:
		z.ground(b, r)
	}
}

// afterEsc handles the character that follows ESC.
func (z *Sanitizer) afterEsc(b *strings.Builder, r rune) {
	switch {
	case r == '[':
		z.st = csi
	case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
		z.st = str
	case r >= 0x20 && r <= 0x2f:
		z.st = escInt
	case r >= 0x30 && r <= 0x7e:
		z.st = ground
	default: // ESC followed by a control or a non-ASCII character
		z.st = ground
		z.ground(b, r)
	}
}

// ground handles a character of ordinary text.
func (z *Sanitizer) ground(b *strings.Builder, r rune) {
	switch {
	case r == '\n' || r == '\t':
		b.WriteRune(r)
	case r == esc:
		z.st = escape
	case r == 0x9b:
		z.st = csi
	case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
		z.st = str
	case r < 0x20 || (r >= del && r <= 0x9f):
		// other C0 and C1 controls, DEL and CR: dropped
	case isBidiControl(r):
		b.WriteString("⟨U+")
		b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		b.WriteString("⟩")
	default:
		b.WriteRune(r)
	}
}

// isBidiControl reports whether r is a bidirectional embedding, override or
// isolate character.
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// clean reports whether s can be shown as is: valid UTF-8 with no control
// character other than newline and tab, and no bidirectional control.
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == del {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r <= 0x9f || isBidiControl(r) {
			return false
		}
		i += n
	}
	return true
}
