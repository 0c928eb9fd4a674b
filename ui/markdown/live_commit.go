package markdown

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Committing a paragraph or a list without glamour
//
// A live frame's bytes are not glamour's (see live.go): glamour styles
// each of goldmark's text nodes on its own, and goldmark cuts a line's
// text where its inline parsers were tried last (at the last space, *, _,
// `, ! or ( of the line), so a line of glamour's output has more SGR runs
// than the live layout makes, and runs that show nothing where its word
// wrap drops a space. To commit a closed paragraph, or a tight list of
// one-line items, whose frames were live without a glamour render, commit
// parses its text with goldmark, set up as glamour sets it up, writes each
// node as glamour does (the styles and marks of its text and spans read
// off the probes, an item's marker and number too), and wraps that with
// glamour's word wrap (lipgloss.Wrap, with a list's breakpoints for a
// list), after the block's margin: glamour's own bytes, built the way
// glamour builds them. The lines around the
// block, and which words are on which line, come from the live layout,
// which must agree with what the wrap made. As for a code block (see
// liveCode.commit), such a piece is checked at Finish when it was not
// sealed by then.

// parser returns a goldmark parser set up as glamour's, for the engine's
// goroutine alone.
func (e *engine) parser() parser.Parser {
	if e.md == nil {
		e.md = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList), goldmark.WithParserOptions(parser.WithAutoHeadingID())).Parser()
	}
	return e.md
}

// commit returns the output of piece, to be committed: a paragraph that
// starts it, or a tight list of one-line items, that only newlines follow
// and that live frames laid out, written as glamour writes it without a
// glamour render.
func (l *liveState) commit(r *Renderer, piece string) (string, bool) {
	if !l.ok || l.start != r.doneEnd || l.style.one || l.lead0 != "" && !l.item {
		return "", false
	}
	lines, ok := l.extend(nil, r.doneEnd, piece)
	if !ok || len(lines) == 0 || !strings.HasPrefix(lines[0], r.doneTail) {
		return "", false
	}
	st := &l.style
	indent, ok := strings.CutSuffix(st.next, st.pre)
	if !ok || strings.Trim(indent, " ") != "" || !strings.HasPrefix(st.first, indent) {
		return "", false
	}
	var blk string
	breaks := ""
	if l.item {
		blk, ok = l.glamourList(r.eng.parser(), strings.TrimRight(piece, "\n"), indent)
		breaks = listBreaks
	} else {
		src := strings.TrimRight(piece[l.at:], "\n")
		if !l.in.parse(src, st) || l.in.open < len(src) || strings.Contains(src, "\n\n") || st.first != indent+st.pre {
			return "", false // glamour would unescape or style what the layout does not know
		}
		blk, ok = glamourInline(r.eng.parser(), []byte(src), st)
	}
	if !ok {
		return "", false
	}
	body := strings.Split(lipgloss.Wrap(blk, l.limit, breaks), "\n")
	after := len(l.lines) - l.k - 1
	top := len(lines) - after - len(body)
	if top < 0 {
		return "", false
	}
	for i, b := range body {
		b = trimLine(indent + b)
		if strings.TrimRight(ansi.Strip(b), " ") != strings.TrimRight(ansi.Strip(lines[top+i]), " ") {
			return "", false // the wrap did not make the live layout's lines
		}
		lines[top+i] = b
	}
	if top > 0 && strings.TrimSpace(ansi.Strip(lines[top-1])) != "" {
		return "", false // a line of the block before those
	}
	return strings.Join(lines, "\n")[len(r.doneTail):], true
}

// glamourList returns a tight list of one-line items, src, the whole of a
// piece, as glamour writes it into the block it wraps: each item's marker
// as the probe of its lead showed it (its number in its place), its text
// as glamourInline writes it, a newline between items. indent is what the
// lines start with before the marker.
func (l *liveState) glamourList(md parser.Parser, src, indent string) (string, bool) {
	st := &l.style
	marker := strings.TrimSuffix(st.first, st.pre)[len(indent):]
	bullets := strings.Contains("- * + ", l.lead0)
	items := strings.Split(src, "\n")
	var b strings.Builder
	first := 0
	for i, line := range items {
		n := listMarker(line)
		if n == 0 || line[0] == ' ' || strings.TrimLeft(line[:n], "0123456789") != strings.TrimLeft(l.lead0, "0123456789") {
			return "", false
		}
		if text := line[n:]; !l.in.parse(text, st) || l.in.open < len(text) {
			return "", false
		}
		m := marker
		if !bullets {
			// glamour numbers the items on from the first's number.
			if i == 0 {
				first, _ = strconv.Atoi(strings.TrimRight(line[:n], ".) "))
			}
			if m = withNumber(marker, strconv.Itoa(first+i)); m == "" {
				return "", false
			}
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m)
		out, ok := glamourInline(md, []byte(line[n:]), st)
		if !ok {
			return "", false
		}
		b.WriteString(out)
	}
	return b.String(), true
}

// glamourInline returns the text of a paragraph, src, as glamour writes it
// into the block it wraps: each of goldmark's text nodes styled on its own,
// emphasis and code spans with the marks and styles st read off probes,
// soft line breaks as spaces. It reports false for anything else.
func glamourInline(md parser.Parser, src []byte, st *liveStyle) (string, bool) {
	doc := md.Parse(text.NewReader(src))
	p := doc.FirstChild()
	if p == nil || p.Kind() != ast.KindParagraph || p.NextSibling() != nil {
		return "", false
	}
	var b strings.Builder
	texts := func(n ast.Node, a, z string, breaks bool) bool {
		t, ok := n.(*ast.Text)
		if !ok || !breaks && (t.SoftLineBreak() || t.HardLineBreak()) || t.HardLineBreak() {
			return false
		}
		s := t.Segment.Value(src)
		if t.SoftLineBreak() {
			s = append(s[:len(s):len(s)], ' ')
		}
		if len(s) > 0 {
			b.WriteString(a)
			b.Write(s)
			b.WriteString(z)
		}
		return true
	}
	for n := p.FirstChild(); n != nil; n = n.NextSibling() {
		switch n.Kind() {
		case ast.KindText:
			if !texts(n, st.pre, st.post, true) {
				return "", false
			}
		case ast.KindEmphasis:
			level := n.(*ast.Emphasis).Level
			if level < 1 || level > 2 || !st.spans[spanEm+level-1].ok {
				return "", false
			}
			sp := &st.spans[spanEm+level-1]
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if !texts(c, sp.a, sp.b, false) {
					return "", false
				}
			}
		case ast.KindCodeSpan:
			sp := &st.spans[spanCode]
			if !sp.ok {
				return "", false
			}
			b.WriteString(sp.a)
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				t, ok := c.(*ast.Text)
				if !ok {
					return "", false
				}
				b.Write(t.Segment.Value(src))
			}
			b.WriteString(sp.b)
		default:
			return "", false
		}
	}
	return b.String(), true
}
