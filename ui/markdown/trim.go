package markdown

import (
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Invisible padding
//
// glamour pads every line to the full width, and in the standard styles
// each padding cell is a space in a colour of its own:
// "\x1b[38;5;252m \x1b[m", 14 bytes for a cell that shows nothing. At 120
// columns that is about 1.5 KB a line, nine tenths of a render: memory kept
// for every line of an answer, and bytes a terminal has to read. A space
// whose attributes only colour its glyph looks like no cell at all on any
// terminal, so the lines a Renderer gives drop such a run at their end. A
// run that sets a background, underline, reverse video or anything else a
// space shows is kept, and so is everything before it, as is a run that
// follows attributes set and not reset.

// TrimPadding returns render with the invisible padding at the end of each
// line dropped: what Render gives for glamour's render of the same text.
func TrimPadding(render string) string {
	lines := strings.Split(render, "\n")
	for i, l := range lines {
		lines[i] = trimLine(l)
	}
	return strings.Join(lines, "\n")
}

// trimLine drops the padding at the end of l: plain spaces while the
// attributes in effect are the defaults (a style without colour pads with
// them), and runs in a glyph-only style (see trimRuns).
func trimLine(l string) string {
	// Dropping a styled run can bare plain padding before it, and the
	// other way round: repeat until nothing changes, so that trimming a
	// trimmed line changes nothing.
	for {
		t := trimRuns(trimPlain(l))
		if t == l {
			return t
		}
		l = t
	}
}

// trimPlain drops the spaces l ends with when no attribute set before them
// is in effect: no SGR on the line, or a reset last.
func trimPlain(l string) string {
	t := strings.TrimRight(l, " ")
	if len(t) == len(l) {
		return l
	}
	// A prepended concatenation mark such as U+0600 joins the space after
	// it into one cell (Unicode's grapheme rule GB9b): that space stays.
	if r, n := utf8.DecodeLastRuneInString(t); n > 0 && joinsSpace(r) {
		t = l[:len(t)+1]
		if len(t) == len(l) {
			return l
		}
	}
	i := strings.LastIndex(t, "\x1b[")
	if i < 0 || strings.HasPrefix(t[i:], "\x1b[m") || strings.HasPrefix(t[i:], "\x1b[0m") {
		return t
	}
	return l
}

// joinsSpace reports whether r and a space after it make one grapheme
// cluster.
func joinsSpace(r rune) bool {
	s := string(r) + " "
	cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
	return len(cluster) == len(s)
}

// trimRuns drops the runs of spaces in a glyph-only style at the end of l:
// an SGR sequence, spaces, and a reset ("\x1b[m" or "\x1b[0m").
func trimRuns(l string) string {
	for {
		rest, ok := cutReset(l)
		if !ok {
			return l
		}
		n := len(rest) - len(strings.TrimRight(rest, " "))
		if n == 0 {
			return l
		}
		rest = rest[:len(rest)-n]
		open := strings.LastIndex(rest, "\x1b[")
		if open < 0 || !strings.HasSuffix(rest, "m") || !invisibleOnSpace(rest[open+2:len(rest)-1]) {
			return l
		}
		// The run adds to the attributes in effect before it: they must be
		// the defaults, after a reset or with no SGR yet on the line.
		before := rest[:open]
		if _, reset := cutReset(before); !reset && strings.Contains(before, "\x1b[") {
			return l
		}
		l = before
	}
}

// cutReset returns l without the SGR reset it ends with.
func cutReset(l string) (string, bool) {
	if s, ok := strings.CutSuffix(l, "\x1b[m"); ok {
		return s, true
	}
	return strings.CutSuffix(l, "\x1b[0m")
}

// invisibleOnSpace reports whether the SGR parameters params (the text
// between "\x1b[" and "m") only set attributes that a space does not show:
// bold, faint, italic, blink, and the foreground colour.
func invisibleOnSpace(params string) bool {
	if params == "" {
		return false // a reset: not padding glamour writes
	}
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		switch p {
		case "1", "2", "3", "5", "22", "23", "25", "39":
		case "38": // 38;5;n or 38;2;r;g;b
			var kind string
			kind, params, _ = strings.Cut(params, ";")
			n := 0
			switch kind {
			case "5":
				n = 1
			case "2":
				n = 3
			default:
				return false
			}
			for range n {
				var d string
				d, params, _ = strings.Cut(params, ";")
				if !digits(d) {
					return false
				}
			}
		default:
			if len(p) != 2 || (p[0] != '3' && p[0] != '9') || p[1] < '0' || p[1] > '7' {
				return false
			}
		}
	}
	return true
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ExpandTabs replaces the tabs that glamour keeps in code blocks with four
// spaces: a terminal would move them to its own tab stops, past the
// layout. Every printer of rendered lines calls it, so that the chat and
// the one-shot show code alike.
func ExpandTabs(l string) string {
	if strings.IndexByte(l, '\t') < 0 {
		return l
	}
	return strings.ReplaceAll(l, "\t", "    ")
}
