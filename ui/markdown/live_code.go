package markdown

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/charmbracelet/x/ansi"
)

// Live code blocks
//
// While a fenced code block streams in, a frame rendered by glamour costs
// a parse of the piece, chroma's lexing of the whole block and glamour's
// writers and word wrap over every line of its output, most of it in the
// writers. With Options.Live, a frame in which the open piece only grew
// inside a fenced code block (opened in column 0, with a language chroma
// knows, and not closed yet) is made without glamour: the block is lexed
// by chroma, as glamour would lex it, formatted by the same formatter, and
// each line of code is put in the frame as glamour puts it: the document's
// margin, the style left open by the previous line's last token (closed
// before the block's indentation and set again after it), the block's
// indentation, the line's tokens, and a reset if a style is left open.
// That layout is checked at every glamour frame of the block against
// glamour's own lines, all of them, byte for byte; live frames follow only
// a frame where it held. A line glamour's word wrap could break (one near
// the width), a style made of more than one SGR sequence left open at a
// line's end (a layout the check may not have seen), a last line that may be the closing fence,
// or anything unexpected sends the frame to glamour.

// liveCode is what live frames of an open fenced code block build on.
type liveCode struct {
	ok      bool   // live frames of the whole piece may follow
	learned bool   // margin, indent and limit hold for the block at fenceAt
	probed  int    // 1 + where the fence line starts in the text of the last block laid out from a probe, or 0
	start   int    // where the piece starts in the text
	base    string // the piece's text at the last glamour render
	at      int    // where the block's code starts in the piece
	fenceAt int    // where its fence line starts in the text
	fence   container
	head    []string // the lines of that render before the block's code lines
	lexer   chroma.Lexer
	form    chroma.Formatter
	margin  string // the document's margin
	indent  string // the block's indentation, styled
	limit   int    // the widest line of code that glamour surely does not wrap
	buf     strings.Builder
	scratch []codeSeg
}

// codeLang returns the language of a fence's opening line.
func codeLang(opener string, f *container) string {
	lang, _, _ := strings.Cut(strings.TrimSpace(strings.TrimLeft(opener, string(f.fence))), " ")
	return lang
}

// set records the glamour render of the open piece, whose lines are
// lines, and whether live frames can follow it.
func (c *liveCode) set(r *Renderer, start int, piece string, lines []string) {
	c.ok, c.learned = false, false
	o := r.scan.open
	if !r.opts.Live || r.scan.poisoned || o == nil || o.fence == 0 || o.prefix != "" || r.fenceAt < start {
		return
	}
	at := r.fenceAt - start
	nl := strings.IndexByte(piece[at:], '\n')
	if nl < 0 {
		return
	}
	lexer := lexers.Get(codeLang(piece[at:at+nl], o))
	if lexer == nil {
		return // chroma would guess the language from the block
	}
	c.lexer, c.form = chroma.Coalesce(lexer), formatters.Get(ChromaFormatter(r.opts.Style))
	c.at, c.fenceAt, c.fence = at+nl+1, r.fenceAt, *o
	segs, ok := c.format(piece[c.at:])
	if !ok || len(segs) >= len(lines) {
		return
	}
	top := len(lines) - len(segs)
	// The block's first line carries no style from a line before: it shows
	// the margin and the indentation, then its tokens.
	first := segs[0].text + segs[0].reset()
	l := lines[top]
	if first == "" || !strings.HasSuffix(l, first) {
		return
	}
	p := l[:len(l)-len(first)]
	i := strings.IndexByte(p, '\x1b')
	if i < 0 || strings.Trim(p[:i], " ") != "" {
		return
	}
	c.margin, c.indent = p[:i], p[i:]
	c.limit = r.opts.Width - 2*len(c.margin) - ansi.StringWidth(c.indent) - 1
	for k, s := range segs {
		if !c.fits(s.text) || c.line(segs, k) != lines[top+k] {
			return
		}
	}
	c.ok, c.learned, c.start, c.base = true, true, start, piece
	c.head = append(c.head[:0], lines[:top]...)
}

