package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// inline is the text of a block read by parse: words of plain text, code
// spans and emphasis, in the subset of CommonMark whose rendering live
// frames are sure of.
type inline struct {
	words []inlineWord
	segs  []inlineSeg
	spans []spanAt
	open  int // where the first opener that nothing closes yet starts, or len(text)
	st    *liveStyle

	proxy  []byte   // the visible text wrap lays out
	starts []int    // where each word starts in it
	lines  [][2]int // the words of each line wrap made: words[l[0]:l[1]]
}

// inlineWord is a word of the text: what glamour's wrap keeps on one line.
type inlineWord struct {
	at       int // where it starts in the text
	seg, end int // its segments are segs[seg:end]
	w        int // its width
}

// inlineSeg is plain text (kind spanKinds) or a span's content.
type inlineSeg struct {
	kind int
	text string
}

// spanAt is a span of the text: text[start:end], marks of n bytes each side.
type spanAt struct{ start, end, n, kind int }

// parse reads text, the block's text from a word's start on, and reports
// whether all of it is in the subset: ASCII letters, digits, single spaces,
// soft line breaks and , . ; : ! ? ' " ( ) |; code spans of single backticks
// around such text and the marks of code (no -, which the wrap breaks at);
// emphasis with one or two * or _ around plain text, neither nested nor
// ambiguous (a run that could both open and close, a closer of another
// length than its opener), as CommonMark's flanking rules read them; and
// marks that nothing closes yet, which show as themselves. A later closer
// would change how such an opener shows: in.open says where the first is.
// Words with "www." are out: linkify may make them links.
func (in *inline) parse(text string, st *liveStyle) bool {
	in.words, in.segs, in.spans, in.open, in.st = in.words[:0], in.segs[:0], in.spans[:0], len(text), st
	em, emc, emn := -1, byte(0), 0 // the emphasis opened and not closed yet
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '`':
			j := strings.IndexByte(text[i+1:], '`')
			if j < 0 { // shows as itself, and so would any mark after it
				in.open = min(in.open, i)
				i++
				continue
			}
			if em >= 0 || !st.spans[spanCode].ok || !codeText(text[i+1:i+1+j]) || strings.HasPrefix(text[i+j+2:], "`") {
				return false // a run of two backticks does not close a span of one
			}
			in.spans = append(in.spans, spanAt{i, i + j + 2, 1, spanCode})
			i += j + 2
			continue
		case c == '*' || c == '_':
			n := 1
			for i+n < len(text) && text[i+n] == c {
				n++
			}
			p, q := byte(' '), byte(' ')
			if i > 0 {
				p = text[i-1]
			}
			if i+n < len(text) {
				q = text[i+n]
			}
			opens, closes := flanking(c, p, q)
			switch {
			case n > 2 || opens && closes:
				return false
			case opens && em >= 0:
				return false
			case opens:
				em, emc, emn = i, c, n
			case closes && em >= 0:
				if c != emc || n != emn || !st.spans[spanEm+n-1].ok {
					return false
				}
				in.spans = append(in.spans, spanAt{em, i + n, n, spanEm + n - 1})
				em = -1
			}
			i += n // or, neither opening nor closing anything, plain text
			continue
		case c == ' ':
			if i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\n') {
				return false // goldmark keeps both, or makes a break
			}
		case c == '\n':
			if em >= 0 || i+1 < len(text) && text[i+1] == ' ' {
				return false
			}
		case c == '.':
			if i >= 3 && strings.EqualFold(text[i-3:i], "www") {
				return false
			}
		case !plainByte(c):
			return false
		}
		i++
	}
	if em >= 0 {
		in.open = min(in.open, em)
	}
	in.build(text, st)
	return true
}

// build cuts text into words at the spaces and line breaks outside spans.
func (in *inline) build(text string, st *liveStyle) {
	var w *inlineWord
	plain := -1 // where the plain text being read started
	endPlain := func(i int) {
		if plain >= 0 {
			in.segs = append(in.segs, inlineSeg{spanKinds, text[plain:i]})
			w.w += i - plain
			plain = -1
		}
	}
	spans := in.spans
	for i := 0; i <= len(text); {
		if i == len(text) || text[i] == ' ' || text[i] == '\n' {
			if w != nil {
				endPlain(i)
				w.end = len(in.segs)
				w = nil
			}
			i++
			continue
		}
		if w == nil {
			in.words = append(in.words, inlineWord{at: i, seg: len(in.segs)})
			w = &in.words[len(in.words)-1]
		}
		if len(spans) > 0 && spans[0].start == i {
			endPlain(i)
			s := spans[0]
			sp := &st.spans[s.kind]
			content := text[s.start+s.n : s.end-s.n]
			in.segs = append(in.segs, inlineSeg{s.kind, content})
			w.w += ansi.StringWidth(sp.va) + len(content) + ansi.StringWidth(sp.vb)
			spans = spans[1:]
			i = s.end
			continue
		}
		if plain < 0 {
			plain = i
		}
		i++
	}
}

