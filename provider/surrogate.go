package provider

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Split surrogate pairs.
//
// A server that cuts its text by UTF-16 code unit, as JavaScript servers
// do, may end one delta with the high half of a pair ("\ud83c") and start
// the next with the low half ("\udf89"). encoding/json turns each half
// into U+FFFD when it decodes a frame, so the halves are kept before that:
// KeepSurrogates rewrites a lone surrogate escape in a frame into a marker
// that decoding leaves alone, and the Emitter pairs the markers across the
// deltas of one kind. A marker is the noncharacter U+FDD0 (reserved for a
// program's internal use) followed by a private-use code point:
// U+E000+(s-0xD800) for the surrogate s, or U+E800 for a U+FDD0 that the
// frame itself held, so that decoded text comes back exactly. Text of the
// wires that are not JSON (sse's plain text) is read back the same way:
// there, only a noncharacter followed by a private-use character, which no
// text means to send, could be taken for a marker.

const (
	markLead    = '\uFDD0'
	markLeadStr = "\uFDD0"
	markBase    = 0xE000 // + (surrogate - 0xD800)
	markLiteral = 0xE800 // a U+FDD0 of the text itself
)

// markLeadUTF8 is U+FDD0 as it appears raw in a frame.
var markLeadUTF8 = []byte(markLeadStr)

// KeepSurrogates returns data, the JSON of one frame, with each lone
// UTF-16 surrogate escape (a high half that no low half follows, or a low
// half that no high half precedes) and each U+FDD0 rewritten as a marker
// that survives decoding; Emitter.Text and Emitter.Reasoning read the
// markers back. A frame with neither comes back as it is, without a copy;
// one with no \u escape (a \n or \" is no reason to look further) and no
// byte 0xEF costs two searches. A frame that is not valid JSON stays
// invalid.
func KeepSurrogates(data []byte) []byte {
	if !bytes.Contains(data, escapeU) && bytes.IndexByte(data, markLeadUTF8[0]) < 0 {
		return data // most frames: no \u escape, and nothing in U+F000-U+FFFF
	}
	at, n, code := nextMark(data, 0)
	if at < 0 {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	from := 0
	for at >= 0 {
		out = append(out, data[from:at]...)
		out = append(out, `\ufdd0\u`...)
		out = appendHex4(out, code)
		from = at + n
		at, n, code = nextMark(data, from)
	}
	return append(out, data[from:]...)
}

// nextMark finds the first thing at or after from that KeepSurrogates
// rewrites: its offset (-1 for none), its length, and the private-use
// code point of its marker. from is never inside an escape.
func nextMark(data []byte, from int) (at, n int, code rune) {
	raw, end := rawLead(data, from), len(data)
	if raw >= 0 {
		end = raw // an escape can only come first if it starts before
	}
	for i := from; i < end; {
		k := bytes.Index(data[i:end], escapeU)
		if k < 0 {
			break
		}
		i += k
		if escapedBackslash(data, i) {
			i += 2 // "\\u" is an escaped backslash, then the letter u
			continue
		}
		r, ok := hex4(data[i+2:])
		switch {
		case !ok:
			i += 2 // left for the decoder to refuse
			continue
		case r == markLead:
			return i, 6, markLiteral
		case utf16.IsSurrogate(r):
			if r < 0xDC00 && len(data) >= i+12 && data[i+6] == '\\' && data[i+7] == 'u' {
				if r2, ok := hex4(data[i+8:]); ok && isLow(r2) {
					i += 12 // a whole pair
					continue
				}
			}
			return i, 6, markBase + r - 0xD800
		}
		i += 6
	}
	if raw >= 0 {
		return raw, len(markLeadUTF8), markLiteral
	}
	return -1, 0, 0
}

var escapeU = []byte(`\u`)

// rawLead finds the first U+FDD0 written as itself at or after from,
// leaving out one that follows a backslash: an invalid escape, which a
// rewrite must not make valid.
func rawLead(data []byte, from int) int {
	for from < len(data) {
		k := bytes.Index(data[from:], markLeadUTF8)
		if k < 0 {
			return -1
		}
		if at := from + k; !escapedBackslash(data, at) {
			return at
		}
		from += k + len(markLeadUTF8)
	}
	return -1
}

// escapedBackslash reports whether data[i] follows an escape's backslash:
// whether an odd number of backslashes precede it. (In JSON, backslashes
// only occur in strings.)
func escapedBackslash(data []byte, i int) bool {
	k := 0
	for i-k > 0 && data[i-k-1] == '\\' {
		k++
	}
	return k%2 == 1
}

// hex4 reads the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func appendHex4(b []byte, r rune) []byte {
	const digits = "0123456789abcdef"
	return append(b, digits[r>>12&0xF], digits[r>>8&0xF], digits[r>>4&0xF], digits[r&0xF])
}

// markAt reads the marker at the start of s: the surrogate it stands for,
// or U+FDD0 for a literal one, and its length; n is 0 when s does not
// start with a marker.
func markAt(s string) (r rune, n int) {
	if !strings.HasPrefix(s, markLeadStr) {
		return 0, 0
	}
	c, size := utf8.DecodeRuneInString(s[len(markLeadStr):])
	switch {
	case c >= markBase && c < markLiteral:
		return 0xD800 + c - markBase, len(markLeadStr) + size
	case c == markLiteral:
		return markLead, len(markLeadStr) + size
	}
	return 0, 0
}

func isHigh(r rune) bool { return 0xD800 <= r && r < 0xDC00 }
func isLow(r rune) bool  { return 0xDC00 <= r && r <= 0xDFFF }

// joiner pairs the surrogate markers of one kind of delta. It holds back a
// high half that ends a delta, until the next delta of the kind shows
// whether its low half follows.
type joiner struct {
	high rune // a high half held back; 0 for none
}

// join returns the text of delta s with its markers read back: a pair
// (across the held half and s, too) as its character, a literal U+FDD0
// as itself, a lone half as U+FFFD. A high half that ends s is held back.
func (j *joiner) join(s string) string {
	if j.high == 0 && !strings.Contains(s, markLeadStr) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	if j.high != 0 {
		s = j.pair(&b, j.high, s)
		j.high = 0
	}
	for {
		i := strings.Index(s, markLeadStr)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		r, n := markAt(s)
		s = s[max(n, len(markLeadStr)):]
		switch {
		case n == 0:
			b.WriteRune(markLead) // not a marker: a U+FDD0 that came another way
		case r == markLead:
			b.WriteRune(markLead)
		case isHigh(r) && s == "":
			j.high = r
		case isHigh(r):
			s = j.pair(&b, r, s)
		default:
			b.WriteRune(utf8.RuneError) // a low half alone
		}
	}
}

// pair writes the character that high makes with a low half at the start
// of s, or U+FFFD when none is there, and returns the rest of s.
func (j *joiner) pair(b *strings.Builder, high rune, s string) string {
	if r, n := markAt(s); n > 0 && isLow(r) {
		b.WriteRune(utf16.DecodeRune(high, r))
		return s[n:]
	}
	b.WriteRune(utf8.RuneError)
	return s
}

// flush returns what is held back, a lone high half: U+FFFD, or "".
func (j *joiner) flush() string {
	if j.high == 0 {
		return ""
	}
	j.high = 0
	return string(utf8.RuneError)
}