// tail returns the output of the lines of the open piece src from b on,
// where the code cache (code.go) cut the block, as codeCache.from has
// glamour render them: lexed from the context line before b, whose own
// line it drops. It returns false unless the layout was learned on this
// block, whose fence line starts at fenceAt in the text, and the block is
// still open, or closed by a fence that only newlines follow.
func (c *liveCode) tail(r *Renderer, src string, fenceAt, b int) (string, bool) {
	if !c.learned || c.fenceAt != fenceAt || r.scan.poisoned || r.scan.open != nil && r.fenceAt != c.fenceAt || b < 2 {
		return "", false
	}
	ctx := strings.LastIndexByte(src[:b-1], '\n') + 1
	code, closed, live := c.closedAt(src[ctx:])
	if !live || r.scan.open == nil && !closed {
		return "", false
	}
	segs, ok := c.format(code)
	if !ok || len(segs) < 2 {
		return "", false
	}
	var out strings.Builder
	for k := 1; k < len(segs); k++ {
		if !c.fits(segs[k].text) {
			return "", false
		}
		if k > 1 {
			out.WriteByte('\n')
		}
		out.WriteString(c.line(segs, k))
	}
	// As codeCache.from checks: the context line must show the same
	// whether lexed alone or with the lines after it.
	head := c.line(segs, 0)
	if segs, ok = c.format(src[ctx:b]); !ok || c.line(segs, 0) != head {
		return "", false
	}
	return out.String(), true
}

// extend appends to dst the lines of the open piece, which starts at
// start, made live, or returns false if glamour must render it. A block
// closed by a fence that nothing but newlines follows is drawn as the same
// block open: glamour draws it so.
func (c *liveCode) extend(r *Renderer, dst []string, start int, piece string) ([]string, bool) {
	if !c.ok || start != c.start || len(piece) <= len(c.base) || piece[:len(c.base)] != c.base ||
		r.scan.poisoned || r.scan.open != nil && r.fenceAt != c.fenceAt {
		return nil, false
	}
	code, closed, live := c.closedAt(piece[c.at:])
	if !live || r.scan.open == nil && !closed {
		return nil, false
	}
	segs, ok := c.format(code)
	if !ok {
		return nil, false
	}
	out := append(dst, c.head...)
	for k, s := range segs {
		if !c.fits(s.text) {
			return nil, false
		}
		out = append(out, c.line(segs, k))
	}
	return out, true
}

// commit returns the output of piece, to be committed: a fenced code block
// that starts it, closed by a fence that only newlines follow, laid out as
// its live frames are, without glamour. The layout gives glamour's own
// lines, byte for byte, as checked at the block's glamour frame or probe
// (see set); as that check is strong but not a proof, the piece is checked
// at Finish as a piece put together from chunks is.
func (c *liveCode) commit(r *Renderer, piece string) (string, bool) {
	if !c.ok || c.start != r.doneEnd || c.fenceAt != r.doneEnd {
		return "", false
	}
	if _, closed, _ := c.closedAt(piece[min(c.at, len(piece)):]); !closed {
		return "", false
	}
	lines, ok := c.extend(r, nil, r.doneEnd, piece)
	if !ok || len(lines) == 0 || !strings.HasPrefix(lines[0], r.doneTail) {
		return "", false
	}
	return strings.Join(lines, "\n")[len(r.doneTail):], true
}

// closedAt returns code, the block's text, up to the fence that closes
// it (goldmark closes the block at one on the last line, complete or not),
// and whether one did. live is false for frames glamour renders: anything
// but newlines after the fence, or a block closed with no code in it
// (glamour draws it as no lines).
func (c *liveCode) closedAt(code string) (text string, closed, live bool) {
	for at := 0; at < len(code); {
		line := code[at:]
		end := strings.IndexByte(line, '\n')
		if end >= 0 {
			line = line[:end]
		}
		if fenceClose(line, &c.fence) {
			if strings.Trim(code[at+len(line):], "\n") != "" || strings.TrimSpace(code[:at]) == "" {
				return code, false, false
			}
			return code[:at], true, true
		}
		if end < 0 {
			break
		}
		at += end + 1
	}
	return code, false, true
}