// flanking tells whether a run of c between the bytes p and q (a space at
// the text's ends) can open or close emphasis, by CommonMark's rules.
func flanking(c, p, q byte) (opens, closes bool) {
	space := func(b byte) bool { return b == ' ' || b == '\n' }
	left := !space(q) && (!asciiPunct(q) || space(p) || asciiPunct(p))
	right := !space(p) && (!asciiPunct(p) || space(q) || asciiPunct(q))
	if c == '*' {
		return left, right
	}
	return left && (!right || asciiPunct(p)), right && (!left || asciiPunct(q))
}

// asciiPunct reports whether b is ASCII punctuation, as CommonMark has it.
func asciiPunct(b byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", b) >= 0
}

// plainByte reports whether c is text in any markdown context: it cannot
// start any construct, nor change how the text around it renders. A | is
// a table's only where a delimiter row follows, which has a -, and a - is
// never plain.
func plainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(`,.;:!?'"()|`, c) >= 0
}

// codeText reports whether s is the content of a code span that live
// frames show: no space at its ends nor two together, no line break, and
// no - (the wrap may break after it) or other byte outside ASCII's marks.
func codeText(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !plainByte(c) && c != ' ' && strings.IndexByte(`._=[]{}*/+<>!?&|%$#@^~\`, c) < 0 {
			return false
		}
	}
	return true
}

// wrap lays out in.words[j:] as glamour's word wrap does: ansi.Wrap at
// limit cells with the breakpoints breaks, of their visible text after
// lead (what the wrap sees before the first word: a list item's marker),
// one space between words. It records in in.lines the words of each line,
// and returns false if a line breaks anywhere but at a space between two
// words: inside a word that is too long, after a breakpoint, or inside a
// span.
func (in *inline) wrap(j int, lead string, limit int, breaks string) bool {
	b := append(in.proxy[:0], lead...)
	starts := in.starts[:0]
	for n, w := range in.words[j:] {
		if n > 0 {
			b = append(b, ' ')
		}
		starts = append(starts, len(b))
		for _, sg := range in.segs[w.seg:w.end] {
			if sg.kind == spanKinds {
				b = append(b, sg.text...)
				continue
			}
			sp := &in.st.spans[sg.kind]
			b = append(b, sp.va...)
			b = append(b, sg.text...)
			b = append(b, sp.vb...)
		}
	}
	in.proxy, in.starts = b, starts
	proxy := string(b)
	out := ansi.Wrap(proxy, limit, breaks)
	in.lines = in.lines[:0]
	pos, wi := 0, 0
	for {
		i := strings.IndexByte(out, '\n')
		line := out
		if i >= 0 {
			line = out[:i]
		}
		end := pos + len(line)
		if end > len(proxy) || proxy[pos:end] != line {
			return false
		}
		first := wi
		for wi < len(starts) && starts[wi] < end {
			wi++
		}
		in.lines = append(in.lines, [2]int{j + first, j + wi})
		if i < 0 {
			return end == len(proxy)
		}
		if end >= len(proxy) || proxy[end] != ' ' || wi == len(starts) || starts[wi] != end+1 {
			return false
		}
		pos, out = end+1, out[i+1:]
	}
}

// render appends to dst the lines that show the words of in.lines[from:],
// the first after prefix, the next after the style's prefix of the lines
// a block's text wraps onto.
func (in *inline) render(dst []string, from int, prefix string) []string {
	st := in.st
	next := strings.TrimSuffix(st.next, st.pre)
	var b strings.Builder
	for n, ln := range in.lines[from:] {
		if n > 0 {
			prefix = next
		}
		b.Reset()
		b.WriteString(prefix)
		inText := false
		for k, w := range in.words[ln[0]:ln[1]] {
			if k > 0 {
				if !inText {
					b.WriteString(st.pre)
					inText = true
				}
				b.WriteByte(' ')
			}
			for _, sg := range in.segs[w.seg:w.end] {
				if sg.kind == spanKinds {
					if !inText {
						b.WriteString(st.pre)
						inText = true
					}
					b.WriteString(sg.text)
					continue
				}
				if inText {
					b.WriteString(st.post)
					inText = false
				}
				sp := &st.spans[sg.kind]
				b.WriteString(sp.a)
				b.WriteString(sg.text)
				b.WriteString(sp.b)
			}
		}
		if inText {
			b.WriteString(st.post)
		}
		if width := ansi.StringWidth(b.String()); st.pad > width {
			b.WriteString(strings.Repeat(" ", st.pad-width))
		}
		dst = append(dst, b.String())
	}
	return dst
}