// fresh sets the state for a fenced code block that starts the piece and
// is open, from a probe: the block's fence and one line of code, rendered
// once per width, style, fence and partial line before it, in the block's
// place, whose lines before the code are the block's and whose line of
// code gives the layout of the block's lines (see set). It reports
// whether the state is set.
func (c *liveCode) fresh(r *Renderer, start int, piece string) bool {
	o := r.scan.open
	if !r.opts.Live || r.scan.poisoned || o == nil || o.fence == 0 || o.prefix != "" || r.fenceAt != start || c.probed == start+1 {
		return false // once a block: a frame live frames cannot make (a line too wide) would only be lexed again
	}
	nl := strings.IndexByte(piece, '\n')
	if nl < 0 || nl+1 == len(piece) {
		return false
	}
	opener := piece[:nl]
	lexer := lexers.Get(codeLang(opener, o))
	if lexer == nil {
		return false
	}
	c.probed = start + 1
	first, tail := r.doneEnd == 0, r.doneTail
	p := probeOnce(liveKey{kind: 'c', width: r.opts.Width, style: r.opts.Style, lead: opener, tail: tail, first: first}, func() codeProbe {
		var t liveCode
		src := opener + "\n" + liveProbe + "\n"
		out, err := r.eng.piece(first, tail, src)
		if err != nil {
			return codeProbe{}
		}
		if t.set(r, start, src, appendLines(nil, tail+out)); !t.learned {
			return codeProbe{}
		}
		return codeProbe{ok: true, margin: t.margin, indent: t.indent, limit: t.limit, head: t.head}
	})
	if !p.ok {
		return false
	}
	c.ok, c.learned, c.start, c.base, c.at, c.fenceAt, c.fence = true, true, start, piece[:nl+1], nl+1, r.fenceAt, *o
	c.lexer, c.form = chroma.Coalesce(lexer), formatters.Get(ChromaFormatter(r.opts.Style))
	c.margin, c.indent, c.limit = p.margin, p.indent, p.limit
	c.head = append(c.head[:0], p.head...)
	return true
}

// codeProbe is what a probe found of the layout of a code block's lines.
type codeProbe struct {
	ok             bool
	margin, indent string
	limit          int
	head           []string
}

// codeSeg is a line of a code block's formatted output, with the style
// open at its start and at its end.
type codeSeg struct {
	text      string
	open, end string // the SGR sequence in effect at the start and at the end, or ""
}

// reset returns the reset glamour writes at the end of the line.
func (s codeSeg) reset() string {
	if s.end != "" {
		return "\x1b[m"
	}
	return ""
}

// line returns glamour's line k of the block, without its padding.
func (c *liveCode) line(segs []codeSeg, k int) string {
	s := segs[k]
	if s.open == "" {
		return trimLine(c.margin + c.indent + s.text + s.reset())
	}
	return trimLine(c.margin + s.open + "\x1b[m" + c.indent + s.open + s.text + s.reset())
}

// fits reports whether a line of code is narrow enough that glamour's
// word wrap surely leaves it whole (a tab counted as wide as it may show).
func (c *liveCode) fits(text string) bool {
	return ansi.StringWidth(ansi.Strip(text))+8*strings.Count(text, "\t") <= c.limit
}

// format lexes and formats code as glamour has chroma do it, and cuts the
// output into lines. It returns false if a style made of several SGR
// sequences is left open at the end of a line.
func (c *liveCode) format(code string) ([]codeSeg, bool) {
	if !strings.HasSuffix(code, "\n") {
		code += "\n" // goldmark ends the block's last line
	}
	it, err := c.lexer.Tokenise(nil, code)
	if err != nil {
		return nil, false
	}
	c.buf.Reset()
	if err := c.form.Format(&c.buf, styles.Fallback, it); err != nil {
		return nil, false
	}
	out := c.buf.String()
	segs := c.scratch[:0]
	var active string
	for {
		i := strings.IndexByte(out, '\n')
		line := out
		if i >= 0 {
			line = out[:i]
		}
		seg := codeSeg{text: line, open: active}
		joined := false // the last thing read was an SGR sequence
		for rest := line; ; {
			j := strings.Index(rest, "\x1b[")
			if j < 0 {
				break
			}
			m := strings.IndexByte(rest[j:], 'm')
			if m < 0 {
				return nil, false
			}
			switch sgr := rest[j : j+m+1]; {
			case sgr == "\x1b[0m" || sgr == "\x1b[m":
				active = ""
			case joined && j == 0 && active != "":
				active += sgr // a style of several sequences
			default:
				active = sgr
			}
			joined, rest = true, rest[j+m+1:]
		}
		if i >= 0 && strings.Count(active, "\x1b[") > 1 {
			return nil, false // carried to the next line: a layout the check may not have seen
		}
		seg.end = active
		segs = append(segs, seg)
		if i < 0 {
			break
		}
		out = out[i+1:]
	}
	c.scratch = segs
	return segs, true
}
